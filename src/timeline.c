#define _GNU_SOURCE
#include "timeline.h"

#include <pthread.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "liblines.h"
#include "logline.h"
#include "multimatch.h"
#include "template.h"
#include "trace.h"

typedef struct {
  TraceCallsite *site;
  TemplateRegex *re;
  char *anchor; /* the longest literal run, for a cheap memmem test first */
  size_t anchor_len;
  bool resolved; /* orchestrator computed */
  DefRef orchestrator;
  bool per_task; /* logged by a function the orchestrator fans out */
  uint8_t role;  /* in the orchestrator itself: ROLE_OPEN before its fan-out, ROLE_CLOSE after */
  DefRefs shared; /* per-task in a helper several orchestrators' tasks run: all of them */
  int32_t tie;    /* its retry lines' index into Timeline.ties, -1 before the first */
  bool in_retry;  /* the call sits in a loop or an except clause: where a retry is logged
                     (a summary line that counts retries is not one) */
} Matcher;

enum { ROLE_OTHER, ROLE_OPEN, ROLE_CLOSE };

/* An orchestrator and the orchestrators whose tasks run it (none: it runs
 * alone, one occurrence at a time). */
typedef struct {
  DefRef orch;
  DefRefs around;
} Nesting;

typedef struct {
  const Index *ix;
  Timeline *t;
  TraceCallsites sites;
  Array(Matcher) matchers;
  MultiMatch *anchors; /* the matchers' anchors and the retry words at once; NULL: memmem */
  uint32_t words;      /* uint64_t words of a bit per matcher and retry word */
  pcre2_code *retry_re, *start_re, *end_re, *delay_re;
  pcre2_match_data *md;
  double now;
  Array(Phase) open;   /* the open phases: what each line is checked against */
  uint64_t seq;        /* phases opened so far */
  uint64_t last_hit;   /* seq + 1 of the phase the last matched record went to, or 0 */
  uint64_t active;     /* seq + 1 of the phase the latest project record went to, or 0 */
  LibLines lib;        /* what libraries write (rules/liblines.spec) */
  uint32_t lib_first;  /* the automaton's bit of the first library anchor */
  StrMap tie_of;       /* a retried function's name -> index into t->ties */
  StrArray tie_keys;   /* owned keys of tie_of */
  Array(Nesting) nestings; /* functions met so far, and the fan-outs whose tasks run them */
  CallRefs req_calls;      /* the project's calls that may send a request */
  StrMap req_of;           /* "METHOD /path" of a request line -> index into req_defs */
  StrArray req_keys;       /* owned keys of req_of */
  DefRefs req_defs;        /* the function sending it (def < 0: none found) */
  RetryWave wave;      /* the second the last retries fell in (count 0: none yet) */
  int32_t line_tie;    /* the retried function's tie of the current line, -1: none */
  double day;          /* time-only logs: seconds added for each midnight passed */
  double last_clock;   /* time-only logs: the previous line's clock, -1 before the first */
  StrMap group_of;     /* group key -> index into t->groups */
  StrArray group_keys; /* owned keys of group_of */
  uint32_t closed;     /* phases the current line closed */
  void (*on_phase)(const Timeline *t, const Phase *p, void *ctx);
  void *ctx;
} Reader;

static int cmp_matchers(const void *a, const void *b) {
  size_t x = template_literal_len(((const Matcher *)a)->site->tmpl);
  size_t y = template_literal_len(((const Matcher *)b)->site->tmpl);
  return x > y ? -1 : x < y;
}

double timeline_percentile(const double *sorted, size_t n, double p) {
  if (!n) return 0;
  double rank = p / 100.0 * (double)(n - 1);
  size_t lo = (size_t)rank;
  double frac = rank - (double)lo;
  return lo + 1 < n ? sorted[lo] * (1 - frac) + sorted[lo + 1] * frac : sorted[lo];
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
  } words[] = {{"starting", 8}, {"start", 5},     {"beginning", 9}, {"begin", 5},
               {"entering", 8}, {"running", 7},   {"finished", 8},  {"done", 4},
               {"completed", 9}, {"ending", 6},   {"end", 3},       {"leaving", 7}};
  size_t w = 0;
  while (w < n && w < 10 && ((msg[w] | 0x20) >= 'a' && (msg[w] | 0x20) <= 'z')) w++;
  for (size_t i = 0; i < sizeof words / sizeof *words; i++)
    if (words[i].len == w && strncasecmp(msg, words[i].word, w) == 0) return true;
  return false;
}

static void setup(Reader *r) {
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

static void resolve(Reader *r, Matcher *m) {
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

/* Keep a uniform sample of at most TIMELINE_SAMPLE values (reservoir
 * sampling with a fixed-seed generator: the same log gives the same report). */
static void sample(Doubles *d, uint64_t *seen, double v) {
  ++*seen;
  if (d->len < TIMELINE_SAMPLE) {
    array_push(d, v);
    return;
  }
  uint64_t x = *seen * 6364136223846793005ull + 1442695040888963407ull;
  uint64_t slot = (x >> 33) % *seen;
  if (slot < TIMELINE_SAMPLE) d->items[slot] = v;
}

static void task_line(Phase *p, double now) {
  if (!p->seen_tasks || now >= p->last_task)
    p->last_request[0] = '\0'; /* a request sets it again */
  if (p->seen_tasks && now >= p->last_task) {
    double gap = now - p->last_task;
    if (gap > p->gap_max) p->gap_max = gap;
    sample(&p->task_gaps, &p->seen_gaps, gap);
  }
  if (!p->seen_tasks || now > p->last_task) p->last_task = now;
  sample(&p->task_times, &p->seen_tasks, now);
}

/* Put the k-th smallest of a[0..n) at a[k], smaller ones before it and
 * larger ones after (Hoare's quickselect: linear on average). */
static void select_kth(double *a, ptrdiff_t n, ptrdiff_t k) {
  ptrdiff_t lo = 0, hi = n - 1;
  while (lo < hi) {
    double pivot = a[lo + (hi - lo) / 2];
    ptrdiff_t i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        double x = a[i];
        a[i++] = a[j];
        a[j--] = x;
      }
    }
    if (k <= j)
      hi = j;
    else if (k >= i)
      lo = i;
    else
      return;
  }
}

