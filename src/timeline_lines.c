/* timeline_lines: what one line of a log says, apart from the lines before
 * it: the project callsite that wrote it (an automaton of the templates'
 * literal anchors, then the template's expression under PCRE2 limits), a
 * library's line (rules/liblines.spec), a start or end marker, a retry.
 * Classifying runs on any thread; O(line) plus the expressions of the
 * callsites whose anchors the line holds. */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "timeline_reader.h"

#include "logline.h"

static int cmp_matchers(const void *a, const void *b) {
  size_t x = template_literal_len(((const Matcher *)a)->site->tmpl);
  size_t y = template_literal_len(((const Matcher *)b)->site->tmpl);
  return x > y ? -1 : x < y;
}

static char *longest_literal(const char *tmpl) {
  const char *best = tmpl;
  size_t best_n = 0;
  for (const char *p = tmpl; *p;) {
    size_t n = strcspn(p, "\x01");
    if (n > best_n) best = p, best_n = n;
    p += n;
    if (*p) p += p[1] ? 2 : 1;
  }
  return xstrndup(best, best_n);
}

static pcre2_code *compile(const char *pattern) {
  int err;
  PCRE2_SIZE off;
  pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
                                 PCRE2_CASELESS | PCRE2_UTF, &err, &off, NULL);
  if (re) pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
  return re;
}

/* Words one of which any line retry_re matches holds (a prefilter: the
 * regex decides). */
static const char *const retry_words[] = {
    "retr", "rate", "too many requests", "429",    "502", "503",
    "504",  "time", "backing off",       "backoff"};
#define RETRY_WORDS (sizeof retry_words / sizeof *retry_words)

/* Whether a message's first word may begin a start or end marker (a
 * prefilter for start_re and end_re, which are anchored at the start). */
static bool marker_word(const char *msg, size_t n) {
  static const struct {
    const char *word;
    size_t len;
  } words[] = {{"starting", 8},  {"start", 5},   {"beginning", 9}, {"begin", 5},
               {"entering", 8},  {"running", 7}, {"finished", 8},  {"done", 4},
               {"completed", 9}, {"ending", 6},  {"end", 3},       {"leaving", 7}};
  size_t w = 0;
  while (w < n && w < 10 && ((msg[w] | 0x20) >= 'a' && (msg[w] | 0x20) <= 'z')) w++;
  for (size_t i = 0; i < sizeof words / sizeof *words; i++)
    if (words[i].len == w && strncasecmp(msg, words[i].word, w) == 0) return true;
  return false;
}

void timeline__setup(Reader *r) {
  trace_callsites(r->ix, &r->sites);
  for (uint32_t i = 0; i < r->sites.len; i++) {
    Matcher m = {0};
    m.tie = -1;
    m.site = &r->sites.items[i];
    m.re = template_regex_new(m.site->tmpl);
    if (!m.re) continue;
    m.anchor = longest_literal(m.site->tmpl);
    m.anchor_len = strlen(m.anchor);
    array_push(&r->matchers, m);
  }
  if (r->matchers.len) qsort(r->matchers.items, r->matchers.len, sizeof(Matcher), cmp_matchers);
  Diags ignored = {0}; /* the built-in data is checked by the tests */
  liblines_load(&r->lib, NULL, NULL, &ignored);
  diags_free(&ignored);
  r->lib_first = r->matchers.len + RETRY_WORDS;
  trace_request_calls(r->ix, &r->req_calls);
  uint32_t n = r->lib_first + r->lib.len;
  const char **pats = xcalloc(n, sizeof(char *));
  size_t *lens = xcalloc(n, sizeof(size_t));
  for (uint32_t i = 0; i < n; i++) {
    pats[i] = i < r->matchers.len ? r->matchers.items[i].anchor
              : i < r->lib_first  ? retry_words[i - r->matchers.len]
                                  : r->lib.items[i - r->lib_first].anchor;
    lens[i] = strlen(pats[i]);
  }
  r->anchors = multimatch_new(pats, lens, n, 64u << 20);
  r->words = (n + 63) / 64;
  free(pats);
  free(lens);
  r->retry_re = compile("retr(?:y|ying|ied|ies)|rate[ -]?limit|too many requests|\\b429\\b|"
                        "\\b50[234]\\b|timed? ?out|backing off|backoff");
  r->delay_re = compile("\\bin\\s+([0-9]{1,6}(?:\\.[0-9]{1,6})?)\\s*(?:s|secs?|seconds?)\\b");
  r->start_re = compile("^(?:starting|start|begin(?:ning)?|entering|running)\\s+(?:the\\s+)?"
                        "([\\w.-]+)(?:\\s+(?:phase|stage|step))?\\b");
  r->end_re = compile("^(?:finished|done|completed|ending|end|leaving)\\s+(?:the\\s+)?"
                      "([\\w.-]+)(?:\\s+(?:phase|stage|step))?\\b");
  r->md = pcre2_match_data_create(8, NULL);
}

