/* model: what the names and calls of a project mean against the rule data:
 * limiters and timeouts in a definition, and whether every path of a task
 * to its I/O is bounded (memoized per definition: each is judged once). */
#include <limits.h>
#include <stdlib.h>

#include "model_int.h"

void model_init(Model *m, const Index *ix, const Knowledge *k, const Settings *settings) {
  memset(m, 0, sizeof *m);
  m->ix = ix;
  m->k = k;
  size_t n = (size_t)ix->ndefs + 1;
  m->names = xcalloc(n, sizeof *m->names);
  m->origins = model__origins_new(n);
  m->external = xmalloc(n * sizeof(int32_t));
  m->limiter = xmalloc(n * sizeof(int32_t));
  m->timeout = xmalloc(n * sizeof(int32_t));
  m->deadline = xmalloc(n * sizeof(int32_t));
  m->bounded = xmalloc(n * sizeof(int32_t));
  m->splat = xmalloc(n);
  memset(m->splat, -1, n);
  m->cut = xcalloc(1, sizeof *m->cut);
  for (size_t i = 0; i < n; i++)
    m->external[i] = m->limiter[i] = m->timeout[i] = m->deadline[i] = m->bounded[i] = -1;
  m->settings = settings ? *settings : settings_make(k, NULL);
}

void model_free(Model *m) {
  free(m->external);
  free(m->limiter);
  free(m->timeout);
  free(m->deadline);
  free(m->bounded);
  free(m->splat);
  free(m->cut);
  model__names_free(m);
  model__origins_free(m);
}

static uint32_t global(const Model *m, DefRef d) { return index_global_def(m->ix, d); }

bool model__is_param(const Facts *f, int32_t def, const char *name) {
  for (int32_t d = def; d > 0; d = f->defs.items[d].parent) {
    const Def *x = &f->defs.items[d];
    if (x->kind != DEF_FUNCTION) continue;
    for (uint32_t i = 0; i < x->params.count; i++)
      if (strcmp(f->names.items[x->params.first + i], name) == 0) return true;
  }
  return false;
}

/* A receiver that is a limiter: made by a limiter constructor, or handed in
 * as a parameter (or held on self from one) and not known to be a client. */
static bool is_limiter(const Model *m, uint32_t file, int32_t def, const char *expr) {
  Origin o;
  if (model_origin(m, file, def, expr, &o)) {
    bool known = o.fact != NULL, yes = known && o.fact->kind == FACT_LIMITER;
    origin_free(&o);
    if (known) return yes; /* a client is not a limiter; an unknown class may be */
  }
  const Facts *f = &m->ix->files[file];
  if (model__is_param(f, def, expr)) return true;
  /* self._rate_limiter, self.sem: a name that says it limits */
  char *lower = xstrdup(str_last_component(expr));
  for (char *p = lower; *p; p++) *p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
  bool named = false;
  for (const Fact *x = knowledge_first(m->k, FACT_LIMITER_NAME); x && !named;
       x = knowledge_next(m->k, x))
    named = strstr(lower, x->name) != NULL;
  free(lower);
  if (named) return true;
  if (str_starts_with(expr, "self.")) { /* self.sem = sem in __init__ */
    int32_t cls = model__class_of(f, def);
    for (uint32_t i = 0; i < f->assigns.len && cls >= 0; i++) {
      const Assign *a = &f->assigns.items[i];
      if (a->call < 0 && model__class_of(f, a->def) == cls && strcmp(a->target, expr) == 0 &&
          model__is_param(f, a->def, a->value))
        return true;
    }
  }
  return false;
}

uint32_t model_def_limiter(Model *m, DefRef d) {
  uint32_t g = global(m, d);
  if (m->limiter[g] >= 0) return (uint32_t)m->limiter[g];
  m->limiter[g] = 0;
  const Facts *f = &m->ix->files[d.file];
  for (uint32_t i = 0; i < f->withs.len && !m->limiter[g]; i++) {
    const WithItem *wi = &f->withs.items[i];
    if (wi->def == d.def && wi->is_async && !wi->callee && is_limiter(m, d.file, d.def, wi->expr))
      m->limiter[g] = (int32_t)wi->pos.line;
  }
  for (uint32_t at = 0, i;
       !m->limiter[g] && (i = model_next_method(m, d.file, d.def, "acquire", &at)) != UINT32_MAX;) {
    const Call *c = &f->calls.items[i];
    char *recv = xstrndup(c->callee, strlen(c->callee) - 8);
    if (is_limiter(m, d.file, d.def, recv)) m->limiter[g] = (int32_t)c->pos.line;
    free(recv);
  }
  return (uint32_t)m->limiter[g];
}

