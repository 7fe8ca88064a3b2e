/* catalog: the rule documentation in rules/docs/FANxxx.md, compiled in.
 * Each doc starts with a header (code, name, summary, severity, default,
 * and optionally `error-when: data-sized`) between `---` lines, followed by
 * the Markdown body. */
#ifndef FANOUT_CATALOG_H
#define FANOUT_CATALOG_H

#include "diag.h"

typedef struct {
  char code[8];
  char *name, *summary, *severity;
  bool default_on;
  bool error_when_data; /* an error where it costs in every task of a data-sized fan-out */
  const char *body;     /* Markdown after the header; points into the embedded file */
} RuleDoc;

typedef Array(RuleDoc) Catalog;

/* Load every embedded rule doc, sorted by code. Malformed headers become
 * diagnostics naming the file and line. Free with catalog_free. */
bool catalog_load(Catalog *c, Diags *diags);
const RuleDoc *catalog_get(const Catalog *c, const char *code);
void catalog_free(Catalog *c);

/* The body of a section ("Example", "Use instead") of a doc: the text of
 * its first ```python block. The caller frees; NULL when absent. */
char *catalog_code_block(const RuleDoc *r, const char *section);

#endif
