/* report: `fanout report`'s ranking: each finding tied to the phase it
 * costs (its orchestrator's, else the innermost fan-out reaching it) and to
 * what the run measured against it (a straggler's hold, retry waits, loop
 * stalls, RSS climb), plus what only the run shows; then observability gaps.
 * O(findings x phase groups x reach). */
#include "report_int.h"

#include <stdlib.h>

#include "model.h"
#include "trace.h"

/* A finding's family (rule.h): what the run can measure against it. */
static RuleFamily family(const Finding *f) { return rule_info(f->rule)->family; }

static bool same_def(DefRef a, uint32_t file, int32_t def) {
  return a.file == file && a.def == def;
}

/* The functions an orchestrator's tasks run (its sites' targets and what
 * they reach). */
static void orchestrator_reach(const Model *m, DefRef orch, DefRefs *out) {
  for (uint32_t i = 0; i < m->ix->sites.len; i++) {
    const SiteRef *s = &m->ix->sites.items[i];
    if (!same_def(orch, s->file, s->site.def)) continue;
    const Facts *sf = &m->ix->files[s->file];
    for (uint32_t t = 0; t < s->site.targets.count; t++) {
      DefRef target = index_resolve_name(m->ix, s->file, s->site.def,
                                         sf->names.items[s->site.targets.first + t]);
      if (defref_ok(target)) model_reach(m, target, 6, out);
    }
  }
}

/* What one occurrence of a phase shows. */
static void occurrence_evidence(StrBuf *b, const Timeline *t, const Phase *p) {
  sb_printf(b, "phase `%s` ran %.2f s (%.2f-%.2f s into the log)", p->name, p->end - p->start,
            p->start - t->first, p->end - t->first);
  if (p->tasks > 1)
    sb_printf(b,
              "; %u task events, gaps p50 %.3f s / p95 %.3f s / max %.3f s; the last task "
              "finished %.2f s after the 90th percentile",
              p->tasks, p->gap_p50, p->gap_p95, p->gap_max, p->tail);
  if (p->requests) {
    sb_printf(b, "; %u requests logged by the HTTP client", p->requests);
    if (p->rejected) sb_printf(b, " (%u answered 429 or 5xx)", p->rejected);
  }
  if (p->retries) sb_printf(b, "; %u retr%s", p->retries, p->retries == 1 ? "y" : "ies");
  if (p->slept > 0) sb_printf(b, " (%.1f s of waits announced)", p->slept);
  if (p->stalled > 0) sb_printf(b, "; the event loop blocked %.2f s (asyncio debug)", p->stalled);
  if (p->errors) sb_printf(b, "; %u errors", p->errors);
  if (p->peak_rss_kb > 0) sb_printf(b, "; peak RSS %.1f MiB", p->peak_rss_kb / 1024.0);
}

/* What all occurrences of a phase show: the one, or their sums and the longest. */
static char *phase_evidence(const Timeline *t, const PhaseGroup *g) {
  StrBuf b = {0};
  if (g->count == 1) {
    occurrence_evidence(&b, t, &g->longest);
    return sb_take(&b);
  }
  sb_printf(&b, "phase `%s` ran %u times, %.2f s in all (p50 %.2f s, p95 %.2f s)", g->name,
            g->count, g->total, g->p50, g->p95);
  if (g->retries) sb_printf(&b, "; %llu retry lines", (unsigned long long)g->retries);
  if (g->errors) sb_printf(&b, "; %llu errors", (unsigned long long)g->errors);
  sb_puts(&b, ". The longest: ");
  occurrence_evidence(&b, t, &g->longest);
  return sb_take(&b);
}

static void add_item(Items *items, const Finding *f, const PhaseGroup *g, double lost, double score,
                     char *title, char *location, char *evidence, char *diagnosis, char *next,
                     char *validation) {
  Item it = {f, g, lost, score, title, location, evidence, diagnosis, next, validation};
  array_push(items, it);
}

/* Time the run lost first, then the time of the phases it is in. */
static int cmp_items(const void *a, const void *b) {
  const Item *x = a, *y = b;
  if (x->lost != y->lost) return x->lost > y->lost ? -1 : 1;
  if (x->score != y->score) return x->score > y->score ? -1 : 1;
  return strcmp(x->location, y->location);
}