/* A timeout argument that sets a limit: not None, not ClientTimeout(total=None)
 * or httpx.Timeout(None). */
static bool timeout_value_set(const char *v) {
  if (!v || strcmp(v, "None") == 0) return false;
  if (strstr(v, "total=None") || strstr(v, "Timeout(None") || strstr(v, "Timeout(timeout=None"))
    return false;
  return true;
}

/* A client's timeout: given at construction, or a short default. */
bool model_origin_has_timeout(const Model *m, const Origin *o) {
  if (o->call >= 0) {
    const Facts *f = &m->ix->files[o->file];
    const Call *c = &f->calls.items[o->call];
    const char *t = model_kwarg(f, c, "timeout");
    for (uint32_t i = f->assigns.len; t && i-- > 0;) /* timeout=timeout, bound just before */
      if (f->assigns.items[i].def == c->def && strcmp(f->assigns.items[i].target, t) == 0) {
        t = f->assigns.items[i].value;
        break;
      }
    if (t) return timeout_value_set(t);
    if (model_kwarg(f, c, "request_timeout"))
      return timeout_value_set(model_kwarg(f, c, "request_timeout"));
  }
  return model_short_default(m, o->fact);
}

bool model_short_default(const Model *m, const Fact *f) {
  return fact_number(f, ATTR_TIMEOUT, LONG_MAX) <= (long)m->settings.short_timeout;
}

uint32_t model_def_timeout(Model *m, DefRef d) {
  uint32_t g = global(m, d);
  if (m->timeout[g] >= 0) return (uint32_t)m->timeout[g];
  m->timeout[g] = 0;
  const Facts *f = &m->ix->files[d.file];
  for (uint32_t i = 0; i < f->withs.len && !m->timeout[g]; i++) {
    const WithItem *wi = &f->withs.items[i];
    if (wi->def != d.def || !wi->callee) continue;
    char *canon = model_canonical(m, d.file, d.def, wi->callee);
    if (knowledge_has(m->k, FACT_TIMEOUT_CONTEXT, canon)) m->timeout[g] = (int32_t)wi->pos.line;
    free(canon);
  }
  const Def *def = index_def(m->ix, d);
  for (uint32_t k = def->own_calls.first; k < def->own_calls.end && !m->timeout[g]; k++) {
    uint32_t i = f->call_order.items[k];
    const Call *c = &f->calls.items[i];
    char *canon = model_canonical(m, d.file, d.def, c->callee);
    bool yes = knowledge_has(m->k, FACT_TIMEOUT_CALL, canon);
    free(canon);
    External e;
    if (!yes && model_external_call(m, d.file, i, &e)) {
      /* **params may carry timeout=: not knowing, assume it does */
      yes = timeout_value_set(model_kwarg(f, c, "timeout")) || model_splat_timeout(m, d.file, i);
      if (!yes && e.has_origin) yes = model_origin_has_timeout(m, &e.origin);
      external_free(&e);
    }
    if (yes) m->timeout[g] = (int32_t)c->pos.line;
  }
  return (uint32_t)m->timeout[g];
}

/* Whether `name` is the `**name` parameter of `def`. */
static bool kwargs_param(const Facts *f, int32_t def, const char *name) {
  const Def *d = &f->defs.items[def];
  for (uint32_t i = 0; i < d->params.count && d->kind == DEF_FUNCTION; i++) {
    const char *p = f->names.items[d->params.first + i];
    if (str_starts_with(p, "**") && strcmp(p + 2, name) == 0) return true;
  }
  return false;
}

/* Whether keyword arguments flowing into definition `def` may carry a
 * timeout: it (or a function it is nested in) names one, is an entry point
 * no project code calls, or has a caller that passes a timeout keyword or
 * **kwargs that may carry one. */
static bool may_get_timeout(const Model *m, uint32_t file, int32_t def, unsigned depth);

