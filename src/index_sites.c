/* index_sites: fan-outs seen across files: a call of a project helper that
 * fans out its argument (semaphore_gather(*coros)), fixed helper calls, an
 * executor's submit in a loop; widths imported from constants; races and
 * drains that are no fan-out of work. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "index_int.h"

/* Parameter position that call argument `arg` lands in (methods take self). */
uint32_t index__param_for_arg(const Facts *f, int32_t def, uint32_t arg, bool via_attribute) {
  const Def *d = &f->defs.items[def];
  if (via_attribute && d->parent >= 0 && f->defs.items[d->parent].kind == DEF_CLASS &&
      d->params.count) {
    const char *p0 = f->names.items[d->params.first];
    if (strcmp(p0, "self") == 0 || strcmp(p0, "cls") == 0) return arg + 1;
  }
  return arg;
}

int index__cmp_sites(const void *pa, const void *pb) {
  const SiteRef *a = pa, *b = pb;
  if (a->file != b->file) return a->file < b->file ? -1 : 1;
  if (a->site.pos.line != b->site.pos.line) return a->site.pos.line < b->site.pos.line ? -1 : 1;
  if (a->site.pos.col != b->site.pos.col) return a->site.pos.col < b->site.pos.col ? -1 : 1;
  return 0;
}

/* A fan-out over a name imported from a module of the project that binds it
 * once to a literal and never grows it (`from .config import MODELS`, also
 * `range(N)`): as fixed as it is there. Re-exports are followed. */
void index__imported_width(Index *ix, uint32_t file, int32_t def, Width *w) {
  if (w->kind != WIDTH_DATA || w->param >= 0 || w->source || !w->expr) return;
  const char *name = w->expr;
  size_t n = strlen(name);
  bool range = n > 7 && strncmp(name, "range(", 6) == 0 && name[n - 1] == ')';
  if (range) name += 6, n -= 7;
  if (!n || n >= NAME_CAP) return;
  for (size_t i = 0; i < n; i++)
    if (!(name[i] == '_' || isalnum((unsigned char)name[i]))) return;
  char want[NAME_CAP];
  memcpy(want, name, n);
  want[n] = '\0';
  uint32_t at = file;
  int32_t scope = def;
  for (unsigned hop = 0; hop < RESOLVE_DEPTH; hop++) {
    const Facts *f = index_file(ix, at);
    const Const *k = hop ? facts_module_const(f, want) : NULL;
    if (k && (range || k->value >= 0)) {
      char *text = xasprintf("%lld (%s)", (long long)k->value, w->expr);
      w->kind = WIDTH_FIXED;
      w->count = k->value;
      w->expr = arena_strdup(&ix->strings, text);
      free(text);
      return;
    }
    const Import *im = NULL; /* the import binding it, in the def or the module */
    for (uint32_t i = f->imports.len; i-- > 0 && !im;)
      if (f->imports.items[i].is_from && strcmp(f->imports.items[i].bound, want) == 0 &&
          (f->imports.items[i].def == 0 || f->imports.items[i].def == scope))
        im = &f->imports.items[i];
    const char *dot = im ? strrchr(im->target, '.') : NULL;
    if (!dot || (size_t)(dot - im->target) >= NAME_CAP || strlen(dot + 1) >= NAME_CAP) return;
    char module[NAME_CAP];
    memcpy(module, im->target, (size_t)(dot - im->target));
    module[dot - im->target] = '\0';
    memmove(want, dot + 1, strlen(dot + 1) + 1);
    if (!strmap_get(&ix->modules, module, &at)) return;
    scope = 0;
  }
}

/* The parameter of `def` that positional argument `arg` lands in: from a
 * `*args` parameter on, every later argument lands in it; -1 past the last. */
static int32_t helper__param(const Facts *tf, int32_t def, uint32_t arg, bool via_attribute) {
  const Def *d = &tf->defs.items[def];
  uint32_t p = index__param_for_arg(tf, def, arg, via_attribute);
  for (uint32_t i = 0; i < d->params.count && i <= p; i++) {
    const char *name = tf->names.items[d->params.first + i];
    if (name[0] == '*') return name[1] == '*' ? -1 : (int32_t)i;
  }
  return p < d->params.count ? (int32_t)p : -1;
}

