/* where: what a file is for, from its path. Findings in code that does not
 * run in production (tests, examples, docs, scripts) are worth less to a
 * team fixing its pipeline; the file is still analyzed so that calls into
 * and out of it resolve. */
#ifndef FANOUT_WHERE_H
#define FANOUT_WHERE_H

#include <stdbool.h>
#include <stdint.h>

typedef enum {
  CODE_PRODUCTION = 0,
  CODE_TEST = 1u << 0,    /* tests/, test/, test_*.py, *_test.py, conftest.py */
  CODE_EXAMPLE = 1u << 1, /* examples/, example/, samples/ */
  CODE_DOCS = 1u << 2,    /* docs/, doc/ */
  CODE_SCRIPT = 1u << 3,  /* scripts/, migrations/ */
  CODE_STARTUP = 1u << 4, /* not a file kind: a function that runs once (policy.c) */
  CODE_ALL_SUPPORT = CODE_TEST | CODE_EXAMPLE | CODE_DOCS | CODE_SCRIPT | CODE_STARTUP,
} CodeKind;

/* The kind of the file at `path` (a relative or absolute path): the first
 * directory component or file name that says so, test first. */
CodeKind where_code(const char *path);
/* The kind a name given on the command line or in configuration means
 * ("tests", "examples", "docs", "scripts", "startup", "all"), or -1. */
int where_kind_named(const char *name);

#endif