/* Memoized per definition (a cycle or a chain too deep counts as yes; one
 * through itself alone is the same whoever asks, a longer one is not). */
static bool def_may_get_timeout(const Model *m, uint32_t file, int32_t def, unsigned depth,
                                bool itself) {
  int8_t *memo = &m->splat[index_global_def(m->ix, (DefRef){file, def})];
  if (*memo == 2 && !itself) *m->cut = true;
  if (*memo < 0) {
    *memo = 2; /* while it is being answered */
    *memo = may_get_timeout(m, file, def, depth) ? 1 : 0;
  }
  return *memo != 0;
}

static bool may_get_timeout(const Model *m, uint32_t file, int32_t def, unsigned depth) {
  const Facts *f = &m->ix->files[file];
  const Def *d = &f->defs.items[def];
  if (d->kind != DEF_FUNCTION) return true;
  if (depth > 4) return *m->cut = true;
  for (uint32_t i = 0; i < d->params.count; i++)
    if (strstr(f->names.items[d->params.first + i], "timeout")) return true;
  for (uint32_t k = d->own_assigns.first; k < d->own_assigns.end; k++) {
    const Assign *a = &f->assigns.items[f->assign_order.items[k]];
    if (strstr(a->target, "timeout") || strstr(a->value, "timeout")) return true;
  }
  if (d->parent > 0 && f->defs.items[d->parent].kind == DEF_FUNCTION &&
      def_may_get_timeout(m, file, d->parent, depth + 1, false))
    return true;
  uint32_t n;
  DefRef self = {file, def};
  if (strcmp(d->name, "__init__") == 0 && d->parent > 0) self.def = d->parent;
  const CallRef *callers = index_callers(m->ix, self, &n);
  if (n == 0) return true; /* called from outside the project: anything may come in */
  for (uint32_t i = 0; i < n && i < 16; i++) {
    const Facts *cf = &m->ix->files[callers[i].file];
    const Call *cc = &cf->calls.items[callers[i].call];
    for (uint32_t k = 0; k < cc->nkwargs; k++)
      if (strstr(cf->kwargs.items[cc->first_kwarg + k].name, "timeout")) return true;
    if ((cc->flags & CALL_KW_SPLAT) &&
        def_may_get_timeout(m, callers[i].file, cc->def, depth + 1,
                            callers[i].file == file && cc->def == def))
      return true;
  }
  return false;
}

bool model_splat_timeout(const Model *m, uint32_t file, uint32_t call) {
  const Facts *f = &m->ix->files[file];
  const Call *c = &f->calls.items[call];
  if (!(c->flags & CALL_KW_SPLAT)) return false;
  int32_t def = c->def;
  /* **self.options: the **options the class was built with */
  int32_t cls = model__class_of(f, def);
  if (cls > 0) {
    Span sp = f->defs.items[cls].assigns_span;
    for (uint32_t i = sp.first; i < sp.end; i++) {
      const Assign *a = &f->assigns.items[i];
      if (str_starts_with(a->target, "self.") &&
          strcmp(f->defs.items[a->def].name, "__init__") == 0 && a->def != def &&
          kwargs_param(f, a->def, a->value) && def_may_get_timeout(m, file, a->def, 1, false))
        return true;
    }
  }
  return def_may_get_timeout(m, file, def, 0, false);
}

/* The timeout that bounds one I/O call: a timeout around it or on it, **kwargs
 * that may carry one, or its client's. Returns the line, or 0. */
static uint32_t io_call_deadline(const Model *m, uint32_t file, uint32_t call, const External *e) {
  const Facts *f = &m->ix->files[file];
  const Call *c = &f->calls.items[call];
  if (model_call_under_timeout(m, file, call) || model_splat_timeout(m, file, call) ||
      (e->has_origin && model_origin_has_timeout(m, &e->origin)))
    return c->pos.line;
  /* a receiver taken for a client by its name alone may carry its own
   * timeout: not judged */
  if (!e->has_origin && e->fact && e->fact->kind == FACT_EXTERNAL_RECEIVER) return c->pos.line;
  return 0;
}

/* Memo states of the must analyses beyond a line: */
#define DL_UNKNOWN (-1)
#define DL_VISITING (-2)
#define DL_NO_IO (-3)