/* Whether a site of this kind runs the items of a list it is given (not
 * functions to call, as run_in_executor does). */
static bool helper__runs_items(SiteKind k) {
  return k == SITE_GATHER || k == SITE_WAIT || k == SITE_AS_COMPLETED || k == SITE_CREATE_TASK ||
         k == SITE_ENSURE_FUTURE || k == SITE_START_SOON || k == SITE_HELPER;
}

/* Whether a wrapper awaits what it is given (`async with sem: return await
 * coro`, also through wait_for or shield) rather than passing it as data to
 * a call of its own (`return await self.run(question)`). */
static bool mentions(const char *text, const char *name);

static bool helper__awaits_param(const Facts *f, int32_t def) {
  const Def *d = &f->defs.items[def];
  for (uint32_t k = d->own_calls.first; k < d->own_calls.end; k++) {
    const Call *c = &f->calls.items[f->call_order.items[k]];
    const char *last = strrchr(c->callee, '.') ? strrchr(c->callee, '.') + 1 : c->callee;
    if (strcmp(last, "wait_for") == 0 || strcmp(last, "shield") == 0) continue;
    for (uint32_t p = 0; p < d->params.count; p++) {
      const char *name = f->names.items[d->params.first + p];
      /* the parameter used in an argument (`get(URL, params={"q": query})`):
       * data the wrapper builds a request from, not a coroutine it awaits */
      for (uint32_t a = 0; a < c->args.count; a++)
        if (mentions(f->names.items[c->args.first + a], name)) return false;
      for (uint32_t k2 = 0; k2 < c->nkwargs; k2++)
        if (mentions(f->kwargs.items[c->first_kwarg + k2].value, name)) return false;
    }
  }
  return true;
}

/* Whether a site of helper `h` runs the items of the list it is given, not
 * tasks it makes from them: its items are opaque (`gather(*coros)`), or each
 * is wrapped in a function defined inside the helper (`bounded(c)` taking a
 * semaphore). A list of data passed on to an orchestrator is no fan-out of
 * the caller's: that one is reported where the orchestrator makes its tasks. */
static bool helper__runs_given_items(const Index *ix, DefRef h, const SiteRef *sr) {
  const Facts *f = index_file(ix, sr->file);
  for (uint32_t t = 0; t < sr->site.targets.count; t++) {
    DefRef r =
        index_resolve_name(ix, sr->file, sr->site.def, f->names.items[sr->site.targets.first + t]);
    if (!defref_ok(r) || r.file != h.file) return false;
    int32_t d = r.def;
    while (d > 0 && d != h.def) d = f->defs.items[d].parent;
    if (d != h.def || !helper__awaits_param(f, r.def)) return false;
  }
  return true;
}

/* The source text a call passes for parameter `param` of `target`, by
 * position or by keyword, or NULL. */
static const char *helper__arg_text(const Index *ix, uint32_t file, const Call *c, DefRef target,
                                    uint32_t param) {
  const Facts *f = index_file(ix, file), *tf = index_file(ix, target.file);
  const Def *d = &tf->defs.items[target.def];
  if (param >= d->params.count) return NULL;
  uint32_t shift = index__param_for_arg(tf, target.def, 0, strchr(c->callee, '.') != NULL);
  if (param >= shift && param - shift < c->args.count && !(c->flags & CALL_STAR_ARGS))
    return f->names.items[c->args.first + param - shift];
  const char *name = tf->names.items[d->params.first + param];
  for (uint32_t k = 0; k < c->nkwargs; k++)
    if (strcmp(f->kwargs.items[c->first_kwarg + k].name, name) == 0)
      return f->kwargs.items[c->first_kwarg + k].value;
  return NULL;
}

/* The width of a call of a helper whose own fan-out over the list has width
 * `inner`: the helper's batches when it cuts the list into groups of a
 * constant size, or of the size the call passes; else the list's width. */