/* The retries a library logged for the function holding a finding, or NULL. */
static const RetryTie *tie_of(const Timeline *t, const Finding *f) {
  for (uint32_t i = 0; i < t->ties.len; i++)
    if (t->ties.items[i].def.def >= 0 && same_def(t->ties.items[i].def, f->file, f->def))
      return &t->ties.items[i];
  return NULL;
}

static void tie_evidence(StrBuf *b, const Timeline *t, const RetryTie *tie) {
  if (strcmp(tie->library, "project") == 0)
    sb_printf(b, "%llu retr%s logged by `%s` itself", (unsigned long long)tie->retries,
              tie->retries == 1 ? "y" : "ies", tie->name);
  else
    sb_printf(b, "%llu retr%s of `%s` logged (%s)", (unsigned long long)tie->retries,
              tie->retries == 1 ? "y" : "ies", tie->name, tie->library);
  if (tie->slept > 0)
    sb_printf(b, ", waiting %.1f s in all, %.1f s of the run with a retry pending", tie->slept,
              tie->wall);
  if (tie->giveups) sb_printf(b, ", %llu gave up", (unsigned long long)tie->giveups);
  if (t->first >= 0)
    sb_printf(b, ", %.2f-%.2f s into the log", tie->first - t->first, tie->last - t->first);
}

/* What ranking reads besides the findings: the model, what each
 * orchestrator phase's tasks run, and what each coroutine asyncio saw block
 * the loop runs (and whether a finding joined it). */
typedef struct {
  const Project *p;
  const Timeline *t;
  Model m;
  DefRefs *reach;       /* per phase group */
  DefRefs *stall_reach; /* per loop stall */
  bool *stall_joined;
  CallRefs requests; /* the project's calls that may send a request (made when first needed) */
  bool requests_made;
} Ranker;

static void ranker_init(Ranker *r, const Project *p, const Timeline *t) {
  r->p = p;
  r->t = t;
  model_init(&r->m, &p->index, &p->knowledge, &p->settings);
  r->reach = xcalloc(t->groups.len + 1, sizeof(DefRefs));
  for (uint32_t k = 0; k < t->groups.len; k++)
    if (!t->groups.items[k].marker)
      orchestrator_reach(&r->m, t->groups.items[k].orchestrator, &r->reach[k]);
  r->stall_reach = xcalloc(t->stalls.len + 1, sizeof(DefRefs));
  r->stall_joined = xcalloc(t->stalls.len + 1, sizeof(bool));
  for (uint32_t k = 0; k < t->stalls.len; k++)
    if (t->stalls.items[k].def.def >= 0)
      model_reach(&r->m, t->stalls.items[k].def, 6, &r->stall_reach[k]);
}

static void ranker_free(Ranker *r) {
  for (uint32_t k = 0; k < r->t->stalls.len; k++) array_free(&r->stall_reach[k]);
  free(r->stall_reach);
  free(r->stall_joined);
  for (uint32_t k = 0; k < r->t->groups.len; k++) array_free(&r->reach[k]);
  free(r->reach);
  array_free(&r->requests);
  model_free(&r->m);
}

/* The phase a finding belongs to: its own orchestrator first, else the one
 * with the smallest closure holding it (the innermost fan-out), the costliest. */
static const PhaseGroup *phase_of(const Ranker *r, const Finding *f) {
  const Timeline *t = r->t;
  const PhaseGroup *best = NULL;
  uint32_t best_rank = UINT32_MAX;
  for (uint32_t k = 0; k < t->groups.len; k++) {
    const PhaseGroup *g = &t->groups.items[k];
    if (g->marker) continue;
    uint32_t rank_k = UINT32_MAX;
    if (same_def(g->orchestrator, f->file, f->def)) rank_k = 0;
    for (uint32_t i = 0; i < r->reach[k].len && rank_k == UINT32_MAX; i++)
      if (same_def(r->reach[k].items[i], f->file, f->def)) rank_k = 1 + r->reach[k].len;
    if (rank_k == UINT32_MAX) continue;
    if (!best || rank_k < best_rank || (rank_k == best_rank && g->total > best->total))
      best = g, best_rank = rank_k;
  }
  return best;
}

