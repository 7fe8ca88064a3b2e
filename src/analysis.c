/* analysis: each fan-out site of the index, followed into what its tasks
 * run (resolved targets, their closures REACH_DEPTH calls deep, a helper
 * that runs them): what bounds them (limiter, timeout, deadline), the I/O
 * they wait for, and whether the path rests on an inferred call. The checks
 * read these. O(sites x reach), the model memoizing per definition. */
#include "analysis.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Whether a caller of the orchestrator wraps the call in a deadline. */
static bool caller_deadline(Model *m, DefRef orch) {
  uint32_t n;
  const CallRef *callers = index_callers(m->ix, orch, &n);
  for (uint32_t i = 0; i < n; i++)
    if (model_call_under_timeout(m, callers[i].file, callers[i].call)) return true;
  return false;
}

/* How much an I/O call says about a phase's time: 3 a model call, 2 another
 * remote API, 1 a database, 0 anything else. */
static int rank_of(const External *e) {
  const Fact *f = e->has_origin && e->origin.fact ? e->origin.fact : e->fact;
  const char *kind = fact_get(f, ATTR_KIND);
  if (!kind) return 0;
  if (strcmp(kind, "llm") == 0) return 3;
  if (strcmp(kind, "http") == 0 || strcmp(kind, "aws") == 0 || strcmp(kind, "net") == 0 ||
      strcmp(kind, "rpc") == 0)
    return 2;
  return strcmp(kind, "db") == 0 ? 1 : 0;
}

void analysis_reach_targets(const Model *m, uint32_t file, const DefRefs *targets, ResolvedHow how,
                            DefRefs *reach, CallRefs *via) {
  for (uint32_t k = 0; k < targets->len; k++) { /* wrapper and wrapped: one closure */
    uint32_t from = via->len;
    model_reach_via(m, targets->items[k], REACH_DEPTH, reach, via);
    if (resolved_inferred(how)) /* the task itself is an inference */
      for (uint32_t v = from; v < via->len; v++)
        if (via->items[v].call == UINT32_MAX) via->items[v] = (CallRef){file, UINT32_MAX - 1};
  }
}

/* A task item that is an I/O call itself (`client.get(u)`): its client's
 * timeout, or one passed (or maybe passed in **kwargs) on the call. */
static void external_item(Model *m, const SiteRef *sr, const char *text, SiteInfo *info) {
  const Facts *f = &m->ix->files[sr->file];
  info->has_ext = info->item_is_external = true;
  info->ext.call = UINT32_MAX; /* named, not a call of its own */
  if (info->ext.has_origin && model_origin_has_timeout(m, &info->ext.origin))
    info->timeout_line = sr->site.pos.line; /* the client's own timeout */
  Span own = f->defs.items[sr->site.def].own_calls;
  for (uint32_t k = own.first; k < own.end; k++) { /* acompletion(..., **kwargs): maybe a timeout */
    uint32_t c = f->call_order.items[k];
    if (strcmp(f->calls.items[c].callee, text) == 0 &&
        (model_splat_timeout(m, sr->file, c) ||
         (model_kwarg(f, &f->calls.items[c], "timeout") &&
          strcmp(model_kwarg(f, &f->calls.items[c], "timeout"), "None") != 0)))
      info->timeout_line = sr->site.pos.line;
  }
}

/* What each task runs: the site's targets resolved (into `tasks`, their
 * closures into info->reach with the inferred calls on the way in `via`),
 * or the I/O call a task item is. */
