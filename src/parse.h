/* parse: the Python grammar and tree-sitter parsing. */
#ifndef FANOUT_PARSE_H
#define FANOUT_PARSE_H

#include <stdint.h>
#include <tree_sitter/api.h>

/* The Python language, fetched and verified at build time. */
const TSLanguage *parse_language(void);

/* Parse `len` bytes of UTF-8; with `old`, reuse its unchanged parts (the
 * caller has applied ts_tree_edit to it). Returns NULL on failure (or when
 * parsing took longer than the parser allows). The caller must free the tree
 * with ts_tree_delete. */
TSTree *parse_source(const char *text, uint32_t len, const TSTree *old);

#endif
