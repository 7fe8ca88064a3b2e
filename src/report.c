#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "model.h"
#include "trace.h"

#define TOP_MAX 7
#define TOP_MIN 3

/* One ranked item: a static finding, or evidence only the run shows. */
typedef struct {
  const Finding *finding;  /* NULL for run-only evidence */
  const PhaseGroup *phase; /* the phase whose time it costs, or NULL */
  double lost;             /* seconds this run measurably lost to it (a straggler's hold,
                              announced retry waits), 0 when the run shows none */
  double score;            /* the time of the phases it is in, weighted by its rule */
  char *title, *location, *evidence, *diagnosis, *next_step, *validation; /* owned */
} Item;

typedef Array(Item) Items;

static double weight(const char *code) {
  switch (code[3]) {
  case '1': return 1.0;
  case '3': return 0.9;
  case '4': return 0.8;
  case '5': return 0.7;
  case '2':
  case '6': return 0.6;
  case '7': return 0.5;
  default: return 0.1;
  }
}

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

/* Each finding costs the time of the phase it belongs to: all occurrences of
 * it in the log, summed (a log of many runs repeats each phase). */
static void rank(const Project *p, const Catalog *cat, const Timeline *t, const Findings *fs,
                 Items *items) {
  Model m;
  model_init(&m, &p->index, &p->knowledge);
  /* what each orchestrator phase's tasks run */
  DefRefs *reach = xcalloc(t->groups.len + 1, sizeof(DefRefs));
  for (uint32_t k = 0; k < t->groups.len; k++)
    if (!t->groups.items[k].marker)
      orchestrator_reach(&m, t->groups.items[k].orchestrator, &reach[k]);
  /* what each coroutine asyncio saw block the loop runs */
  DefRefs *stall_reach = xcalloc(t->stalls.len + 1, sizeof(DefRefs));
  bool *stall_joined = xcalloc(t->stalls.len + 1, sizeof(bool));
  for (uint32_t k = 0; k < t->stalls.len; k++)
    if (t->stalls.items[k].def.def >= 0) model_reach(&m, t->stalls.items[k].def, 6, &stall_reach[k]);
  for (uint32_t i = 0; i < fs->len; i++) {
    const Finding *f = &fs->items[i];
    int32_t def = f->def; /* a decorator's finding is its function's */
    /* the phase it belongs to: its own orchestrator first, else the one with
     * the smallest closure holding it (the innermost fan-out), the costliest */
    const PhaseGroup *best = NULL;
    uint32_t best_rank = UINT32_MAX;
    for (uint32_t k = 0; k < t->groups.len; k++) {
      const PhaseGroup *g = &t->groups.items[k];
      if (g->marker) continue;
      uint32_t rank_k = UINT32_MAX;
      if (same_def(g->orchestrator, f->file, def)) rank_k = 0;
      for (uint32_t r = 0; r < reach[k].len && rank_k == UINT32_MAX; r++)
        if (same_def(reach[k].items[r], f->file, def)) rank_k = 1 + reach[k].len;
      if (rank_k == UINT32_MAX) continue;
      if (!best || rank_k < best_rank || (rank_k == best_rank && g->total > best->total))
        best = g, best_rank = rank_k;
    }
    double cost = 0;
    if (best) /* retries per occurrence weigh retry findings */
      cost = best->total * weight(f->code) *
                 (f->code[3] == '4' ? 1.0 + (double)best->retries / best->count : 1.0) +
             (f->code[3] == '2' || f->code[3] == '6' ? best->rss_climb_kb / 1024.0 / 10.0 : 0);
    const RuleDoc *doc = catalog_get(cat, f->code);
    /* what the run measured against it */
    double lost = 0;
    StrBuf run = {0};
    const RetryTie *tie = f->code[3] == '4' ? tie_of(t, f) : NULL;
    if (f->code[3] == '5') { /* a blocking call in what a stalled step ran */
      uint64_t count = 0;
      double longest = 0;
      const char *named = NULL;
      for (uint32_t k = 0; k < t->stalls.len; k++) {
        const LoopStall *st = &t->stalls.items[k];
        bool runs = false;
        for (uint32_t r = 0; r < stall_reach[k].len && !runs; r++)
          runs = same_def(stall_reach[k].items[r], f->file, def);
        if (!runs) continue;
        stall_joined[k] = true;
        lost += st->seconds, count += st->count, named = named ? named : st->name;
        if (st->longest > longest) longest = st->longest;
      }
      if (count)
        sb_printf(&run,
                  "This run: asyncio reported the event loop blocked %llu time%s, %.2f s in all "
                  "(longest %.3f s), in steps of `%s`, which runs this call; ",
                  (unsigned long long)count, count == 1 ? "" : "s", lost, longest, named);
    }
    if (tie) {
      lost = tie->wall;
      sb_puts(&run, "This run: ");
      tie_evidence(&run, t, tie);
      uint32_t waves = 0, in_waves = 0;
      for (uint32_t w = 0; w < t->waves.len; w++)
        if (t->waves.items[w].tie == (int32_t)(tie - t->ties.items))
          waves++, in_waves += t->waves.items[w].count;
      if (waves)
        sb_printf(&run, "; %u of them in %u synchronized wave%s (three or more in one second)",
                  in_waves, waves, waves == 1 ? "" : "s");
      sb_puts(&run, "; ");
    } else if ((f->code[3] == '6' || f->code[3] == '2') && best &&
               best->rss_climb_kb >= 10 * 1024) {
      /* memory that climbed while the phase held every task's copy or result */
      sb_printf(&run, "This run: RSS climbed %.1f MiB while the phase ran (peak %.1f MiB); ",
                best->rss_climb_kb / 1024.0, best->peak_rss_kb / 1024.0);
    } else if (f->code[3] == '3' && best && best->long_tails) {
      lost = best->tail_lost;
      sb_printf(&run,
                "This run: the slowest task held the phase %.2f s after the 90th percentile "
                "one%s",
                best->tail_lost, best->long_tails > 1 ? " (summed over its long-tailed runs)" : "");
      const Phase *w = &best->worst_tail;
      uint32_t rf, rc;
      if (w->last_request[0]) {
        sb_printf(&run, "; the last request, `%s`, landed %.2f s into the phase", w->last_request,
                  w->last_task - w->start);
        CallRefs calls = {0};
        trace_request_calls(&p->index, &calls);
        if (trace_request_site(&p->index, &calls, w->last_request, &rf, &rc))
          sb_printf(&run, ", sent at %s:%u", p->index.files[rf].path,
                    p->index.files[rf].calls.items[rc].pos.line);
        array_free(&calls);
      }
      sb_puts(&run, "; ");
    }
    char *ev = best ? phase_evidence(t, best) : xstrdup("no phase of this run reached it");
    char *evidence = xasprintf("%s%s. Code: %s", sb_str(&run), ev, f->evidence);
    free(ev);
    sb_free(&run);
    add_item(items, f, best, lost, cost,
             xasprintf("%s %s (%s)", f->code, doc ? doc->name : "", severity_name(f->severity)),
             xasprintf("`%s:%u:%u` in `%s`", p->index.files[f->file].path, f->pos.line, f->pos.col,
                       f->where),
             evidence, xasprintf("%s: %s", doc ? doc->summary : f->code, f->message),
             xstrdup(f->next_step), xstrdup(f->validate));
  }
  /* Evidence only the run has: a long tail with no timeout finding there. */
  for (uint32_t k = 0; k < t->groups.len; k++) {
    const PhaseGroup *g = &t->groups.items[k];
    if (g->marker || !g->long_tails) continue;
    bool has301 = false;
    for (uint32_t i = 0; i < items->len && !has301; i++)
      has301 = items->items[i].phase == g && items->items[i].finding &&
               items->items[i].finding->code[3] == '3';
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
  /* Loop stalls in steps that reach no blocking call fanout found. */
  for (uint32_t k = 0; k < t->stalls.len; k++) {
    const LoopStall *st = &t->stalls.items[k];
    if (stall_joined[k]) continue;
    char *where = st->def.def >= 0 ? index_def_name(&p->index, st->def)
                  : *st->name    ? xstrdup(st->name)
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
  /* Retries a library logged for a function no retry finding is about. */
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
  if (t->nwaves) { /* one item for all the waves: they are one pattern */
    StrBuf ev = {0};
    for (uint32_t w = 0; w < t->waves.len && w < 8; w++) {
      const RetryWave *rw = &t->waves.items[w];
      sb_printf(&ev, "%s%u retries within one second from %.2f s into the log", w ? "; " : "",
                rw->count, rw->time > t->first ? rw->time - t->first : 0.0);
      if (rw->tie >= 0) sb_printf(&ev, ", all of `%s`", t->ties.items[rw->tie].name);
    }
    if (t->nwaves > 8)
      sb_printf(&ev, "; %u waves in all, %llu retries", t->nwaves,
                (unsigned long long)t->wave_lines);
    add_item(items, NULL, NULL, 0, (double)t->wave_lines * 0.5,
             xstrdup("synchronized retry waves (from the run)"),
             xasprintf("%u wave%s in the log", t->nwaves, t->nwaves == 1 ? "" : "s"), sb_take(&ev),
             xstrdup("concurrent tasks failed together and retried together: no jitter, or a "
                     "shared rate limit hit by an unbounded fan-out"),
             xstrdup("add jitter to the retry wait and bound the fan-out below the rate limit"),
             xstrdup("retries spread over seconds instead of bursts; the 429 count drops"));
  }
  if (items->len) qsort(items->items, items->len, sizeof(Item), cmp_items);
  for (uint32_t k = 0; k < t->stalls.len; k++) array_free(&stall_reach[k]);
  free(stall_reach);
  free(stall_joined);
  for (uint32_t k = 0; k < t->groups.len; k++) array_free(&reach[k]);
  free(reach);
  model_free(&m);
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

/* Markdown and HTML show at most this many phases (a long log of repeated
 * runs has thousands): the longest, in log order. JSON lists them all. */
#define PHASES_SHOWN 40

typedef struct {
  double duration;
  uint32_t index;
} Ranked;

static int cmp_ranked(const void *a, const void *b) {
  const Ranked *x = a, *y = b;
  if (x->duration != y->duration) return x->duration > y->duration ? -1 : 1;
  return x->index < y->index ? -1 : 1;
}

/* keep[i]: phase i is shown. *shown says how many are; *cut is the duration
 * the hidden ones are at most. The caller frees keep. */
static bool *phases_shown(const Timeline *t, uint32_t *shown, double *cut) {
  bool *keep = xcalloc(t->phases.len + 1, sizeof(bool));
  *shown = t->phases.len < PHASES_SHOWN ? t->phases.len : PHASES_SHOWN;
  *cut = 0;
  Ranked *order = xcalloc(t->phases.len + 1, sizeof(Ranked));
  for (uint32_t i = 0; i < t->phases.len; i++)
    order[i] = (Ranked){t->phases.items[i].end - t->phases.items[i].start, i};
  qsort(order, t->phases.len, sizeof *order, cmp_ranked);
  for (uint32_t i = 0; i < *shown; i++) keep[order[i].index] = true;
  if (*shown < t->phases.len) *cut = order[*shown].duration;
  free(order);
  return keep;
}

/* Whether some phase ran more than once (a log of several runs). */
static bool repeated(const Timeline *t) {
  for (uint32_t i = 0; i < t->groups.len; i++)
    if (t->groups.items[i].count > 1) return true;
  return false;
}

/* "N more phases ... are not shown", when some are not. */
static void more_phases(StrBuf *out, const Timeline *t, uint32_t shown, double cut, bool html) {
  if (shown >= t->phases_total) return;
  sb_printf(out, "%s%llu more phases, none longer than %.2f s, are not shown (%sformat json%s ",
            html ? "<p>" : "\n", (unsigned long long)(t->phases_total - shown), cut,
            html ? "<code>--" : "`--", html ? "</code>" : "`");
  if (t->phases.len < t->phases_total)
    sb_printf(out, "lists the %u longest)", t->phases.len);
  else
    sb_puts(out, "lists them all)");
  sb_puts(out, html ? ".</p>\n" : ".\n");
}

/* The PHASES_SHOWN costliest groups (all occurrences' time), as indices; *n
 * is set. The caller frees. */
static uint32_t *groups_by_cost(const Timeline *t, uint32_t *n) {
  Ranked *order = xcalloc(t->groups.len + 1, sizeof(Ranked));
  for (uint32_t i = 0; i < t->groups.len; i++) order[i] = (Ranked){t->groups.items[i].total, i};
  qsort(order, t->groups.len, sizeof *order, cmp_ranked);
  *n = t->groups.len < PHASES_SHOWN ? t->groups.len : PHASES_SHOWN;
  uint32_t *out = xcalloc(*n + 1, sizeof(uint32_t));
  for (uint32_t i = 0; i < *n; i++) out[i] = order[i].index;
  free(order);
  return out;
}

static void markdown(const Project *p, const Timeline *t, const Items *items, const StrArray *obs,
                     const char *log_path, const char *rss_path, StrBuf *out) {
  sb_printf(out, "# fanout report\n\nLog `%s`: %llu lines, %llu records, %llu mapped to code",
            log_path, (unsigned long long)t->lines, (unsigned long long)t->records,
            (unsigned long long)t->matched);
  if (t->library_lines)
    sb_printf(out, ", %llu written by libraries (%llu requests, %llu retries in all)",
              (unsigned long long)t->library_lines, (unsigned long long)t->requests,
              (unsigned long long)t->retries);
  if (t->first >= 0) sb_printf(out, ", %.2f s", t->last - t->first);
  if (rss_path)
    sb_printf(out, "; RSS `%s`: %u samples, peak %.1f MiB", rss_path, t->rss_samples,
              t->peak_rss_kb / 1024.0);
  sb_puts(out, ".\n\n## Phases\n\n| phase | start | duration | lines | tasks | gap p50 | gap p95 | "
               "gap max | last task after p90 | retries | errors | peak RSS |\n"
               "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  uint32_t shown_phases;
  double cut;
  bool *keep = phases_shown(t, &shown_phases, &cut);
  for (uint32_t i = 0; i < t->phases.len; i++) {
    const Phase *ph = &t->phases.items[i];
    if (!keep[i]) continue;
    sb_printf(
        out,
        "| %s%s%s | %.2f s | %.2f s | %u | %u | %.3f s | %.3f s | %.3f s | %.2f s | %u | %u | ",
        ph->marker ? "" : "`", ph->name, ph->marker ? " (marker)" : "`", ph->start - t->first,
        ph->end - ph->start, ph->lines, ph->tasks, ph->gap_p50, ph->gap_p95, ph->gap_max, ph->tail,
        ph->retries, ph->errors);
    if (ph->peak_rss_kb > 0)
      sb_printf(out, "%.1f MiB |\n", ph->peak_rss_kb / 1024.0);
    else
      sb_puts(out, "- |\n");
  }
  more_phases(out, t, shown_phases, cut, false);
  free(keep);
  if (repeated(t)) {
    sb_puts(out,
            "\n## Phases by name\n\nAll occurrences of each phase summed, the costliest first.\n\n"
            "| phase | times | total | p50 | p95 | longest | tasks | retries | errors | long "
            "tails | peak RSS |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    uint32_t n;
    uint32_t *order = groups_by_cost(t, &n);
    for (uint32_t i = 0; i < n; i++) {
      const PhaseGroup *g = &t->groups.items[order[i]];
      sb_printf(out,
                "| %s%s%s | %u | %.2f s | %.2f s | %.2f s | %.2f s | %llu | %llu | %llu | %u | ",
                g->marker ? "" : "`", g->name, g->marker ? " (marker)" : "`", g->count, g->total,
                g->p50, g->p95, g->longest.end - g->longest.start, (unsigned long long)g->tasks,
                (unsigned long long)g->retries, (unsigned long long)g->errors, g->long_tails);
      if (g->peak_rss_kb > 0)
        sb_printf(out, "%.1f MiB |\n", g->peak_rss_kb / 1024.0);
      else
        sb_puts(out, "- |\n");
    }
    if (n < t->groups.len)
      sb_printf(out, "\n%u more phase names are not shown.\n", t->groups.len - n);
    free(order);
  }
  if (t->ties.len) {
    sb_puts(out, "\n## Retries by function\n\nEach retry once, as the log shows it.\n\n"
                 "| function | retries | waits announced | with a retry pending | gave up | logged by |\n"
                 "|---|---:|---:|---:|---:|---|\n");
    for (uint32_t i = 0; i < t->ties.len; i++) {
      const RetryTie *tie = &t->ties.items[i];
      char *where = tie->def.def >= 0 ? index_def_name(&p->index, tie->def) : xstrdup(tie->name);
      sb_printf(out, "| `%s` | %llu | %.1f s | %.1f s | %llu | %s |\n", where,
                (unsigned long long)tie->retries, tie->slept, tie->wall,
                (unsigned long long)tie->giveups,
                strcmp(tie->library, "project") == 0 ? "its own line" : tie->library);
      free(where);
    }
  }
  sb_puts(out, "\n## Top findings\n");
  uint32_t shown = 0;
  for (uint32_t i = 0; i < items->len && shown < TOP_MAX; i++) {
    const Item *it = &items->items[i];
    if (it->score <= 0 && it->lost <= 0 && shown >= TOP_MIN) break;
    shown++;
    sb_printf(out,
              "\n### %u. %s\n\n- **Location**: %s\n- **Evidence**: %s\n- **Diagnosis**: %s\n"
              "- **Next step**: %s\n- **Validation**: %s\n",
              shown, it->title, it->location, it->evidence, it->diagnosis, it->next_step,
              it->validation);
  }
  if (!shown) sb_puts(out, "\nNo finding: nothing in the code fanout checks matched this run.\n");
  sb_puts(out, "\n## Observability gaps\n\n");
  for (uint32_t i = 0; i < obs->len; i++) sb_printf(out, "- %s\n", obs->items[i]);
  if (!obs->len) sb_puts(out, "None found.\n");
}

static void json(const Index *ix, const Timeline *t, const Items *items, const StrArray *obs,
                 const char *log_path, StrBuf *out) {
  sb_puts(out, "{\"version\": \"1\", \"log\": ");
  emit_json_string(out, log_path);
  sb_printf(
      out, ", \"lines\": %llu, \"records\": %llu, \"matched\": %llu, \"span\": %.3f, \"phases\": [",
      (unsigned long long)t->lines, (unsigned long long)t->records, (unsigned long long)t->matched,
      t->first >= 0 ? t->last - t->first : 0.0);
  for (uint32_t i = 0; i < t->phases.len; i++) {
    const Phase *ph = &t->phases.items[i];
    sb_puts(out, i ? ",\n  {\"name\": " : "\n  {\"name\": ");
    emit_json_string(out, ph->name);
    sb_printf(
        out,
        ", \"marker\": %s, \"start\": %.3f, \"duration\": %.3f, \"lines\": %u, \"tasks\": %u, "
        "\"gap_p50\": %.4f, \"gap_p95\": %.4f, \"gap_max\": %.4f, \"tail\": %.4f, "
        "\"retries\": %u, \"waits\": %.3f, \"requests\": %u, \"rejected\": %u, "
        "\"errors\": %u, \"peak_rss_kb\": %.0f}",
        ph->marker ? "true" : "false", ph->start - t->first, ph->end - ph->start, ph->lines,
        ph->tasks, ph->gap_p50, ph->gap_p95, ph->gap_max, ph->tail, ph->retries, ph->slept,
        ph->requests, ph->rejected, ph->errors, ph->peak_rss_kb);
  }
  sb_printf(out, "],\n \"phases_total\": %llu, \"phase_groups\": [",
            (unsigned long long)t->phases_total);
  for (uint32_t i = 0; i < t->groups.len; i++) {
    const PhaseGroup *g = &t->groups.items[i];
    sb_puts(out, i ? ",\n  {\"name\": " : "\n  {\"name\": ");
    emit_json_string(out, g->name);
    sb_printf(out,
              ", \"marker\": %s, \"count\": %u, \"total\": %.3f, \"p50\": %.3f, \"p95\": %.3f, "
              "\"longest\": %.3f, \"lines\": %llu, \"tasks\": %llu, \"retries\": %llu, "
              "\"errors\": %llu, \"long_tails\": %u, \"peak_rss_kb\": %.0f}",
              g->marker ? "true" : "false", g->count, g->total, g->p50, g->p95,
              g->longest.end - g->longest.start, (unsigned long long)g->lines,
              (unsigned long long)g->tasks, (unsigned long long)g->retries,
              (unsigned long long)g->errors, g->long_tails, g->peak_rss_kb);
  }
  sb_printf(out, "],\n \"retries\": %llu, \"library_lines\": %llu, \"requests\": %llu, "
                 "\"retried_functions\": [",
            (unsigned long long)t->retries, (unsigned long long)t->library_lines,
            (unsigned long long)t->requests);
  for (uint32_t i = 0; i < t->ties.len; i++) {
    const RetryTie *tie = &t->ties.items[i];
    sb_puts(out, i ? ",\n  {\"name\": " : "\n  {\"name\": ");
    emit_json_string(out, tie->name);
    sb_puts(out, ", \"by\": ");
    emit_json_string(out, tie->library);
    if (tie->def.def >= 0) {
      char *where = index_def_name(ix, tie->def);
      sb_puts(out, ", \"qualname\": ");
      emit_json_string(out, where);
      free(where);
    }
    sb_printf(out, ", \"retries\": %llu, \"giveups\": %llu, \"waits\": %.3f, \"pending\": %.3f}",
              (unsigned long long)tie->retries, (unsigned long long)tie->giveups, tie->slept,
              tie->wall);
  }
  sb_puts(out, "],\n \"top\": [");
  for (uint32_t i = 0, shown = 0; i < items->len && shown < TOP_MAX; i++) {
    const Item *it = &items->items[i];
    if (it->score <= 0 && it->lost <= 0 && shown >= TOP_MIN) break;
    sb_puts(out, shown++ ? ",\n  {" : "\n  {");
    sb_printf(out, "\"lost_seconds\": %.3f, \"score\": %.3f, \"code\": ", it->lost, it->score);
    emit_json_string(out, it->finding ? it->finding->code : "");
    if (it->finding) {
      sb_printf(out, ", \"severity\": \"%s\", \"path\": ", severity_name(it->finding->severity));
      emit_json_string(out, ix->files[it->finding->file].path);
      sb_printf(out, ", \"line\": %u", it->finding->pos.line);
    }
    const char *keys[] = {"title", "location", "evidence", "diagnosis", "next_step", "validation"};
    const char *vals[] = {it->title,     it->location,  it->evidence,
                          it->diagnosis, it->next_step, it->validation};
    for (int k = 0; k < 6; k++) {
      sb_printf(out, ", \"%s\": ", keys[k]);
      emit_json_string(out, vals[k]);
    }
    sb_putc(out, '}');
  }
  sb_puts(out, "],\n \"observability_gaps\": [");
  for (uint32_t i = 0; i < obs->len; i++) {
    if (i) sb_puts(out, ", ");
    emit_json_string(out, obs->items[i]);
  }
  sb_puts(out, "]}\n");
}

/* Text escaped for HTML. */
static void html_text(StrBuf *out, const char *s) {
  for (; *s; s++) {
    if (*s == '<')
      sb_puts(out, "&lt;");
    else if (*s == '>')
      sb_puts(out, "&gt;");
    else if (*s == '&')
      sb_puts(out, "&amp;");
    else if (*s == '"')
      sb_puts(out, "&quot;");
    else
      sb_putc(out, *s);
  }
}

/* Markdown-ish `code` spans become <code>. */
static void html_rich(StrBuf *out, const char *s) {
  bool code = false;
  for (; *s; s++) {
    if (*s == '`') {
      sb_puts(out, code ? "</code>" : "<code>");
      code = !code;
      continue;
    }
    char one[2] = {*s, 0};
    html_text(out, one);
  }
  if (code) sb_puts(out, "</code>");
}

/* One self-contained page: the phase timeline as inline SVG (phases as bars,
 * RSS as a line), the phase table, the top findings and the gaps. */
static void html(const Timeline *t, const Items *items, const StrArray *obs, const char *log_path,
                 StrBuf *out) {
  double span = t->first >= 0 && t->last > t->first ? t->last - t->first : 1.0;
  const double W = 1000, left = 260, row = 22, top = 30;
  uint32_t shown_phases;
  double cut;
  bool *keep = phases_shown(t, &shown_phases, &cut);
  double H = top + row * (double)shown_phases + 40;
  sb_puts(out,
          "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
          "<title>fanout report</title><style>"
          "body{font:14px/1.45 system-ui,sans-serif;margin:2em;max-width:1200px;color:#222}"
          "table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ccc;padding:2px "
          "6px;text-align:right}"
          "td:first-child,th:first-child{text-align:left}code{background:#f3f3f3;padding:0 3px}"
          ".finding{border-left:4px solid #c33;padding:0 1em;margin:1em 0}"
          "svg{max-width:100%;height:auto}svg text{font:11px "
          "system-ui,sans-serif}</style></head><body>\n<h1>fanout report</h1>\n<p>Log <code>");
  html_text(out, log_path);
  sb_printf(out, "</code>: %llu lines, %llu mapped to code, %.2f s", (unsigned long long)t->lines,
            (unsigned long long)t->matched, span);
  if (t->rss_samples) sb_printf(out, "; peak RSS %.1f MiB", t->peak_rss_kb / 1024.0);
  sb_printf(out,
            ".</p>\n<svg id=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
            "height=\"%.0f\" "
            "viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"phase timeline\">\n",
            W + left + 20, H, W + left + 20, H);
  for (int tick = 0; tick <= 10; tick++) { /* the time axis */
    double x = left + W * tick / 10.0;
    sb_printf(out,
              "<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\" stroke=\"#eee\"/>"
              "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\">%.1f s</text>\n",
              x, top - 5, x, H - 30, x, H - 15, span * tick / 10.0);
  }
  for (uint32_t i = 0, r = 0; i < t->phases.len; i++) {
    const Phase *ph = &t->phases.items[i];
    if (!keep[i]) continue;
    double y = top + row * r++;
    double x0 = left + W * (ph->start - t->first) / span,
           x1 = left + W * (ph->end - t->first) / span;
    if (x1 - x0 < 2) x1 = x0 + 2;
    sb_printf(out, "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">", left - 6, y + 14);
    const char *name = strrchr(ph->name, ':');
    html_text(out, name && !ph->marker ? name + 1 : ph->name);
    sb_printf(out,
              "</text><rect class=\"phase\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.0f\" "
              "fill=\"%s\"><title>",
              x0, y + 3, x1 - x0, row - 6,
              ph->marker    ? "#9ab"
              : ph->retries ? "#d75"
                            : "#58b");
    html_text(out, ph->name);
    sb_printf(out, ": %.2f s, %u tasks, %u retries</title></rect>\n", ph->end - ph->start,
              ph->tasks, ph->retries);
  }
  if (t->samples.len > 1 && t->peak_rss_kb > 0) { /* RSS as a line over the same time axis */
    sb_puts(out,
            "<polyline id=\"rss\" fill=\"none\" stroke=\"#2a2\" stroke-width=\"1.5\" points=\"");
    for (uint32_t i = 0; i < t->samples.len; i++) {
      const RssSample *smp = &t->samples.items[i];
      if (smp->time < t->first || smp->time > t->last) continue;
      sb_printf(out, "%.1f,%.1f ", left + W * (smp->time - t->first) / span,
                (H - 30) - (H - 30 - top) * smp->kb / t->peak_rss_kb);
    }
    sb_printf(out, "\"/><text x=\"%.0f\" y=\"%.0f\" fill=\"#2a2\">RSS (peak %.1f MiB)</text>\n",
              left + W - 120, top - 12, t->peak_rss_kb / 1024.0);
  }
  sb_puts(
      out,
      "</svg>\n<h2>Phases</h2>\n<table><tr><th>phase</th><th>start</th><th>duration</th><th>lines</"
      "th>"
      "<th>tasks</th><th>gap p50</th><th>gap p95</th><th>gap max</th><th>last task after p90</th>"
      "<th>retries</th><th>errors</th><th>peak RSS</th></tr>\n");
  for (uint32_t i = 0; i < t->phases.len; i++) {
    const Phase *ph = &t->phases.items[i];
    if (!keep[i]) continue;
    sb_puts(out, "<tr><td>");
    html_text(out, ph->name);
    sb_printf(
        out,
        "%s</td><td>%.2f s</td><td>%.2f s</td><td>%u</td><td>%u</td><td>%.3f s</td><td>%.3f s</td>"
        "<td>%.3f s</td><td>%.2f s</td><td>%u</td><td>%u</td><td>",
        ph->marker ? " (marker)" : "", ph->start - t->first, ph->end - ph->start, ph->lines,
        ph->tasks, ph->gap_p50, ph->gap_p95, ph->gap_max, ph->tail, ph->retries, ph->errors);
    if (ph->peak_rss_kb > 0) sb_printf(out, "%.1f MiB", ph->peak_rss_kb / 1024.0);
    sb_puts(out, "</td></tr>\n");
  }
  sb_puts(out, "</table>\n");
  more_phases(out, t, shown_phases, cut, true);
  free(keep);
  if (repeated(t)) {
    sb_puts(out, "<h2>Phases by name</h2>\n<table><tr><th>phase</th><th>times</th><th>total</th>"
                 "<th>p50</th><th>p95</th><th>longest</th><th>tasks</th><th>retries</th>"
                 "<th>errors</th><th>long tails</th><th>peak RSS</th></tr>\n");
    uint32_t n;
    uint32_t *order = groups_by_cost(t, &n);
    for (uint32_t i = 0; i < n; i++) {
      const PhaseGroup *g = &t->groups.items[order[i]];
      sb_puts(out, "<tr><td>");
      html_text(out, g->name);
      sb_printf(out,
                "%s</td><td>%u</td><td>%.2f s</td><td>%.2f s</td><td>%.2f s</td><td>%.2f s</td>"
                "<td>%llu</td><td>%llu</td><td>%llu</td><td>%u</td><td>",
                g->marker ? " (marker)" : "", g->count, g->total, g->p50, g->p95,
                g->longest.end - g->longest.start, (unsigned long long)g->tasks,
                (unsigned long long)g->retries, (unsigned long long)g->errors, g->long_tails);
      if (g->peak_rss_kb > 0) sb_printf(out, "%.1f MiB", g->peak_rss_kb / 1024.0);
      sb_puts(out, "</td></tr>\n");
    }
    sb_puts(out, "</table>\n");
    if (n < t->groups.len)
      sb_printf(out, "<p>%u more phase names are not shown.</p>\n", t->groups.len - n);
    free(order);
  }
  sb_puts(out, "<h2>Top findings</h2>\n");
  for (uint32_t i = 0, shown = 0; i < items->len && shown < TOP_MAX; i++) {
    const Item *it = &items->items[i];
    if (it->score <= 0 && it->lost <= 0 && shown >= TOP_MIN) break;
    sb_printf(out, "<div class=\"finding\"><h3>%u. ", ++shown);
    html_text(out, it->title);
    const char *labels[] = {"Location", "Evidence", "Diagnosis", "Next step", "Validation"};
    const char *vals[] = {it->location, it->evidence, it->diagnosis, it->next_step, it->validation};
    sb_puts(out, "</h3><ul>");
    for (int k = 0; k < 5; k++) {
      sb_printf(out, "<li><b>%s</b>: ", labels[k]);
      html_rich(out, vals[k]);
      sb_puts(out, "</li>");
    }
    sb_puts(out, "</ul></div>\n");
  }
  sb_puts(out, "<h2>Observability gaps</h2>\n<ul>");
  for (uint32_t i = 0; i < obs->len; i++) {
    sb_puts(out, "<li>");
    html_rich(out, obs->items[i]);
    sb_puts(out, "</li>");
  }
  if (!obs->len) sb_puts(out, "<li>None found.</li>");
  sb_puts(out, "</ul>\n</body></html>\n");
}

void report_write(const Project *p, const Catalog *cat, const Findings *fs, const Timeline *t,
                  const char *log_path, const char *rss_path, const char *format, StrBuf *out) {
  Items items = {0};
  rank(p, cat, t, fs, &items);
  StrArray obs = {0};
  gaps(p, t, &obs);
  if (format && strcmp(format, "json") == 0)
    json(&p->index, t, &items, &obs, log_path, out);
  else if (format && strcmp(format, "html") == 0)
    html(t, &items, &obs, log_path, out);
  else
    markdown(p, t, &items, &obs, log_path, rss_path, out);
  for (uint32_t i = 0; i < items.len; i++) {
    Item *it = &items.items[i];
    free(it->title), free(it->location), free(it->evidence), free(it->diagnosis);
    free(it->next_step), free(it->validation);
  }
  array_free(&items);
  for (uint32_t i = 0; i < obs.len; i++) free(obs.items[i]);
  array_free(&obs);
}