/* timeline_percentile of an unsorted array (reordered): the two order
 * statistics it interpolates between, selected rather than sorted. */
static double percentile_of(double *a, size_t n, double p) {
  double rank = p / 100.0 * (double)(n - 1);
  size_t lo = (size_t)rank;
  select_kth(a, (ptrdiff_t)n, (ptrdiff_t)lo);
  double frac = rank - (double)lo, next = a[lo];
  if (lo + 1 < n) {
    next = a[lo + 1];
    for (size_t i = lo + 2; i < n; i++)
      if (a[i] < next) next = a[i];
  }
  return a[lo] * (1 - frac) + next * frac;
}

bool phase_long_tail(const Phase *p) {
  double d = p->end - p->start;
  return p->tasks >= 5 && p->tail >= 3 * p->gap_p95 && p->tail >= 0.25 * d;
}

/* The group a phase belongs to, made at its first occurrence. */
static uint32_t group_for(Reader *r, const char *name, bool marker, DefRef orch) {
  char *key = xasprintf("%c%s", marker ? 'm' : 'o', name);
  uint32_t g;
  if (strmap_get(&r->group_of, key, &g)) {
    free(key);
    return g;
  }
  PhaseGroup group = {0};
  group.name = xstrdup(name);
  group.marker = marker;
  group.orchestrator = orch;
  array_push(&r->t->groups, group);
  g = r->t->groups.len - 1;
  array_push(&r->group_keys, key);
  strmap_put(&r->group_of, key, g);
  return g;
}

/* Whether kept phase a should go before b when one must go: the shorter,
 * and of equal ones the later. */
static bool kept_before(const Phase *a, const Phase *b) {
  double x = a->end - a->start, y = b->end - b->start;
  return x != y ? x < y : a->seq > b->seq;
}

static void sift_down(Phase *h, uint32_t n, uint32_t i) {
  for (;;) {
    uint32_t l = 2 * i + 1, m = i;
    if (l < n && kept_before(&h[l], &h[m])) m = l;
    if (l + 1 < n && kept_before(&h[l + 1], &h[m])) m = l + 1;
    if (m == i) return;
    Phase x = h[i];
    h[i] = h[m];
    h[m] = x;
    i = m;
  }
}

/* Keep a closed phase among the TIMELINE_KEPT longest (a heap, shortest on
 * top, until timeline_end sorts it). */
static void keep(Timeline *t, const Phase *p) {
  Phase *h = t->phases.items;
  if (t->phases.len == TIMELINE_KEPT) {
    if (!kept_before(&h[0], p)) return;
    h[0] = *p;
    sift_down(h, t->phases.len, 0);
    return;
  }
  array_push(&t->phases, *p);
  h = t->phases.items;
  for (uint32_t i = t->phases.len - 1; i > 0 && kept_before(&h[i], &h[(i - 1) / 2]);
       i = (i - 1) / 2) {
    Phase x = h[i];
    h[i] = h[(i - 1) / 2];
    h[(i - 1) / 2] = x;
  }
}

/* Its peak RSS and largest step between samples, from the samples in it. */
static void phase_rss(const Timeline *t, Phase *p) {
  uint32_t lo = 0, hi = t->rss.len;
  while (lo < hi) { /* the first sample at or after the start */
    uint32_t mid = lo + (hi - lo) / 2;
    if (t->rss.items[mid].time < p->start)
      lo = mid + 1;
    else
      hi = mid;
  }
  double base = lo ? t->rss.items[lo - 1].kb : lo < t->rss.len ? t->rss.items[lo].kb : 0;
  for (uint32_t i = lo; i < t->rss.len && t->rss.items[i].time <= p->end; i++) {
    double kb = t->rss.items[i].kb; /* the climb from the last sample before it */
    if (kb - base > p->rss_climb_kb) p->rss_climb_kb = kb - base;
    if (kb > p->peak_rss_kb) p->peak_rss_kb = kb;
    if (i && kb - t->rss.items[i - 1].kb > p->rss_step_kb)
      p->rss_step_kb = kb - t->rss.items[i - 1].kb;
  }
}

static void close_phase(Reader *r, Phase *p) {
  Timeline *t = r->t;
  p->open = false;
  p->tasks = (uint32_t)p->seen_tasks;
  if (p->task_gaps.len) {
    p->gap_p50 = percentile_of(p->task_gaps.items, p->task_gaps.len, 50);
    p->gap_p95 = percentile_of(p->task_gaps.items, p->task_gaps.len, 95);
  }
  if (p->task_times.len > 1)
    p->tail = p->last_task - percentile_of(p->task_times.items, p->task_times.len, 90);
  array_free(&p->task_times);
  array_free(&p->task_gaps);
  phase_rss(t, p);
  PhaseGroup *g = &t->groups.items[p->group];
  double d = p->end - p->start;
  if (!g->count || d > g->longest.end - g->longest.start) g->longest = *p;
  g->count++;
  g->total += d;
  sample(&g->durations, &g->seen, d);
  g->lines += p->lines;
  g->tasks += p->tasks;
  g->retries += p->retries;
  g->errors += p->errors;
  g->requests += p->requests;
  g->rejected += p->rejected;
  g->slept += p->slept;
  if (phase_long_tail(p)) {
    if (!g->long_tails || d > g->worst_tail.end - g->worst_tail.start) g->worst_tail = *p;
    g->long_tails++;
    g->long_tail_time += d;
    g->tail_lost += p->tail;
  }
  if (p->peak_rss_kb > g->peak_rss_kb) g->peak_rss_kb = p->peak_rss_kb;
  if (p->rss_step_kb > g->rss_step_kb) g->rss_step_kb = p->rss_step_kb;
  if (p->rss_climb_kb > g->rss_climb_kb) g->rss_climb_kb = p->rss_climb_kb;
  t->phases_total++;
  keep(t, p);
  r->closed++;
  if (r->on_phase) r->on_phase(t, p, r->ctx);
}

