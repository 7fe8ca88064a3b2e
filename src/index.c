#include "index.h"

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RESOLVE_DEPTH 8

static DefRef unresolved(uint32_t file) { return (DefRef){file, -1}; }

/* Names are put together on the stack: one longer than this is no name a
 * project defines, and does not resolve. */
#define NAME_CAP 512

/* `a` (alen bytes), a dot when `b` is not empty, `b` (blen bytes) into out;
 * false when it does not fit. */
static bool join(char out[NAME_CAP], const char *a, size_t alen, const char *b, size_t blen) {
  if (alen + 1 + blen >= NAME_CAP) return false;
  memcpy(out, a, alen);
  if (blen) out[alen++] = '.';
  memcpy(out + alen, b, blen);
  out[alen + blen] = '\0';
  return true;
}

static DefRef resolve_dotted(const Index *ix, const char *full, unsigned depth);

/* The definition named `qualname` in a file, or -1. */
static int32_t qual_lookup(const Index *ix, uint32_t file, const char *qualname) {
  uint32_t d;
  return strmap_get(&ix->qualnames[file], qualname, &d) ? (int32_t)d : -1;
}

/* Method `name` of class `cls`, searching in-project bases depth first. */
static DefRef lookup_method(const Index *ix, DefRef cls, const char *name, unsigned depth) {
  if (depth > RESOLVE_DEPTH) return unresolved(cls.file);
  const Facts *f = &ix->files[cls.file];
  const Def *c = &f->defs.items[cls.def];
  char q[NAME_CAP];
  if (!join(q, c->qualname, strlen(c->qualname), name, strlen(name))) return unresolved(cls.file);
  int32_t d = qual_lookup(ix, cls.file, q);
  if (d >= 0) return (DefRef){cls.file, d};
  for (uint32_t i = 0; i < c->bases.count; i++) {
    DefRef base = index_resolve_name(ix, cls.file, c->parent < 0 ? 0 : c->parent,
                                     f->names.items[c->bases.first + i]);
    if (defref_ok(base) && index_def(ix, base)->kind == DEF_CLASS) {
      DefRef m = lookup_method(ix, base, name, depth + 1);
      if (defref_ok(m)) return m;
    }
  }
  return unresolved(cls.file);
}

/* Finish resolving: `base` is what the first name means; `rest` the
 * remaining dotted parts ("" if none). */
static DefRef resolve_rest(const Index *ix, DefRef base, const char *rest, unsigned depth) {
  if (!*rest) return base;
  const Def *d = index_def(ix, base);
  if (d->kind == DEF_CLASS && !strchr(rest, '.')) return lookup_method(ix, base, rest, depth + 1);
  return unresolved(base.file);
}

static DefRef resolve_in_module(const Index *ix, uint32_t file, const char *rest, unsigned depth) {
  const Facts *f = &ix->files[file];
  size_t first = strcspn(rest, ".");
  const char *after = rest[first] ? rest + first + 1 : "";
  char name[NAME_CAP], full[NAME_CAP];
  DefRef r = unresolved(file);
  if (!join(name, rest, first, "", 0)) return r;
  int32_t d = qual_lookup(ix, file, name);
  if (d >= 0 && f->defs.items[d].parent == 0) {
    r = resolve_rest(ix, (DefRef){file, d}, after, depth);
  } else {
    for (uint32_t i = f->imports.len; i-- > 0;) { /* a re-export: from .x import f */
      const Import *im = &f->imports.items[i];
      if (im->def != 0 || strcmp(im->bound, name) != 0) continue;
      if (join(full, im->target, strlen(im->target), after, strlen(after)))
        r = resolve_dotted(ix, full, depth + 1);
      break;
    }
  }
  return r;
}

static DefRef resolve_dotted(const Index *ix, const char *full, unsigned depth) {
  DefRef r = unresolved(0);
  char buf[NAME_CAP];
  if (depth > RESOLVE_DEPTH || !join(buf, full, strlen(full), "", 0)) return r;
  /* Longest module prefix first: pkg.mod.Class.method -> module pkg.mod. */
  for (char *dot = buf + strlen(buf); dot; dot = strrchr(buf, '.')) {
    *dot = '\0';
    uint32_t file;
    if (strmap_get(&ix->modules, buf, &file)) {
      const char *rest = full + (dot - buf);
      if (*rest == '.') r = resolve_in_module(ix, file, rest + 1, depth);
      break;
    }
    if (dot == buf) break;
  }
  return r;
}