static Width helper__width(Index *ix, uint32_t file, const Call *c, DefRef target,
                           const ListArg *la, const Width *inner) {
  Width w = la->width;
  const char *size = NULL;
  if (inner->kind == WIDTH_FIXED) {
    w = *inner;
  } else if (inner->batch_by &&
             (size = helper__arg_text(ix, file, c, target, inner->batch_by - 1)) != NULL) {
    char *end;
    long long n = strtoll(size, &end, 10);
    const Const *k = facts_module_const(index_file(ix, file), size);
    bool literal = *size && !*end && n >= 0;
    if (literal || (k && (n = k->value, true))) {
      char *text = literal ? xasprintf("%lld", n) : xasprintf("%lld (%s)", n, size);
      w.kind = WIDTH_FIXED;
      w.count = n;
      w.expr = arena_strdup(&ix->strings, text);
      w.source = NULL;
      free(text);
    }
  }
  w.param = la->width.param; /* a helper handing its own parameter on is a helper too */
  w.batch_by = la->width.batch_by;
  return w;
}

/* Whether the items of a list are what project functions return, not
 * coroutines: every definition the item call may run is a sync function
 * (`[row.as_payload() for row in rows]`). */
static bool sync_items(const Index *ix, uint32_t file, int32_t def, const char *callee) {
  DefRefs t = {0};
  index_name_targets(ix, file, def, callee, &t);
  bool sync = t.len > 0;
  for (uint32_t i = 0; i < t.len && sync; i++) {
    const Def *d = index_def(ix, t.items[i]);
    sync = d->kind == DEF_FUNCTION && !d->is_async;
  }
  array_free(&t);
  return sync;
}

/* Calls of project functions that fan out a list argument: the function has
 * a site (or such a call, found in an earlier round) whose width comes from
 * the parameter the list lands in. Rounds repeat until none adds a site, so
 * helpers built on helpers are seen (bounded by RESOLVE_DEPTH rounds). */
void index__find_helper_sites(Index *ix) {
  uint32_t cap = ix->sites.len + 64;
  int32_t *first = xmalloc((size_t)ix->ndefs * sizeof(int32_t) + 1);
  int32_t *next = xmalloc(cap * sizeof(int32_t));
  for (uint32_t g = 0; g < ix->ndefs; g++) first[g] = -1;
  for (uint32_t i = ix->sites.len; i-- > 0;) { /* chains in site order */
    const SiteRef *sr = &ix->sites.items[i];
    uint32_t g = index_global_def(ix, (DefRef){sr->file, sr->site.def});
    next[i] = first[g];
    first[g] = (int32_t)i;
  }
  uint8_t **done = xcalloc(ix->nfiles ? ix->nfiles : 1, sizeof(uint8_t *));
  for (uint32_t fi = 0; fi < ix->nfiles; fi++)
    done[fi] = xcalloc(index_file(ix, fi)->calls.len + 1, 1);
  bool added = true;
  for (unsigned round = 0; added && round < RESOLVE_DEPTH; round++) {
    added = false;
    for (uint32_t fi = 0; fi < ix->nfiles; fi++) {
      const Facts *f = index_file(ix, fi);
      for (uint32_t ci = 0; ci < f->calls.len; ci++) {
        const Call *c = &f->calls.items[ci];
        DefRef target = ix->resolved[fi][ci];
        if (c->list_arg < 0 || done[fi][ci] || !defref_ok(target)) continue;
        const Facts *tf = index_file(ix, target.file);
        if (tf->defs.items[target.def].kind != DEF_FUNCTION) continue;
        const ListArg *la = NULL;
        const Width *inner = NULL;
        for (int32_t a = c->list_arg; a >= 0 && !inner; a++) {
          la = &f->list_args.items[a];
          int32_t param = helper__param(tf, target.def, la->arg, strchr(c->callee, '.') != NULL);
          /* no calls seen, or calls of sync functions: data or a param */
          bool passed_on = !*f->names.items[la->target] ||
                           sync_items(ix, fi, c->def, f->names.items[la->target]);
          for (int32_t s = first[index_global_def(ix, target)]; s >= 0 && param >= 0 && !inner;
               s = next[s]) {
            const Site *site = &ix->sites.items[s].site;
            if (site->width.param == param && helper__runs_items(site->kind) &&
                (!passed_on || helper__runs_given_items(ix, target, &ix->sites.items[s])))
              inner = &site->width;
          }
          if (!la->more) break;
        }
        if (!inner) continue;
        done[fi][ci] = 1;
        SiteRef sr = {0};
        sr.file = fi;
        sr.helper = target;
        sr.site.kind = SITE_HELPER;
        sr.site.width = helper__width(ix, fi, c, target, la, inner);
        if (sr.site.width.kind == WIDTH_FIXED && sr.site.width.count >= 0 &&
            sr.site.width.count <= 1)
          continue;
        index__imported_width(ix, fi, c->def, &sr.site.width);
        const char *item = f->names.items[la->target];
        sr.site.targets = (NameList){la->target, *item ? 1 : 0};
        sr.site.def = c->def;
        sr.site.call = (int32_t)ci;
        sr.site.pos = c->pos;
        array_push(&ix->sites, sr);
        if (ix->sites.len > cap) {
          cap *= 2;
          next = xrealloc(next, cap * sizeof(int32_t));
        }
        int32_t *link = &first[index_global_def(ix, (DefRef){fi, c->def})];
        while (*link >= 0) link = &next[*link]; /* found later, tried last */
        *link = (int32_t)ix->sites.len - 1;
        next[ix->sites.len - 1] = -1;
        added = true;
      }
    }
  }
  for (uint32_t fi = 0; fi < ix->nfiles; fi++) free(done[fi]);
  free(done);
  free(first);
  free(next);
}

