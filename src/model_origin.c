/* model_origin: where an object came from (the constructor that made it,
 * through assignments, attributes, parameters and callers), what a name is
 * canonically (imports, self attributes), and which calls do I/O the task
 * waits for (clients' methods, external functions, offloads to threads). */
#include <stdlib.h>

#include "model_int.h"

char *model_canonical(const Model *m, uint32_t file, int32_t def, const char *dotted) {
  const Facts *f = &m->ix->files[file];
  if (str_starts_with(dotted, "self.")) { /* self.embed = aembedding (an import) in the class */
    int32_t cls = model__class_of(f, def);
    size_t n = 5 + strcspn(dotted + 5, ".(");
    Span sp = cls > 0 ? f->defs.items[cls].assigns_span : (Span){0, 0};
    AssignIter it = index_assigns_in(m->ix, file, dotted, n, sp);
    for (uint32_t i; (i = index_assign_iter_next(&it)) != UINT32_MAX;) {
      const Assign *a = &f->assigns.items[i];
      if (a->call >= 0 || strpbrk(a->value, "([{ \"'") || str_starts_with(a->value, "self.") ||
          model__is_param(f, a->def, a->value)) /* a parameter shadows the import */
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

/* The call of a known client's constructor that is call `call`'s first positional argument,
 * or -1. */
static int32_t wrapped_client(const Model *m, uint32_t file, int32_t call) {
  const Facts *f = &m->ix->files[file];
  const Call *c = &f->calls.items[call];
  if (!c->arg0) return -1;
  Span in = f->defs.items[c->def].calls_span;
  for (uint32_t k = in.first; k < in.end; k++) {
    const Call *a = &f->calls.items[k];
    size_t n = strlen(a->callee);
    if (a->outer != call || strncmp(c->arg0, a->callee, n) != 0 || c->arg0[n] != '(') continue;
    char *canon = model_canonical(m, file, a->def, a->callee);
    bool client = knowledge_get(m->k, FACT_CLIENT, canon) != NULL;
    free(canon);
    if (client) return (int32_t)k;
  }
  return -1;
}

/* Declared ahead: origin_from_call follows a receiver with origin_at and a return annotation with
 * annotation_type, and origin_in_def asks origin_from_callers. */
static bool origin_at(const Model *m, uint32_t file, int32_t def, const char *receiver, Origin *out,
                      unsigned depth);

static bool origin_from_callers(const Model *m, uint32_t file, int32_t def, const char *receiver,
                                Origin *out, unsigned depth);
static char *annotation_type(const char *t);

/* The origin of the value call `call` returns: its canonical callee, or, when that is no known
 * constructor, the object a method is called on (`session.client("s3")`), a project function's
 * return annotation, or the one kind of client a factory builds. Nested lookups stop at depth 4. */
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
  /* a library's wrapper handed a client (`instructor.from_openai(AsyncOpenAI(timeout=30))`, a
   * tracer's `wrap_openai(...)`): calls go through to that client, its pool and timeout */
  int32_t wrapped =
      ctor_fact(m->k, out->ctor) || defref_ok(fn) ? -1 : wrapped_client(m, file, call);
  if (wrapped >= 0 && depth < 4) {
    free(out->ctor);
    return origin_from_call(m, file, def, wrapped, out, depth + 1);
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

/* What assignment `a` in `scope` tells of its target's origin: 1 (in *out) or 0 when it
 * settles it (a call, `Ctor(...) / x`, `x or Ctor()`), -1 when an earlier one must say. */
static int origin_of_assign(const Model *m, uint32_t file, int32_t def, int32_t scope,
                            const Assign *a, Origin *out, unsigned depth) {
  const Facts *f = &m->ix->files[file];
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
    if (ok) return 1;
  }
  if (a->call >= 0) return origin_from_call(m, file, scope, a->call, out, depth);
  /* `client or httpx.AsyncClient()`: the default a caller may override */
  const char * or = strstr(a->value, " or ");
  if (or) {
    const Def *sd = &f->defs.items[scope];
    for (uint32_t j = sd->own_calls.first; j < sd->own_calls.end; j++) {
      uint32_t c = f->call_order.items[j];
      const Call *call = &f->calls.items[c];
      if (call->pos.line != a->pos.line || !str_starts_with(or +4, call->callee)) continue;
      return origin_from_call(m, file, scope, (int32_t)c, out, depth);
    }
  }
  return -1;
}

/* Where `receiver` comes from in def `scope`: the last of its assignments there that tells (a call,
 * a path joined with `/`, `x or Ctor()`), a `with ... as receiver`, or an annotated parameter (a
 * constructor call a caller passes wins). Scans the def's assignments and the file's withs. */
static bool origin_in_def(const Model *m, uint32_t file, int32_t def, int32_t scope,
                          const char *receiver, Origin *out, unsigned depth) {
  const Facts *f = &m->ix->files[file];
  /* its assignments in the scope itself (not in the defs nested in it), the last first */
  U32Array mine = {0};
  AssignIter it =
      index_assigns_in(m->ix, file, receiver, strlen(receiver), f->defs.items[scope].assigns_span);
  for (uint32_t i; (i = index_assign_iter_next(&it)) != UINT32_MAX;)
    if (f->assigns.items[i].def == scope) array_push(&mine, i);
  int told = -1;
  for (uint32_t k = mine.len; k-- > 0 && told < 0;)
    told = origin_of_assign(m, file, def, scope, &f->assigns.items[mine.items[k]], out, depth);
  array_free(&mine);
  if (told >= 0) return told == 1;
  for (uint32_t i = 0; i < f->withs.len; i++) {
    const WithItem *wi = &f->withs.items[i];
    if (wi->def != scope || !wi->alias || !wi->callee || strcmp(wi->alias, receiver) != 0) continue;
    Span own = f->defs.items[scope].own_calls;
    for (uint32_t k = own.first; k < own.end; k++) {
      uint32_t c = f->call_order.items[k];
      if (f->calls.items[c].pos.line == wi->pos.line &&
          strcmp(f->calls.items[c].callee, wi->callee) == 0)
        return origin_from_call(m, file, scope, (int32_t)c, out, depth);
    }
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

int32_t model__class_of(const Facts *f, int32_t def) {
  for (int32_t d = def; d > 0; d = f->defs.items[d].parent)
    if (f->defs.items[d].kind == DEF_FUNCTION &&
        f->defs.items[f->defs.items[d].parent].kind == DEF_CLASS)
      return f->defs.items[d].parent;
  return -1;
}

/* One answer of model_origin: the receiver asked about, and what was said. */
typedef struct {
  char *receiver;
  bool found;
  Origin origin;
} OriginSeen;

/* What model_origin answered for one def. */
struct OriginSeens {
  Array(OriginSeen) seen;
};

struct OriginSeens *model__origins_new(size_t n) {
  return xcalloc(n, sizeof(struct OriginSeens));
}

void model__origins_free(Model *m) {
  for (uint32_t g = 0; m->origins && g <= m->ix->ndefs; g++) {
    for (uint32_t k = 0; k < m->origins[g].seen.len; k++) {
      free(m->origins[g].seen.items[k].receiver);
      origin_free(&m->origins[g].seen.items[k].origin);
    }
    array_free(&m->origins[g].seen);
  }
  free(m->origins);
  m->origins = NULL;
}

static Origin origin_copy(const Origin *o) {
  Origin c = *o;
  c.ctor = o->ctor ? xstrdup(o->ctor) : NULL;
  return c;
}

/* The answer for a receiver is a function of the index: asked again in the
 * same def (a client's methods called one after another), it is the one
 * given before (a copy: the caller frees its own). */
bool model_origin(const Model *m, uint32_t file, int32_t def, const char *receiver, Origin *out) {
  if (def < 0) return origin_at(m, file, def, receiver, out, 0);
  struct OriginSeens *at = &m->origins[index_global_def(m->ix, (DefRef){file, def})];
  for (uint32_t k = 0; k < at->seen.len; k++)
    if (strcmp(at->seen.items[k].receiver, receiver) == 0) {
      *out = origin_copy(&at->seen.items[k].origin);
      return at->seen.items[k].found;
    }
  bool found = origin_at(m, file, def, receiver, out, 0);
  OriginSeen s = {xstrdup(receiver), found, origin_copy(out)};
  array_push(&at->seen, s);
  return found;
}

/* `x = x.items()` refers back to itself: depth bounds the chain. */
static bool origin_at(const Model *m, uint32_t file, int32_t def, const char *receiver, Origin *out,
                      unsigned depth) {
  memset(out, 0, sizeof *out);
  const Facts *f = &m->ix->files[file];
  if (str_starts_with(receiver, "self.") || str_starts_with(receiver, "cls.")) {
    int32_t cls = model__class_of(f, def);
    if (cls < 0 || strchr(strchr(receiver, '.') + 1, '.')) return false;
    const char *attr = strchr(receiver, '.') + 1;
    Span sp = f->defs.items[cls].assigns_span;
    /* self.x = Ctor() in any method */
    AssignIter it = index_assigns_in(m->ix, file, receiver, strlen(receiver), sp);
    for (uint32_t i; (i = index_assign_iter_next(&it)) != UINT32_MAX;) {
      const Assign *a = &f->assigns.items[i];
      if (a->call < 0 || model__class_of(f, a->def) != cls) continue;
      return origin_from_call(m, file, a->def, a->call, out, depth);
    }
    for (uint32_t i = sp.first; i < sp.end; i++) { /* x = Ctor() in the class body */
      const Assign *a = &f->assigns.items[i];
      if (a->call >= 0 && a->def == cls && strcmp(a->target, attr) == 0)
        return origin_from_call(m, file, cls, a->call, out, depth);
    }
    for (uint32_t i = sp.first; i < sp.end && depth < 3; i++) { /* self.x = x, a parameter */
      const Assign *a = &f->assigns.items[i];
      if (a->call < 0 && model__class_of(f, a->def) == cls && strcmp(a->target, receiver) == 0 &&
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
  bool yes = knowledge_has(m->k, FACT_TIMEOUT_CALL, canon) ||
             knowledge_has(m->k, FACT_AWAIT_WRAPPER, canon);
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
      const char *async_attr = fact_get(o.fact, ATTR_ASYNC);
      if (o.fact && o.fact->kind == FACT_CLIENT && async_attr &&
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
