/* facts_filter: whether a file can hold a finding of its own, from its text
 * before any parse. A file that cannot is parsed only when one that can
 * imports it (project.c), so the test decides most of `check`'s time. It
 * looks at the code only: words in comments and string literals (docstrings
 * that say "wait" or "sleep") do not count, but a comment naming a FAN code
 * (a noqa) does, and an f-string's text stays, its fields being code. */
#define _GNU_SOURCE /* memmem */
#include <stdlib.h>
#include <string.h>

#include "facts_walk.h"

/* Whether the string literal whose quote is at text[to] is an f-string: the
 * name just before the quote is a string prefix with an f in it (f, rf, fr,
 * any case). */
static bool f_string(const char *text, size_t to) {
  size_t from = to;
  while (from > 0 && str_ident_byte((unsigned char)text[from - 1])) from--;
  bool f = false;
  for (size_t i = from; i < to; i++) {
    char c = text[i];
    if (c == 'f' || c == 'F')
      f = true;
    else if (c != 'r' && c != 'R' && c != 'b' && c != 'B' && c != 'u' && c != 'U')
      return false;
  }
  return f && to - from <= 2;
}

/* The end of the string literal whose quote is at text[i] (one past its
 * closing quote), or 0 when it does not end: the parser recovers there in
 * ways a scan cannot follow. Backslashes escape the next byte (in raw strings
 * too, as Python's tokenizer reads them). */
static size_t string_end(const char *text, size_t len, size_t i) {
  char q = text[i];
  bool triple = i + 2 < len && text[i + 1] == q && text[i + 2] == q;
  for (size_t j = i + (triple ? 3 : 1); j < len; j++) {
    if (text[j] == '\\') {
      j++;
    } else if (text[j] == q && (!triple || (j + 2 < len && text[j + 1] == q && text[j + 2] == q))) {
      return j + (triple ? 3 : 1);
    } else if (text[j] == '\n' && !triple) {
      return 0;
    }
  }
  return 0;
}

/* A copy of the text with comments (but those naming a FAN code) and the
 * contents of string literals (but f-strings) blanked; NULL when a string
 * does not end. The caller frees. */
static char *code_only(const char *text) {
  size_t len = strlen(text);
  char *out = xmalloc(len + 1);
  memcpy(out, text, len + 1);
  for (size_t i = 0; i < len;) {
    char c = text[i];
    if (c == '#') {
      size_t e = i;
      while (e < len && text[e] != '\n') e++;
      if (!memmem(text + i, e - i, "FAN", 3)) memset(out + i, ' ', e - i);
      i = e;
    } else if (c == '"' || c == '\'') {
      size_t e = string_end(text, len, i);
      if (!e) {
        free(out);
        return NULL;
      }
      if (!f_string(text, i)) memset(out + i + 1, ' ', e - i - 2);
      i = e;
    } else {
      i++;
    }
  }
  return out;
}

/* Every rule starts from one of these: an async def or await (FAN1, FAN2,
 * FAN5, FAN6, FAN7 live in async code or fan-outs), a sleep in a retry loop
 * (FAN4 in sync code), a retry library's decorator, a noqa naming a code; or
 * from a fan-out name of rules/sites.scm. */
static bool mentions(const FactsContext *ctx, const char *text) {
  static const char *const words[] = {"async", "await", "anyio",   "trio",    "sleep",
                                      "retry", "Retry", "backoff", "stamina", "FAN"};
  for (size_t i = 0; i < sizeof words / sizeof *words; i++)
    if (strstr(text, words[i])) return true;
  return query_may_match(ctx->sites, text);
}

bool facts_may_matter(const FactsContext *ctx, const char *text) {
  if (!mentions(ctx, text)) return false; /* most files: no scan needed */
  char *code = code_only(text);
  if (!code) return true;
  bool may = mentions(ctx, code);
  free(code);
  return may;
}
