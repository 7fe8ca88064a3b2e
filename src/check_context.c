/* FAN6xx per-task context duplication: the same large text built in every task. */
#include <stdlib.h>
#include <string.h>

#include "analysis.h"

/* Whether `text` uses the identifier `name` as a whole word. */
static bool uses_name(const char *text, const char *name) {
  size_t n = strlen(name);
  for (const char *p = strstr(text, name); p; p = strstr(p + 1, name)) {
    bool left = p == text || !(p[-1] == '_' || p[-1] == '.' || (p[-1] >= 'a' && p[-1] <= 'z') ||
                               (p[-1] >= 'A' && p[-1] <= 'Z') || (p[-1] >= '0' && p[-1] <= '9'));
    char r = p[n];
    bool right =
        !(r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9'));
    if (left && right) return true;
  }
  return false;
}

/* Calls that build a big text from their argument (rules/api.txt
 * `text.builder`: a function by its name, a method of any object by ".name"). */
static bool builds_text(const Model *m, uint32_t file, const Call *c) {
  const char *dot = strrchr(c->callee, '.');
  if (dot && knowledge_has(m->k, FACT_TEXT_BUILDER, dot)) return true;
  char *canon = model_canonical(m, file, c->def, c->callee);
  bool yes = knowledge_has(m->k, FACT_TEXT_BUILDER, canon);
  free(canon);
  return yes;
}

/* Whether `name` is a parameter of definition `def` of `f`. */
static bool is_param(const Facts *f, int32_t def, const char *name) {
  const Def *d = &f->defs.items[def];
  for (uint32_t i = 0; d->kind == DEF_FUNCTION && i < d->params.count; i++)
    if (strcmp(f->names.items[d->params.first + i], name) == 0) return true;
  return false;
}

/* A project helper's site (`semaphore_gather(*[f(x, ctx) for x in xs])`)
 * carries no invariants of its own: an argument of the item call that is a
 * parameter of the orchestrator, passed unchanged and not the list fanned
 * out, is the same for every task. */
static void helper_invariant_params(const Model *m, const SiteInfo *s, uint32_t shift,
                                    StrArray *out) {
  const Facts *sf = &m->ix->files[s->site->file];
  const Facts *tf = &m->ix->files[s->target.file];
  const Def *t = index_def(m->ix, s->target);
  const char *text = sf->names.items[s->site->site.targets.first];
  const char *width = s->site->site.width.expr ? s->site->site.width.expr : "";
  Span own = sf->defs.items[s->site->site.def].own_calls;
  for (uint32_t j = own.first; j < own.end; j++) {
    const Call *call = &sf->calls.items[sf->call_order.items[j]];
    if (!(call->flags & CALL_IN_LOOP) || strcmp(call->callee, text) != 0) continue;
    for (uint32_t i = 0; i < call->args.count && i + shift < t->params.count; i++) {
      const char *arg = sf->names.items[call->args.first + i];
      const char *p = tf->names.items[t->params.first + i + shift];
      if (*p != '*' && strcmp(arg, width) != 0 && is_param(sf, call->def, arg))
        array_push(out, (char *)p);
    }
    for (uint32_t k = 0; k < call->nkwargs; k++) {
      const Kwarg *kw = &sf->kwargs.items[call->first_kwarg + k];
      if (strcmp(kw->value, width) != 0 && is_param(sf, call->def, kw->value))
        array_push(out, (char *)kw->name);
    }
    return;
  }
}

/* The parameters of the target that every task receives unchanged. */
static void invariant_params(const Model *m, const SiteInfo *s, StrArray *out) {
  const Facts *sf = &m->ix->files[s->site->file];
  const Facts *tf = &m->ix->files[s->target.file];
  const Def *t = index_def(m->ix, s->target);
  const char *text =
      s->site->site.targets.count ? sf->names.items[s->site->site.targets.first] : "";
  uint32_t shift = 0; /* self.m(x) passes x as parameter 1 */
  if (strchr(text, '.') && t->params.count &&
      (strcmp(tf->names.items[t->params.first], "self") == 0 ||
       strcmp(tf->names.items[t->params.first], "cls") == 0))
    shift = 1;
  for (uint32_t i = 0; i < 32 && i + shift < t->params.count; i++)
    if (s->site->site.invariant_args & (1u << i)) {
      const char *p = tf->names.items[t->params.first + i + shift];
      if (*p != '*') array_push(out, (char *)p);
    }
  for (uint32_t i = 0; i < s->site->site.invariant_kwargs.count; i++)
    array_push(out, (char *)sf->names.items[s->site->site.invariant_kwargs.first + i]);
  if (s->site->site.kind == SITE_HELPER) helper_invariant_params(m, s, shift, out);
}

/* Where a task-invariant text is built: the call that builds it, and the
 * parameter (of the function it is in) it is built over. */
typedef struct {
  uint32_t file;
  uint32_t call;
  const char *param;
} Build;

#define FOLLOW_DEPTH 2

/* The parameter of `callee` (a project function called by `c`) that receives
 * the name `name` unchanged, or NULL. */
static const char *passed_as(const Model *m, const Facts *cf, const Call *c, DefRef callee,
                             const char *name) {
  const Facts *tf = &m->ix->files[callee.file];
  const Def *d = index_def(m->ix, callee);
  uint32_t shift = strchr(c->callee, '.') && d->params.count &&
                           (strcmp(tf->names.items[d->params.first], "self") == 0 ||
                            strcmp(tf->names.items[d->params.first], "cls") == 0)
                       ? 1
                       : 0;
  for (uint32_t i = 0; i < c->args.count && i + shift < d->params.count; i++)
    if (strcmp(cf->names.items[c->args.first + i], name) == 0) {
      const char *p = tf->names.items[d->params.first + i + shift];
      return *p == '*' ? NULL : p;
    }
  for (uint32_t k = 0; k < c->nkwargs; k++) {
    const Kwarg *kw = &cf->kwargs.items[c->first_kwarg + k];
    if (strcmp(kw->value, name) != 0) continue;
    for (uint32_t i = 0; i < d->params.count; i++)
      if (strcmp(tf->names.items[d->params.first + i], kw->name) == 0) return kw->name;
  }
  return NULL;
}

/* Whether the text a call builds walks the items of `param`: a comprehension
 * over it (`"\n".join(e.content for e in episodes)`), or a local filled in a
 * loop over it and then joined. A helper that formats a few fields of an
 * object (a filter into a query string) builds no large context. */
static bool walks_items(const Facts *f, int32_t def, const char *arg0, const char *param) {
  for (const char *in = strstr(arg0, " in "); in; in = strstr(in + 1, " in "))
    if (uses_name(in + 4, param)) return true;
  for (const char *q = arg0; *q; q++)
    if (!(*q == '_' || (*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
          (*q >= '0' && *q <= '9')))
      return false;
  size_t n = strlen(arg0);
  Span own = f->defs.items[def].own_calls;
  for (uint32_t k = own.first; k < own.end; k++) {
    const Call *call = &f->calls.items[f->call_order.items[k]];
    if (!(call->flags & CALL_IN_LOOP) || strncmp(call->callee, arg0, n) != 0 ||
        strcmp(call->callee + n, ".append") != 0)
      continue;
    for (uint32_t l = 0; l < f->loops.len; l++) {
      const Loop *lp = &f->loops.items[l];
      if (lp->def == def && lp->pos.line <= call->pos.line && call->pos.line <= lp->end_line &&
          lp->iter && uses_name(lp->iter, param))
        return true;
    }
  }
  return false;
}

/* A text built over the items of `param` in `d`, or in a project function
 * `d` hands it to unchanged (at most FOLLOW_DEPTH calls further down). */
static bool find_build(const Model *m, DefRef d, const char *param, unsigned depth, Build *out) {
  const Facts *f = &m->ix->files[d.file];
  Span own = f->defs.items[d.def].own_calls;
  for (uint32_t k = own.first; k < own.end; k++) {
    uint32_t c = f->call_order.items[k];
    const Call *call = &f->calls.items[c];
    if (call->flags & CALL_REFERENCE) continue;
    if (call->arg0 && builds_text(m, d.file, call) && walks_items(f, d.def, call->arg0, param)) {
      *out = (Build){d.file, c, param};
      return true;
    }
  }
  if (depth >= FOLLOW_DEPTH) return false;
  for (uint32_t k = own.first; k < own.end; k++) {
    uint32_t c = f->call_order.items[k];
    const Call *call = &f->calls.items[c];
    if (call->flags & CALL_REFERENCE) continue;
    DefRef callee = index_call_target(m->ix, d.file, c);
    if (!defref_ok(callee) || index_def(m->ix, callee)->kind != DEF_FUNCTION) continue;
    const char *inner = passed_as(m, f, call, callee, param);
    if (inner && find_build(m, callee, inner, depth + 1, out)) return true;
  }
  return false;
}

static void report(Model *m, const SiteInfo *s, const Call *at, const char *param,
                   const Build *deeper, Findings *out) {
  char *orch = index_def_name(m->ix, s->orchestrator);
  char *target = index_def_name(m->ix, s->target);
  /* "?.join" is a join on a literal separator: show it as ".join" */
  const Call *built = deeper ? &m->ix->files[deeper->file].calls.items[deeper->call] : at;
  const char *callee = built->callee[0] == '?' ? built->callee + 1 : built->callee;
  char *where = deeper ? xasprintf(" (in `%s`, called here with it)", at->callee) : xstrdup("");
  Finding *f = findings_add(
      out, m->ix, RULE_FAN601, s->target.file, s->target.def, at->pos,
      xasprintf("`%s(...)` over `%s` is rebuilt in every task%s: `%s` is the same for all "
                "tasks of the fan-out in %s",
                callee, param, where, param, orch),
      xasprintf("%s runs once per item of `%s`; its parameter `%s` gets the same value each "
                "time",
                target, s->site->site.width.expr, param),
      xasprintf("build it once in %s before the fan-out and pass the result (or pass only "
                "the part each task needs)",
                orch),
      NULL);
  finding_relate(f, s->site->file, s->site->site.pos, xstrdup("the fan-out"));
  if (deeper) finding_relate(f, deeper->file, built->pos, xstrdup("where the text is built"));
  free(where);
  free(orch);
  free(target);
}

/* The `self.<attr>` whose items a text built in `d` walks (a join over a
 * comprehension of it, or a local appended in a loop over it), or NULL.
 * Returns a malloc'd "self.attr". */
static char *walked_attribute(const Model *m, DefRef d, uint32_t *at) {
  const Facts *f = &m->ix->files[d.file];
  const Def *def = index_def(m->ix, d);
  for (uint32_t k = def->own_calls.first; k < def->own_calls.end; k++) {
    uint32_t c = f->call_order.items[k];
    const Call *call = &f->calls.items[c];
    if (!call->arg0 || !builds_text(m, d.file, call)) continue;
    /* candidates: every self.<attr> the def's loops and the argument mention */
    for (uint32_t l = 0; l <= f->loops.len; l++) {
      const char *text = l < f->loops.len ? f->loops.items[l].iter : call->arg0;
      if (l < f->loops.len && f->loops.items[l].def != d.def) continue;
      for (const char *p = text ? strstr(text, "self.") : NULL; p; p = strstr(p + 5, "self.")) {
        size_t n = 5;
        while ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= 'A' && p[n] <= 'Z') ||
               (p[n] >= '0' && p[n] <= '9') || p[n] == '_')
          n++;
        if (n == 5 || p[n] == '(') continue; /* a method call, not an attribute */
        char *attr = xstrndup(p, n);
        if (walks_items(f, d.def, call->arg0, attr)) {
          *at = c;
          return attr;
        }
        free(attr);
      }
    }
  }
  return NULL;
}

