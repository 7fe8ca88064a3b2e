/* liblines: rules/liblines.spec loaded and checked (each entry's example
 * must fit its anchor and pattern) and matched against log lines: one
 * literal anchor test per entry, then its PCRE2 pattern under a match limit. */
#define _GNU_SOURCE /* memmem */
#include "liblines.h"

#include <stdlib.h>
#include <string.h>

#include "rules.h"

#define SPEC "rules/liblines.spec"
/* A library's line is short and its pattern simple: a match that needs more
 * steps than this is no such line (and cannot stall the reader). */
#define MATCH_LIMIT 100000

const char *libevent_name(LibEvent e) {
  switch (e) {
  case LIB_REQUEST: return "request";
  case LIB_RETRY: return "retry";
  case LIB_GIVEUP: return "giveup";
  case LIB_SERVED: return "served";
  case LIB_STALL: return "stall";
  default: return "none";
  }
}

static LibEvent event_named(const char *s) {
  for (LibEvent e = LIB_REQUEST; e <= LIB_STALL; e++)
    if (strcmp(s, libevent_name(e)) == 0) return e;
  return LIB_NONE;
}

static bool tie_named(const char *s, LibTie *out) {
  static const char *const names[] = {"none", "qualname", "request"};
  for (int i = 0; i < 3; i++)
    if (strcmp(s, names[i]) == 0) return *out = (LibTie)i, true;
  return false;
}

/* Check an entry when it is complete: every key it needs, a pattern that
 * compiles, an example it matches. */
static bool finish(LibLine *e, const char *pattern, const char *file, Diags *diags) {
  const char *missing = !e->name[0]   ? "name"
                        : !e->library ? "library"
                        : !e->loggers ? "logger"
                        : !e->anchor  ? "anchor"
                        : !pattern    ? "pattern"
                        : !e->event   ? "event"
                        : !e->example ? "example"
                                      : NULL;
  if (missing) {
    diags_add(diags, DIAG_ERROR, file, e->line, "line %s: no `%s`", e->name, missing);
    return false;
  }
  int err;
  PCRE2_SIZE off;
  e->re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, PCRE2_UTF, &err, &off, NULL);
  if (!e->re) {
    PCRE2_UCHAR why[120];
    pcre2_get_error_message(err, why, sizeof why);
    diags_add(diags, DIAG_ERROR, file, e->line, "line %s: pattern: %s at offset %zu", e->name,
              (const char *)why, (size_t)off);
    return false;
  }
  pcre2_jit_compile(e->re, PCRE2_JIT_COMPLETE);
  pcre2_match_data *md = pcre2_match_data_create_from_pattern(e->re, NULL);
  bool fits =
      strstr(e->example, e->anchor) &&
      pcre2_match(e->re, (PCRE2_SPTR)e->example, PCRE2_ZERO_TERMINATED, 0, 0, md, NULL) >= 0;
  pcre2_match_data_free(md);
  if (!fits)
    diags_add(diags, DIAG_ERROR, file, e->line, "line %s: the example does not fit %s", e->name,
              strstr(e->example, e->anchor) ? "the pattern" : "the anchor");
  return fits;
}

static void entry_free(LibLine *e) {
  free(e->name);
  free(e->library);
  free(e->loggers);
  free(e->anchor);
  free(e->example);
  pcre2_code_free(e->re);
}

/* One `key value` line of the entry `cur` (a pattern goes to *pattern,
 * compiled when the entry ends). False (with a diagnostic) for an unknown
 * key, event or tie. */
static bool entry_key(LibLine *cur, char **pattern, const char *key, const char *value,
                      const char *file, uint32_t lineno, Diags *diags) {
  if (strcmp(key, "library") == 0 || strcmp(key, "logger") == 0 || strcmp(key, "anchor") == 0 ||
      strcmp(key, "example") == 0 || strcmp(key, "pattern") == 0) {
    char **slot = key[0] == 'l' && key[1] == 'i' ? &cur->library
                  : key[0] == 'l'                ? &cur->loggers
                  : key[0] == 'a'                ? &cur->anchor
                  : key[0] == 'e'                ? &cur->example
                                                 : pattern;
    free(*slot);
    *slot = xstrdup(value);
  } else if (strcmp(key, "event") == 0) {
    cur->event = event_named(value);
    if (!cur->event) {
      diags_add(diags, DIAG_ERROR, file, lineno, "unknown event `%s`", value);
      return false;
    }
  } else if (strcmp(key, "tie") == 0) {
    if (!tie_named(value, &cur->tie)) {
      diags_add(diags, DIAG_ERROR, file, lineno, "unknown tie `%s`", value);
      return false;
    }
  } else if (strcmp(key, "level") != 0 && strcmp(key, "source") != 0) {
    diags_add(diags, DIAG_ERROR, file, lineno, "unknown key `%s`", key);
    return false;
  }
  return true;
}

/* Read the spec a line at a time: `line NAME` opens an entry and `key value` lines fill it; an
 * entry is checked and compiled when the next opens or the text ends. A bad entry is dropped with a
 * diagnostic and the rest still load. */
