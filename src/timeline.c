#define _GNU_SOURCE
#include "timeline.h"

#include <sys/stat.h>
#include <time.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "logline.h"
#include "template.h"
#include "trace.h"

/* A phase of one orchestrator ends when it is quiet this long. */
#define PHASE_GAP 10.0

typedef struct {
  TraceCallsite *site;
  TemplateRegex *re;
  char *anchor; /* the longest literal run, for a cheap memmem test first */
  size_t anchor_len;
  bool resolved; /* orchestrator computed */
  DefRef orchestrator;
  bool per_task; /* logged by a function the orchestrator fans out */
} Matcher;

typedef struct {
  const Index *ix;
  Timeline *t;
  TraceCallsites sites;
  Array(Matcher) matchers;
  pcre2_code *retry_re, *start_re, *end_re;
  pcre2_match_data *md;
  double now;
  int32_t last_phase_hit; /* for folding continuation lines into errors */
  uint32_t wave_second;   /* the second the last retry fell in */
  U32Array open;          /* indices of the open phases: what each line is checked against */
} Reader;

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

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

static void setup(Reader *r) {
  trace_callsites(r->ix, &r->sites);
  for (uint32_t i = 0; i < r->sites.len; i++) {
    Matcher m = {0};
    m.site = &r->sites.items[i];
    m.re = template_regex_new(m.site->tmpl);
    if (!m.re) continue;
    m.anchor = longest_literal(m.site->tmpl);
    m.anchor_len = strlen(m.anchor);
    array_push(&r->matchers, m);
  }
  if (r->matchers.len) qsort(r->matchers.items, r->matchers.len, sizeof(Matcher), cmp_matchers);
  r->retry_re = compile("retr(?:y|ying|ied|ies)|rate[ -]?limit|too many requests|\\b429\\b|"
                        "\\b50[234]\\b|timed? ?out|backing off|backoff");
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
  if (chain.len) {
    m->orchestrator = chain.items[chain.len - 1].def;
    m->per_task = chain.len > 1 && chain.items[chain.len - 1].direction > 0;
  }
  array_free(&chain);
}

static Matcher *match(Reader *r, const char *msg, size_t n) {
  for (uint32_t i = 0; i < r->matchers.len; i++) {
    Matcher *m = &r->matchers.items[i];
    if (m->anchor_len && (m->anchor_len > n || !memmem(msg, n, m->anchor, m->anchor_len))) continue;
    if (template_regex_match(m->re, msg, n)) return m;
  }
  return NULL;
}

static void close_open(Reader *r, uint32_t index);

static Phase *open_phase(Reader *r, const char *name, bool marker, DefRef orch) {
  Phase p = {0};
  p.name = xstrdup(name);
  p.marker = marker;
  p.orchestrator = orch;
  p.start = p.end = r->now;
  p.open = true;
  array_push(&r->t->phases, p);
  array_push(&r->open, r->t->phases.len - 1);
  if (marker) { /* markers that never finish must not pile up: close the oldest */
    uint32_t markers = 0, oldest = UINT32_MAX;
    for (uint32_t i = 0; i < r->open.len; i++)
      if (r->t->phases.items[r->open.items[i]].marker) {
        markers++;
        if (r->open.items[i] < oldest) oldest = r->open.items[i];
      }
    if (markers > 256) close_open(r, oldest);
  }
  return &r->t->phases.items[r->t->phases.len - 1];
}

static void close_phase(Phase *p);

/* Close phase `index` and drop it from the open list. */
static void close_open(Reader *r, uint32_t index) {
  close_phase(&r->t->phases.items[index]);
  for (uint32_t i = 0; i < r->open.len; i++)
    if (r->open.items[i] == index) {
      r->open.items[i] = r->open.items[--r->open.len];
      break;
    }
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
  if (p->seen_tasks && now >= p->last_task) {
    double gap = now - p->last_task;
    if (gap > p->gap_max) p->gap_max = gap;
    sample(&p->task_gaps, &p->seen_gaps, gap);
  }
  if (!p->seen_tasks || now > p->last_task) p->last_task = now;
  sample(&p->task_times, &p->seen_tasks, now);
}