/* Close open phase i (its index in r->open) and drop it from the list. */
static void close_open(Reader *r, uint32_t i) {
  Phase p = r->open.items[i];
  r->open.items[i] = r->open.items[--r->open.len];
  close_phase(r, &p);
}

static Phase *open_phase(Reader *r, const char *name, bool marker, DefRef orch) {
  Phase p = {0};
  p.group = group_for(r, name, marker, orch);
  p.name = r->t->groups.items[p.group].name;
  p.marker = marker;
  p.orchestrator = orch;
  p.seq = r->seq++;
  p.start = p.end = r->now;
  p.open = true;
  if (marker) { /* markers that never finish must not pile up: close the oldest */
    uint32_t markers = 0, oldest = UINT32_MAX;
    for (uint32_t i = 0; i < r->open.len; i++)
      if (r->open.items[i].marker) {
        markers++;
        if (oldest == UINT32_MAX || r->open.items[i].seq < r->open.items[oldest].seq) oldest = i;
      }
    if (markers >= 256) close_open(r, oldest);
  }
  array_push(&r->open, p);
  return array_last(&r->open);
}

/* Whether two orchestrators are phases of one sequential driver: a function
 * awaits a call of each, one after the other (not handed to a fan-out). */
static bool sequential_siblings(const Index *ix, DefRef a, DefRef b) {
  uint32_t na, nb;
  const CallRef *ca = index_callers(ix, a, &na);
  const CallRef *cb = index_callers(ix, b, &nb);
  for (uint32_t i = 0; i < na; i++) {
    const Call *x = &ix->files[ca[i].file].calls.items[ca[i].call];
    if (!(x->flags & CALL_AWAITED) || x->outer >= 0) continue;
    for (uint32_t j = 0; j < nb; j++) {
      const Call *y = &ix->files[cb[j].file].calls.items[cb[j].call];
      if (cb[j].file == ca[i].file && y->def == x->def && (y->flags & CALL_AWAITED) && y->outer < 0)
        return true;
    }
  }
  return false;
}

/* The orchestrators whose tasks run `orch` (`run()` awaited in the tasks of
 * `run_many`), found once. When there are any, it may run several times at
 * once: its occurrences' lines interleave, so its own lines do not cut them;
 * an occurrence ends with the occurrence of the fan-out around it. */
static const DefRefs *around(Reader *r, DefRef orch) {
  for (uint32_t i = 0; i < r->nestings.len; i++)
    if (r->nestings.items[i].orch.file == orch.file && r->nestings.items[i].orch.def == orch.def)
      return &r->nestings.items[i].around;
  Nesting n = {orch, {0}};
  trace_orchestrators(r->ix, orch, 16, &n.around);
  array_push(&r->nestings, n);
  return &array_last(&r->nestings)->around;
}

static bool nested(Reader *r, DefRef orch) { return around(r, orch)->len > 0; }

/* Close the open phases of orchestrators that `orch`'s tasks run: its
 * occurrence is over, so theirs are. */
static void close_nested(Reader *r, DefRef orch) {
  for (uint32_t i = 0; i < r->open.len;) {
    const Phase *q = &r->open.items[i];
    bool inside = false;
    const DefRefs *a = q->marker ? NULL : around(r, q->orchestrator);
    for (uint32_t k = 0; a && k < a->len && !inside; k++)
      inside = a->items[k].file == orch.file && a->items[k].def == orch.def;
    if (inside) {
      DefRef inner = q->orchestrator;
      close_open(r, i);
      close_nested(r, inner);
      i = 0; /* the list changed */
    } else {
      i++;
    }
  }
}

/* The open phase of an orchestrator for a line of this role, opening a new
 * occurrence when the line starts one (see Phase). */
static Phase *orchestrator_phase(Reader *r, DefRef orch, uint8_t role) {
  for (uint32_t i = 0; i < r->open.len; i++) {
    Phase *p = &r->open.items[i];
    if (p->marker || p->orchestrator.file != orch.file || p->orchestrator.def != orch.def) continue;
    bool again = role == ROLE_OPEN ? p->seen_tasks > 0 || p->ended : p->ended && role != ROLE_CLOSE;
    if (!again || nested(r, orch)) return p;
    close_open(r, i);
    close_nested(r, orch);
    break;
  }
  bool alone = !nested(r, orch);
  for (uint32_t i = 0; alone && i < r->open.len;) { /* a sequential driver has moved on */
    const Phase *q = &r->open.items[i];
    if (!q->marker && !nested(r, q->orchestrator) &&
        sequential_siblings(r->ix, q->orchestrator, orch)) {
      DefRef done = q->orchestrator;
      close_open(r, i);
      close_nested(r, done);
      i = 0;
    } else {
      i++;
    }
  }
  char *name = index_def_name(r->ix, orch);
  Phase *p = open_phase(r, name, false, orch);
  free(name);
  return p;
}

/* The phase a library's line or an unmatched retry or error belongs to: the
 * one the latest project record went to, else the latest opened; NULL when
 * none is open. */
