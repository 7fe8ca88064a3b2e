/* emit: findings as text (flake8 style) and JSON. */
#ifndef FANOUT_EMIT_H
#define FANOUT_EMIT_H

#include "catalog.h"
#include "findings.h"

/* `path:line:col: CODE message`, one per line. */
void emit_text(const Findings *fs, const Index *ix, StrBuf *out);
/* One JSON document: version, findings (with evidence, next_step, validate,
 * related locations) and counts. */
void emit_json(const Findings *fs, const Index *ix, const Catalog *cat, uint32_t files,
               StrBuf *out);
/* Append `s` as a JSON string literal. */
void emit_json_string(StrBuf *out, const char *s);

#endif