static void site_targets(Model *m, const SiteRef *sr, SiteInfo *info, DefRefs *tasks,
                         CallRefs *via) {
  const Index *ix = m->ix;
  const Facts *f = &ix->files[sr->file];
  DefRefs targets = {0};
  for (uint32_t t = 0; t < sr->site.targets.count; t++) {
    const char *text = f->names.items[sr->site.targets.first + t];
    targets.len = 0;
    ResolvedHow how = index_name_targets(ix, sr->file, sr->site.def, text, &targets);
    array_push(&info->named, ((NamedTargets){info->resolved.len, targets.len, how}));
    for (uint32_t k = 0; k < targets.len; k++) array_push(&info->resolved, targets.items[k]);
    DefRef r = targets.len ? targets.items[0] : (DefRef){sr->file, -1};
    char *canon = model_canonical(m, sr->file, sr->site.def, text);
    if (knowledge_has(m->k, FACT_TIMEOUT_CALL, canon)) /* each item in asyncio.wait_for */
      info->timeout_line = sr->site.pos.line;
    free(canon);
    if (defref_ok(r) && index_def(ix, r)->kind == DEF_FUNCTION) {
      if (!defref_ok(info->target)) {
        info->target = r;
        info->target_how = how;
        info->ntargets = targets.len;
      }
      for (uint32_t k = 0; k < targets.len; k++) array_push(tasks, targets.items[k]);
      analysis_reach_targets(m, sr->file, &targets, how, &info->reach, via);
    } else if (!defref_ok(r) && !info->has_ext &&
               model_external_name(m, sr->file, sr->site.def, text, &info->ext)) {
      external_item(m, sr, text, info);
    }
  }
  array_free(&targets);
}

/* The limiter and timeout that bound the tasks: a timeout bounds them only
 * when it is on every path of every task to its I/O, and so does a limiter;
 * one in the helper that runs them (reach from `helper_from` on) applies to
 * all of them. */
static void task_bounds(Model *m, const DefRefs *tasks, uint32_t helper_from, SiteInfo *info) {
  uint32_t covered = 0, bound = 0;
  bool bare = false, unbounded = false;
  /* a wrapper that awaits the coroutine it is given (`bounded(fetch(u))`)
   * inside a limiter or a timeout bounds the wrapped call */
  for (uint32_t k = 0; k < tasks->len; k++)
    if (model_def_bounded(m, tasks->items[k]) == DEADLINE_NO_IO) {
      uint32_t line = model_def_limiter(m, tasks->items[k]);
      if (line && !info->limiter_line)
        info->limiter_line = line, info->limiter_def = tasks->items[k];
      line = model_def_timeout(m, tasks->items[k]);
      if (line && !info->timeout_line) info->timeout_line = line;
    }
  for (uint32_t k = 0; k < tasks->len; k++) {
    uint32_t r = model_def_deadline(m, tasks->items[k]);
    if (r == 0)
      bare = true;
    else if (r != DEADLINE_NO_IO && !covered)
      covered = r;
    /* so is a limiter: every implementation, every path */
    r = model_def_bounded(m, tasks->items[k]);
    if (r == 0)
      unbounded = true;
    else if (r != DEADLINE_NO_IO && !bound)
      bound = r;
  }
  if (!bare && covered && !info->timeout_line) info->timeout_line = covered;
  for (uint32_t i = helper_from; i < info->reach.len && !info->timeout_line; i++)
    info->timeout_line = model_def_timeout(m, info->reach.items[i]);
  if (!unbounded && bound && !info->limiter_line) {
    info->limiter_line = bound;
    info->limiter_def = tasks->items[0];
    for (uint32_t i = 0; i < helper_from; i++)
      if (model_def_limiter(m, info->reach.items[i]) == bound) {
        info->limiter_def = info->reach.items[i];
        break;
      }
  }
  for (uint32_t i = helper_from; i < info->reach.len && !info->limiter_line; i++) {
    uint32_t line = model_def_limiter(m, info->reach.items[i]); /* the helper runs every item */
    if (line) info->limiter_line = line, info->limiter_def = info->reach.items[i];
  }
}

/* The I/O shown is the first of the highest rank: a model call over an
 * HTTP one over a database one (the first one found may be a pool's
 * acquire on the way to the model call the phase waits for). */