/* ---- deferred fan-outs: an executor's submit in a loop ---------------- */

/* Whether `text` uses `name` as a whole identifier. */
static bool mentions(const char *text, const char *name) {
  size_t n = strlen(name);
  for (const char *p = strstr(text, name); n && p; p = strstr(p + 1, name)) {
    bool left = p == text || !(isalnum((unsigned char)p[-1]) || p[-1] == '_' || p[-1] == '.');
    bool right = !(isalnum((unsigned char)p[n]) || p[n] == '_');
    if (left && right) return true;
  }
  return false;
}

/* The parameter of method `m` that it queues on its object: a call
 * `self.jobs.append(...)` (or appendleft, put_nowait) whose argument holds the
 * parameter, or a local made from it (`wrapped = self.wrap(fn)`). -1: none. */
static int32_t queued_param(const Index *ix, DefRef m) {
  const Facts *f = index_file(ix, m.file);
  const Def *d = index_def(ix, m);
  for (uint32_t k = d->own_calls.first; k < d->own_calls.end; k++) {
    const Call *c = &f->calls.items[f->call_order.items[k]];
    const char *last = str_last_component(c->callee);
    if (!str_starts_with(c->callee, "self.") || !c->arg0 || (c->flags & CALL_AWAITED) ||
        !(strcmp(last, "append") == 0 || strcmp(last, "appendleft") == 0 ||
          strcmp(last, "put_nowait") == 0))
      continue;
    for (uint32_t p = 1; p < d->params.count; p++) {
      const char *name = f->names.items[d->params.first + p];
      if (*name == '*') continue;
      bool held = mentions(c->arg0, name);
      for (uint32_t a = d->own_assigns.first; a < d->own_assigns.end && !held; a++) {
        const Assign *as = &f->assigns.items[f->assign_order.items[a]];
        held = as->call >= 0 && mentions(as->value, name) && mentions(c->arg0, as->target);
      }
      if (held) return (int32_t)p;
    }
  }
  return -1;
}

/* Where class `cls` runs what it queues concurrently: the first of its
 * methods (or a function nested in one) that holds a fan-out site; def -1
 * when none does. */
static DefRef class_fan_out(const Index *ix, DefRef cls) {
  const Facts *f = index_file(ix, cls.file);
  for (uint32_t i = 0; i < ix->sites.len; i++) {
    const SiteRef *sr = &ix->sites.items[i];
    if (sr->file != cls.file) continue;
    for (int32_t d = sr->site.def; d > 0; d = f->defs.items[d].parent)
      if (f->defs.items[d].parent == cls.def) return (DefRef){cls.file, sr->site.def};
  }
  return index__unresolved(cls.file);
}

