/* FAN1xx unbounded concurrency, FAN2xx gather over huge lists, FAN3xx long tail. */
#include <stdlib.h>

#include "analysis.h"

static char *target_name(const Model *m, const SiteInfo *s) {
  if (defref_ok(s->target)) return index_def_name(m->ix, s->target);
  const Facts *f = &m->ix->files[s->site->file];
  return xstrdup(s->site->site.targets.count ? f->names.items[s->site->site.targets.first] : "?");
}

static const char *kind_phrase(const Model *m, const SiteRef *sr) {
  if (sr->site.kind == SITE_GATHER && sr->site.call >= 0) { /* a library's gathering helper */
    const char *callee = m->ix->files[sr->file].calls.items[sr->site.call].callee;
    const char *last = strrchr(callee, '.');
    if (strcmp(last ? last + 1 : callee, "gather") != 0) return callee;
  }
  switch (sr->site.kind) {
  case SITE_GATHER: return "asyncio.gather";
  case SITE_CREATE_TASK: return "create_task in a loop";
  case SITE_ENSURE_FUTURE: return "ensure_future in a loop";
  case SITE_AS_COMPLETED: return "asyncio.as_completed";
  case SITE_WAIT: return "asyncio.wait";
  case SITE_RUN_IN_EXECUTOR: return "run_in_executor in a loop";
  case SITE_START_SOON: return "start_soon in a loop";
  case SITE_BATCH: return "a langchain abatch";
  case SITE_HELPER: return "a gathering helper";
  case SITE_KIND_COUNT: break;
  }
  return "a fan-out";
}

/* A fan-out this check family reasons about: width from data, and some task
 * path that awaits I/O. */
static bool io_fan_out(const Model *m, const SiteInfo *s) {
  return analysis_large(m, s) && s->has_ext && s->site->site.kind != SITE_RUN_IN_EXECUTOR;
}

/* FAN101 at a model's batch call with no max_concurrency: langchain gathers
 * one request per input, all at once. */
static void fan101_batch(Model *m, const SiteInfo *s, Findings *out) {
  const SiteRef *sr = s->site;
  const char *callee = m->ix->files[sr->file].calls.items[sr->site.call].callee;
  char *orch = index_def_name(m->ix, s->orchestrator);
  char *ext = analysis_ext_where(m, s);
  char *width = width_text(&sr->site.width);
  Finding *f = findings_add(
      out, m->ix, RULE_FAN101, sr->file, sr->site.def, sr->site.pos,
      xasprintf("`%s` in %s sends one request per item of `%s` at once: its config sets no "
                "max_concurrency",
                callee, orch, sr->site.width.expr),
      xasprintf("width: %s; with max_concurrency unset, `abatch` runs a plain asyncio.gather "
                "over every input (langchain Runnable.abatch); the model call: %s",
                width, ext),
      xasprintf("pass `config={\"max_concurrency\": 8}` to `%s`", callee), NULL);
  analysis_mark_site(m, s, f);
  free(orch);
  free(ext);
  free(width);
}

/* FAN101: an I/O fan-out sized by the data with no limiter on the task's path (a width set by a
 * count, a cap or configuration is exempt). The fix names where the semaphore goes: the target's
 * class `__init__`, else module level. */
static void fan101(Model *m, const SiteInfo *s, Findings *out) {
  if (!io_fan_out(m, s) || s->limiter_line) return;
  /* a width set by a count, a cap or configuration is no data-sized
   * concurrency (FAN201 reads widths the same way) */
  if (s->site->site.width.kind == WIDTH_DATA && width_set(m, s->site)) return;
  const SiteRef *sr = s->site;
  if (sr->site.kind == SITE_BATCH) {
    fan101_batch(m, s, out);
    return;
  }
  char *orch = index_def_name(m->ix, s->orchestrator);
  char *target = target_name(m, s);
  char *ext = analysis_ext_where(m, s);
  char *width = width_text(&sr->site.width);
  char *next;
  if (defref_ok(s->target)) {
    const Def *t = index_def(m->ix, s->target);
    const Facts *tf = &m->ix->files[s->target.file];
    const Def *cls = t->parent > 0 ? &tf->defs.items[t->parent] : NULL;
    next = cls && cls->kind == DEF_CLASS
               ? xasprintf("create `self._sem = asyncio.Semaphore(8)` once in `%s.__init__` and "
                           "wrap the I/O in `%s` with `async with self._sem:`",
                           cls->name, t->qualname)
               : xasprintf("create one `asyncio.Semaphore(8)` at module level (or in the caller) "
                           "and wrap the I/O in `%s` with `async with sem:`",
                           t->qualname);
  } else {
    next = xstrdup("wrap each task's I/O in `async with sem:` with one shared "
                   "`asyncio.Semaphore(8)`");
  }
  Finding *f = findings_add(
      out, m->ix, RULE_FAN101, sr->file, sr->site.def, sr->site.pos,
      xasprintf("%s in %s starts one task per item of `%s` with no limiter; each runs %s and "
                "reaches %s",
                kind_phrase(m, sr), orch, sr->site.width.expr, target, ext),
      xasprintf("width: %s; no Semaphore/CapacityLimiter is acquired on the path from %s "
                "(%u function%s followed) to the I/O call %s",
                width, target, s->reach.len, s->reach.len == 1 ? "" : "s", ext),
      next, NULL);
  analysis_mark_site(m, s, f);
  if (defref_ok(s->target))
    finding_relate(f, s->target.file, index_def(m->ix, s->target)->pos,
                   xstrdup("the fanned-out function"));
  free(orch);
  free(target);
  free(ext);
  free(width);
}