/* What covers call `c` of definition `d` (an I/O call when `e` is set, else
 * a call of project code that reaches I/O): the covering construct's line,
 * or 0. */
typedef uint32_t (*CoverFn)(Model *m, DefRef d, uint32_t c, const External *e);

/* A must property of every path from `d` to I/O: each I/O call, and each
 * call whose targets do not all have it, is covered where it is made.
 * Returns a covering line, 0 when some path is bare, DL_NO_IO when `d`
 * reaches no I/O. Memoized in `memo`; a cycle counts as no I/O. */
static int32_t def_must(Model *m, DefRef d, unsigned depth, int32_t *memo, CoverFn cover) {
  uint32_t g = global(m, d);
  if (memo[g] != DL_UNKNOWN) {
    if (memo[g] == DL_VISITING) *m->cut = true;
    return memo[g] == DL_VISITING ? DL_NO_IO : memo[g];
  }
  if (depth > 8) { /* too deep to judge: not counted either way */
    *m->cut = true;
    return DL_NO_IO;
  }
  memo[g] = DL_VISITING;
  const Facts *f = &m->ix->files[d.file];
  const Def *def = index_def(m->ix, d);
  bool io = false, bare = false;
  int32_t line = 0;
  for (uint32_t k = def->own_calls.first; k < def->own_calls.end && !bare; k++) {
    uint32_t c = f->call_order.items[k];
    if (f->calls.items[c].flags & CALL_REFERENCE) continue;
    External e;
    int32_t inner = 0;
    uint32_t here;
    if (model_external_call(m, d.file, c, &e)) {
      here = cover(m, d, c, &e);
      external_free(&e);
    } else {
      Targets t = index_call_targets(m->ix, d.file, c);
      bool reaches = false, uncovered = false;
      for (uint32_t j = 0; j < t.len; j++) {
        /* itself (recursion) reaches no more than it does */
        if (index_def(m->ix, t.items[j])->kind != DEF_FUNCTION ||
            (t.items[j].file == d.file && t.items[j].def == d.def))
          continue;
        int32_t r = def_must(m, t.items[j], depth + 1, memo, cover);
        if (r == DL_NO_IO) continue;
        reaches = true;
        if (r == 0)
          uncovered = true;
        else if (!inner)
          inner = r;
      }
      if (!reaches) continue;
      if (uncovered) inner = 0;
      here = cover(m, d, c, NULL);
    }
    io = true;
    if (here) inner = (int32_t)here;
    if (!inner)
      bare = true;
    else if (!line)
      line = inner;
  }
  int32_t result = !io ? DL_NO_IO : bare ? 0 : line;
  memo[g] = result;
  return result;
}

/* Timeouts: one around or on the call, **kwargs that may carry one, or the
 * client's own. */
static uint32_t timeout_cover(Model *m, DefRef d, uint32_t c, const External *e) {
  return e                                        ? io_call_deadline(m, d.file, c, e)
         : model_call_under_timeout(m, d.file, c) ? m->ix->files[d.file].calls.items[c].pos.line
                                                  : 0;
}

/* The line of a limiter that covers call `c` of definition `d`: an `async
 * with L:` block around it, or an `await L.acquire()` in `d`; 0 for none. */
static uint32_t call_limiter(Model *m, DefRef d, const Call *c) {
  const Facts *f = &m->ix->files[d.file];
  for (uint32_t i = 0; i < f->withs.len; i++) {
    const WithItem *wi = &f->withs.items[i];
    if (wi->def == d.def && wi->is_async && !wi->callee && wi->pos.line <= c->pos.line &&
        c->pos.line <= wi->end_line && is_limiter(m, d.file, d.def, wi->expr))
      return wi->pos.line;
  }
  uint32_t line = model_def_limiter(m, d);
  for (uint32_t i = 0; i < f->withs.len && line; i++) /* a with block's line: not an acquire */
    if (f->withs.items[i].def == d.def && f->withs.items[i].pos.line == line) line = 0;
  return line;
}

/* Limiters: one around the call, or around a call of the same callee in the
 * def (`if self.sem: async with self.sem: f() else: f()`: an optional
 * limiter the object is built with is taken as there). */