void timeline__resolve(Reader *r, Matcher *m) {
  if (m->resolved) return;
  m->resolved = true;
  m->orchestrator = (DefRef){m->site->file, -1};
  TraceChain chain = {0};
  trace_orchestrator(r->ix, (DefRef){m->site->file, m->site->def}, &chain);
  /* a driver that calls the orchestrator (found through callees) logs its
   * own lines, outside the phase */
  if (chain.len && chain.items[chain.len - 1].direction >= 0) {
    m->orchestrator = chain.items[chain.len - 1].def;
    m->per_task = chain.len > 1;
  }
  const Facts *f = &r->ix->files[m->site->file];
  uint32_t line = m->site->pos.line;
  for (uint32_t i = 0; i < f->loops.len && !m->in_retry; i++)
    m->in_retry = f->loops.items[i].def == m->site->def && f->loops.items[i].pos.line <= line &&
                  line <= f->loops.items[i].end_line;
  for (uint32_t i = 0; i < f->handlers.len && !m->in_retry; i++)
    m->in_retry = f->handlers.items[i].def == m->site->def &&
                  f->handlers.items[i].pos.line <= line && line <= f->handlers.items[i].end_line;
  if (m->per_task) {
    trace_orchestrators(r->ix, (DefRef){m->site->file, m->site->def}, 16, &m->shared);
    if (m->shared.len < 2) array_free(&m->shared);
  }
  if (chain.len == 1) { /* in the orchestrator: before, between or after its fan-outs */
    uint32_t first = UINT32_MAX, last = 0;
    for (uint32_t i = 0; i < r->ix->sites.len; i++) {
      const SiteRef *s = &r->ix->sites.items[i];
      if (s->file != m->site->file || s->site.def != m->site->def) continue;
      if (s->site.pos.line < first) first = s->site.pos.line;
      if (s->site.pos.line > last) last = s->site.pos.line;
    }
    m->role = m->site->pos.line < first  ? ROLE_OPEN
              : m->site->pos.line > last ? ROLE_CLOSE
                                         : ROLE_OTHER;
  }
  array_free(&chain);
}

/* The first matcher (longest literal first) a message matches, or -1.
 * `found` holds what the automaton found in it. */
static int32_t match(const Reader *r, pcre2_match_data *md, uint64_t *found, const char *msg,
                     size_t n, bool ascii) {
  for (uint32_t i = 0; i < r->matchers.len; i++) {
    const Matcher *m = &r->matchers.items[i];
    /* the anchor must occur (ASCII case ignored, as the regex does); with
     * no automaton (tables too large), every regex is tried */
    if (m->anchor_len && r->anchors && !(found[i / 64] >> (i % 64) & 1)) continue;
    if (template_regex_match_in(m->re, msg, n, md, ascii)) return (int32_t)i;
  }
  return -1;
}

/* `ascii`: s is known to be ASCII, so UTF-8 (PCRE2 need not check it again). */
static bool re_match(pcre2_match_data *md, pcre2_code *re, const char *s, size_t n, bool ascii) {
  return re && pcre2_match(re, (PCRE2_SPTR)s, n, 0, ascii ? PCRE2_NO_UTF_CHECK : 0, md, NULL) >= 0;
}

/* Whether s[0..n) is all ASCII, eight bytes at a time. */
static bool ascii_only(const char *s, size_t n) {
  uint64_t any = 0;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    memcpy(&w, s + i, 8);
    any |= w;
  }
  for (; i < n; i++) any |= (uint8_t)s[i];
  return !(any & 0x8080808080808080ull);
}

static char *capture(pcre2_match_data *md, const char *s) {
  PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
  return xstrndup(s + ov[2], ov[3] - ov[2]);
}

void timeline__lineclass_free(LineClass *c) {
  free(c->name);
  free(c->target);
}

/* One scan of the anchor automaton over the message, then regexes only where an anchor was seen
 * (all of them with no automaton): a library's line is its entry and nothing else; else start and
 * end markers, a retry and its delay, an error level and the project's template. */