/* A helper that gathers its `*coros` called with a few coroutines written
 * out (`semaphore_gather(edge_search(q), node_search(q))`): a fan-out of
 * fixed width, listed like `asyncio.gather(a(), b())`. The tasks are the
 * argument calls; the helper's site must run what it is given. */
void index__find_fixed_helper_calls(Index *ix) {
  uint32_t nsites = ix->sites.len;
  int32_t *first = xmalloc(((size_t)ix->ndefs + 1) * sizeof(int32_t)); /* sites by def */
  int32_t *next = xmalloc(((size_t)nsites + 1) * sizeof(int32_t));
  for (uint32_t g = 0; g < ix->ndefs; g++) first[g] = -1;
  for (uint32_t i = nsites; i-- > 0;) {
    uint32_t g =
        index_global_def(ix, (DefRef){ix->sites.items[i].file, ix->sites.items[i].site.def});
    next[i] = first[g];
    first[g] = (int32_t)i;
  }
  for (uint32_t fi = 0; fi < ix->nfiles; fi++) {
    const Facts *f = index_file(ix, fi);
    for (uint32_t ci = 0; ci < f->calls.len; ci++) {
      const Call *c = &f->calls.items[ci];
      DefRef h = ix->resolved[fi][ci];
      if (c->list_arg >= 0 || c->nargs < 2 || (c->flags & (CALL_STAR_ARGS | CALL_REFERENCE)) ||
          !defref_ok(h) || index_def(ix, h)->kind != DEF_FUNCTION)
        continue;
      const Facts *hf = index_file(ix, h.file);
      const Def *hd = index_def(ix, h);
      int32_t star = -1; /* the *coros parameter */
      for (uint32_t p = 0; p < hd->params.count && star < 0; p++) {
        const char *name = hf->names.items[hd->params.first + p];
        if (name[0] == '*' && name[1] != '*') star = (int32_t)p;
      }
      if (star < 0) continue;
      bool gathers = false;
      for (int32_t i = first[index_global_def(ix, h)]; i >= 0 && !gathers; i = next[i]) {
        const SiteRef *sr = &ix->sites.items[i];
        gathers = sr->site.width.param == star && helper__runs_items(sr->site.kind) &&
                  (sr->site.kind == SITE_HELPER || helper__runs_given_items(ix, h, sr));
      }
      if (!gathers) continue;
      uint32_t items = 0; /* calls written as the arguments */
      for (uint32_t k = ci + 1; k < f->calls.len && f->calls.items[k].start_byte < c->end_byte; k++)
        if (f->calls.items[k].outer == (int32_t)ci) items++;
      if (items < 2) continue;
      SiteRef sr = {0};
      sr.file = fi;
      sr.helper = h;
      sr.site.kind = SITE_HELPER;
      char *text = xasprintf("%u", items);
      sr.site.width = (Width){.kind = WIDTH_FIXED,
                              .count = items,
                              .expr = arena_strdup(&ix->strings, text),
                              .param = -1};
      free(text);
      sr.site.def = c->def;
      sr.site.call = (int32_t)ci;
      sr.site.pos = c->pos;
      array_push(&ix->sites, sr);
    }
  }
  free(first);
  free(next);
}

/* A call of an executor's submit-style method (one that queues a callable
 * on a class that fans out what it queues) made in a loop is a fan-out
 * site: one task per iteration, running the callable passed. */
