#include "model.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* A definition's own assignments by target and calls by callee: each name
 * maps to its first entry (k: the k-th of the definition's own stretch), and
 * `next` chains the entries of one name in source order. */
struct DefNames {
  StrMap assigns, calls, methods; /* methods: by the callee's last part after a dot */
  uint32_t *assign_next, *call_next, *method_next; /* UINT32_MAX: the last of its name */
};

void model_init(Model *m, const Index *ix, const Knowledge *k) {
  memset(m, 0, sizeof *m);
  m->ix = ix;
  m->k = k;
  size_t n = (size_t)ix->ndefs + 1;
  m->names = xcalloc(n, sizeof *m->names);
  m->external = xmalloc(n * sizeof(int32_t));
  m->limiter = xmalloc(n * sizeof(int32_t));
  m->timeout = xmalloc(n * sizeof(int32_t));
  m->deadline = xmalloc(n * sizeof(int32_t));
  m->bounded = xmalloc(n * sizeof(int32_t));
  m->splat = xmalloc(n);
  memset(m->splat, -1, n);
  for (size_t i = 0; i < n; i++)
    m->external[i] = m->limiter[i] = m->timeout[i] = m->deadline[i] = m->bounded[i] = -1;
  m->short_timeout = 30;
  m->min_width = 50;
  const Fact *short_default = knowledge_last(k, FACT_TIMEOUT_SHORT_DEFAULT);
  if (short_default) m->short_timeout = (uint32_t)atoi(short_default->name);
}

void model_free(Model *m) {
  free(m->external);
  free(m->limiter);
  free(m->timeout);
  free(m->deadline);
  free(m->bounded);
  free(m->splat);
  for (uint32_t g = 0; m->names && g < m->ix->ndefs; g++) {
    struct DefNames *dn = m->names[g];
    if (!dn) continue;
    strmap_free(&dn->assigns);
    strmap_free(&dn->calls);
    strmap_free(&dn->methods);
    free(dn->assign_next);
    free(dn->call_next);
    free(dn->method_next);
    free(dn);
  }
  free(m->names);
}

/* Chain `n` names (name(i) for the i-th) into `map` and `next`. */
static uint32_t *chain_names(StrMap *map, uint32_t n, const char *(*name)(const Facts *, uint32_t),
                             const Facts *f, uint32_t first, const uint32_t *order) {
  uint32_t *next = xmalloc(((size_t)n + 1) * sizeof *next);
  uint32_t *last = xmalloc(((size_t)n + 1) * sizeof *last); /* per chain head: its tail */
  for (uint32_t k = 0; k < n; k++) {
    next[k] = UINT32_MAX;
    const char *key = name(f, order[first + k]);
    uint32_t head;
    if (strmap_get(map, key, &head)) {
      next[last[head]] = k;
      last[head] = k;
    } else {
      strmap_put(map, key, k);
      last[k] = k;
    }
  }
  free(last);
  return next;
}

static const char *assign_target(const Facts *f, uint32_t i) { return f->assigns.items[i].target; }
static const char *call_callee(const Facts *f, uint32_t i) { return f->calls.items[i].callee; }
static const char *call_method(const Facts *f, uint32_t i) {
  const char *dot = strrchr(f->calls.items[i].callee, '.');
  return dot ? dot + 1 : ""; /* "" collects the calls of bare names */
}

static struct DefNames *def_names(const Model *m, uint32_t file, int32_t def) {
  uint32_t g = index_global_def(m->ix, (DefRef){file, def});
  if (m->names[g]) return m->names[g];
  const Facts *f = &m->ix->files[file];
  const Def *d = &f->defs.items[def];
  struct DefNames *dn = xcalloc(1, sizeof *dn);
  dn->assign_next = chain_names(&dn->assigns, d->own_assigns.end - d->own_assigns.first,
                                assign_target, f, d->own_assigns.first, f->assign_order.items);
  dn->call_next = chain_names(&dn->calls, d->own_calls.end - d->own_calls.first, call_callee, f,
                              d->own_calls.first, f->call_order.items);
  dn->method_next = chain_names(&dn->methods, d->own_calls.end - d->own_calls.first, call_method, f,
                                d->own_calls.first, f->call_order.items);
  return m->names[g] = dn;
}

/* *at: 0 to start, else 1 + the k of the entry returned last. */
static uint32_t next_named(const StrMap *map, const uint32_t *next, const char *name, uint32_t *at,
                           uint32_t first, const uint32_t *order) {
  uint32_t k;
  if (*at == 0) {
    if (!strmap_get(map, name, &k)) return UINT32_MAX;
  } else if ((k = next[*at - 1]) == UINT32_MAX) {
    return UINT32_MAX;
  }
  *at = k + 1;
  return order[first + k];
}

uint32_t model_next_assign(const Model *m, uint32_t file, int32_t def, const char *name,
                           uint32_t *at) {
  const struct DefNames *dn = def_names(m, file, def);
  const Def *d = &m->ix->files[file].defs.items[def];
  return next_named(&dn->assigns, dn->assign_next, name, at, d->own_assigns.first,
                    m->ix->files[file].assign_order.items);
}

uint32_t model_next_call(const Model *m, uint32_t file, int32_t def, const char *callee,
                         uint32_t *at) {
  const struct DefNames *dn = def_names(m, file, def);
  const Def *d = &m->ix->files[file].defs.items[def];
  return next_named(&dn->calls, dn->call_next, callee, at, d->own_calls.first,
                    m->ix->files[file].call_order.items);
}

/* The import that binds `name` (its first n bytes) in def `scope` of
 * `file`: the last such one, as a scan from the end finds; NULL if none. */
static int32_t class_of(const Facts *f, int32_t def);
static bool is_param(const Facts *f, int32_t def, const char *name);

char *model_canonical(const Model *m, uint32_t file, int32_t def, const char *dotted) {
  const Facts *f = &m->ix->files[file];
  if (str_starts_with(dotted, "self.")) { /* self.embed = aembedding (an import) in the class */
    int32_t cls = class_of(f, def);
    size_t n = 5 + strcspn(dotted + 5, ".(");
    Span sp = cls > 0 ? f->defs.items[cls].assigns_span : (Span){0, 0};
    for (uint32_t i = sp.first; i < sp.end; i++) {
      const Assign *a = &f->assigns.items[i];
      if (a->call >= 0 || strlen(a->target) != n || strncmp(a->target, dotted, n) != 0 ||
          strpbrk(a->value, "([{ \"'") || str_starts_with(a->value, "self.") ||
          is_param(f, a->def, a->value)) /* a parameter shadows the import */
        continue;
      char *inner = xasprintf("%s%s", a->value, dotted + n);
      char *out = model_canonical(m, file, a->def, inner);
      free(inner);
      if (strcmp(out, a->value) != 0 || strchr(out, '.')) return out; /* an import's target */
      free(out);
    }
  }
  size_t first = strcspn(dotted, ".(");
  for (int32_t scope = def; scope >= 0; scope = f->defs.items[scope].parent) {
    const Import *im = index_import(m->ix, file, scope, dotted, first);
    if (im) return xasprintf("%s%s", im->target, dotted + first);
  }
  return xstrdup(dotted);
}

const char *model_kwarg(const Facts *f, const Call *c, const char *name) {
  for (uint32_t i = 0; i < c->nkwargs; i++)
    if (strcmp(f->kwargs.items[c->first_kwarg + i].name, name) == 0)
      return f->kwargs.items[c->first_kwarg + i].value;
  return NULL;
}

void origin_free(Origin *o) {
  free(o->ctor);
  o->ctor = NULL;
}

void external_free(External *e) {
  if (e->has_origin) origin_free(&e->origin);
}

/* The fact for a constructor: a client or a limiter. */
static const Fact *ctor_fact(const Knowledge *k, const char *ctor) {
  const Fact *f = knowledge_get(k, FACT_CLIENT, ctor);
  return f ? f : knowledge_get(k, FACT_LIMITER, ctor);
}

static bool origin_at(const Model *m, uint32_t file, int32_t def, const char *receiver, Origin *out,
                      unsigned depth);

static bool origin_from_callers(const Model *m, uint32_t file, int32_t def, const char *receiver,
                                Origin *out, unsigned depth);
static char *annotation_type(const char *t);

static bool origin_from_call(const Model *m, uint32_t file, int32_t def, int32_t call, Origin *out,
                             unsigned depth) {
  const Facts *f = &m->ix->files[file];
  const Call *c = &f->calls.items[call];
  out->ctor = model_canonical(m, file, def, c->callee);
  /* `session.client("s3")` where session is an aioboto3.Session() */
  const char *dot = strrchr(c->callee, '.');
  if (!ctor_fact(m->k, out->ctor) && dot && !strchr(c->callee, '(')) {
    char *recv = xstrndup(c->callee, (size_t)(dot - c->callee));
    Origin inner = {0};
    if (depth < 4 && origin_at(m, file, def, recv, &inner, depth + 1)) {
      free(out->ctor);
      out->ctor = xasprintf("%s().%s", inner.ctor, dot + 1);
      origin_free(&inner);
    }
    free(recv);
  }
  /* a project function returning a known type: `path = cache_file(url)` with
   * `def cache_file(url) -> Path` */
  DefRef fn = index_call_target(m->ix, file, (uint32_t)call);
  if (!ctor_fact(m->k, out->ctor) && defref_ok(fn) && index_def(m->ix, fn)->returns) {
    char *t = annotation_type(index_def(m->ix, fn)->returns);
    free(out->ctor);
    out->ctor = model_canonical(m, fn.file, fn.def, t);
    free(t);
  }
  /* a factory without an annotation that builds one kind of client
   * (`def make_client(): return httpx.AsyncClient(limits=...)`): its call
   * is the origin, with its pool and timeout arguments */
  if (!ctor_fact(m->k, out->ctor) && defref_ok(fn) && depth < 4 &&
      index_def(m->ix, fn)->kind == DEF_FUNCTION && index_def(m->ix, fn)->returns_value &&
      !index_def(m->ix, fn)->returns) {
    const Facts *ff = &m->ix->files[fn.file];
    const Def *fd = index_def(m->ix, fn);
    int32_t made = -1;
    char *made_ctor = NULL;
    bool one = true;
    for (uint32_t k = fd->own_calls.first; k < fd->own_calls.end && one; k++) {
      uint32_t fc = ff->call_order.items[k];
      char *canon = model_canonical(m, fn.file, fn.def, ff->calls.items[fc].callee);
      const Fact *cf = knowledge_get(m->k, FACT_CLIENT, canon);
      if (cf && made_ctor && strcmp(made_ctor, canon) != 0) one = false;
      if (cf && !made_ctor) made = (int32_t)fc, made_ctor = xstrdup(canon);
      free(canon);
    }
    free(made_ctor);
    if (made >= 0 && one) {
      free(out->ctor);
      return origin_from_call(m, fn.file, fn.def, made, out, depth + 1);
    }
  }
  out->fact = ctor_fact(m->k, out->ctor);
  out->file = file;
  out->call = call;
  out->pos = c->pos;
  return true;
}

/* The annotation's type name: "httpx.AsyncClient | None" -> "httpx.AsyncClient",
 * "Optional[AsyncOpenAI]" -> "AsyncOpenAI". */
static char *annotation_type(const char *t) {
  size_t n;
  t = annotation_main(t, &n);
  return xstrndup(t, n);
}

static bool origin_in_def(const Model *m, uint32_t file, int32_t def, int32_t scope,
                          const char *receiver, Origin *out, unsigned depth) {
  const Facts *f = &m->ix->files[file];
  Span own = f->defs.items[scope].own_assigns;
  for (uint32_t k = own.end; k-- > own.first;) {
    const Assign *a = &f->assigns.items[f->assign_order.items[k]];
    if (strcmp(a->target, receiver) != 0) continue;
    const char *slash = strstr(a->value, " / ");
    if (slash && depth < 4) { /* out = Path(d) / "x.md", p = CACHE_DIR / name */
      char *left = xstrndup(a->value, (size_t)(slash - a->value));
      bool ok = false;
      if (strchr(left, '(')) { /* Path(args.out) */
        char *ctor = xstrndup(left, strcspn(left, "("));
        out->ctor = model_canonical(m, file, scope, ctor);
        out->fact = ctor_fact(m->k, out->ctor);
        out->file = file;
        out->call = -1;
        out->pos = a->pos;
        free(ctor);
        ok = true;
      } else {
        ok = origin_at(m, file, def, left, out, depth + 1);
      }
      free(left);
      if (ok) return true;
    }
    if (a->call >= 0) return origin_from_call(m, file, scope, a->call, out, depth);
    /* `client or httpx.AsyncClient()`: the default a caller may override */
    const char *or = strstr(a->value, " or ");
    if (or) {
      const Def *sd = &f->defs.items[scope];
      for (uint32_t j = sd->own_calls.first; j < sd->own_calls.end; j++) {
        uint32_t c = f->call_order.items[j];
        const Call *call = &f->calls.items[c];
        if (call->pos.line != a->pos.line || !str_starts_with(or + 4, call->callee)) continue;
        return origin_from_call(m, file, scope, (int32_t)c, out, depth);
      }
    }
  }
  for (uint32_t i = 0; i < f->withs.len; i++) {
    const WithItem *wi = &f->withs.items[i];
    if (wi->def != scope || !wi->alias || !wi->callee || strcmp(wi->alias, receiver) != 0) continue;
    for (uint32_t c = 0; c < f->calls.len; c++)
      if (f->calls.items[c].def == scope && f->calls.items[c].pos.line == wi->pos.line &&
          strcmp(f->calls.items[c].callee, wi->callee) == 0)
        return origin_from_call(m, file, scope, (int32_t)c, out, depth);
  }
  const Def *d = &f->defs.items[scope];
  for (uint32_t i = 0; i < d->params.count && d->kind == DEF_FUNCTION; i++) {
    const char *type = f->names.items[d->param_types.first + i];
    if (!*type || strcmp(f->names.items[d->params.first + i], receiver) != 0) continue;
    /* the constructor call a caller passes beats the annotation: it has the
     * pool and timeout arguments */
    if (depth < 3 && origin_from_callers(m, file, scope, receiver, out, depth) && out->call >= 0)
      return true;
    if (out->ctor) origin_free(out);
    char *t = annotation_type(type);
    out->ctor = model_canonical(m, file, def, t);
    free(t);
    out->fact = ctor_fact(m->k, out->ctor);
    out->file = file;
    out->call = -1;
    out->pos = d->pos;
    return true;
  }
  return false;
}

static int32_t class_of(const Facts *f, int32_t def) {
  for (int32_t d = def; d > 0; d = f->defs.items[d].parent)
    if (f->defs.items[d].kind == DEF_FUNCTION &&
        f->defs.items[f->defs.items[d].parent].kind == DEF_CLASS)
      return f->defs.items[d].parent;
  return -1;
}

bool model_origin(const Model *m, uint32_t file, int32_t def, const char *receiver, Origin *out) {
  return origin_at(m, file, def, receiver, out, 0);
}

/* `x = x.items()` refers back to itself: depth bounds the chain. */
static bool origin_at(const Model *m, uint32_t file, int32_t def, const char *receiver, Origin *out,
                      unsigned depth) {
  memset(out, 0, sizeof *out);
  const Facts *f = &m->ix->files[file];
  if (str_starts_with(receiver, "self.") || str_starts_with(receiver, "cls.")) {
    int32_t cls = class_of(f, def);
    if (cls < 0 || strchr(strchr(receiver, '.') + 1, '.')) return false;
    const char *attr = strchr(receiver, '.') + 1;
    Span sp = f->defs.items[cls].assigns_span;
    for (uint32_t i = sp.first; i < sp.end; i++) { /* self.x = Ctor() in any method */
      const Assign *a = &f->assigns.items[i];
      if (a->call < 0 || class_of(f, a->def) != cls || strcmp(a->target, receiver) != 0) continue;
      return origin_from_call(m, file, a->def, a->call, out, depth);
    }
    for (uint32_t i = sp.first; i < sp.end; i++) { /* x = Ctor() in the class body */
      const Assign *a = &f->assigns.items[i];
      if (a->call >= 0 && a->def == cls && strcmp(a->target, attr) == 0)
        return origin_from_call(m, file, cls, a->call, out, depth);
    }
    for (uint32_t i = sp.first; i < sp.end && depth < 3; i++) { /* self.x = x, a parameter */
      const Assign *a = &f->assigns.items[i];
      if (a->call < 0 && class_of(f, a->def) == cls && strcmp(a->target, receiver) == 0 &&
          !strpbrk(a->value, ".([ ") &&
          origin_in_def(m, file, a->def, a->def, a->value, out, depth + 1))
        return true;
    }
    return false;
  }
  for (int32_t scope = def; scope >= 0; scope = f->defs.items[scope].parent) {
    if (scope != def && f->defs.items[scope].kind == DEF_CLASS) continue;
    if (origin_in_def(m, file, def, scope, receiver, out, depth)) return true;
  }
  return depth < 3 && origin_from_callers(m, file, def, receiver, out, depth);
}

/* An unannotated parameter: what the callers pass for it, when they agree on
 * where it comes from (`make_request(url, session)` with `session` from
 * `aiohttp.ClientSession()` in the caller). The first caller that knows wins. */
static bool origin_from_callers(const Model *m, uint32_t file, int32_t def, const char *receiver,
                                Origin *out, unsigned depth) {
  const Facts *f = &m->ix->files[file];
  const Def *d = &f->defs.items[def];
  if (d->kind != DEF_FUNCTION || strchr(receiver, '.')) return false;
  int32_t param = -1;
  for (uint32_t i = 0; i < d->params.count; i++)
    if (strcmp(f->names.items[d->params.first + i], receiver) == 0) param = (int32_t)i;
  if (param < 0) return false;
  bool method = d->parent >= 0 && f->defs.items[d->parent].kind == DEF_CLASS && d->params.count &&
                (strcmp(f->names.items[d->params.first], "self") == 0 ||
                 strcmp(f->names.items[d->params.first], "cls") == 0);
  /* __init__ is called through its class: `Client(session)` */
  bool init = method && strcmp(d->name, "__init__") == 0;
  uint32_t ncallers;
  const CallRef *callers = index_callers(m->ix, (DefRef){file, init ? d->parent : def}, &ncallers);
  for (uint32_t i = 0; i < ncallers && i < 8; i++) {
    const Facts *cf = &m->ix->files[callers[i].file];
    const Call *c = &cf->calls.items[callers[i].call];
    if (c->flags & CALL_REFERENCE) continue;
    const char *arg = model_kwarg(cf, c, receiver);
    int32_t pos = param - (method && (init || strchr(c->callee, '.')) ? 1 : 0);
    if (!arg && pos >= 0 && (uint32_t)pos < c->args.count)
      arg = cf->names.items[c->args.first + (uint32_t)pos];
    if (!arg || strpbrk(arg, "([{ ")) continue; /* only a name passed on (or self.x) */
    if (origin_at(m, callers[i].file, c->def, arg, out, depth + 1)) return true;
  }
  return false;
}

static bool ends_with_chain(const char *callee, const char *chain) {
  return str_ends_with(callee, chain) && strlen(callee) > strlen(chain);
}

/* Whether a call is entered with `async with` (aiohttp's session.get). */
static bool async_with_call(const Facts *f, const Call *c) {
  for (uint32_t i = 0; i < f->withs.len; i++) {
    const WithItem *wi = &f->withs.items[i];
    if (wi->is_async && wi->def == c->def && wi->callee && wi->pos.line <= c->pos.line &&
        c->pos.line <= wi->pos.line + 2 && strcmp(wi->callee, c->callee) == 0)
      return true;
  }
  return false;
}

static bool external_name(const Model *m, uint32_t file, int32_t def, const char *callee,
                          bool in_thread, External *out);

/* A call awaited through a wrapper that awaits its argument:
 * `await asyncio.wait_for(model.ainvoke(...), 60)`, `await asyncio.shield(c())`,
 * or runs it in a thread the task awaits (`await asyncio.to_thread(...)`). */
static bool awaited_through(const Model *m, uint32_t file, const Call *c) {
  const Facts *f = &m->ix->files[file];
  if (c->outer < 0) return false;
  const Call *o = &f->calls.items[c->outer];
  if (!(o->flags & CALL_AWAITED)) return false;
  char *canon = model_canonical(m, file, o->def, o->callee);
  bool yes = knowledge_has(m->k, FACT_TIMEOUT_CALL, canon) || strcmp(canon, "asyncio.shield") == 0;
  /* `await loop.run_in_executor(None, lambda: client.search(q))`: the task
   * waits for the I/O, run in a thread */
  const char *dot = strrchr(canon, '.');
  if (!yes &&
      (knowledge_has(m->k, FACT_OFFLOAD, canon) || (dot && knowledge_has(m->k, FACT_OFFLOAD, dot))))
    yes = !str_ends_with(canon, ".submit") && strcmp(canon, "threading.Thread") != 0;
  free(canon);
  return yes;
}

bool model_external_call(const Model *m, uint32_t file, uint32_t call, External *out) {
  memset(out, 0, sizeof *out);
  const Facts *f = &m->ix->files[file];
  const Call *c = &f->calls.items[call];
  if (c->flags & CALL_REFERENCE) return false;
  bool direct = (c->flags & CALL_AWAITED) || async_with_call(f, c);
  if (!direct && !awaited_through(m, file, c)) return false;
  bool yes = external_name(m, file, c->def, c->callee, !direct, out);
  out->file = file;
  out->call = call;
  return yes;
}

bool model_external_name(const Model *m, uint32_t file, int32_t def, const char *callee,
                         External *out) {
  return external_name(m, file, def, callee, false, out);
}

/* `in_thread`: the call runs in a worker thread the task awaits, so a sync
 * client's method is I/O the task waits for too. */
static bool external_name(const Model *m, uint32_t file, int32_t def, const char *callee,
                          bool in_thread, External *out) {
  memset(out, 0, sizeof *out);
  out->file = file;
  char *canon = model_canonical(m, file, def, callee);
  out->fact = knowledge_get(m->k, FACT_EXTERNAL, canon);
  free(canon);
  if (out->fact) return true;
  for (const Fact *x = knowledge_first(m->k, FACT_EXTERNAL_METHOD); x; x = knowledge_next(m->k, x))
    if (ends_with_chain(callee, x->name)) {
      out->fact = x;
      break;
    }
  /* A method of a client object: try each receiver prefix, longest first. */
  bool found_origin = false;
  char *recv = xstrdup(callee);
  for (char *dot = strrchr(recv, '.'); dot; dot = strrchr(recv, '.')) {
    *dot = '\0';
    Origin o;
    if (model_origin(m, file, def, recv, &o)) {
      char async_attr[8] = "";
      if (o.fact && o.fact->kind == FACT_CLIENT &&
          fact_attr(o.fact, "async", async_attr, sizeof async_attr) &&
          (in_thread || strcmp(async_attr, "no") != 0)) {
        out->origin = o;
        out->has_origin = true;
        if (!out->fact) out->fact = o.fact;
        break;
      }
      origin_free(&o);
      found_origin = true;
      break; /* the receiver is something else: stop at the first binding found */
    }
  }
  free(recv);
  /* `await session.get(url)` on a receiver of unknown origin named like an
   * HTTP session or client */
  const char *dot = strrchr(callee, '.');
  if (!out->fact && !found_origin && dot && !strchr(callee, '(')) {
    char *receiver = xstrndup(callee, (size_t)(dot - callee));
    const char *last = str_last_component(receiver);
    if (*last == '_') last++;
    if (knowledge_has(m->k, FACT_EXTERNAL_RECEIVER, last) &&
        knowledge_has(m->k, FACT_EXTERNAL_RECEIVER_METHOD, dot + 1))
      out->fact = knowledge_get(m->k, FACT_EXTERNAL_RECEIVER, last);
    free(receiver);
  }
  return out->fact != NULL;
}

static uint32_t global(const Model *m, DefRef d) { return index_global_def(m->ix, d); }

int32_t model_def_external(Model *m, DefRef d) {
  uint32_t g = global(m, d);
  if (m->external[g] >= 0) return m->external[g];
  m->external[g] = 0;
  const Facts *f = &m->ix->files[d.file];
  const Def *def = index_def(m->ix, d);
  for (uint32_t k = def->own_calls.first; k < def->own_calls.end; k++) {
    uint32_t i = f->call_order.items[k];
    External e;
    if (model_external_call(m, d.file, i, &e)) {
      external_free(&e);
      m->external[g] = (int32_t)i + 1;
      break;
    }
  }
  return m->external[g];
}

static bool is_param(const Facts *f, int32_t def, const char *name) {
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
  if (is_param(f, def, expr)) return true;
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
    int32_t cls = class_of(f, def);
    for (uint32_t i = 0; i < f->assigns.len && cls >= 0; i++) {
      const Assign *a = &f->assigns.items[i];
      if (a->call < 0 && class_of(f, a->def) == cls && strcmp(a->target, expr) == 0 &&
          is_param(f, a->def, a->value))
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
  char buf[16];
  if (o->fact && fact_attr(o->fact, "timeout", buf, sizeof buf) && isdigit((unsigned char)buf[0]))
    return (uint32_t)atoi(buf) <= m->short_timeout;
  return false;
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

/* Memoized per definition (a cycle or a chain too deep counts as yes). */
static bool def_may_get_timeout(const Model *m, uint32_t file, int32_t def, unsigned depth) {
  int8_t *memo = &m->splat[index_global_def(m->ix, (DefRef){file, def})];
  if (*memo < 0) {
    *memo = 1; /* while it is being answered */
    *memo = may_get_timeout(m, file, def, depth) ? 1 : 0;
  }
  return *memo;
}

static bool may_get_timeout(const Model *m, uint32_t file, int32_t def, unsigned depth) {
  const Facts *f = &m->ix->files[file];
  const Def *d = &f->defs.items[def];
  if (depth > 4 || d->kind != DEF_FUNCTION) return true;
  for (uint32_t i = 0; i < d->params.count; i++)
    if (strstr(f->names.items[d->params.first + i], "timeout")) return true;
  for (uint32_t k = d->own_assigns.first; k < d->own_assigns.end; k++) {
    const Assign *a = &f->assigns.items[f->assign_order.items[k]];
    if (strstr(a->target, "timeout") || strstr(a->value, "timeout")) return true;
  }
  if (d->parent > 0 && f->defs.items[d->parent].kind == DEF_FUNCTION &&
      def_may_get_timeout(m, file, d->parent, depth + 1))
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
    if ((cc->flags & CALL_KW_SPLAT) && def_may_get_timeout(m, callers[i].file, cc->def, depth + 1))
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
  int32_t cls = class_of(f, def);
  if (cls > 0) {
    Span sp = f->defs.items[cls].assigns_span;
    for (uint32_t i = sp.first; i < sp.end; i++) {
      const Assign *a = &f->assigns.items[i];
      if (str_starts_with(a->target, "self.") &&
          strcmp(f->defs.items[a->def].name, "__init__") == 0 && a->def != def &&
          kwargs_param(f, a->def, a->value) && def_may_get_timeout(m, file, a->def, 1))
        return true;
    }
  }
  return def_may_get_timeout(m, file, def, 0);
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
  if (memo[g] != DL_UNKNOWN) return memo[g] == DL_VISITING ? DL_NO_IO : memo[g];
  if (depth > 8) return DL_NO_IO; /* too deep to judge: not counted either way */
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
        if (index_def(m->ix, t.items[j])->kind != DEF_FUNCTION) continue;
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

uint32_t model_next_method(const Model *m, uint32_t file, int32_t def, const char *method,
                           uint32_t *at) {
  const struct DefNames *dn = def_names(m, file, def);
  const Def *d = &m->ix->files[file].defs.items[def];
  return next_named(&dn->methods, dn->method_next, method, at, d->own_calls.first,
                    m->ix->files[file].call_order.items);
}