/* Whether `self.<attr>` is object state: bound only in __init__ or the class
 * body (or declared there), never in the method that walks it. */
static bool object_state(const Facts *f, int32_t method, const char *attr) {
  const Def *md = &f->defs.items[method];
  int32_t cls = md->parent;
  if (cls <= 0 || f->defs.items[cls].kind != DEF_CLASS) return false;
  Span sp = f->defs.items[cls].assigns_span;
  for (uint32_t i = sp.first; i < sp.end; i++) {
    const Assign *a = &f->assigns.items[i];
    if (strcmp(a->target, attr) != 0) continue;
    if (a->def != cls && strcmp(f->defs.items[a->def].name, "__init__") != 0) return false;
  }
  return true;
}

/* FAN601, object state: a function every task runs calls an argument-less
 * method of its object that rebuilds text over one of the object's
 * collections (`self._format_examples()` joining `self.examples`): the same
 * text for every task. Whether the object is shared by the tasks is
 * inferred, so the finding says so. */
static void object_context(Model *m, const SiteInfo *s, U32Array *seen, Findings *out) {
  for (uint32_t r = 0; r < s->reach.len; r++) {
    DefRef d = s->reach.items[r];
    const Facts *f = &m->ix->files[d.file];
    const Def *def = index_def(m->ix, d);
    for (uint32_t k = def->own_calls.first; k < def->own_calls.end; k++) {
      uint32_t c = f->call_order.items[k];
      const Call *call = &f->calls.items[c];
      if (call->nargs || call->nkwargs || !str_starts_with(call->callee, "self.") ||
          strchr(call->callee + 5, '.') || (call->flags & (CALL_REFERENCE | CALL_IN_LOOP)))
        continue;
      Targets t = index_call_targets(m->ix, d.file, c); /* the object's own method first */
      if (!t.len || (t.how != RESOLVED_EXACT && t.how != RESOLVED_OVERRIDES)) continue;
      const Def *td = index_def(m->ix, t.items[0]);
      if (td->kind != DEF_FUNCTION || td->params.count != 1) continue;
      uint32_t built;
      char *attr = walked_attribute(m, t.items[0], &built);
      if (!attr) continue;
      const Facts *tf = &m->ix->files[t.items[0].file];
      bool dup = false;
      for (uint32_t i = 0; i + 1 < seen->len && !dup; i += 2)
        dup = seen->items[i] == d.file && seen->items[i + 1] == c;
      if (!object_state(tf, t.items[0].def, attr) || dup) {
        free(attr);
        continue;
      }
      array_push(seen, d.file);
      array_push(seen, c);
      char *orch = index_def_name(m->ix, s->orchestrator);
      Finding *fd = findings_add(
          out, m->ix, RULE_FAN601, d.file, d.def, call->pos,
          xasprintf("`%s()` rebuilds text over `%s` in every task of the fan-out in %s: the "
                    "object's `%s` is the same for all of them",
                    call->callee, attr, orch, attr + 5),
          xasprintf("%s runs once per item of `%s` and calls `%s()`, which walks `%s` to build "
                    "its text (inferred: the tasks share the object)",
                    def->qualname, s->site->site.width.expr, call->callee, attr),
          xasprintf("build the text once (in `__init__`, or cache it with "
                    "`functools.cached_property`) and reuse it in every task"),
          xstrdup("CPU time per task and prompt-building time in the phase drop"));
      fd->inferred = true;
      finding_relate(fd, s->site->file, s->site->site.pos, xstrdup("the fan-out"));
      finding_relate(fd, t.items[0].file, tf->calls.items[built].pos,
                     xstrdup("where the text is built"));
      free(orch);
      free(attr);
    }
  }
}