/* FAN5xx: the loop stalls in steps that run the blocking call; the seconds. */
static double stall_evidence(Ranker *r, const Finding *f, StrBuf *run) {
  const Timeline *t = r->t;
  uint64_t count = 0;
  double lost = 0, longest = 0;
  const char *named = NULL;
  for (uint32_t k = 0; k < t->stalls.len; k++) {
    const LoopStall *st = &t->stalls.items[k];
    bool runs = false;
    for (uint32_t i = 0; i < r->stall_reach[k].len && !runs; i++)
      runs = same_def(r->stall_reach[k].items[i], f->file, f->def);
    if (!runs) continue;
    r->stall_joined[k] = true;
    lost += st->seconds, count += st->count, named = named ? named : st->name;
    if (st->longest > longest) longest = st->longest;
  }
  if (count)
    sb_printf(run,
              "This run: asyncio reported the event loop blocked %llu time%s, %.2f s in all "
              "(longest %.3f s), in steps of `%s`, which runs this call; ",
              (unsigned long long)count, count == 1 ? "" : "s", lost, longest, named);
  return lost;
}

/* FAN4xx: the retries of the function, and the waves they formed. */
static void retry_evidence(const Timeline *t, const RetryTie *tie, StrBuf *run) {
  sb_puts(run, "This run: ");
  tie_evidence(run, t, tie);
  uint32_t waves = 0, in_waves = 0;
  for (uint32_t w = 0; w < t->waves.len; w++)
    if (t->waves.items[w].tie == (int32_t)(tie - t->ties.items))
      waves++, in_waves += t->waves.items[w].count;
  if (waves)
    sb_printf(run, "; %u of them in %u synchronized wave%s (three or more in one second)", in_waves,
              waves, waves == 1 ? "" : "s");
  sb_puts(run, "; ");
}

/* FAN301: how long the straggler held the phase, and its last request. */
static void tail_evidence(Ranker *r, const PhaseGroup *best, StrBuf *run) {
  const Project *p = r->p;
  sb_printf(run,
            "This run: the slowest task held the phase %.2f s after the 90th percentile "
            "one%s",
            best->tail_lost, best->long_tails > 1 ? " (summed over its long-tailed runs)" : "");
  const Phase *w = &best->worst_tail;
  uint32_t rf, rc;
  if (w->last_request[0]) {
    sb_printf(run, "; the last request, `%s`, landed %.2f s into the phase", w->last_request,
              w->last_task - w->start);
    if (!r->requests_made) trace_request_calls(&p->index, &r->requests);
    r->requests_made = true;
    if (trace_request_site(&p->index, &r->requests, w->last_request, &rf, &rc))
      sb_printf(run, ", sent at %s:%u", p->index.files[rf].path,
                p->index.files[rf].calls.items[rc].pos.line);
  }
  sb_puts(run, "; ");
}

/* One finding as an item: its phase's cost (weighted by its family) and
 * what the run measured against it. */
static void rank_finding(Ranker *r, const Finding *f, Items *items) {
  const Timeline *t = r->t;
  const PhaseGroup *best = phase_of(r, f);
  double cost = 0;
  if (best) /* retries per occurrence weigh retry findings */
    cost = best->total * rule_info(f->rule)->weight *
               (family(f) == FAMILY_RETRY ? 1.0 + (double)best->retries / best->count : 1.0) +
           (family(f) == FAMILY_BUFFERING || family(f) == FAMILY_CONTEXT
                ? best->rss_climb_kb / 1024.0 / 10.0
                : 0);
  const RuleInfo *rule = rule_info(f->rule);
  double lost = 0;
  StrBuf run = {0};
  const RetryTie *tie = family(f) == FAMILY_RETRY ? tie_of(t, f) : NULL;
  if (family(f) == FAMILY_BLOCKING) lost = stall_evidence(r, f, &run);
  if (tie) {
    lost = tie->wall;
    retry_evidence(t, tie, &run);
  } else if ((family(f) == FAMILY_CONTEXT || family(f) == FAMILY_BUFFERING) && best &&
             best->rss_climb_kb >= 10 * 1024) {
    /* memory that climbed while the phase held every task's copy or result */
    sb_printf(&run, "This run: RSS climbed %.1f MiB while the phase ran (peak %.1f MiB); ",
              best->rss_climb_kb / 1024.0, best->peak_rss_kb / 1024.0);
  } else if (family(f) == FAMILY_LONG_TAIL && best && best->long_tails) {
    lost = best->tail_lost;
    tail_evidence(r, best, &run);
  }
  char *ev = best ? phase_evidence(t, best) : xstrdup("no phase of this run reached it");
  char *evidence = xasprintf("%s%s. Code: %s", sb_str(&run), ev, f->evidence);
  free(ev);
  sb_free(&run);
  add_item(items, f, best, lost, cost,
           xasprintf("%s %s (%s)", f->code, rule->name, severity_name(f->severity)),
           xasprintf("`%s:%u:%u` in `%s`", r->p->index.files[f->file].path, f->pos.line, f->pos.col,
                     f->where),
           evidence, xasprintf("%s: %s", rule->summary, f->message), xstrdup(f->next_step),
           xstrdup(f->validate));
}

