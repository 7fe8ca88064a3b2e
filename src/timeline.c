/* timeline: the phases of a run, from its classified log lines in log
 * order: occurrences of orchestrators and markers, their tasks, tails,
 * retries (tied to the functions retried, and their synchronized waves),
 * loop stalls and memory. Memory stays flat on logs of any size (samples of
 * at most TIMELINE_SAMPLE per phase); each line costs O(open phases). */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "timeline_reader.h"

static void task_line(Phase *p, double now) {
  if (!p->seen_tasks || now >= p->last_task)
    p->last_request[0] = '\0'; /* a request sets it again */
  if (p->seen_tasks && now >= p->last_task) {
    double gap = now - p->last_task;
    if (gap > p->gap_max) p->gap_max = gap;
    timeline__sample(&p->task_gaps, &p->seen_gaps, gap);
  }
  if (!p->seen_tasks || now > p->last_task) p->last_task = now;
  timeline__sample(&p->task_times, &p->seen_tasks, now);
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
    p->gap_p50 = timeline__percentile_of(p->task_gaps.items, p->task_gaps.len, 50);
    p->gap_p95 = timeline__percentile_of(p->task_gaps.items, p->task_gaps.len, 95);
  }
  if (p->task_times.len > 1)
    p->tail = p->last_task - timeline__percentile_of(p->task_times.items, p->task_times.len, 90);
  array_free(&p->task_times);
  array_free(&p->task_gaps);
  phase_rss(t, p);
  PhaseGroup *g = &t->groups.items[p->group];
  double d = p->end - p->start;
  if (!g->count || d > g->longest.end - g->longest.start) g->longest = *p;
  g->count++;
  g->total += d;
  timeline__sample(&g->durations, &g->seen, d);
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

/* The tie of a retried function, made when it is first named; NULL beyond
 * TIMELINE_TIES_KEPT distinct names. */
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
      LoopStall fresh = {xstrdup(name), *name ? trace_named_def(r->ix, name) : (DefRef){0, -1}, 0,
                         0, 0};
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

/* The line's time into the reader's clock: a clock without a date starts
 * again past midnight, and a line stamped earlier than one before it
 * (threads, clock steps) does not turn time back. */
static void advance_clock(Reader *r, const LineClass *c) {
  Timeline *t = r->t;
  if (c->time < 0) {
    t->untimed++;
    return;
  }
  double time = c->time;
  if (c->time_of_day) {
    if (r->last_clock >= 0 && time < r->last_clock - 43200) r->day += 86400;
    r->last_clock = time;
    time += r->day;
  }
  if (time > r->now || t->first < 0) r->now = time;
  if (t->first < 0) t->first = r->now;
  t->last = r->now;
}

/* A project callsite's line: into its orchestrator's phase (or the one
 * running that a shared helper's line belongs to); a retry it logs is tied
 * to the function that logs it. Returns the phase, or NULL. */
static Phase *project_line(Reader *r, const LineClass *c, bool *retry) {
  Timeline *t = r->t;
  Matcher *m = &r->matchers.items[c->matcher];
  Phase *at = NULL;
  t->matched++;
  timeline__resolve(r, m);
  *retry = *retry && m->in_retry;
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
  if (!*retry) return at;
  RetryTie *tie = m->tie >= 0 ? &t->ties.items[m->tie] : NULL;
  if (!tie) {
    DefRef d = {m->site->file, m->site->def};
    char *name = index_def_name(r->ix, d);
    tie = tie_for(r, name, d, "project");
    free(name);
    if (tie) m->tie = (int32_t)(tie - t->ties.items);
  }
  if (tie) {
    tie_retry(tie, r->now, c->delay, false, 0);
    r->line_tie = (int32_t)(tie - t->ties.items);
  }
  if (at && c->delay > 0) at->slept += c->delay;
  return at;
}

/* A retry or an error is counted once, in the phase it happened in, and in
 * the marked spans ("Starting X" ... "Finished X") around it; retries of one
 * second form a wave. */
static void count_retry_error(Reader *r, Phase *at, bool retry, bool error) {
  Timeline *t = r->t;
  if ((retry || error) && !at) at = active_phase(r);
  for (uint32_t i = 0; (retry || error) && i < r->open.len; i++) {
    Phase *p = &r->open.items[i];
    if (p == at || (p->marker && r->now >= p->start)) {
      p->retries += retry;
      p->errors += error;
    }
  }
  t->retries += retry;
  if (!retry || r->now < 0) return;
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

/* Returns how many phases the line closed. */
uint32_t timeline__apply(Reader *r, const LineClass *c) {
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
  advance_clock(r, c);
  markers(r, c);
  bool retry = c->flags & LC_RETRY, error = c->flags & LC_ERROR;
  r->last_hit = 0;
  r->line_tie = -1;
  Phase *at = NULL; /* the phase the record went to */
  if (c->lib >= 0)
    at = library_line(r, c, &retry);
  else if (c->matcher >= 0)
    at = project_line(r, c, &retry);
  count_retry_error(r, at, retry, error);
  return r->closed;
}

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
  timeline__setup(&tr->r);
  tr->found = xcalloc(tr->r.words + 1, sizeof(uint64_t));
  return tr;
}

uint32_t timeline_feed(TimelineReader *tr, const char *line, size_t len) {
  LineClass c;
  timeline__classify(&tr->r, tr->r.md, tr->found, line, len, &c);
  uint32_t closed = timeline__apply(&tr->r, &c);
  timeline__lineclass_free(&c);
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
      g->p50 = timeline__percentile_of(g->durations.items, g->durations.len, 50);
      g->p95 = timeline__percentile_of(g->durations.items, g->durations.len, 95);
    }
    array_free(&g->durations);
  }
  for (uint32_t i = 0; i < r->group_keys.len; i++) free(r->group_keys.items[i]);
  array_free(&r->group_keys);
  strmap_free(&r->group_of);
  for (uint32_t i = 0; i < r->tie_keys.len; i++) free(r->tie_keys.items[i]);
  array_free(&r->tie_keys);
  strmap_free(&r->tie_of);
  for (uint32_t i = 0; i < r->nestings.len; i++) array_free(&r->nestings.items[i].around);
  array_free(&r->nestings);
  for (uint32_t i = 0; i < r->req_keys.len; i++) free(r->req_keys.items[i]);
  array_free(&r->req_keys);
  strmap_free(&r->req_of);
  array_free(&r->req_defs);
  timeline__teardown(r);
  free(tr->found);
  free(tr);
}
