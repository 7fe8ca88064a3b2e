/* FAN1xx unbounded concurrency, FAN2xx gather over huge lists, FAN3xx long tail. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "map.h"

static char *target_name(const Model *m, const SiteInfo *s) {
  if (defref_ok(s->target)) return index_def_name(m->ix, s->target);
  const Facts *f = &m->ix->files[s->site->file];
  return xstrdup(s->site->site.targets.count ? f->names.items[s->site->site.targets.first] : "?");
}

static const char *kind_phrase(SiteKind k) {
  switch (k) {
  case SITE_GATHER: return "asyncio.gather";
  case SITE_CREATE_TASK: return "create_task in a loop";
  case SITE_ENSURE_FUTURE: return "ensure_future in a loop";
  case SITE_AS_COMPLETED: return "asyncio.as_completed";
  case SITE_WAIT: return "asyncio.wait";
  case SITE_RUN_IN_EXECUTOR: return "run_in_executor in a loop";
  case SITE_START_SOON: return "start_soon in a loop";
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

static void fan101(Model *m, const SiteInfo *s, Findings *out) {
  if (!io_fan_out(m, s) || s->limiter_line) return;
  const SiteRef *sr = s->site;
  char *orch = index_def_name(m->ix, s->orchestrator);
  char *target = target_name(m, s);
  char *ext = analysis_ext_where(m, s);
  char *width = map_width_text(&sr->site.width);
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
      out, m->ix, "FAN101", sr->file, sr->site.def, sr->site.pos,
      xasprintf("%s in %s starts one task per item of `%s` with no limiter; each runs %s and "
                "reaches %s",
                kind_phrase(sr->site.kind), orch, sr->site.width.expr, target, ext),
      xasprintf("width: %s; no Semaphore/CapacityLimiter is acquired on the path from %s "
                "(%u function%s followed) to the I/O call %s",
                width, target, s->reach.len, s->reach.len == 1 ? "" : "s", ext),
      next, xstrdup("in-flight requests stay at the limit; 429/503 count and p95 phase time drop"));
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
  for (uint32_t i = 0; i < ix->sites.len; i++) /* it bounds a fan-out of its own */
    if (ix->sites.items[i].file == t.file && ix->sites.items[i].site.def == t.def) return;
  const Facts *f = &ix->files[t.file];
  for (uint32_t i = 0; i < f->assigns.len; i++) {
    const Assign *a = &f->assigns.items[i];
    if (a->def != t.def || a->call < 0 || strchr(a->target, '.')) continue;
    const Call *c = &f->calls.items[a->call];
    char *canon = model_canonical(m, t.file, t.def, c->callee);
    const Fact *lim = knowledge_get(m->k, "limiter", canon);
    if (lim) {
      char *orch = index_def_name(ix, s->orchestrator);
      char *target = index_def_name(ix, t);
      findings_add(out, ix, "FAN102", t.file, t.def, c->pos,
                   xasprintf("`%s = %s(...)` is created anew in every task of the fan-out in %s, "
                             "so it bounds nothing",
                             a->target, canon, orch),
                   xasprintf("%s is fanned out at %s:%u; each call builds its own `%s`", target,
                             ix->files[s->site->file].path, s->site->site.pos.line, a->target),
                   xstrdup("create the limiter once (module level, `__init__`, or in the "
                           "orchestrator) and pass or share it"),
                   xstrdup("in-flight calls stay at the limit during the phase"));
      free(orch);
      free(target);
    }
    free(canon);
  }
}

/* FAN201: all results of a data-sized list buffered at once. */
static bool bulk_width(const Model *m, const char *expr) {
  if (!expr) return false;
  if (strchr(expr, '(')) { /* json.load(fh), f.readlines(): loaded data */
    char *callee = xstrndup(expr, strcspn(expr, "("));
    const char *last = str_last_component(callee);
    char key[64];
    snprintf(key, sizeof key, ".%s", last);
    bool loaded = knowledge_has(m->k, "loader", callee) || knowledge_has(m->k, "loader", key);
    free(callee);
    if (loaded) return true;
  }
  char *canon = xstrdup(expr);
  bool bulk = false;
  for (char *p = canon; *p && !bulk;) {
    size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
    if (n) {
      char save = p[n];
      p[n] = '\0';
      char *lower = xstrdup(p);
      for (char *q = lower; *q; q++) *q = (char)(*q >= 'A' && *q <= 'Z' ? *q + 32 : *q);
      /* all_docs, doc_chunks, self.documents: the last word of a snake name counts */
      const char *word = strrchr(lower, '_') ? strrchr(lower, '_') + 1 : lower;
      bulk = knowledge_has(m->k, "bulk", lower) || knowledge_has(m->k, "bulk", word) ||
             knowledge_has(m->k, "loader", p);
      free(lower);
      p[n] = save;
      p += n;
    } else {
      p++;
    }
  }
  free(canon);
  return bulk;
}

