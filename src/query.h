/* query: tree-sitter queries from rules/NAME.scm with host-evaluated predicates.
 * The runtime leaves every predicate to the host; fanout evaluates #eq?,
 * #not-eq?, #match?, #not-match? (PCRE2), #any-of?, #not-any-of? and the
 * directive #set! key "value", and rejects any other predicate when loading. */
#ifndef FANOUT_QUERY_H
#define FANOUT_QUERY_H

#include <tree_sitter/api.h>

#include "diag.h"

typedef struct Query Query;

/* Compile `source` (named `file` in diagnostics). Returns NULL and adds a
 * diagnostic naming file and line on a syntax error or unknown predicate.
 * Free with query_free. */
Query *query_new(const TSLanguage *lang, const char *file, const char *source, Diags *diags);
void query_free(Query *q);

/* Index of the capture named `name`, or -1. */
int query_capture_index(const Query *q, const char *name);
/* Value of a `#set! key "value"` directive of a pattern, or NULL. */
const char *query_setting(const Query *q, uint32_t pattern, const char *key);

/* Whether `q` can match in a file whose NUL-terminated source is `text`: false
 * when every pattern compares a capture with literal strings (#eq?, #any-of?)
 * none of which occurs in the text. Exact as a filter: the text of a capture
 * is part of the source, so a `false` skips only files that cannot match. */
bool query_may_match(const Query *q, const char *text);

typedef struct {
  const Query *query;
  TSQueryCursor *cursor;
  const char *text; /* source the tree was parsed from */
} QueryRun;

/* Start matching `q` under `root`. Free with query_run_end. */
void query_run_begin(QueryRun *run, const Query *q, TSNode root, const char *text);
/* Match again under `node` (the same cursor, the same query), for nodes that
 * start before byte `end` only: `node` and its head (a call and its callee),
 * not what follows (its arguments). */
void query_run_head(QueryRun *run, TSNode node, uint32_t end);
/* Next match whose predicates all hold; false at the end. */
bool query_run_next(QueryRun *run, TSQueryMatch *match);
void query_run_end(QueryRun *run);

/* The node of capture `index` in `match`; false when the capture is absent. */
bool query_match_capture(const TSQueryMatch *match, int index, TSNode *node);

#endif
