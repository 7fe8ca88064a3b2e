/* emit: findings as text (flake8 style), JSON, SARIF, GitHub annotations and Markdown. */
#ifndef FANOUT_EMIT_H
#define FANOUT_EMIT_H

#include "findings.h"

/* `path:line:col: CODE message`, one per line; with `colour`, ANSI colours
 * (the caller decides: a TTY and no NO_COLOR). */
void emit_text(const Findings *fs, const Index *ix, bool colour, StrBuf *out);
/* One JSON document: version, findings (with evidence, next_step, validate,
 * related locations) and counts. */
void emit_json(const Findings *fs, const Index *ix, uint32_t files, StrBuf *out);
/* GitHub Actions workflow commands: `::warning file=...,line=...,col=...,title=FAN101::msg`. */
void emit_github(const Findings *fs, const Index *ix, StrBuf *out);
/* The report a person reads: findings grouped by the function they are in
 * (the orchestrator), each with Location, Evidence, Diagnosis, Next step and
 * Validation. */
void emit_markdown(const Findings *fs, const Index *ix, uint32_t files, StrBuf *out);
/* SARIF 2.1.0: one run, one rule per code of the rule table (descriptions, helpUri,
 * default level), results with logical locations, related locations and
 * partialFingerprints that survive unrelated edits (they hash the code, the
 * function and the reported line's text, not its number). `home` is the base
 * URI of the rule docs; `cwd` the absolute directory paths are relative to. */
void emit_sarif(const Findings *fs, const Index *ix, const char *home, const char *cwd,
                StrBuf *out);
/* Append `s` as a JSON string literal. */
void emit_json_string(StrBuf *out, const char *s);

#endif