static void fan201(Model *m, const SiteInfo *s, Findings *out) {
  const SiteRef *sr = s->site;
  if (!io_fan_out(m, s)) return;
  if (!sr->site.buffered && sr->site.kind != SITE_HELPER) return;
  /* tasks that store their own output and return nothing buffer nothing */
  if (defref_ok(s->target) && !index_def(m->ix, s->target)->returns_value) return;
  if (!bulk_width(m, sr->site.width.expr) && !bulk_width(m, sr->site.width.source)) return;
  char *orch = index_def_name(m->ix, s->orchestrator);
  char *target = target_name(m, s);
  findings_add(out, m->ix, "FAN201", sr->file, sr->site.def, sr->site.pos,
               xasprintf("%s in %s schedules a task for every item of `%s` at once and holds all "
                         "results until the last one finishes",
                         kind_phrase(sr->site.kind), orch, sr->site.width.expr),
               xasprintf("width grows with the input (`%s`); each task runs %s and awaits I/O",
                         sr->site.width.expr, target),
               xstrdup("process the list in fixed-size batches (`itertools.batched(items, 50)`) "
                       "or consume results as they finish with a bounded worker pool"),
               xstrdup("peak RSS during the phase stops growing with the input size"));
  free(orch);
  free(target);
}

/* FAN301: nothing stops the slowest call from holding the phase. */
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
  return false;
}

static void fan301(Model *m, const SiteInfo *s, Findings *out) {
  const SiteRef *sr = s->site;
  if (!io_fan_out(m, s) || s->timeout_line || !waits_for_all(m, sr)) return;
  /* A client of unknown origin may carry its own timeout: only judge I/O
   * whose client (or module function) fanout has seen. */
  if (!s->ext.has_origin && (!s->ext.fact || strcmp(s->ext.fact->kind, "external") != 0)) return;
  char kind[16];
  analysis_ext_kind(s, kind, sizeof kind);
  if (strcmp(kind, "http") && strcmp(kind, "llm") && strcmp(kind, "aws") && strcmp(kind, "net"))
    return;
  char *orch = index_def_name(m->ix, s->orchestrator);
  char *ext = analysis_ext_where(m, s);
  char deflt[16] = "";
  const Fact *fact = s->ext.has_origin && s->ext.origin.fact ? s->ext.origin.fact : s->ext.fact;
  if (fact) fact_attr(fact, "timeout", deflt, sizeof deflt);
  findings_add(
      out, m->ix, "FAN301", sr->file, sr->site.def, sr->site.pos,
      xasprintf("%s in %s waits for the slowest of its tasks: %s has no per-call timeout and the "
                "phase has no deadline",
                kind_phrase(sr->site.kind), orch, ext),
      xasprintf(
          "no wait_for/asyncio.timeout/fail_after on the path, no timeout= on the call or its "
          "client%s%s%s",
          *deflt ? " (library default: " : "", deflt,
          *deflt ? (strcmp(deflt, "none") ? " s)" : ")") : ""),
      xstrdup("wrap each call in `asyncio.wait_for(..., timeout=30)` (or set the client's timeout) "
              "and give the phase a deadline with `async with asyncio.timeout(...)`"),
      xstrdup("max and p99 of per-task time and the phase's wall time drop; timeouts show up as "
              "counted errors instead of stalls"));
  free(orch);
  free(ext);
}

void check_concurrency(Model *m, const SiteInfos *sites, Findings *out) {
  for (uint32_t i = 0; i < sites->len; i++) {
    fan101(m, &sites->items[i], out);
    fan102(m, &sites->items[i], out);
    fan201(m, &sites->items[i], out);
    fan301(m, &sites->items[i], out);
  }
}