/* FAN102: a limiter made inside the per-task function bounds nothing. */
static void fan102(Model *m, const SiteInfo *s, Findings *out) {
  if (!analysis_large(m, s) || !defref_ok(s->target)) return;
  const Index *ix = m->ix;
  DefRef t = s->target;
  uint32_t first, end;
  index_def_sites(ix, t, &first, &end);
  for (uint32_t i = first; i < end; i++) /* it bounds a fan-out of its own */
    if (ix->sites.items[i].site.def == t.def) return;
  const Facts *f = &ix->files[t.file];
  const Def *td = index_def(ix, t);
  for (uint32_t k = td->own_assigns.first; k < td->own_assigns.end; k++) {
    const Assign *a = &f->assigns.items[f->assign_order.items[k]];
    if (a->call < 0 || strchr(a->target, '.')) continue;
    const Call *c = &f->calls.items[a->call];
    char *canon = model_canonical(m, t.file, t.def, c->callee);
    const Fact *lim = knowledge_get(m->k, FACT_LIMITER, canon);
    if (lim) {
      char *orch = index_def_name(ix, s->orchestrator);
      char *target = index_def_name(ix, t);
      findings_add(out, ix, RULE_FAN102, t.file, t.def, c->pos,
                   xasprintf("`%s = %s(...)` is created anew in every task of the fan-out in %s, "
                             "so it bounds nothing",
                             a->target, canon, orch),
                   xasprintf("%s is fanned out at %s:%u; each call builds its own `%s`", target,
                             ix->files[s->site->file].path, s->site->site.pos.line, a->target),
                   xstrdup("create the limiter once (module level, `__init__`, or in the "
                           "orchestrator) and pass or share it"),
                   NULL);
      free(orch);
      free(target);
    }
    free(canon);
  }
}

static bool awaited_later(const Model *m, const SiteRef *sr, bool held);

static void fan201(Model *m, const SiteInfo *s, Findings *out) {
  const SiteRef *sr = s->site;
  if (!io_fan_out(m, s)) return;
  bool spawned = sr->site.kind == SITE_CREATE_TASK || sr->site.kind == SITE_ENSURE_FUTURE;
  if (sr->site.kind == SITE_HELPER
          ? defref_ok(sr->helper) && !width_helper_buffers(m, sr->helper, 0)
          : !sr->site.buffered && !(spawned && awaited_later(m, sr, true)))
    return;
  /* tasks that store their own output and return nothing buffer nothing, nor
   * does a gather whose results are dropped (`await gather(*[n.embed() for n
   * in nodes])` as a statement: each task writes onto its own object) */
  const Call *call = sr->site.call >= 0 ? &m->ix->files[sr->file].calls.items[sr->site.call] : NULL;
  bool dropped = call && !spawned && (call->flags & CALL_DISCARDED);
  if (dropped || !width_keeps_results(m, s) || !width_data(m, sr) || width_windowed(m, sr)) return;
  char *orch = index_def_name(m->ix, s->orchestrator);
  char *target = target_name(m, s);
  Finding *f = findings_add(
      out, m->ix, RULE_FAN201, sr->file, sr->site.def, sr->site.pos,
      xasprintf("%s in %s schedules a task for every item of `%s` at once and holds all "
                "results until the last one finishes",
                kind_phrase(m, sr), orch, sr->site.width.expr),
      xasprintf("width grows with the input (`%s`); each task runs %s and awaits I/O",
                sr->site.width.expr, target),
      xstrdup("process the list in fixed-size batches (`itertools.batched(items, 50)`) "
              "or consume results as they finish with a bounded worker pool"),
      NULL);
  analysis_mark_site(m, s, f);
  free(orch);
  free(target);
}