static void primary_io(Model *m, const CallRefs *via, SiteInfo *info) {
  const Index *ix = m->ix;
  int ext_rank = info->has_ext ? rank_of(&info->ext) : -1;
  for (uint32_t i = 0; i < info->reach.len; i++) {
    DefRef d = info->reach.items[i];
    if (ext_rank >= 3 || !model_def_external(m, d)) continue;
    const Facts *df = &ix->files[d.file];
    const Def *dd = index_def(ix, d);
    for (uint32_t k = dd->own_calls.first; k < dd->own_calls.end && ext_rank < 3; k++) {
      External e;
      if (!model_external_call(m, d.file, df->call_order.items[k], &e)) continue;
      int r = rank_of(&e);
      if (r <= ext_rank) {
        external_free(&e);
        continue;
      }
      if (info->has_ext) external_free(&info->ext);
      info->ext = e;
      ext_rank = r;
      info->has_ext = true;
      info->inferred = via->items[i].call != UINT32_MAX;
      info->inferred_at = via->items[i];
    }
  }
}

/* `await sem.acquire()` in the spawning loop, released when a task ends. */
static void spawn_loop_limiter(Model *m, const SiteRef *sr, SiteInfo *info) {
  if (info->limiter_line || sr->site.kind == SITE_GATHER || sr->site.kind == SITE_HELPER) return;
  const Facts *f = &m->ix->files[sr->file];
  uint32_t line = model_def_limiter(m, info->orchestrator);
  for (uint32_t i = 0; line && i < f->loops.len; i++) {
    const Loop *l = &f->loops.items[i];
    if (l->def == sr->site.def && l->pos.line <= line && line <= l->end_line &&
        l->pos.line <= sr->site.pos.line && sr->site.pos.line <= l->end_line) {
      info->limiter_line = line;
      info->limiter_def = info->orchestrator;
    }
  }
}

/* A library helper that bounds its tasks itself (`run_jobs(jobs, workers=8)`): its `site`
 * fact's size. */
static bool site_bounds_itself(const Model *m, const SiteRef *sr) {
  const Facts *f = &m->ix->files[sr->file];
  if (sr->site.call < 0) return false;
  char *canon = model_canonical(m, sr->file, sr->site.def, f->calls.items[sr->site.call].callee);
  const Fact *site = knowledge_get(m->k, FACT_SITE, canon);
  free(canon);
  return fact_get(site, ATTR_SIZE) != NULL;
}

/* A model's batch call bounds itself when its config sets max_concurrency
 * (`config={"max_concurrency": 8}`); a config made elsewhere (a name, a
 * call, `**kwargs`) may, and is taken to. */
static void batch_limiter(const Model *m, const SiteRef *sr, SiteInfo *info) {
  const Facts *f = &m->ix->files[sr->file];
  const Call *c = &f->calls.items[sr->site.call];
  const char *config = model_kwarg(f, c, "config");
  if (!config && c->args.count > 1) config = f->names.items[c->args.first + 1];
  if ((c->flags & CALL_KW_SPLAT) || model_kwarg(f, c, "max_concurrency") ||
      (config && (config[0] != '{' || strstr(config, "max_concurrency"))))
    info->limiter_line = sr->site.pos.line;
}

/* One site: what its tasks run, what bounds them, the I/O they wait for,
 * and a deadline on the phase (the fan-out under a timeout, or a caller's). */
static void analyze(Model *m, const SiteRef *sr, SiteInfo *info) {
  memset(info, 0, sizeof *info);
  info->site = sr;
  info->orchestrator = (DefRef){sr->file, sr->site.def};
  info->target = (DefRef){sr->file, -1};
  CallRefs via = {0};
  DefRefs tasks = {0};
  site_targets(m, sr, info, &tasks, &via);
  if (sr->site.kind == SITE_BATCH) batch_limiter(m, sr, info);
  if (site_bounds_itself(m, sr)) info->limiter_line = sr->site.pos.line;
  uint32_t helper_from = info->reach.len;
  if (sr->site.kind == SITE_HELPER && defref_ok(sr->helper))
    model_reach_via(m, sr->helper, REACH_DEPTH, &info->reach, &via);
  task_bounds(m, &tasks, helper_from, info);
  array_free(&tasks);
  primary_io(m, &via, info);
  spawn_loop_limiter(m, sr, info);
  array_free(&via);
  if (!info->timeout_line && sr->site.call >= 0 &&
      model_call_under_timeout(m, sr->file, (uint32_t)sr->site.call))
    info->timeout_line = sr->site.pos.line;
  if (!info->timeout_line && caller_deadline(m, info->orchestrator))
    info->timeout_line = index_def(m->ix, info->orchestrator)->pos.line;
}