static void close_phase(Phase *p) {
  p->open = false;
  p->tasks = (uint32_t)p->seen_tasks;
  if (p->task_gaps.len) {
    qsort(p->task_gaps.items, p->task_gaps.len, sizeof(double), cmp_double);
    p->gap_p50 = timeline_percentile(p->task_gaps.items, p->task_gaps.len, 50);
    p->gap_p95 = timeline_percentile(p->task_gaps.items, p->task_gaps.len, 95);
  }
  if (p->task_times.len > 1) {
    qsort(p->task_times.items, p->task_times.len, sizeof(double), cmp_double);
    p->tail = p->last_task - timeline_percentile(p->task_times.items, p->task_times.len, 90);
  }
  array_free(&p->task_times);
  array_free(&p->task_gaps);
}

/* The open phase of an orchestrator, opening (or re-opening after a quiet
 * gap) as needed. */
static Phase *orchestrator_phase(Reader *r, DefRef orch) {
  for (uint32_t i = 0; i < r->open.len; i++) {
    uint32_t index = r->open.items[i];
    Phase *p = &r->t->phases.items[index];
    if (p->marker || p->orchestrator.file != orch.file || p->orchestrator.def != orch.def) continue;
    if (r->now - p->end <= PHASE_GAP) return p;
    close_open(r, index);
    break;
  }
  char *name = index_def_name(r->ix, orch);
  Phase *p = open_phase(r, name, false, orch);
  free(name);
  return p;
}

static bool re_match(Reader *r, pcre2_code *re, const char *s, size_t n) {
  return re && pcre2_match(re, (PCRE2_SPTR)s, n, 0, 0, r->md, NULL) >= 0;
}

static char *capture(Reader *r, const char *s) {
  PCRE2_SIZE *ov = pcre2_get_ovector_pointer(r->md);
  return xstrndup(s + ov[2], ov[3] - ov[2]);
}

static void markers(Reader *r, const char *msg, size_t n) {
  if (re_match(r, r->start_re, msg, n)) {
    char *name = capture(r, msg);
    open_phase(r, name, true, (DefRef){0, -1});
    free(name);
  } else if (re_match(r, r->end_re, msg, n)) {
    char *name = capture(r, msg);
    uint32_t found = UINT32_MAX; /* the latest open marker of that name */
    for (uint32_t i = 0; i < r->open.len; i++) {
      uint32_t index = r->open.items[i];
      const Phase *p = &r->t->phases.items[index];
      if (p->marker && strcmp(p->name, name) == 0 && (found == UINT32_MAX || index > found))
        found = index;
    }
    if (found != UINT32_MAX) {
      r->t->phases.items[found].end = r->now;
      close_open(r, found);
    }
    free(name);
  }
}

static void record(Reader *r, const LogLine *l) {
  Timeline *t = r->t;
  t->records++;
  if (l->time >= 0) {
    r->now = l->time;
    if (t->first < 0) t->first = l->time;
    t->last = l->time;
  } else {
    t->untimed++;
  }
  const char *msg = l->message;
  size_t n = l->message_len;
  markers(r, msg, n);
  bool retry = re_match(r, r->retry_re, msg, n);
  bool error = (l->level_len >= 5 &&
                (strncmp(l->level, "ERROR", 5) == 0 || strncmp(l->level, "CRITICAL", 8) == 0)) ||
               (l->level_len == 5 && strncmp(l->level, "FATAL", 5) == 0);
  Matcher *m = match(r, msg, n);
  r->last_phase_hit = -1;
  if (m) {
    t->matched++;
    resolve(r, m);
    if (m->orchestrator.def >= 0) {
      Phase *p = orchestrator_phase(r, m->orchestrator);
      p->end = r->now;
      p->lines++;
      if (m->per_task) task_line(p, r->now);
      r->last_phase_hit = (int32_t)(p - t->phases.items);
    }
  }
  /* retries and errors count for every phase open at the time */
  for (uint32_t i = 0; (retry || error) && i < r->open.len; i++) {
    Phase *p = &t->phases.items[r->open.items[i]];
    if (r->now < p->start) continue;
    p->retries += retry;
    p->errors += error;
  }
  if (retry && r->now >= 0) {
    uint32_t second = (uint32_t)r->now;
    if (t->waves.len && r->wave_second == second) {
      array_last(&t->waves)->count++;
    } else {
      RetryWave w = {(double)second, 1};
      array_push(&t->waves, w);
      r->wave_second = second;
    }
  }
}