/* Whether the orchestrator waits for every task: gathered or waited, or made
 * in a task group (`tg.create_task`, `start_soon`) whose block waits for all. */
static bool waits_for_all(const Model *m, const SiteRef *sr) {
  if (sr->site.buffered || sr->site.kind == SITE_HELPER || sr->site.kind == SITE_START_SOON ||
      sr->site.kind == SITE_AS_COMPLETED)
    return true;
  if (sr->site.kind != SITE_CREATE_TASK && sr->site.kind != SITE_ENSURE_FUTURE) return true;
  const Facts *f = &m->ix->files[sr->file];
  const char *callee = f->calls.items[sr->site.call].callee;
  const char *dot = strrchr(callee, '.');
  for (uint32_t i = 0; dot && i < f->withs.len; i++) {
    const WithItem *wi = &f->withs.items[i];
    if (wi->def == sr->site.def && wi->is_async && wi->alias &&
        strlen(wi->alias) == (size_t)(dot - callee) &&
        strncmp(wi->alias, callee, (size_t)(dot - callee)) == 0)
      return true;
  }
  /* the tasks are then awaited in the same function: gathered, waited or
   * consumed with as_completed (to the last one) after the spawning loop */
  return awaited_later(m, sr, false);
}

/* Whether the function that spawns tasks awaits all of them after the site:
 * with gather, or wait unless told to return early (all results held), or,
 * unless `held` is asked for, with as_completed (each consumed as it ends).
 * Which call is which is the `site` facts' `kind` and `early`. */
static bool awaited_later(const Model *m, const SiteRef *sr, bool held) {
  const Facts *f = &m->ix->files[sr->file];
  const Def *d = &f->defs.items[sr->site.def];
  for (uint32_t k = d->own_calls.first; k < d->own_calls.end; k++) {
    const Call *c = &f->calls.items[f->call_order.items[k]];
    if (c->pos.line <= sr->site.pos.line) continue;
    char *canon = model_canonical(m, sr->file, sr->site.def, c->callee);
    const Fact *site = knowledge_get(m->k, FACT_SITE, canon);
    const char *kind = fact_get(site, ATTR_KIND);
    bool early = false;
    for (uint32_t a = 0; a < c->nkwargs && !early; a++)
      early = fact_lists(site, ATTR_EARLY, f->kwargs.items[c->first_kwarg + a].name);
    bool all =
        kind && (strcmp(kind, "gather") == 0 || (!held && strcmp(kind, "as_completed") == 0) ||
                 (strcmp(kind, "wait") == 0 && !early));
    free(canon);
    if (all) return true;
  }
  return false;
}

/* A model call recognised by its shape on a client of unknown origin: judged
 * by the SDK's default timeout (`timeout=` of the `external.method` fact),
 * which is no phase deadline when it is `none` or longer than a short one.
 * A `**kwargs` passed on may carry a timeout: not judged. */
static bool llm_default_applies(const Model *m, const SiteInfo *s, const char *kind) {
  if (!s->ext.fact || s->ext.fact->kind != FACT_EXTERNAL_METHOD || strcmp(kind, "llm"))
    return false;
  if (!fact_get(s->ext.fact, ATTR_TIMEOUT) || model_short_default(m, s->ext.fact)) return false;
  if (s->item_is_external) return true; /* analysis looked at the item call's keywords */
  return !model_splat_timeout(m, s->ext.file, s->ext.call);
}

/* FAN301: nothing stops the slowest call from holding the phase. A fan-out over network I/O
 * (http, llm, aws, net), capped widths included, that waits for all its tasks with no per-call
 * timeout and no deadline. A client of unknown origin is judged by its SDK's default timeout; one
 * built with `timeout=None` is named as having none. */
