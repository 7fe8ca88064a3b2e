/* template: log message templates and the regular expressions that match the
 * lines they produce. A template is UTF-8 text with holes (TEMPLATE_HOLE
 * below): "search done: query=\1a docs=\1d". */
#ifndef FANOUT_TEMPLATE_H
#define FANOUT_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* Log message templates: literal UTF-8 bytes, with each hole written as
 * TEMPLATE_HOLE followed by a type byte: 'a' any text, 'd' integer, 'f' number,
 * or '0'+i for "parameter i of the enclosing function" (thin log wrappers). */
#define TEMPLATE_HOLE '\x01'

/* Append the decoded text of a Python string literal's body to `out`
 * (escape sequences unless `raw`; `{{`/`}}` in f-strings). */
void template_unescape(const char *s, size_t n, bool raw, bool fstring, StrBuf *out);
/* Hole type for a format spec ("5d" -> 'd', ".2f" -> 'f', else 'a'). */
char template_spec_type(const char *spec, size_t n);
/* Turn %-format specs of a template into holes (%% becomes %). */
void template_convert_percent(const char *tmpl, StrBuf *out);
/* Turn str.format fields of a template into holes ({{ becomes {). */
void template_convert_format(const char *tmpl, StrBuf *out);
/* Bytes of literal text in a template, not counting spaces. */
size_t template_literal_len(const char *tmpl);
/* Replace hole '0'+param with `arg` (another template). The caller frees. */
char *template_substitute(const char *tmpl, unsigned param, const char *arg);
/* Replace each hole '0'+i (i < nargs) with args[i] (a template), or with a
 * plain hole when args[i] is NULL; other holes stay. The caller frees. */
char *template_substitute_all(const char *tmpl, char *const *args, unsigned nargs);
/* The template of a string literal's source text (`'x'`, `f"n={n}"`): an
 * f-string's fields, and a plain string's str.format fields (what a helper
 * that formats its message fills), become holes. NULL when `src` is not one
 * string literal. The caller frees. */
char *template_of_literal(const char *src);

typedef struct TemplateRegex TemplateRegex;

/* A PCRE2 pattern matching lines the template produces anywhere in a line
 * (so a pasted line with timestamp, level and logger name matches). Uses the
 * template's first line with at least 3 literal characters. Returns NULL when
 * the template has too little literal text to be told apart from others.
 * Free with template_regex_free. */
TemplateRegex *template_regex_new(const char *tmpl);
/* The pattern source, for tests and --verbose output. */
const char *template_regex_pattern(const TemplateRegex *re);
/* Whether `line` contains text the template produces. */
bool template_regex_match(const TemplateRegex *re, const char *line, size_t n);
/* The same with the caller's pcre2_match_data (any size): for several
 * threads matching one regex at once. `checked`: the caller knows the line
 * is valid UTF-8 (PCRE2 would check it again on every call). */
bool template_regex_match_in(const TemplateRegex *re, const char *line, size_t n, void *match_data,
                             bool checked);
/* Whether a line made the template's match backtrack past PCRE2's match or
 * depth limit; it then matches nothing more (the caller says so once). */
bool template_regex_gave_up(const TemplateRegex *re);
void template_regex_free(TemplateRegex *re);

/* Printable form of a template (holes shown as {}). The caller must free it. */
char *template_display(const char *tmpl);

#endif