static int32_t enclosing_class(const Facts *f, int32_t def) {
  /* A method's class is its parent; nested functions inside a method see
   * the method's self. */
  for (int32_t d = def; d > 0; d = f->defs.items[d].parent)
    if (f->defs.items[d].kind == DEF_FUNCTION && f->defs.items[d].parent >= 0 &&
        f->defs.items[f->defs.items[d].parent].kind == DEF_CLASS)
      return f->defs.items[d].parent;
  return -1;
}

static DefRef resolve_name(const Index *ix, uint32_t file, int32_t def, const char *dotted,
                           unsigned depth);

/* The project class a value expression makes: `Client(...)` (a call of a
 * class), or a parameter annotated with a class (`client: Client`). */
static DefRef class_of_value(const Index *ix, uint32_t file, int32_t def, const Assign *a,
                             unsigned depth) {
  const Facts *f = &ix->files[file];
  DefRef r = unresolved(file);
  if (a->call >= 0) {
    r = resolve_name(ix, file, def, f->calls.items[a->call].callee, depth + 1);
  } else {
    const Def *d = &f->defs.items[def];
    for (uint32_t i = 0; i < d->params.count && d->kind == DEF_FUNCTION; i++)
      if (strcmp(f->names.items[d->params.first + i], a->value) == 0) {
        const char *t = f->names.items[d->param_types.first + i];
        if (str_starts_with(t, "Optional[")) t += 9;
        char *name = xstrndup(t, strcspn(t, " |[]\"'"));
        if (*name) r = resolve_name(ix, file, def, name, depth + 1);
        free(name);
      }
  }
  return defref_ok(r) && index_def(ix, r)->kind == DEF_CLASS ? r : unresolved(file);
}

/* The project class of a receiver: `self.client` assigned in a method of the
 * class, a local assigned from a class call, a parameter annotated with one. */
static DefRef type_of(const Index *ix, uint32_t file, int32_t def, const char *recv,
                      unsigned depth) {
  const Facts *f = &ix->files[file];
  if (depth > 3) return unresolved(file);
  if (str_starts_with(recv, "self.") && !strchr(recv + 5, '.')) {
    int32_t cls = enclosing_class(f, def);
    Span sp = cls >= 0 ? f->defs.items[cls].assigns_span : (Span){0, 0};
    for (uint32_t i = sp.first; i < sp.end; i++) {
      const Assign *a = &f->assigns.items[i];
      if (strcmp(a->target, recv) != 0 || enclosing_class(f, a->def) != cls) continue;
      DefRef r = class_of_value(ix, file, a->def, a, depth);
      if (defref_ok(r)) return r;
    }
    return unresolved(file);
  }
  if (strchr(recv, '.')) return unresolved(file);
  Span own = f->defs.items[def].own_assigns;
  for (uint32_t k = own.end; k-- > own.first;) {
    const Assign *a = &f->assigns.items[f->assign_order.items[k]];
    if (strcmp(a->target, recv) == 0) return class_of_value(ix, file, def, a, depth);
  }
  Assign param = {recv, recv, -1, def, {0, 0}};
  return class_of_value(ix, file, def, &param, depth);
}

DefRef index_resolve_name(const Index *ix, uint32_t file, int32_t def, const char *dotted) {
  return resolve_name(ix, file, def, dotted, 0);
}