static void fan301(Model *m, const SiteInfo *s, Findings *out) {
  const SiteRef *sr = s->site;
  /* a width capped by a setting (`calls[:cfg.max_units]`) still waits for
   * the slowest of up to that many */
  bool capped = sr->site.width.kind == WIDTH_FIXED && sr->site.width.count < 0 && s->has_ext &&
                sr->site.kind != SITE_RUN_IN_EXECUTOR;
  if ((!io_fan_out(m, s) && !capped) || s->timeout_line || !waits_for_all(m, sr)) return;
  const char *kind = analysis_ext_kind(s);
  /* A client of unknown origin may carry its own timeout: judge I/O whose
   * client (or module function) fanout has seen, and a model call known by
   * its shape (`.chat.completions.create`), with the SDK's default assumed. */
  bool assumed = !s->ext.has_origin && (!s->ext.fact || s->ext.fact->kind != FACT_EXTERNAL);
  if (assumed && !llm_default_applies(m, s, kind)) return;
  if (strcmp(kind, "http") && strcmp(kind, "llm") && strcmp(kind, "aws") && strcmp(kind, "net"))
    return;
  char *orch = index_def_name(m->ix, s->orchestrator);
  char *ext = analysis_ext_where(m, s);
  const Fact *fact = s->ext.has_origin && s->ext.origin.fact ? s->ext.origin.fact : s->ext.fact;
  const char *deflt = fact_get(fact, ATTR_TIMEOUT);
  if (!deflt) deflt = "";
  /* `timeout=None` given to the client turns its default off: say what the code says */
  const Origin *o = s->ext.has_origin ? &s->ext.origin : NULL;
  const char *given = o && o->call >= 0
                          ? model_kwarg(&m->ix->files[o->file],
                                        &m->ix->files[o->file].calls.items[o->call], "timeout")
                          : NULL;
  char *client_none = given && strcmp(given, "None") == 0
                          ? xasprintf(", and the client is built with `timeout=None` at %s:%u: "
                                      "no timeout at all",
                                      m->ix->files[o->file].path, o->pos.line)
                          : NULL;
  if (client_none) deflt = "";
  const char *assumption =
      assumed ? "; the client's origin is unknown, so the SDK's default was assumed" : "";
  Finding *f = findings_add(
      out, m->ix, RULE_FAN301, sr->file, sr->site.def, sr->site.pos,
      xasprintf("%s in %s waits for the slowest of its tasks: %s has no per-call timeout and the "
                "phase has no deadline",
                kind_phrase(m, sr), orch, ext),
      xasprintf(
          "no wait_for/asyncio.timeout/fail_after on the path, no timeout= on the call%s%s%s%s%s%s",
          client_none ? "" : " or its client", *deflt ? " (library default: " : "", deflt,
          *deflt ? (strcmp(deflt, "none") ? " s)" : ")") : "", client_none ? client_none : "",
          assumption),
      xstrdup("wrap each call in `asyncio.wait_for(..., timeout=30)` (or set the client's timeout) "
              "and give the phase a deadline with `async with asyncio.timeout(...)`"),
      NULL);
  analysis_mark_site(m, s, f);
  free(client_none);
  free(orch);
  free(ext);
}

void check_concurrency_sites(Model *m, const SiteInfos *sites, uint32_t from, uint32_t to,
                             Findings *out, U32Array *made_by) {
  uint32_t first = out->len;
  for (uint32_t i = from; i < to; i++) {
    fan101(m, &sites->items[i], out);
    fan102(m, &sites->items[i], out);
    fan201(m, &sites->items[i], out);
    fan301(m, &sites->items[i], out);
    while (made_by->len < out->len - first) array_push(made_by, i);
  }
}

/* A call of a project function that fans out inside (`_resolve_bulk(...)`)
 * repeats what that function's own fan-out already reports: the finding is
 * the inner one's, not the call's (a generic helper over its parameter,
 * `semaphore_gather(*coros)`, reports nothing inside and keeps its calls'). */
void check_concurrency_echoes(const SiteInfos *sites, const U32Array *made_by, uint32_t from,
                              Findings *out) {
  uint32_t end = out->len, w = from;
  for (uint32_t i = from; i < end; i++) {
    const SiteRef *sr = sites->items[made_by->items[i - from]].site;
    bool echo = false; /* the same code made for a fan-out of the helper over its parameter */
    for (uint32_t k = from; k < end && sr->site.kind == SITE_HELPER && !echo; k++) {
      const SiteRef *in = sites->items[made_by->items[k - from]].site;
      echo = in->file == sr->helper.file && in->site.def == sr->helper.def &&
             in->site.width.param >= 0 && strcmp(out->items[k].code, out->items[i].code) == 0;
    }
    if (echo)
      finding_free(&out->items[i]);
    else
      out->items[w++] = out->items[i];
  }
  out->len = w;
}

void check_concurrency(Model *m, const SiteInfos *sites, Findings *out) {
  uint32_t from = out->len;
  U32Array made_by = {0}; /* per finding from `from`: the site it is about */
  check_concurrency_sites(m, sites, 0, sites->len, out, &made_by);
  check_concurrency_echoes(sites, &made_by, from, out);
  array_free(&made_by);
}