bool analysis_large(const Model *m, const SiteInfo *s) {
  const Width *w = &s->site->site.width;
  /* a wide fixed fan-out of one worker repeated (range(50) queue consumers) is a pool: a bound */
  return w->kind == WIDTH_DATA || (w->kind == WIDTH_FIXED && w->count >= m->settings.min_width &&
                                   !s->site->site.identical_tasks);
}

void analysis_sites_in(Model *m, uint32_t from, uint32_t to, SiteInfo *out) {
  for (uint32_t i = from; i < to; i++) analyze(m, &m->ix->sites.items[i], &out[i - from]);
}

void analysis_sites(Model *m, SiteInfos *out) {
  uint32_t n = m->ix->sites.len;
  if (!n) return;
  array_reserve(out, out->len + n);
  analysis_sites_in(m, 0, n, out->items + out->len);
  out->len += n;
}

ResolvedHow analysis_named_targets(const SiteInfo *s, uint32_t t, DefRefs *out) {
  out->len = 0;
  const NamedTargets *n = &s->named.items[t];
  for (uint32_t k = 0; k < n->len; k++) array_push(out, s->resolved.items[n->first + k]);
  return n->how;
}

void analysis_free(SiteInfos *s) {
  for (uint32_t i = 0; i < s->len; i++) {
    if (s->items[i].has_ext) external_free(&s->items[i].ext);
    array_free(&s->items[i].reach);
    array_free(&s->items[i].resolved);
    array_free(&s->items[i].named);
  }
  array_free(s);
}

const char *analysis_ext_callee(const Model *m, const SiteInfo *s) {
  if (s->item_is_external) {
    const Facts *f = &m->ix->files[s->site->file];
    return f->names.items[s->site->site.targets.first];
  }
  return m->ix->files[s->ext.file].calls.items[s->ext.call].callee;
}

char *analysis_ext_where(const Model *m, const SiteInfo *s) {
  const char *callee = analysis_ext_callee(m, s);
  Pos pos = s->item_is_external ? s->site->site.pos
                                : m->ix->files[s->ext.file].calls.items[s->ext.call].pos;
  const char *path = m->ix->files[s->ext.file].path;
  if (s->ext.has_origin)
    return xasprintf("`%s` (%s) at %s:%u", callee, s->ext.origin.ctor, path, pos.line);
  return xasprintf("`%s` at %s:%u", callee, path, pos.line);
}

void analysis_mark_one(const Model *m, const SiteInfo *s, CallRef at, Finding *f,
                       const char *tail) {
  const Index *ix = m->ix;
  if (at.call == UINT32_MAX) return;
  if (at.call == UINT32_MAX - 1) { /* the task itself */
    finding_mark_inferred(f, ix->files[s->site->file].names.items[s->site->site.targets.first],
                          s->ntargets, s->target_how, tail);
    return;
  }
  Targets t = index_call_targets(ix, at.file, at.call);
  finding_mark_inferred(f, ix->files[at.file].calls.items[at.call].callee, t.len, t.how, tail);
}

void analysis_mark_site(const Model *m, const SiteInfo *s, Finding *f) {
  if (!s->inferred) return;
  const char *where = "the task";
  if (s->ext.call != UINT32_MAX) {
    const Facts *ef = &m->ix->files[s->ext.file];
    where = ef->defs.items[ef->calls.items[s->ext.call].def].qualname;
  }
  char *tail = xasprintf("the I/O is in %s", where);
  analysis_mark_one(m, s, s->inferred_at, f, tail);
  free(tail);
}

const char *analysis_ext_kind(const SiteInfo *s) {
  const char *kind = fact_get(s->ext.fact, ATTR_KIND);
  return kind ? kind : "io";
}