static DefRef resolve_name(const Index *ix, uint32_t file, int32_t def, const char *dotted,
                           unsigned depth) {
  const Facts *f = &ix->files[file];
  if (strpbrk(dotted, "?(")) return unresolved(file); /* not a plain name chain */
  size_t first = strcspn(dotted, ".");
  const char *rest = dotted[first] ? dotted + first + 1 : "";
  if ((first == 4 && strncmp(dotted, "self", 4) == 0) ||
      (first == 3 && strncmp(dotted, "cls", 3) == 0)) {
    int32_t cls = enclosing_class(f, def);
    if (cls < 0 || !*rest) return unresolved(file);
    if (!strchr(rest, '.')) return lookup_method(ix, (DefRef){file, cls}, rest, 0);
    /* self.client.search(): the class of self.client */
    const char *last = strrchr(dotted, '.');
    char recv[NAME_CAP];
    if (!join(recv, dotted, (size_t)(last - dotted), "", 0)) return unresolved(file);
    DefRef type = type_of(ix, file, def, recv, depth);
    return defref_ok(type) ? lookup_method(ix, type, last + 1, 0) : unresolved(file);
  }
  char name[NAME_CAP], q[NAME_CAP];
  DefRef r = unresolved(file);
  bool found = false;
  if (!join(name, dotted, first, "", 0)) return r;
  /* Scopes from the innermost out; class bodies are not enclosing scopes for
   * the functions inside them, only for their own statements. */
  for (int32_t scope = def; scope >= 0 && !found; scope = f->defs.items[scope].parent) {
    if (scope != def && f->defs.items[scope].kind == DEF_CLASS) continue;
    const char *sq = f->defs.items[scope].qualname;
    int32_t d = -1;
    if (!*sq)
      d = qual_lookup(ix, file, name);
    else if (join(q, sq, strlen(sq), name, first))
      d = qual_lookup(ix, file, q);
    if (d >= 0 && f->defs.items[d].parent == scope) {
      r = resolve_rest(ix, (DefRef){file, d}, rest, 0);
      found = true;
      break;
    }
    for (uint32_t i = f->imports.len; i-- > 0;) {
      const Import *im = &f->imports.items[i];
      if (im->def != scope || strcmp(im->bound, name) != 0) continue;
      if (join(q, im->target, strlen(im->target), rest, strlen(rest))) r = resolve_dotted(ix, q, 0);
      found = true;
      break;
    }
  }
  if (!found && *rest && !strchr(rest, '.')) { /* client.search() on a typed local */
    DefRef type = type_of(ix, file, def, name, depth);
    if (defref_ok(type)) r = lookup_method(ix, type, rest, 0);
  }
  return r;
}

DefRef index_call_target(const Index *ix, uint32_t file, uint32_t call) {
  return ix->resolved[file][call];
}

const CallRef *index_callers(const Index *ix, DefRef d, uint32_t *count) {
  uint32_t g = index_global_def(ix, d);
  *count = ix->caller_start[g + 1] - ix->caller_start[g];
  return ix->callers + ix->caller_start[g];
}

char *index_def_name(const Index *ix, DefRef r) {
  const Facts *f = &ix->files[r.file];
  const char *q = r.def > 0 ? f->defs.items[r.def].qualname : "<module>";
  return xasprintf("%s:%s", f->path, q);
}

/* Parameter position that call argument `arg` lands in (methods take self). */
static uint32_t param_for_arg(const Facts *f, int32_t def, uint32_t arg, bool via_attribute) {
  const Def *d = &f->defs.items[def];
  if (via_attribute && d->parent >= 0 && f->defs.items[d->parent].kind == DEF_CLASS &&
      d->params.count) {
    const char *p0 = f->names.items[d->params.first];
    if (strcmp(p0, "self") == 0 || strcmp(p0, "cls") == 0) return arg + 1;
  }
  return arg;
}

static int cmp_sites(const void *pa, const void *pb) {
  const SiteRef *a = pa, *b = pb;
  if (a->file != b->file) return a->file < b->file ? -1 : 1;
  if (a->site.pos.line != b->site.pos.line) return a->site.pos.line < b->site.pos.line ? -1 : 1;
  if (a->site.pos.col != b->site.pos.col) return a->site.pos.col < b->site.pos.col ? -1 : 1;
  return 0;
}

/* A fan-out over a name imported from a module of the project that binds it
 * once to a literal and never grows it (`from .config import MODELS`, also
 * `range(N)`): as fixed as it is there. Re-exports are followed. */
