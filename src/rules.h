/* rules: the data fanout reasons with, compiled in from rules/.
 * API knowledge (which calls fan out, which are loggers, ...) is one fact per
 * line in rules/NAME.txt: `kind name [key=value ...]`. */
#ifndef FANOUT_RULES_H
#define FANOUT_RULES_H

#include "diag.h"

typedef struct {
  const char *name; /* path under the source tree, e.g. "rules/sites.scm" */
  const char *data; /* NUL-terminated */
  unsigned long len;
} EmbeddedFile;

extern const EmbeddedFile embedded_files[];
extern const unsigned embedded_file_count;

/* The embedded file with this path, or NULL. */
const EmbeddedFile *rules_file(const char *name);

typedef struct {
  const char *kind;
  const char *name;
  const char *attrs; /* "key=value key=value", or "" */
  const char *file;
  uint32_t line;
} Fact;

typedef struct {
  Array(Fact) facts;
  StrMap by_key; /* "kind\tname" -> index of the first fact */
  StrMap first_of_kind, last_of_kind; /* kind -> index of its first and last fact */
  U32Array next_of_kind;             /* per fact: the next of its kind, UINT32_MAX at the end */
  StrArray owned;
} Knowledge;

/* Parse every rules/NAME.txt file into `k`. Returns false and adds diagnostics
 * naming file and line for malformed lines. Free with knowledge_free. */
bool knowledge_load(Knowledge *k, Diags *diags);
/* Parse one more text in the same format (a user's extra facts). */
bool knowledge_add_text(Knowledge *k, const char *file, const char *text, Diags *diags);
/* The fact (kind, name), or NULL. */
const Fact *knowledge_get(const Knowledge *k, const char *kind, const char *name);
static inline bool knowledge_has(const Knowledge *k, const char *kind, const char *name) {
  return knowledge_get(k, kind, name) != 0;
}
/* Value of `key` in a fact's attributes, copied into buf; false when absent. */
bool fact_attr(const Fact *f, const char *key, char *buf, size_t size);
/* The facts of one kind in file order: the first (NULL: none) and the one
 * after `f`. A walk costs the facts of that kind, not all of them. */
const Fact *knowledge_first(const Knowledge *k, const char *kind);
const Fact *knowledge_next(const Knowledge *k, const Fact *f);
void knowledge_free(Knowledge *k);

#endif