static Phase *active_phase(Reader *r) {
  Phase *latest = NULL;
  for (uint32_t i = 0; i < r->open.len; i++) {
    Phase *p = &r->open.items[i];
    if (p->ended) continue; /* its closing line was logged: nothing after is its */
    if (r->active && p->seq + 1 == r->active) return p;
    if (!latest || p->seq > latest->seq) latest = p;
  }
  return latest;
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

/* What one line says, apart from the lines before it: classify() works it
 * out (on any thread), apply() takes it into the timeline (in log order). */
enum {
  LC_CONTINUATION = 1, /* a traceback or continuation line of the record before */
  LC_TRACEBACK = 2,    /* ... that starts a traceback */
  LC_RETRY = 4,
  LC_ERROR = 8,
  LC_START = 16, /* "Starting X": name is X */
  LC_END = 32,   /* "Finished X" */
};

typedef struct {
  double time;     /* < 0 when the line has none */
  int32_t matcher; /* index into matchers, or -1 */
  uint32_t flags;
  char *name;
  int32_t lib;   /* the library's line (index into Reader.lib), or -1 */
  uint8_t event; /* LibEvent */
  int status;
  double delay;
  char *target; /* the function a library's retry line names; a request's "METHOD URL STATUS" */
  bool time_of_day; /* the time is a clock without a date */
  uint8_t kind; /* a retry line: 0 announces a wait, 1 follows a failed attempt, 2 precedes one */
} LineClass;

static void lineclass_free(LineClass *c) {
  free(c->name);
  free(c->target);
}

static void classify(const Reader *r, pcre2_match_data *md, uint64_t *found, const char *line,
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

static void markers(Reader *r, const LineClass *c) {
  if (c->flags & LC_START) {
    open_phase(r, c->name, true, (DefRef){0, -1});
  } else if (c->flags & LC_END) {
    uint32_t found = UINT32_MAX; /* the latest open marker of that name */
    for (uint32_t i = 0; i < r->open.len; i++) {
      const Phase *p = &r->open.items[i];
      if (p->marker && strcmp(p->name, c->name) == 0 &&
          (found == UINT32_MAX || p->seq > r->open.items[found].seq))
        found = i;
    }
    if (found != UINT32_MAX) {
      r->open.items[found].end = r->now;
      close_open(r, found);
    }
  }
}

/* The retries of the second that ended: a wave when three or more. */
static void end_wave(Reader *r) {
  Timeline *t = r->t;
  if (r->wave.count >= 3) {
    t->nwaves++;
    t->wave_lines += r->wave.count;
    if (t->waves.len < TIMELINE_WAVES_KEPT) array_push(&t->waves, r->wave);
  }
  r->wave.count = 0;
}

/* The tie of a retried function, made when it is first named; NULL beyond
 * TIMELINE_TIES_KEPT distinct names. */
/* A retry line of a tied function, of a kind (see LineClass), with the wait it
 * announced. Returns whether it is a retry not counted yet: tenacity's
 * before_sleep, after and before lines of one retry count once. */
static bool tie_retry(RetryTie *tie, double now, double delay, bool giveup, uint8_t kind) {
  bool fresh = false;
  if (giveup) {
    tie->giveups++;
  } else if (++tie->seen[kind] > tie->retries) {
    tie->retries = tie->seen[kind];
    fresh = true;
  }
  tie->last = now;
  if (delay <= 0) return fresh;
  tie->slept += delay;
  double from = now > tie->pending ? now : tie->pending; /* waits that overlap count once */
  if (now + delay > from) tie->wall += now + delay - from;
  if (now + delay > tie->pending) tie->pending = now + delay;
  return fresh;
}

static RetryTie *tie_for(Reader *r, const char *name, DefRef def, const char *by) {
  uint32_t i;
  if (strmap_get(&r->tie_of, name, &i)) return &r->t->ties.items[i];
  if (r->t->ties.len >= TIMELINE_TIES_KEPT) return NULL;
  RetryTie tie = {0};
  tie.name = xstrdup(name);
  tie.def = def.def >= 0 ? def : trace_named_def(r->ix, name);
  tie.library = xstrdup(by);
  tie.first = r->now;
  array_push(&r->t->ties, tie);
  char *key = xstrdup(name);
  array_push(&r->tie_keys, key);
  strmap_put(&r->tie_of, key, r->t->ties.len - 1);
  return array_last(&r->t->ties);
}

/* The phase a line caused by code in `def` belongs to: of the orchestrators
 * whose tasks run it, the open occurrence not yet ended that was active last;
 * when none of them has one open, a new occurrence of the nearest. NULL when
 * no fan-out's tasks run `def`, or its occurrence already ended. */
static Phase *tied_phase(Reader *r, DefRef def) {
  const DefRefs *orchs = around(r, def);
  if (!orchs->len) return NULL;
  DefRef nearest = orchs->items[0];
  Phase *best = NULL;
  bool any = false;
  for (uint32_t i = 0; i < r->open.len; i++) {
    Phase *p = &r->open.items[i];
    for (uint32_t k = 0; !p->marker && k < orchs->len; k++)
      if (p->orchestrator.file == orchs->items[k].file &&
          p->orchestrator.def == orchs->items[k].def) {
        any = true;
        if (!p->ended && (!best || p->end > best->end)) best = p;
      }
  }
  if (best || any) return best;
  return orchestrator_phase(r, nearest, ROLE_OTHER);
}

/* The project function that sends a request line's request ("POST
 * http://h/v1/embed?x 200" -> the call of `.post("/v1/embed")`), found once
 * per method and path. def < 0 when none is found. */
static DefRef request_def(Reader *r, const char *request) {
  size_t mlen = strcspn(request, " ");
  const char *url = request + mlen + (request[mlen] == ' ');
  const char *scheme = strstr(url, "://");
  const char *path = scheme ? scheme + 3 + strcspn(scheme + 3, "/ ") : url;
  char *key = xasprintf("%.*s %.*s", (int)mlen, request, (int)strcspn(path, "? "), path);
  uint32_t i;
  DefRef d = {0, -1};
  if (strmap_get(&r->req_of, key, &i)) {
    free(key);
    return r->req_defs.items[i];
  }
  uint32_t file, call;
  if (trace_request_site(r->ix, &r->req_calls, request, &file, &call))
    d = (DefRef){file, r->ix->files[file].calls.items[call].def};
  if (r->req_keys.len < 4096) { /* URLs with ids in their paths stop being remembered */
    array_push(&r->req_defs, d);
    array_push(&r->req_keys, key);
    strmap_put(&r->req_of, key, r->req_defs.len - 1);
  } else {
    free(key);
  }
  return d;
}

/* A library's line: a request is a task event of the phase whose tasks send
 * it (a straggler landing late is its tail), a retry naming a project
 * function goes to the phase whose tasks run that function; else to the
 * phase active at the time. */
static Phase *library_line(Reader *r, const LineClass *c, bool *retry) {
  Timeline *t = r->t;
  t->library_lines++;
  Phase *p = NULL;
  if (c->target && (c->event == LIB_RETRY || c->event == LIB_GIVEUP)) {
    RetryTie *tie = tie_for(r, c->target, (DefRef){0, -1}, r->lib.items[c->lib].name);
    if (tie) {
      bool fresh = tie_retry(tie, r->now, c->delay, c->event == LIB_GIVEUP, c->kind);
      if (c->event == LIB_RETRY && !fresh) *retry = false; /* another line of one retry */
      r->line_tie = (int32_t)(tie - t->ties.items);
    }
    if (tie && tie->def.def >= 0) p = tied_phase(r, tie->def);
  }
  if (c->event == LIB_REQUEST && c->target) {
    DefRef sender = request_def(r, c->target);
    if (sender.def >= 0) p = tied_phase(r, sender);
  }
  if (c->event == LIB_STALL && c->delay > 0) { /* the loop blocked in a task's step */
    const char *name = c->target ? c->target : "";
    LoopStall *st = NULL;
    for (uint32_t i = 0; i < t->stalls.len && !st; i++)
      if (strcmp(t->stalls.items[i].name, name) == 0) st = &t->stalls.items[i];
    if (!st && t->stalls.len < TIMELINE_TIES_KEPT) {
      LoopStall fresh = {xstrdup(name), *name ? trace_named_def(r->ix, name) : (DefRef){0, -1},
                         0, 0, 0};
      array_push(&t->stalls, fresh);
      st = array_last(&t->stalls);
    }
    if (st) {
      st->count++;
      st->seconds += c->delay;
      if (c->delay > st->longest) st->longest = c->delay;
      if (st->def.def >= 0) p = tied_phase(r, st->def);
    }
    if (!p) p = active_phase(r);
    if (p) {
      p->stalled += c->delay;
      p->lines++;
      if (r->now > p->end) p->end = r->now;
    }
    return p;
  }
  if (!p) p = active_phase(r);
  if (c->event == LIB_REQUEST) {
    t->requests++;
    if (p) {
      p->requests++;
      p->rejected += c->status == 429 || c->status >= 500;
      bool latest = !p->seen_tasks || r->now >= p->last_task;
      task_line(p, r->now);
      if (latest && c->target) snprintf(p->last_request, sizeof p->last_request, "%s", c->target);
    }
  }
  if (p && c->event != LIB_SERVED) {
    p->end = r->now > p->end ? r->now : p->end;
    p->lines++;
    if (c->delay > 0) p->slept += c->delay;
  }
  return p;
}

/* Of the open phases of these orchestrators, the one active last: a line of
 * a helper their tasks share belongs to the phase running at the time. */
static Phase *shared_phase(Reader *r, const DefRefs *orchs) {
  Phase *best = NULL;
  for (uint32_t i = 0; i < r->open.len; i++) {
    Phase *p = &r->open.items[i];
    for (uint32_t k = 0; !p->marker && k < orchs->len; k++)
      if (p->orchestrator.file == orchs->items[k].file &&
          p->orchestrator.def == orchs->items[k].def && (!best || p->end > best->end))
        best = p;
  }
  return best;
}

/* Returns how many phases the line closed. */
static uint32_t apply(Reader *r, const LineClass *c) {
  Timeline *t = r->t;
  r->closed = 0;
  t->lines++;
  /* A line without the time every record of a timed log has continues the
   * record before (an exception's message over several lines), unless it
   * is a project's line of its own (`print`). */
  bool continues =
      (c->flags & LC_CONTINUATION) || (c->time < 0 && t->first >= 0 && c->matcher < 0 &&
                                       c->lib < 0 && !(c->flags & (LC_START | LC_END)));
  if (continues && t->records) { /* belongs to the record before it */
    for (uint32_t i = 0; (c->flags & LC_TRACEBACK) && r->last_hit && i < r->open.len; i++)
      if (r->open.items[i].seq + 1 == r->last_hit) r->open.items[i].errors++;
    return 0;
  }
  t->records++;
  if (c->time >= 0) {
    double time = c->time;
    if (c->time_of_day) { /* a clock without a date: past midnight it starts again */
      if (r->last_clock >= 0 && time < r->last_clock - 43200) r->day += 86400;
      r->last_clock = time;
      time += r->day;
    }
    /* a line stamped earlier than one before it (threads, clock steps) does not
     * turn time back: phases never get negative durations */
    if (time > r->now || t->first < 0) r->now = time;
    if (t->first < 0) t->first = r->now;
    t->last = r->now;
  } else {
    t->untimed++;
  }
  markers(r, c);
  bool retry = c->flags & LC_RETRY, error = c->flags & LC_ERROR;
  r->last_hit = 0;
  r->line_tie = -1;
  Phase *at = NULL; /* the phase the record went to */
  if (c->lib >= 0) {
    at = library_line(r, c, &retry);
  } else if (c->matcher >= 0) {
    Matcher *m = &r->matchers.items[c->matcher];
    t->matched++;
    resolve(r, m);
    retry = retry && m->in_retry;
    if (m->orchestrator.def >= 0) {
      at = m->shared.len ? shared_phase(r, &m->shared) : NULL;
      if (!at) at = orchestrator_phase(r, m->orchestrator, m->role);
      at->end = r->now;
      at->lines++;
      if (m->per_task) task_line(at, r->now);
      if (m->role == ROLE_CLOSE && !at->ended) {
        at->ended = true;
        close_nested(r, m->orchestrator);
      }
      r->last_hit = at->seq + 1;
      r->active = at->seq + 1;
    }
    if (retry) { /* the project's own retry loop, tied to the function that logs it */
      RetryTie *tie = m->tie >= 0 ? &t->ties.items[m->tie] : NULL;
      if (!tie) {
        DefRef d = {m->site->file, m->site->def};
        char *name = index_def_name(r->ix, d);
        tie = tie_for(r, name, d, "project");
        free(name);
        if (tie) m->tie = (int32_t)(tie - t->ties.items);
      }
      if (tie) tie_retry(tie, r->now, c->delay, false, 0);
      if (tie) r->line_tie = (int32_t)(tie - t->ties.items);
      if (at && c->delay > 0) at->slept += c->delay;
    }
  }
  /* a retry or an error is counted once, in the phase it happened in, and
   * in the marked spans ("Starting X" ... "Finished X") around it */
  if ((retry || error) && !at) at = active_phase(r);
  for (uint32_t i = 0; (retry || error) && i < r->open.len; i++) {
    Phase *p = &r->open.items[i];
    if (p == at || (p->marker && r->now >= p->start)) {
      p->retries += retry;
      p->errors += error;
    }
  }
  t->retries += retry;
  if (retry && r->now >= 0) {
    double second = (double)(uint32_t)r->now;
    if (!r->wave.count || r->wave.second != second) {
      end_wave(r);
      r->wave.second = second;
      r->wave.time = r->now;
      r->wave.tie = r->line_tie;
    }
    if (r->wave.tie != r->line_tie) r->wave.tie = -1;
    r->wave.count++;
  }
  return r->closed;
}

struct TimelineReader {
  Reader r;
  uint64_t *found; /* scratch for match() */
};

TimelineReader *timeline_begin(const Index *ix, Timeline *t) {
  TimelineReader *tr = xcalloc(1, sizeof *tr);
  Timeline rss = {0}; /* what timeline_rss read stays */
  rss.rss = t->rss;
  rss.samples = t->samples;
  rss.rss_samples = t->rss_samples;
  rss.peak_rss_kb = t->peak_rss_kb;
  *t = rss;
  t->first = -1;
  tr->r.ix = ix;
  tr->r.t = t;
  tr->r.last_clock = -1;
  setup(&tr->r);
  tr->found = xcalloc(tr->r.words + 1, sizeof(uint64_t));
  return tr;
}

uint32_t timeline_feed(TimelineReader *tr, const char *line, size_t len) {
  LineClass c;
  classify(&tr->r, tr->r.md, tr->found, line, len, &c);
  uint32_t closed = apply(&tr->r, &c);
  lineclass_free(&c);
  return closed;
}

static int cmp_start(const void *a, const void *b) {
  const Phase *x = a, *y = b;
  if (x->start != y->start) return x->start < y->start ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void timeline_end(TimelineReader *tr) {
  Reader *r = &tr->r;
  Timeline *t = r->t;
  while (r->open.len) { /* the latest opened first */
    uint32_t last = 0;
    for (uint32_t i = 1; i < r->open.len; i++)
      if (r->open.items[i].seq > r->open.items[last].seq) last = i;
    if (r->open.items[last].marker) r->open.items[last].end = t->last;
    close_open(r, last);
  }
  array_free(&r->open);
  end_wave(r);
  if (t->phases.len) qsort(t->phases.items, t->phases.len, sizeof(Phase), cmp_start);
  for (uint32_t i = 0; i < t->groups.len; i++) {
    PhaseGroup *g = &t->groups.items[i];
    if (g->durations.len) {
      g->p50 = percentile_of(g->durations.items, g->durations.len, 50);
      g->p95 = percentile_of(g->durations.items, g->durations.len, 95);
    }
    array_free(&g->durations);
  }
  for (uint32_t i = 0; i < r->group_keys.len; i++) free(r->group_keys.items[i]);
  array_free(&r->group_keys);
  strmap_free(&r->group_of);
  for (uint32_t i = 0; i < r->tie_keys.len; i++) free(r->tie_keys.items[i]);
  array_free(&r->tie_keys);
  strmap_free(&r->tie_of);
  liblines_free(&r->lib);
  for (uint32_t i = 0; i < r->nestings.len; i++) array_free(&r->nestings.items[i].around);
  array_free(&r->nestings);
  array_free(&r->req_calls);
  for (uint32_t i = 0; i < r->req_keys.len; i++) free(r->req_keys.items[i]);
  array_free(&r->req_keys);
  strmap_free(&r->req_of);
  array_free(&r->req_defs);
  for (uint32_t i = 0; i < r->matchers.len; i++) {
    const Matcher *m = &r->matchers.items[i];
    if (template_regex_gave_up(m->re))
      array_push(&t->gave_up,
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
  free(tr->found);
  free(tr);
}

/* timeline_read takes the log in blocks of whole lines. Each block is cut
 * into parts that the cores split into lines and classify, while this thread
 * applies the block before (in log order) and reads the next one, then
 * helps. Memory stays at two blocks and their classes, whatever the log's
 * size. */
#define BLOCK_BYTES (8u << 20)
#define PARTS 64
#define THREADS_MAX 8

typedef struct {
  const Reader *r;
  const char *buf;
  size_t from, to; /* whole lines of buf */
  Array(LineClass) classes;
} Part;

typedef struct {
  Part *parts;
  uint32_t n, next;
  pthread_mutex_t lock;
} Block;

/* Take parts of the block until none is left. */
static void *classify_block(void *arg) {
  Block *b = arg;
  pcre2_match_data *md = pcre2_match_data_create(8, NULL);
  uint64_t *found = NULL;
  for (;;) {
    pthread_mutex_lock(&b->lock);
    uint32_t k = b->next < b->n ? b->next++ : b->n;
    pthread_mutex_unlock(&b->lock);
    if (k >= b->n) break;
    Part *p = &b->parts[k];
    if (!found) found = xcalloc(p->r->words + 1, sizeof(uint64_t));
    p->classes.len = 0;
    for (size_t at = p->from; at < p->to;) {
      const char *nl = memchr(p->buf + at, '\n', p->to - at);
      size_t end = nl ? (size_t)(nl - p->buf) + 1 : p->to;
      array_reserve(&p->classes, p->classes.len + 1);
      classify(p->r, md, found, p->buf + at, end - at, &p->classes.items[p->classes.len++]);
      at = end;
    }
  }
  free(found);
  pcre2_match_data_free(md);
  return NULL;
}

static void apply_parts(Reader *r, Part *parts, uint32_t n) {
  for (uint32_t k = 0; k < n; k++)
    for (uint32_t i = 0; i < parts[k].classes.len; i++) {
      apply(r, &parts[k].classes.items[i]);
      lineclass_free(&parts[k].classes.items[i]);
    }
}

/* Read into buf[at..cap); sets *eof when the file has no more. */
static size_t read_more(FILE *f, char *buf, size_t at, size_t cap, bool *eof) {
  size_t got = cap > at ? fread(buf + at, 1, cap - at, f) : 0;
  if (got < cap - at) *eof = true;
  return got;
}

/* One warning per log call whose template was given up. */
static void gave_up_diags(const Timeline *t, Diags *diags) {
  for (uint32_t i = 0; i < t->gave_up.len; i++)
    diags_add(diags, DIAG_WARNING, t->gave_up.items[i], 0,
              "a log line made this call's template backtrack past the match limit; it was not "
              "matched after that line");
}

bool timeline_read(const Index *ix, const char *log_path, Timeline *t, Diags *diags) {
  FILE *f = fopen(log_path, "r");
  if (!f) {
    diags_add(diags, DIAG_ERROR, log_path, 0, "cannot read the log");
    return false;
  }
  TimelineReader *tr = timeline_begin(ix, t);
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  uint32_t jobs = cores < 1 ? 1 : cores > THREADS_MAX ? THREADS_MAX : (uint32_t)cores;
  char *bufs[2] = {xmalloc(BLOCK_BYTES), xmalloc(BLOCK_BYTES)};
  size_t caps[2] = {BLOCK_BYTES, BLOCK_BYTES};
  Part parts[2][PARTS];
  memset(parts, 0, sizeof parts);
  uint32_t nparts[2] = {0, 0};
  Block block = {NULL, 0, 0, PTHREAD_MUTEX_INITIALIZER};
  bool eof = false, skip = false;
  int cur = 0;
  size_t have = read_more(f, bufs[0], 0, caps[0], &eof);
  while (have > 0) {
    char *buf = bufs[cur];
    if (skip) { /* the rest of a line past TIMELINE_LINE_MAX: counted, not kept */
      const char *nl = memchr(buf, '\n', have);
      size_t drop = nl ? (size_t)(nl - buf) + 1 : have;
      t->cut_bytes += drop;
      memmove(buf, buf + drop, have - drop);
      have -= drop;
      skip = !nl;
      if (!have && !eof) have = read_more(f, buf, 0, caps[cur], &eof);
      continue;
    }
    size_t used = have;
    if (!eof) {
      const char *nl = memrchr(buf, '\n', have);
      if (!nl && have >= TIMELINE_LINE_MAX) { /* a line this long: its start is the record */
        buf[TIMELINE_LINE_MAX - 1] = '\n';
        t->cut_lines++;
        skip = true;
        nl = buf + TIMELINE_LINE_MAX - 1;
      } else if (!nl) { /* a line longer than the buffer: grow it, up to TIMELINE_LINE_MAX */
        if (have == caps[cur]) bufs[cur] = xrealloc(buf, caps[cur] *= 2);
        have += read_more(f, bufs[cur], have, caps[cur], &eof);
        continue;
      }
      used = (size_t)(nl - buf) + 1;
    }
    Part *p = parts[cur];
    uint32_t n = 0;
    for (size_t from = 0; from < used && n < PARTS; n++) {
      size_t to = n + 1 == PARTS ? used : from + (used - from) / (PARTS - n);
      if (to < used) {
        const char *nl = memchr(buf + to, '\n', used - to);
        to = nl ? (size_t)(nl - buf) + 1 : used;
      }
      p[n].r = &tr->r;
      p[n].buf = buf;
      p[n].from = from;
      p[n].to = to;
      from = to;
    }
    block.parts = p;
    block.n = n;
    block.next = 0;
    pthread_t threads[THREADS_MAX];
    uint32_t started = 0;
    for (; started + 1 < jobs; started++)
      if (pthread_create(&threads[started], NULL, classify_block, &block) != 0) break;
    /* meanwhile: the block before, and the next one; then help */
    int other = cur ^ 1;
    apply_parts(&tr->r, parts[other], nparts[other]);
    nparts[other] = 0;
    size_t tail = have - used;
    if (caps[other] < tail + BLOCK_BYTES / 2)
      bufs[other] = xrealloc(bufs[other], caps[other] = tail + BLOCK_BYTES);
    memcpy(bufs[other], buf + used, tail);
    size_t next = tail + (eof ? 0 : read_more(f, bufs[other], tail, caps[other], &eof));
    classify_block(&block);
    for (uint32_t k = 0; k < started; k++) pthread_join(threads[k], NULL);
    nparts[cur] = n;
    cur = other;
    have = next;
  }
  apply_parts(&tr->r, parts[cur ^ 1], nparts[cur ^ 1]);
  pthread_mutex_destroy(&block.lock);
  for (int b = 0; b < 2; b++) {
    for (uint32_t k = 0; k < PARTS; k++) array_free(&parts[b][k].classes);
    free(bufs[b]);
  }
  fclose(f);
  timeline_end(tr);
  gave_up_diags(t, diags);
  return true;
}

static int cmp_sample(const void *a, const void *b) {
  const RssSample *x = a, *y = b;
  return x->time < y->time ? -1 : x->time > y->time;
}

/* Take one line of an RSS file (`EPOCH KB`, or `VmRSS: N kB` after a
 * timestamp); *time carries the last timestamp seen to the next line. */
static void rss_line(Timeline *t, const char *line, size_t len, double *time) {
  LogLine l;
  logline_parse(line, len, &l);
  const char *rest = l.message;
  char *end;
  if (l.time >= 0)
    *time = l.time;
  else { /* "EPOCH KB" */
    double v = strtod(line, &end);
    if (end != line && v > 1e8) *time = v, rest = end;
  }
  const char *vm = strstr(rest, "VmRSS:");
  double kb = strtod(vm ? vm + 6 : rest, &end);
  logline_free(&l);
  if (end == (vm ? vm + 6 : rest) || *time < 0 || kb <= 0) return;
  t->rss_samples++;
  if (kb > t->peak_rss_kb) t->peak_rss_kb = kb;
  RssSample sample = {*time, kb};
  array_push(&t->rss, sample);
}

/* All samples are in: time order, and the thinned copy for drawing. */
static void rss_done(Timeline *t) {
  bool sorted = true;
  for (uint32_t i = 1; i < t->rss.len && sorted; i++)
    sorted = t->rss.items[i - 1].time <= t->rss.items[i].time;
  if (!sorted) qsort(t->rss.items, t->rss.len, sizeof(RssSample), cmp_sample);
  /* for drawing: the larger of each 2^k samples, fewer than 4000 */
  uint32_t step = 1;
  while (t->rss.len / step >= 4000) step *= 2;
  t->samples.len = 0;
  for (uint32_t i = 0; i < t->rss.len; i += step) {
    RssSample a = t->rss.items[i];
    for (uint32_t k = i + 1; k < i + step && k < t->rss.len; k++)
      if (t->rss.items[k].kb > a.kb) a.kb = t->rss.items[k].kb;
    array_push(&t->samples, a);
  }
}

bool timeline_rss(Timeline *t, const char *rss_path, Diags *diags) {
  FILE *f = fopen(rss_path, "r");
  if (!f) {
    diags_add(diags, DIAG_ERROR, rss_path, 0, "cannot read the RSS samples");
    return false;
  }
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  double time = -1;
  while ((len = getline(&line, &cap, f)) >= 0) rss_line(t, line, (size_t)len, &time);
  free(line);
  fclose(f);
  rss_done(t);
  return true;
}

void timeline_free(Timeline *t) {
  for (uint32_t i = 0; i < t->groups.len; i++) {
    free(t->groups.items[i].name);
    array_free(&t->groups.items[i].durations);
  }
  array_free(&t->groups);
  array_free(&t->phases);
  array_free(&t->waves);
  array_free(&t->rss);
  array_free(&t->samples);
  for (uint32_t i = 0; i < t->ties.len; i++)
    free(t->ties.items[i].name), free(t->ties.items[i].library);
  for (uint32_t i = 0; i < t->stalls.len; i++) free(t->stalls.items[i].name);
  array_free(&t->stalls);
  for (uint32_t i = 0; i < t->gave_up.len; i++) free(t->gave_up.items[i]);
  array_free(&t->gave_up);
  array_free(&t->ties);
}

/* A file followed as it grows: the complete lines it gained go to `take`; a
 * line its writer is still writing waits in `partial` for the rest. */
typedef struct {
  FILE *f;
  StrBuf partial;
  void (*take)(void *ctx, const char *line, size_t len);
  void *ctx;
} Tail;

static void drain(Tail *tl) {
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  while ((len = getline(&line, &cap, tl->f)) > 0) {
    sb_putn(&tl->partial, line, (size_t)len);
    if (line[len - 1] != '\n') break; /* the writer is mid-line: wait for the rest */
    tl->take(tl->ctx, tl->partial.s, tl->partial.len);
    tl->partial.len = 0;
  }
  clearerr(tl->f);
  free(line);
}

/* What drain leaves at the end: the last line, if it has no newline. */
static void drain_last(Tail *tl) {
  drain(tl);
  if (tl->partial.len) tl->take(tl->ctx, tl->partial.s, tl->partial.len);
  sb_free(&tl->partial);
  fclose(tl->f);
}

static void take_log_line(void *ctx, const char *line, size_t len) {
  timeline_feed(ctx, line, len);
}

typedef struct {
  Timeline *t;
  double time; /* the last timestamp, for `VmRSS:` lines after one */
} RssTail;

static void take_rss_line(void *ctx, const char *line, size_t len) {
  RssTail *r = ctx;
  rss_line(r->t, line, len, &r->time);
}

bool timeline_follow(const Index *ix, const char *path, const char *rss_path, Timeline *t,
                     volatile int *stop, unsigned poll_ms,
                     void (*on_phase)(const Timeline *, const Phase *, void *), void *ctx,
                     Diags *diags) {
  FILE *f = fopen(path, "r");
  if (!f) {
    diags_add(diags, DIAG_ERROR, path, 0, "cannot read the log");
    return false;
  }
  FILE *rss = rss_path ? fopen(rss_path, "r") : NULL;
  if (rss_path && !rss) {
    diags_add(diags, DIAG_ERROR, rss_path, 0, "cannot read the RSS samples");
    fclose(f);
    return false;
  }
  RssTail rss_tail = {t, -1};
  Tail samples = {rss, {0}, take_rss_line, &rss_tail};
  struct stat st;
  fstat(fileno(f), &st);
  ino_t inode = st.st_ino;
  TimelineReader *tr = timeline_begin(ix, t);
  tr->r.on_phase = on_phase;
  tr->r.ctx = ctx;
  Tail log = {f, {0}, take_log_line, tr};
  struct timespec nap = {(time_t)(poll_ms / 1000), (long)(poll_ms % 1000) * 1000000L};
  /* The file's first bytes as read: a file truncated and written past the
   * old offset between two polls keeps its size growing, but not its head. */
  char head[64], now[64];
  size_t head_len = 0;
  while (!*stop) {
    if (rss) drain(&samples); /* samples first: phases take theirs as they close */
    drain(&log);
    int fd = fileno(log.f);
    if (head_len < sizeof head) {
      ssize_t got = pread(fd, head, sizeof head, 0);
      head_len = got > 0 ? (size_t)got : 0;
    } else if (pread(fd, now, head_len, 0) == (ssize_t)head_len && memcmp(now, head, head_len)) {
      fseek(log.f, 0, SEEK_SET); /* rewritten from the start: read it again */
      log.partial.len = 0;
      head_len = 0;
      continue;
    }
    if (stat(path, &st) == 0) {
      if (st.st_ino != inode) { /* rotated: the rest of the old file, then the new one */
        drain(&log);
        FILE *g = fopen(path, "r");
        if (g) {
          fclose(log.f);
          log.f = g;
          inode = st.st_ino;
          log.partial.len = 0;
          head_len = 0;
          continue;
        }
      } else if (st.st_size < ftell(log.f)) { /* truncated: from the start again */
        fseek(log.f, 0, SEEK_SET);
        log.partial.len = 0;
        head_len = 0;
        continue;
      }
    }
    nanosleep(&nap, NULL);
  }
  if (rss) drain_last(&samples);
  drain_last(&log);
  timeline_end(tr);
  gave_up_diags(t, diags);
  if (rss_path) rss_done(t);
  return true;
}