static void imported_width(Index *ix, uint32_t file, int32_t def, Width *w) {
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
    const Facts *f = &ix->files[at];
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
  uint32_t p = param_for_arg(tf, def, arg, via_attribute);
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
static bool helper__awaits_param(const Facts *f, int32_t def) {
  const Def *d = &f->defs.items[def];
  for (uint32_t k = d->own_calls.first; k < d->own_calls.end; k++) {
    const Call *c = &f->calls.items[f->call_order.items[k]];
    const char *last = strrchr(c->callee, '.') ? strrchr(c->callee, '.') + 1 : c->callee;
    if (strcmp(last, "wait_for") == 0 || strcmp(last, "shield") == 0) continue;
    for (uint32_t a = 0; a < c->args.count; a++)
      for (uint32_t p = 0; p < d->params.count; p++)
        if (strcmp(f->names.items[c->args.first + a], f->names.items[d->params.first + p]) == 0)
          return false;
  }
  return true;
}

/* Whether a site of helper `h` runs the items of the list it is given, not
 * tasks it makes from them: its items are opaque (`gather(*coros)`), or each
 * is wrapped in a function defined inside the helper (`bounded(c)` taking a
 * semaphore). A list of data passed on to an orchestrator is no fan-out of
 * the caller's: that one is reported where the orchestrator makes its tasks. */
static bool helper__runs_given_items(const Index *ix, DefRef h, const SiteRef *sr) {
  const Facts *f = &ix->files[sr->file];
  for (uint32_t t = 0; t < sr->site.targets.count; t++) {
    DefRef r = index_resolve_name(ix, sr->file, sr->site.def,
                                  f->names.items[sr->site.targets.first + t]);
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
  const Facts *f = &ix->files[file], *tf = &ix->files[target.file];
  const Def *d = &tf->defs.items[target.def];
  if (param >= d->params.count) return NULL;
  uint32_t shift = param_for_arg(tf, target.def, 0, strchr(c->callee, '.') != NULL);
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
    const Const *k = facts_module_const(&ix->files[file], size);
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

/* Calls of project functions that fan out a list argument: the function has
 * a site (or such a call, found in an earlier round) whose width comes from
 * the parameter the list lands in. Rounds repeat until none adds a site, so
 * helpers built on helpers are seen (bounded by RESOLVE_DEPTH rounds). */
static void find_helper_sites(Index *ix) {
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
    done[fi] = xcalloc(ix->files[fi].calls.len + 1, 1);
  bool added = true;
  for (unsigned round = 0; added && round < RESOLVE_DEPTH; round++) {
    added = false;
    for (uint32_t fi = 0; fi < ix->nfiles; fi++) {
      const Facts *f = &ix->files[fi];
      for (uint32_t ci = 0; ci < f->calls.len; ci++) {
        const Call *c = &f->calls.items[ci];
        DefRef target = ix->resolved[fi][ci];
        if (c->list_arg < 0 || done[fi][ci] || !defref_ok(target)) continue;
        const Facts *tf = &ix->files[target.file];
        if (tf->defs.items[target.def].kind != DEF_FUNCTION) continue;
        const ListArg *la = NULL;
        const Width *inner = NULL;
        for (int32_t a = c->list_arg; a >= 0 && !inner; a++) {
          la = &f->list_args.items[a];
          int32_t param = helper__param(tf, target.def, la->arg, strchr(c->callee, '.') != NULL);
          bool passed_on = !*f->names.items[la->target]; /* no calls seen: data or a param */
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
        imported_width(ix, fi, c->def, &sr.site.width);
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

/* Resolving every call reads the index and writes one row per file: files
 * are shared out over threads. */
typedef struct {
  Index *ix;
  uint32_t next;
  pthread_mutex_t lock;
} ResolveWork;

static void *resolve_worker(void *arg) {
  ResolveWork *w = arg;
  Index *ix = w->ix;
  for (;;) {
    pthread_mutex_lock(&w->lock);
    uint32_t i = w->next++;
    pthread_mutex_unlock(&w->lock);
    if (i >= ix->nfiles) return NULL;
    const Facts *f = &ix->files[i];
    DefRef *row = xcalloc(f->calls.len ? f->calls.len : 1, sizeof(DefRef));
    for (uint32_t c = 0; c < f->calls.len; c++)
      row[c] = index_resolve_name(ix, i, f->calls.items[c].def, f->calls.items[c].callee);
    ix->resolved[i] = row;
  }
}

static void resolve_all(Index *ix) {
  ResolveWork w = {ix, 0, PTHREAD_MUTEX_INITIALIZER};
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  unsigned jobs = ix->nfiles < 16 || cores < 2 ? 1 : cores > 8 ? 8 : (unsigned)cores;
  pthread_t threads[8];
  unsigned started = 0;
  for (; started + 1 < jobs; started++)
    if (pthread_create(&threads[started], NULL, resolve_worker, &w) != 0) break;
  resolve_worker(&w);
  for (unsigned t = 0; t < started; t++) pthread_join(threads[t], NULL);
  pthread_mutex_destroy(&w.lock);
}

void index_build(Index *ix, Facts *files, uint32_t n) {
  memset(ix, 0, sizeof *ix);
  ix->files = files;
  ix->nfiles = n;
  ix->qualnames = xcalloc(n ? n : 1, sizeof(StrMap));
  ix->def_base = xcalloc((size_t)n + 1, sizeof(uint32_t));
  ix->resolved = xcalloc(n ? n : 1, sizeof(DefRef *));
  for (uint32_t i = 0; i < n; i++) {
    Facts *f = &files[i];
    uint32_t existing;
    /* Two files claiming one module (scripts in different dirs): the first,
     * in path order, keeps the name. */
    if (!strmap_get(&ix->modules, f->module, &existing)) strmap_put(&ix->modules, f->module, i);
    for (uint32_t d = 1; d < f->defs.len; d++)
      if (!strmap_get(&ix->qualnames[i], f->defs.items[d].qualname, NULL))
        strmap_put(&ix->qualnames[i], f->defs.items[d].qualname, d);
    ix->def_base[i + 1] = ix->def_base[i] + f->defs.len;
  }
  /* Namespace packages (no __init__.py, PEP 420) and directories put on
   * sys.path by scripts: `bot/handlers/text.py` also answers to
   * `handlers.text` and `bot.handlers.text` when no real module has the name. */
  for (uint32_t i = 0; i < n; i++) {
    char *path = xstrdup(files[i].path);
    size_t len = strlen(path);
    if (len > 3 && strcmp(path + len - 3, ".py") == 0) path[len - 3] = '\0';
    if (str_ends_with(path, "/__init__")) path[strlen(path) - 9] = '\0';
    for (char *p = path; *p; p++)
      if (*p == '/') *p = '.';
    for (char *dot = strrchr(path, '.'); dot;) {
      char *name = dot + 1;
      if (strchr(name, '.') && !strmap_get(&ix->modules, name, NULL)) {
        char *key = xstrdup(name);
        array_push(&ix->module_aliases, key);
        strmap_put(&ix->modules, key, i);
      }
      *dot = '\0';
      char *prev = strrchr(path, '.');
      *dot = '.';
      dot = prev;
      if (!dot && !strmap_get(&ix->modules, path, NULL) && strchr(path, '.')) {
        char *key = xstrdup(path);
        array_push(&ix->module_aliases, key);
        strmap_put(&ix->modules, key, i);
      }
    }
    free(path);
  }
  ix->ndefs = ix->def_base[n];
  ix->caller_start = xcalloc((size_t)ix->ndefs + 1, sizeof(uint32_t));
  resolve_all(ix);
  for (uint32_t i = 0; i < n; i++)
    for (uint32_t c = 0; c < files[i].calls.len; c++)
      if (defref_ok(ix->resolved[i][c]))
        ix->caller_start[index_global_def(ix, ix->resolved[i][c]) + 1]++;
  for (uint32_t g = 0; g < ix->ndefs; g++) ix->caller_start[g + 1] += ix->caller_start[g];
  ix->callers = xcalloc(ix->caller_start[ix->ndefs] + 1, sizeof(CallRef));
  uint32_t *fill = xcalloc((size_t)ix->ndefs + 1, sizeof(uint32_t));
  for (uint32_t i = 0; i < n; i++)
    for (uint32_t c = 0; c < files[i].calls.len; c++) {
      DefRef r = ix->resolved[i][c];
      if (!defref_ok(r)) continue;
      uint32_t g = index_global_def(ix, r);
      ix->callers[ix->caller_start[g] + fill[g]++] = (CallRef){i, c};
    }
  free(fill);
  for (uint32_t i = 0; i < n; i++)
    for (uint32_t s = 0; s < files[i].sites.len; s++) {
      SiteRef sr = {i, files[i].sites.items[s], {0, -1}};
      imported_width(ix, i, sr.site.def, &sr.site.width);
      array_push(&ix->sites, sr);
    }
  find_helper_sites(ix);
  if (ix->sites.len) qsort(ix->sites.items, ix->sites.len, sizeof(SiteRef), cmp_sites);
}

void index_free(Index *ix) {
  for (uint32_t i = 0; i < ix->nfiles; i++) {
    strmap_free(&ix->qualnames[i]);
    free(ix->resolved[i]);
  }
  free(ix->qualnames);
  free(ix->resolved);
  free(ix->def_base);
  free(ix->caller_start);
  free(ix->callers);
  array_free(&ix->sites);
  strmap_free(&ix->modules);
  arena_free(&ix->strings);
  for (uint32_t i = 0; i < ix->module_aliases.len; i++) free(ix->module_aliases.items[i]);
  array_free(&ix->module_aliases);
  memset(ix, 0, sizeof *ix);
}