bool liblines_load(LibLines *ll, const char *file, const char *text, Diags *diags) {
  memset(ll, 0, sizeof *ll);
  if (!text) {
    const EmbeddedFile *ef = rules_file(SPEC);
    if (!ef) {
      diags_add(diags, DIAG_ERROR, SPEC, 0, "not built in");
      return false;
    }
    file = SPEC;
    text = ef->data;
  }
  Array(LibLine) out = {0};
  LibLine cur = {0};
  char *pattern = NULL;
  bool ok = true, open = false;
  uint32_t lineno = 0;
  for (const char *p = text; *p;) {
    size_t n = strcspn(p, "\n");
    lineno++;
    char *line = xstrndup(p, n);
    p += n + (p[n] == '\n');
    char *s = line + strspn(line, " \t");
    size_t len = strlen(s);
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r')) s[--len] = '\0';
    if (!*s || *s == '#') {
      free(line);
      continue;
    }
    char *key = s, *value = s + strcspn(s, " \t");
    if (*value) *value++ = '\0';
    value += strspn(value, " \t");
    if (strcmp(key, "line") == 0) {
      if (open && finish(&cur, pattern, file, diags))
        array_push(&out, cur);
      else if (open)
        ok = false, entry_free(&cur);
      free(pattern);
      pattern = NULL;
      memset(&cur, 0, sizeof cur);
      cur.name = xstrdup(value);
      cur.line = lineno;
      open = true;
    } else if (!open || !*value) {
      diags_add(diags, DIAG_ERROR, file, lineno, "expected `line NAME` or `key value`");
      ok = false;
    } else {
      ok &= entry_key(&cur, &pattern, key, value, file, lineno, diags);
    }
    free(line);
  }
  if (open && finish(&cur, pattern, file, diags))
    array_push(&out, cur);
  else if (open)
    ok = false, entry_free(&cur);
  free(pattern);
  ll->items = out.items;
  ll->len = out.len;
  ll->mc = pcre2_match_context_create(NULL);
  pcre2_set_match_limit(ll->mc, MATCH_LIMIT);
  return ok;
}

void liblines_free(LibLines *ll) {
  for (uint32_t i = 0; i < ll->len; i++) entry_free(&ll->items[i]);
  free(ll->items);
  pcre2_match_context_free(ll->mc);
  memset(ll, 0, sizeof *ll);
}

/* Whether a log's logger name is one the entry's library writes with. */
static bool logger_fits(const char *loggers, const char *logger, size_t n) {
  if (!n) return true; /* the log does not say */
  for (const char *w = loggers; *w;) {
    size_t k = strcspn(w, " ");
    if ((k == 1 && w[0] == '*') || (k == n && memcmp(w, logger, n) == 0) ||
        (k && w[k - 1] == '.' && k - 1 <= n && memcmp(w, logger, k - 1) == 0))
      return true;
    w += k + strspn(w + k, " ");
  }
  return false;
}

static bool group(const LibLine *e, pcre2_match_data *md, const char *name, const char *msg,
                  const char **at, size_t *len) {
  int g = pcre2_substring_number_from_name(e->re, (PCRE2_SPTR)name);
  if (g < 0) return false;
  PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
  if ((uint32_t)g >= pcre2_get_ovector_count(md) || ov[2 * g] == PCRE2_UNSET) return false;
  *at = msg + ov[2 * g];
  *len = ov[2 * g + 1] - ov[2 * g];
  return true;
}

/* The first entry in spec order whose anchor, logger and pattern all match wins, and its named
 * groups fill `out`. A line announcing a first attempt is no retry: its event is LIB_NONE. */
bool liblines_match(const LibLines *ll, pcre2_match_data *md, const char *logger, size_t logger_len,
                    const char *msg, size_t n, const uint64_t *found, uint32_t first,
                    LibMatch *out) {
  memset(out, 0, sizeof *out);
  out->entry = -1;
  out->delay = -1;
  bool hit = false;
  for (uint32_t i = 0; i < ll->len && !hit; i++) {
    const LibLine *e = &ll->items[i];
    uint32_t bit = first + i;
    /* the automaton ignores case; the anchor is matched as written */
    if ((found && !(found[bit / 64] >> (bit % 64) & 1)) ||
        !memmem(msg, n, e->anchor, strlen(e->anchor)))
      continue;
    if (!logger_fits(e->loggers, logger, logger_len)) continue;
    if (pcre2_match(e->re, (PCRE2_SPTR)msg, n, 0, 0, md, ll->mc) < 0) continue;
    hit = true;
    out->entry = (int32_t)i;
    out->event = e->event;
    const char *s;
    size_t k;
    if (group(e, md, "status", msg, &s, &k) && k == 3)
      out->status = (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
    if (group(e, md, "delay", msg, &s, &k)) {
      char buf[32];
      if (k >= sizeof buf) k = sizeof buf - 1;
      memcpy(buf, s, k);
      buf[k] = '\0';
      out->delay = strtod(buf, NULL);
    }
    for (int g = 0; g < 2; g++) /* an attempt's ordinal ("3rd") */
      if (group(e, md, g ? "failed" : "attempt", msg, &s, &k)) {
        for (size_t d = 0; d < k && d < 6; d++) out->attempt = out->attempt * 10 + (s[d] - '0');
        out->failed = g;
      }
    if (out->event == LIB_RETRY && out->attempt && !out->failed && out->attempt < 2)
      out->event = LIB_NONE; /* the first attempt starts: no retry yet */
    group(e, md, "method", msg, &out->method, &out->method_len);
    group(e, md, "url", msg, &out->url, &out->url_len);
    group(e, md, "target", msg, &out->target, &out->target_len);
  }
  return hit;
}