void timeline__classify(const Reader *r, pcre2_match_data *md, uint64_t *found, const char *line,
                        size_t len, LineClass *c) {
  LogLine l;
  logline_parse(line, len, &l);
  const char *msg = l.message;
  size_t n = l.message_len;
  c->time = l.time;
  c->time_of_day = l.time_of_day;
  c->name = c->target = NULL;
  c->flags = 0;
  c->lib = -1;
  c->event = 0;
  c->status = 0;
  c->delay = -1;
  c->kind = 0;
  if (l.continuation) {
    c->flags |= LC_CONTINUATION;
    if (n >= 9 && memcmp(msg, "Traceback", 9) == 0) c->flags |= LC_TRACEBACK;
  }
  if (r->anchors) {
    memset(found, 0, r->words * sizeof *found);
    multimatch_scan(r->anchors, msg, n, found);
  }
  bool ascii = ascii_only(msg, n);
  bool lib_anchor = !r->anchors;
  for (uint32_t i = r->lib_first; i < r->lib_first + r->lib.len && !lib_anchor; i++)
    lib_anchor = found[i / 64] >> (i % 64) & 1;
  LibMatch lm;
  if (lib_anchor && liblines_match(&r->lib, md, l.logger, l.logger_len, msg, n,
                                   r->anchors ? found : NULL, r->lib_first, &lm)) {
    /* a library's line: what it means is known, and it is no project callsite */
    c->lib = lm.entry;
    c->event = (uint8_t)lm.event;
    c->status = lm.status;
    c->delay = lm.delay;
    c->kind = !lm.attempt ? 0 : lm.failed ? 1 : 2;
    if (lm.target)
      c->target = xstrndup(lm.target, lm.target_len);
    else if (lm.event == LIB_REQUEST && lm.url)
      c->target = xasprintf("%.*s %.*s %d", (int)lm.method_len, lm.method ? lm.method : "",
                            (int)lm.url_len, lm.url, lm.status);
    if (lm.event == LIB_RETRY) c->flags |= LC_RETRY;
    if (lm.event == LIB_GIVEUP) c->flags |= LC_ERROR;
    c->matcher = -1;
    logline_free(&l);
    return;
  }
  bool marker = marker_word(msg, n);
  if (marker && re_match(md, r->start_re, msg, n, ascii)) {
    c->flags |= LC_START;
    c->name = capture(md, msg);
  } else if (marker && re_match(md, r->end_re, msg, n, ascii)) {
    c->flags |= LC_END;
    c->name = capture(md, msg);
  }
  bool retry_word = !r->anchors;
  for (uint32_t i = r->matchers.len; i < r->matchers.len + RETRY_WORDS && !retry_word; i++)
    retry_word = found[i / 64] >> (i % 64) & 1;
  if (retry_word && re_match(md, r->retry_re, msg, n, ascii)) {
    c->flags |= LC_RETRY;
    c->delay = -1; /* the wait a project's own retry line announces: "retrying in 0.2s" */
    if (re_match(md, r->delay_re, msg, n, ascii)) {
      char *d = capture(md, msg);
      c->delay = strtod(d, NULL);
      free(d);
    }
  }
  if ((l.level_len >= 5 &&
       (strncmp(l.level, "ERROR", 5) == 0 || strncmp(l.level, "CRITICAL", 8) == 0)) ||
      (l.level_len == 5 && strncmp(l.level, "FATAL", 5) == 0))
    c->flags |= LC_ERROR;
  c->matcher = match(r, md, found, msg, n, ascii);
  logline_free(&l);
}

void timeline__teardown(Reader *r) {
  liblines_free(&r->lib);
  array_free(&r->req_calls);
  for (uint32_t i = 0; i < r->matchers.len; i++) {
    const Matcher *m = &r->matchers.items[i];
    if (template_regex_gave_up(m->re))
      array_push(&r->t->gave_up,
                 xasprintf("%s:%u", r->ix->files[m->site->file].path, m->site->pos.line));
    template_regex_free(r->matchers.items[i].re);
    array_free(&r->matchers.items[i].shared);
    free(r->matchers.items[i].anchor);
  }
  array_free(&r->matchers);
  multimatch_free(r->anchors);
  trace_callsites_free(&r->sites);
  pcre2_code_free(r->retry_re);
  pcre2_code_free(r->delay_re);
  pcre2_code_free(r->start_re);
  pcre2_code_free(r->end_re);
  pcre2_match_data_free(r->md);
}
