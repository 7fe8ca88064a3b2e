/* policy: what every command shows. Built once from configuration and
 * command line: which codes are selected, ignored and ignored per file,
 * which code besides production code is shown (where.h), the lowest
 * confidence shown and the severity that fails a run. `policy_run` runs
 * the checks, grades each finding's severity by what the code shows about
 * its cost, and keeps what the policy shows; check, report, trace, map and
 * lsp all take their findings from it, so they agree. */
#ifndef FANOUT_POLICY_H
#define FANOUT_POLICY_H

#include "config.h"
#include "findings.h"
#include "project.h"

/* Codes a path pattern ignores (`[tool.fanout.per-file-ignores]`). */
typedef struct {
  char *pattern; /* fnmatch pattern on the path, e.g. "tests/<star>" */
  StrArray codes;
} FileCodes;

typedef struct {
  /* --select/--ignore/--extend-select: codes and prefixes ("FAN1",
   * "FAN50"); without --select the default-on codes */
  StrArray select, ignore, extend_select;
  Array(FileCodes) per_file;
  char *root;       /* the configuration's directory (absolute): per-file patterns match below it */
  uint32_t include; /* CodeKind bits shown besides production code; 0: production only */
  bool high_only;   /* --min-confidence high: findings resting on inference not shown */
  Severity fail_on; /* the lowest severity that fails a run (default: any finding) */
  /* given on the command line: the configuration's value does not apply */
  bool include_given, confidence_given, fail_on_given;
} Policy;

/* The configuration below the command line: its select applies when the
 * command line gave none; ignore, extend-select and per-file-ignores add;
 * include, min-confidence and fail-on apply unless given. */
void policy_configure(Policy *pol, const Config *c);
/* Add the code kinds a comma-separated list names (tests, examples, docs,
 * scripts, all) to the policy; false for another word (*bad set to it; the
 * caller frees). */
bool policy_include(Policy *pol, const char *list, char **bad);

bool policy_enabled(const Policy *pol, const char *code, bool default_on);
/* Whether a per-file ignore covers `code` at `path`. */
bool policy_file_ignores(const Policy *pol, const char *path, const char *code);
void policy_free(Policy *pol);

/* A finding shown and a fan-out site (index into Index.sites) it concerns:
 * at the site, or in a function the site's tasks run. */
typedef struct {
  uint32_t site, finding;
} SiteFinding;

/* What a run left out besides the codes not selected, and where it is. */
typedef struct {
  uint32_t suppressed;        /* by a `# noqa` on their line */
  uint32_t hidden;            /* in tests, examples, docs or scripts the policy does not include */
  uint32_t low_confidence;    /* resting on inference, below --min-confidence */
  U32Array hidden_in;         /* the file of each hidden one */
  Array(SiteFinding) by_site; /* sorted by site, then finding */
  bool cut; /* a memoized answer was cut short (Model.cut): a parallel run of the checks would
               have been done again on one thread */
} PolicyRun;

/* Run the checks and keep, sorted, the findings the policy shows: codes it
 * enables, not ignored for their file, in code it includes, confident
 * enough, with no `# noqa` on their line. Each carries its severity. With
 * FAN900 selected, a `# noqa: FANxxx` code that suppressed nothing is a
 * finding. The checks run on two threads when the project's jobs allow and
 * checks_alone is not set; the findings are those of one thread whatever
 * happens (see policy.c). Free run with policy_run_free. */
void policy_run(const Policy *pol, const Project *p, Findings *out, PolicyRun *run);
void policy_run_free(PolicyRun *run);
/* Whether the findings fail the run: one at or above fail_on. */
bool policy_fails(const Policy *pol, const Findings *fs);

#endif