void check_context(Model *m, const SiteInfos *sites, Findings *out) {
  U32Array seen = {0};
  for (uint32_t i = 0; i < sites->len; i++)
    if (analysis_large(m, &sites->items[i]) && sites->items[i].has_ext)
      object_context(m, &sites->items[i], &seen, out);
  array_free(&seen);
  for (uint32_t i = 0; i < sites->len; i++) {
    const SiteInfo *s = &sites->items[i];
    if (!analysis_large(m, s) || !defref_ok(s->target)) continue;
    StrArray params = {0};
    invariant_params(m, s, &params);
    const Facts *tf = &m->ix->files[s->target.file];
    for (uint32_t p = 0; p < params.len; p++) {
      /* built in the fanned-out function itself, else in a function it
       * hands the value to: the first such call of the function */
      Span own = tf->defs.items[s->target.def].own_calls;
      for (uint32_t k = own.first; k < own.end; k++) {
        uint32_t c = tf->call_order.items[k];
        const Call *call = &tf->calls.items[c];
        if (call->flags & CALL_REFERENCE) continue;
        if (call->arg0 && builds_text(m, s->target.file, call) &&
            uses_name(call->arg0, params.items[p])) {
          report(m, s, call, params.items[p], NULL, out);
          break;
        }
        DefRef callee = index_call_target(m->ix, s->target.file, c);
        if (!defref_ok(callee) || index_def(m->ix, callee)->kind != DEF_FUNCTION) continue;
        const char *inner = passed_as(m, tf, call, callee, params.items[p]);
        Build b;
        if (inner && find_build(m, callee, inner, 1, &b)) {
          report(m, s, call, params.items[p], &b, out);
          break;
        }
      }
    }
    array_free(&params);
  }
}