/* Evidence only the run has: a long tail with no timeout finding there. */
static void long_tail_items(const Timeline *t, Items *items) {
  for (uint32_t k = 0; k < t->groups.len; k++) {
    const PhaseGroup *g = &t->groups.items[k];
    if (g->marker || !g->long_tails) continue;
    bool has301 = false;
    for (uint32_t i = 0; i < items->len && !has301; i++)
      has301 = items->items[i].phase == g && items->items[i].finding &&
               family(items->items[i].finding) == FAMILY_LONG_TAIL;
    if (has301) continue;
    StrBuf ev = {0};
    if (g->count > 1)
      sb_printf(&ev, "%u of its %u occurrences had a long tail, %.2f s in all. The worst: ",
                g->long_tails, g->count, g->long_tail_time);
    occurrence_evidence(&ev, t, &g->worst_tail);
    add_item(items, NULL, g, g->tail_lost, g->long_tail_time * 0.8,
             xstrdup("long tail (from the run)"), xasprintf("`%s`", g->name), sb_take(&ev),
             xstrdup("the slowest task holds the phase: most tasks are done long before the last"),
             xstrdup("give each task a timeout (`asyncio.wait_for`) and the phase a deadline"),
             xstrdup("the gap between the 90th percentile and the last task shrinks"));
  }
}

/* Loop stalls in steps that reach no blocking call fanout found. */
static void stall_items(const Ranker *r, Items *items) {
  const Timeline *t = r->t;
  for (uint32_t k = 0; k < t->stalls.len; k++) {
    const LoopStall *st = &t->stalls.items[k];
    if (r->stall_joined[k]) continue;
    char *where = st->def.def >= 0 ? index_def_name(&r->p->index, st->def)
                  : *st->name      ? xstrdup(st->name)
                                   : xstrdup("callbacks");
    add_item(items, NULL, NULL, st->seconds, st->seconds,
             xstrdup("event-loop stalls (from the run)"), xasprintf("`%s`", where),
             xasprintf("asyncio reported the event loop blocked %llu time%s, %.2f s in all "
                       "(longest %.3f s), in steps of `%s`",
                       (unsigned long long)st->count, st->count == 1 ? "" : "s", st->seconds,
                       st->longest, *st->name ? st->name : "a callback"),
             xstrdup("a step of this coroutine ran that long without yielding: a blocking call "
                     "or CPU work fanout found no rule for"),
             xstrdup("profile the step (asyncio debug names it) and move the blocking part to "
                     "`asyncio.to_thread` or an executor"),
             xstrdup("no `Executing ... took` warnings for it in the next run"));
    free(where);
  }
}

/* Retries a library logged for a function no retry finding is about. */
static void untied_retry_items(const Project *p, const Timeline *t, Items *items) {
  for (uint32_t k = 0; k < t->ties.len; k++) {
    const RetryTie *tie = &t->ties.items[k];
    bool joined = false;
    for (uint32_t i = 0; i < items->len && !joined; i++)
      joined = items->items[i].finding && tie_of(t, items->items[i].finding) == tie;
    if (joined) continue;
    StrBuf ev = {0};
    tie_evidence(&ev, t, tie);
    char *where = tie->def.def >= 0 ? index_def_name(&p->index, tie->def) : xstrdup(tie->name);
    add_item(items, NULL, NULL, tie->wall, (double)tie->retries, xstrdup("retries (from the run)"),
             xasprintf("`%s`", where), sb_take(&ev),
             xasprintf("calls of `%s` failed and were retried; no retry finding shown here "
                       "explains it, so the cause is what failed",
                       tie->name),
             xstrdup("find what failed (the status or exception in the retry lines) and whether "
                     "the fan-out that calls it exceeds the service's rate limit"),
             xstrdup("fewer retry lines for it in the next run"));
    free(where);
  }
}