struct TimelineReader {
  Reader r;
};

TimelineReader *timeline_begin(const Index *ix, Timeline *t) {
  TimelineReader *tr = xcalloc(1, sizeof *tr);
  memset(t, 0, sizeof *t);
  t->first = -1;
  tr->r.ix = ix;
  tr->r.t = t;
  tr->r.last_phase_hit = -1;
  tr->r.wave_second = UINT32_MAX;
  setup(&tr->r);
  return tr;
}

uint32_t timeline_feed(TimelineReader *tr, const char *line, size_t len) {
  Reader *r = &tr->r;
  Timeline *t = r->t;
  uint32_t phases_before = t->phases.len, open_before = r->open.len;
  t->lines++;
  LogLine l;
  logline_parse(line, len, &l);
  if (l.continuation && t->records) { /* a traceback belongs to the record before it */
    if (strncmp(l.message, "Traceback", 9) == 0 && r->last_phase_hit >= 0)
      t->phases.items[r->last_phase_hit].errors++;
  } else {
    record(r, &l);
  }
  logline_free(&l);
  /* closed = opened - (growth of the open list) */
  return (t->phases.len - phases_before) + open_before - r->open.len;
}

void timeline_end(TimelineReader *tr) {
  Reader *r = &tr->r;
  Timeline *t = r->t;
  while (r->open.len) {
    uint32_t index = r->open.items[r->open.len - 1];
    if (t->phases.items[index].marker) t->phases.items[index].end = t->last;
    close_open(r, index);
  }
  array_free(&r->open);
  uint32_t w = 0; /* keep only waves: three or more retries within one second */
  for (uint32_t i = 0; i < t->waves.len; i++)
    if (t->waves.items[i].count >= 3) t->waves.items[w++] = t->waves.items[i];
  t->waves.len = w;
  for (uint32_t i = 0; i < r->matchers.len; i++) {
    template_regex_free(r->matchers.items[i].re);
    free(r->matchers.items[i].anchor);
  }
  array_free(&r->matchers);
  trace_callsites_free(&r->sites);
  pcre2_code_free(r->retry_re);
  pcre2_code_free(r->start_re);
  pcre2_code_free(r->end_re);
  pcre2_match_data_free(r->md);
  free(tr);
}

bool timeline_read(const Index *ix, const char *log_path, Timeline *t, Diags *diags) {
  FILE *f = fopen(log_path, "r");
  if (!f) {
    diags_add(diags, DIAG_ERROR, log_path, 0, "cannot read the log");
    return false;
  }
  TimelineReader *tr = timeline_begin(ix, t);
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  while ((len = getline(&line, &cap, f)) >= 0) timeline_feed(tr, line, (size_t)len);
  free(line);
  fclose(f);
  timeline_end(tr);
  return true;
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
  double time = -1, prev_kb = -1;
  while ((len = getline(&line, &cap, f)) >= 0) {
    LogLine l;
    logline_parse(line, (size_t)len, &l);
    const char *rest = l.message;
    char *end;
    if (l.time >= 0)
      time = l.time;
    else { /* "EPOCH KB" */
      double v = strtod(line, &end);
      if (end != line && v > 1e8) time = v, rest = end;
    }
    const char *vm = strstr(rest, "VmRSS:");
    double kb = strtod(vm ? vm + 6 : rest, &end);
    logline_free(&l);
    if (end == (vm ? vm + 6 : rest) || time < 0 || kb <= 0) continue;
    t->rss_samples++;
    if (kb > t->peak_rss_kb) t->peak_rss_kb = kb;
    RssSample sample = {time, kb};
    array_push(&t->samples, sample);
    if (t->samples.len >= 4000) { /* keep every other sample, and the peaks */
      uint32_t w = 0;
      for (uint32_t i = 0; i < t->samples.len; i += 2) {
        RssSample a = t->samples.items[i];
        if (i + 1 < t->samples.len && t->samples.items[i + 1].kb > a.kb)
          a.kb = t->samples.items[i + 1].kb;
        t->samples.items[w++] = a;
      }
      t->samples.len = w;
    }
    for (uint32_t i = 0; i < t->phases.len; i++) {
      Phase *p = &t->phases.items[i];
      if (time < p->start || time > p->end) continue;
      if (kb > p->peak_rss_kb) p->peak_rss_kb = kb;
      if (prev_kb >= 0 && kb - prev_kb > p->rss_step_kb) p->rss_step_kb = kb - prev_kb;
    }
    prev_kb = kb;
  }
  free(line);
  fclose(f);
  return true;
}