static uint32_t limiter_cover(Model *m, DefRef d, uint32_t c, const External *e) {
  (void)e;
  const Facts *f = &m->ix->files[d.file];
  const Call *call = &f->calls.items[c];
  uint32_t here = call_limiter(m, d, call);
  const Def *def = index_def(m->ix, d);
  for (uint32_t k = def->own_calls.first; k < def->own_calls.end && !here; k++) {
    const Call *twin = &f->calls.items[f->call_order.items[k]];
    if (twin != call && strcmp(twin->callee, call->callee) == 0) here = call_limiter(m, d, twin);
  }
  return here;
}

uint32_t model_def_bounded(Model *m, DefRef d) {
  int32_t r = def_must(m, d, 0, m->bounded, limiter_cover);
  return r == DL_NO_IO ? DEADLINE_NO_IO : (uint32_t)r;
}

uint32_t model_def_deadline(Model *m, DefRef d) {
  int32_t r = def_must(m, d, 0, m->deadline, timeout_cover);
  return r == DL_NO_IO ? DEADLINE_NO_IO : (uint32_t)r;
}

void model_reach(const Model *m, DefRef start, unsigned max_depth, DefRefs *out) {
  model_reach_via(m, start, max_depth, out, NULL);
}

void model_reach_via(const Model *m, DefRef start, unsigned max_depth, DefRefs *out,
                     CallRefs *via) {
  const Index *ix = m->ix;
  uint32_t first = out->len;
  uint32_t vfirst = via ? via->len : 0;
  U32Array depth = {0};
  array_push(out, start);
  array_push(&depth, 0);
  if (via) array_push(via, ((CallRef){0, UINT32_MAX}));
  for (uint32_t head = first; head < out->len; head++) {
    DefRef d = out->items[head];
    if (depth.items[head - first] >= max_depth) continue;
    const Def *def = index_def(ix, d);
    const Facts *f = &ix->files[d.file];
    for (uint32_t k = def->own_calls.first; k < def->own_calls.end; k++) {
      uint32_t c = f->call_order.items[k];
      if (f->calls.items[c].flags & CALL_REFERENCE) continue;
      Targets t = index_call_targets(ix, d.file, c);
      for (uint32_t j = 0; j < t.len; j++) {
        DefRef r = t.items[j];
        if (index_def(ix, r)->kind != DEF_FUNCTION) continue;
        bool seen = false;
        for (uint32_t k2 = first; k2 < out->len && !seen; k2++)
          seen = out->items[k2].file == r.file && out->items[k2].def == r.def;
        if (seen) continue;
        array_push(out, r);
        array_push(&depth, depth.items[head - first] + 1);
        if (via) {
          CallRef why = via->items[vfirst + head - first];
          if (why.call == UINT32_MAX && resolved_inferred(t.how)) why = (CallRef){d.file, c};
          array_push(via, why);
        }
      }
    }
  }
  array_free(&depth);
}

bool model_call_under_timeout(const Model *m, uint32_t file, uint32_t call) {
  const Facts *f = &m->ix->files[file];
  const Call *c = &f->calls.items[call];
  for (uint32_t i = 0; i < f->withs.len; i++) {
    const WithItem *wi = &f->withs.items[i];
    if (wi->def != c->def || !wi->callee || c->pos.line < wi->pos.line ||
        c->pos.line > wi->end_line)
      continue;
    char *canon = model_canonical(m, file, c->def, wi->callee);
    bool yes = knowledge_has(m->k, FACT_TIMEOUT_CONTEXT, canon);
    free(canon);
    if (yes) return true;
  }
  for (int32_t o = c->outer; o >= 0; o = f->calls.items[o].outer) {
    char *canon = model_canonical(m, file, c->def, f->calls.items[o].callee);
    bool yes = knowledge_has(m->k, FACT_TIMEOUT_CALL, canon);
    free(canon);
    if (yes) return true;
  }
  if (timeout_value_set(model_kwarg(f, c, "timeout"))) return true;
  /* a project function told to apply its timeout (`apply_timeout=True`,
   * `request_timeout=30`) */
  for (uint32_t i = 0; i < c->nkwargs; i++) {
    const Kwarg *kw = &f->kwargs.items[c->first_kwarg + i];
    if (strstr(kw->name, "timeout") && timeout_value_set(kw->value) &&
        strcmp(kw->value, "False") != 0 && strcmp(kw->value, "0") != 0)
      return true;
  }
  return false;
}