void index__find_submit_sites(Index *ix) {
  for (uint32_t fi = 0; fi < ix->nfiles; fi++) {
    const Facts *f = index_file(ix, fi);
    for (uint32_t d = 1; d < f->defs.len; d++) {
      const Def *m = &f->defs.items[d];
      if (m->kind != DEF_FUNCTION || m->parent <= 0 || f->defs.items[m->parent].kind != DEF_CLASS)
        continue;
      DefRef method = {fi, (int32_t)d};
      int32_t param = queued_param(ix, method);
      DefRef runner =
          param < 0 ? index__unresolved(fi) : class_fan_out(ix, (DefRef){fi, m->parent});
      if (!defref_ok(runner)) continue;
      uint32_t n;
      const CallRef *callers = index_callers(ix, method, &n);
      for (uint32_t i = 0; i < n; i++) {
        const Facts *cf = index_file(ix, callers[i].file);
        const Call *c = &cf->calls.items[callers[i].call];
        if (!(c->flags & CALL_IN_LOOP) || (c->flags & CALL_REFERENCE)) continue;
        uint32_t arg = (uint32_t)param - 1; /* called on an object: self is not passed */
        if (arg >= c->args.count) continue;
        const Loop *loop = NULL; /* the innermost loop around the call */
        for (uint32_t l = 0; l < cf->loops.len; l++) {
          const Loop *lp = &cf->loops.items[l];
          if (lp->def == c->def && lp->pos.line <= c->pos.line && c->pos.line <= lp->end_line &&
              (!loop || lp->pos.line >= loop->pos.line))
            loop = lp;
        }
        if (!loop || !loop->iter || loop->is_while) continue;
        SiteRef sr = {0};
        sr.file = callers[i].file;
        sr.helper = runner; /* its limiter and timeout apply to every queued task */
        sr.site.kind = SITE_HELPER;
        sr.site.width = (Width){.kind = WIDTH_DATA,
                                .count = -1,
                                .expr = loop->iter,
                                .param = index__param_index(cf, c->def, loop->iter)};
        sr.site.targets = (NameList){c->args.first + arg, 1};
        sr.site.def = c->def;
        sr.site.call = (int32_t)callers[i].call;
        sr.site.pos = c->pos;
        bool dup = false;
        for (uint32_t k = 0; k < ix->sites.len && !dup; k++)
          dup = ix->sites.items[k].file == sr.file && ix->sites.items[k].site.call == sr.site.call;
        if (!dup) array_push(&ix->sites, sr);
      }
    }
  }
}

/* A race, not a fan-out of work: `asyncio.wait` of two awaitables until
 * the first completes (a result against a timeout or a cancel signal). */
bool index__is_race(const Facts *f, const Site *site) {
  if (site->kind != SITE_WAIT || site->call < 0 || site->width.kind != WIDTH_FIXED ||
      site->width.count < 0 || site->width.count > 2)
    return false;
  const Call *c = &f->calls.items[site->call];
  for (uint32_t k = 0; k < c->nkwargs; k++) {
    const Kwarg *kw = &f->kwargs.items[c->first_kwarg + k];
    if (strcmp(kw->name, "return_when") == 0 && strstr(kw->value, "FIRST_COMPLETED")) return true;
  }
  return false;
}

/* Whether a gather or wait only drains tasks it has cancelled (teardown:
 * `for t in tasks: t.cancel()` then `gather(*tasks, return_exceptions=True)`):
 * it waits for no work, so it is no fan-out. */
bool index__is_drain(const Facts *f, const Site *site) {
  if ((site->kind != SITE_GATHER && site->kind != SITE_WAIT) || site->call < 0) return false;
  const Call *c = &f->calls.items[site->call];
  const char *tasks = c->arg0 ? c->arg0 + (*c->arg0 == '*') : NULL;
  if (!tasks) return false;
  for (uint32_t i = 0; i < f->loops.len; i++) {
    const Loop *l = &f->loops.items[i];
    if (l->def != site->def || l->is_while || !l->target || strcmp(l->iter, tasks) != 0 ||
        l->end_line >= site->pos.line)
      continue;
    size_t n = strlen(l->target);
    for (uint32_t k = 0; k < f->calls.len; k++) {
      const Call *x = &f->calls.items[k];
      if (x->def == site->def && x->pos.line > l->pos.line && x->pos.line <= l->end_line &&
          strncmp(x->callee, l->target, n) == 0 && strcmp(x->callee + n, ".cancel") == 0)
        return true;
    }
  }
  return false;
}