void timeline_free(Timeline *t) {
  for (uint32_t i = 0; i < t->phases.len; i++) {
    free(t->phases.items[i].name);
    array_free(&t->phases.items[i].task_times);
    array_free(&t->phases.items[i].task_gaps);
  }
  array_free(&t->phases);
  array_free(&t->waves);
  array_free(&t->samples);
}

typedef struct {
  void (*on_phase)(const Timeline *, const Phase *, void *);
  void *ctx;
  Array(bool) reported; /* per phase: on_phase was called for it */
} Follow;

static void report_closed(const Timeline *t, Follow *fo) {
  while (fo->reported.len < t->phases.len) array_push(&fo->reported, false);
  for (uint32_t i = 0; i < t->phases.len; i++)
    if (!t->phases.items[i].open && !fo->reported.items[i]) {
      fo->reported.items[i] = true;
      if (fo->on_phase) fo->on_phase(t, &t->phases.items[i], fo->ctx);
    }
}

/* Feed complete lines from f; an incomplete last line stays in `partial`. */
static void follow_drain(TimelineReader *tr, FILE *f, StrBuf *partial, const Timeline *t,
                         Follow *fo) {
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  while ((len = getline(&line, &cap, f)) > 0) {
    sb_putn(partial, line, (size_t)len);
    if (line[len - 1] != '\n') break; /* the writer is mid-line: wait for the rest */
    if (timeline_feed(tr, partial->s, partial->len)) report_closed(t, fo);
    partial->len = 0;
  }
  clearerr(f);
  free(line);
}

bool timeline_follow(const Index *ix, const char *path, Timeline *t, volatile int *stop,
                     unsigned poll_ms, void (*on_phase)(const Timeline *, const Phase *, void *),
                     void *ctx, Diags *diags) {
  FILE *f = fopen(path, "r");
  if (!f) {
    diags_add(diags, DIAG_ERROR, path, 0, "cannot read the log");
    return false;
  }
  struct stat st;
  fstat(fileno(f), &st);
  ino_t inode = st.st_ino;
  TimelineReader *tr = timeline_begin(ix, t);
  StrBuf partial = {0};
  Follow fo = {on_phase, ctx, {0}};
  struct timespec nap = {(time_t)(poll_ms / 1000), (long)(poll_ms % 1000) * 1000000L};
  while (!*stop) {
    follow_drain(tr, f, &partial, t, &fo);
    if (stat(path, &st) == 0) {
      if (st.st_ino != inode) { /* rotated: the rest of the old file, then the new one */
        follow_drain(tr, f, &partial, t, &fo);
        FILE *g = fopen(path, "r");
        if (g) {
          fclose(f);
          f = g;
          inode = st.st_ino;
          partial.len = 0;
          continue;
        }
      } else if (st.st_size < ftell(f)) { /* truncated: from the start again */
        fseek(f, 0, SEEK_SET);
        partial.len = 0;
        continue;
      }
    }
    nanosleep(&nap, NULL);
  }
  follow_drain(tr, f, &partial, t, &fo);
  if (partial.len) timeline_feed(tr, partial.s, partial.len);
  sb_free(&partial);
  fclose(f);
  timeline_end(tr);
  report_closed(t, &fo);
  array_free(&fo.reported);
  return true;
}