/* One item for all the synchronized retry waves: they are one pattern. */
static void wave_item(const Timeline *t, Items *items) {
  if (!t->nwaves) return;
  StrBuf ev = {0};
  for (uint32_t w = 0; w < t->waves.len && w < 8; w++) {
    const RetryWave *rw = &t->waves.items[w];
    sb_printf(&ev, "%s%u retries within one second from %.2f s into the log", w ? "; " : "",
              rw->count, rw->time > t->first ? rw->time - t->first : 0.0);
    if (rw->tie >= 0) sb_printf(&ev, ", all of `%s`", t->ties.items[rw->tie].name);
  }
  if (t->nwaves > 8)
    sb_printf(&ev, "; %u waves in all, %llu retries", t->nwaves, (unsigned long long)t->wave_lines);
  add_item(items, NULL, NULL, 0, (double)t->wave_lines * 0.5,
           xstrdup("synchronized retry waves (from the run)"),
           xasprintf("%u wave%s in the log", t->nwaves, t->nwaves == 1 ? "" : "s"), sb_take(&ev),
           xstrdup("concurrent tasks failed together and retried together: no jitter, or a "
                   "shared rate limit hit by an unbounded fan-out"),
           xstrdup("add jitter to the retry wait and bound the fan-out below the rate limit"),
           xstrdup("retries spread over seconds instead of bursts; the 429 count drops"));
}

/* Each finding costs the time of the phase it belongs to: all occurrences of
 * it in the log, summed (a log of many runs repeats each phase); then what
 * only the run shows. Sorted by time lost, then cost. */
static void rank(const Project *p, const Timeline *t, const Findings *fs, Items *items) {
  Ranker r = {0};
  ranker_init(&r, p, t);
  for (uint32_t i = 0; i < fs->len; i++) rank_finding(&r, &fs->items[i], items);
  long_tail_items(t, items);
  stall_items(&r, items);
  untied_retry_items(p, t, items);
  wave_item(t, items);
  if (items->len) qsort(items->items, items->len, sizeof(Item), cmp_items);
  ranker_free(&r);
}

static void gaps(const Project *p, const Timeline *t, StrArray *out) {
  for (uint32_t i = 0; i < p->index.sites.len && out->len < 4; i++) {
    const SiteRef *s = &p->index.sites.items[i];
    if (s->site.width.kind != WIDTH_DATA) continue;
    DefRef orch = {s->file, s->site.def};
    bool seen = false, tasks = false;
    for (uint32_t k = 0; k < t->groups.len; k++) {
      const PhaseGroup *g = &t->groups.items[k];
      if (!g->marker && same_def(g->orchestrator, orch.file, orch.def))
        seen = true, tasks |= g->tasks > 0;
    }
    char *name = index_def_name(&p->index, orch);
    bool logs = false;
    for (uint32_t l = 0; l < p->files[s->file].logs.len && !logs; l++)
      logs = p->files[s->file].logs.items[l].def == orch.def;
    if (!logs)
      array_push(out, xasprintf("`%s` fans out over `%s` but logs no phase start or end", name,
                                s->site.width.expr));
    else if (seen && !tasks)
      array_push(out, xasprintf("phase `%s` has no per-task line: how long each task took is "
                                "invisible in the log",
                                name));
    free(name);
  }
  uint64_t retry_lines = 0;
  for (uint32_t k = 0; k < t->groups.len; k++) retry_lines += t->groups.items[k].retries;
  if (!retry_lines && out->len < 4)
    array_push(out, xstrdup("no retry is ever logged: retries (SDK or decorators) are invisible "
                            "in this run's log"));
}

void report_write(const Project *p, const Findings *fs, const Timeline *t, const char *log_path,
                  const char *rss_path, const char *format, StrBuf *out) {
  Items items = {0};
  rank(p, t, fs, &items);
  StrArray obs = {0};
  gaps(p, t, &obs);
  if (format && strcmp(format, "json") == 0)
    report__json(&p->index, t, &items, &obs, log_path, out);
  else if (format && strcmp(format, "html") == 0)
    report__html(t, &items, &obs, log_path, out);
  else
    report__markdown(p, t, &items, &obs, log_path, rss_path, out);
  for (uint32_t i = 0; i < items.len; i++) {
    Item *it = &items.items[i];
    free(it->title), free(it->location), free(it->evidence), free(it->diagnosis);
    free(it->next_step), free(it->validation);
  }
  array_free(&items);
  for (uint32_t i = 0; i < obs.len; i++) free(obs.items[i]);
  array_free(&obs);
}
