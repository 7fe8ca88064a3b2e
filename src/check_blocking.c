/* check_blocking: FAN5xx event-loop blockers: blocking calls in async def,
 * directly or through a sync helper of the project called on the loop
 * thread; one finding at the helper when many async call sites reach it. */
#define _GNU_SOURCE /* strcasestr */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"

typedef struct {
  const RuleInfo *code; /* NULL: not blocking */
  const char *what;     /* owned: the blocking API, for the message */
} Blocking;

/* The targets a blocking call is followed into: exact ones, a method's
 * overrides and what callers pass for a called parameter; not methods
 * matched by name alone (a receiver of unknown type: `record.get(...)` is
 * more often a dict than the one project class with a `get`). */
static Targets followed_targets(const Index *ix, uint32_t file, uint32_t call) {
  Targets t = index_call_targets(ix, file, call);
  if (t.how == RESOLVED_NAME) t.len = 0;
  return t;
}

/* Whether a sync client was made in its library's asynchronous mode, or may
 * have been: `async-kwarg=async_,async` names the keywords that turn it on
 * (psycopg2.connect(dsn, async_=True)), and a **kwargs splat may hold one. */
static bool async_mode(const Model *m, const Origin *o) {
  if (o->call < 0 || !fact_get(o->fact, ATTR_ASYNC_KWARG)) return false;
  const Facts *f = &m->ix->files[o->file];
  const Call *c = &f->calls.items[o->call];
  if (c->flags & CALL_KW_SPLAT) return true;
  for (uint32_t a = 0; a < c->nkwargs; a++) {
    const Kwarg *kw = &f->kwargs.items[c->first_kwarg + a];
    if (fact_lists(o->fact, ATTR_ASYNC_KWARG, kw->name) && strcmp(kw->value, "False") != 0 &&
        strcmp(kw->value, "0") != 0 && strcmp(kw->value, "None") != 0)
      return true;
  }
  return false;
}

/* The rule a fact's `code=` names when it is an event-loop blocker
 * (FAN5xx), or NULL. */
static const RuleInfo *fact_code(const Fact *f) {
  Rule r;
  if (!fact_rule(f, ATTR_CODE, &r)) return NULL;
  return rule_info(r)->family == FAMILY_BLOCKING ? rule_info(r) : NULL;
}

static const RuleInfo *blocker(Rule r) { return rule_info(r); }

/* Whether an expression is an in-memory file (`io.StringIO(text)`, or a name
 * bound to one): reading or writing it is no file I/O. */
static bool memory_file(const Model *m, uint32_t file, int32_t def, const char *expr) {
  size_t len = strcspn(expr, "(");
  if (expr[len] == '(') {
    char *name = xstrndup(expr, len);
    char *canon = model_canonical(m, file, def, name);
    bool hit = knowledge_has(m->k, FACT_MEMORY_FILE, canon);
    free(canon);
    free(name);
    return hit;
  }
  Origin o;
  if (strpbrk(expr, " [") || !model_origin(m, file, def, expr, &o)) return false;
  bool hit = knowledge_has(m->k, FACT_MEMORY_FILE, o.ctor);
  origin_free(&o);
  return hit;
}

/* Whether a path expression is a literal under /proc or /sys: files the
 * kernel serves from memory, read without waiting on a disk. */
static bool pseudo_file(const char *expr) {
  if (!expr) return false;
  if (*expr == 'f' || *expr == 'r' || *expr == 'b') expr++;
  if (*expr != '"' && *expr != '\'') return false;
  return str_starts_with(expr + 1, "/proc/") || str_starts_with(expr + 1, "/sys/");
}

/* Whether a path expression names a small local file: one shipped with the
 * package (built from `__file__`) or kept in the user's home directory
 * (`Path.home()`, `expanduser`, a `home_dir`), directly or through names the
 * function binds (three deep). Reading or writing one is a page-cache
 * operation of microseconds, not a wait worth a finding. */
static bool local_file(const Model *m, uint32_t file, int32_t def, const char *expr,
                       unsigned depth) {
  if (!expr || depth > 3) return false;
  if (strstr(expr, "__file__") || strstr(expr, "expanduser(\"~") || strstr(expr, "expanduser('~"))
    return true;
  for (const char *h = strcasestr(expr, "home"); h; h = strcasestr(h + 1, "home")) {
    char before = h > expr ? h[-1] : ' ', after = h[4]; /* home_dir, Path.home(), get_home_x */
    if (!isalnum((unsigned char)before) && !isalnum((unsigned char)after)) return true;
  }
  const Facts *f = &m->ix->files[file];
  for (const char *p = expr; *p;) { /* each name in the expression */
    if (!(isalpha((unsigned char)*p) || *p == '_') ||
        (p > expr && (isalnum((unsigned char)p[-1]) || p[-1] == '_' || p[-1] == '.'))) {
      p++;
      continue;
    }
    size_t n = 0;
    while (isalnum((unsigned char)p[n]) || p[n] == '_') n++;
    for (uint32_t i = 0; i < f->assigns.len; i++) {
      const Assign *a = &f->assigns.items[i];
      if (a->def == def && strlen(a->target) == n && strncmp(a->target, p, n) == 0 &&
          local_file(m, file, def, a->value, depth + 1))
        return true;
    }
    p += n;
  }
  return false;
}

/* Whether the file a sync file-I/O call reads or writes is in memory: its
 * first positional argument, else a keyword the fact's `path-kwarg=` names
 * (`pd.read_csv(io.StringIO(answer))`, `df.to_csv(path_or_buf=buffer)`). */
static bool file_in_memory(const Model *m, uint32_t file, const Call *c, const Fact *x) {
  const RuleInfo *code = fact_code(x);
  if (!code || code->rule != RULE_FAN503) return false;
  const Facts *f = &m->ix->files[file];
  if (c->nargs)
    return c->arg0 && (pseudo_file(c->arg0) || memory_file(m, file, c->def, c->arg0) ||
                       local_file(m, file, c->def, c->arg0, 0));
  for (uint32_t a = 0; a < c->nkwargs; a++) {
    const Kwarg *kw = &f->kwargs.items[c->first_kwarg + a];
    if (fact_lists(x, ATTR_PATH_KWARG, kw->name)) return memory_file(m, file, c->def, kw->value);
  }
  return false;
}

/* The `blocking.method` fact for method `method` of an object made by `ctor`:
 * named exactly, or by a module prefix ending in "." (any loader class of
 * langchain_community.document_loaders). A fact with `path-kwarg=` blocks
 * only when a destination is given (`df.to_csv(path)`, not `df.to_csv()`). */
static const Fact *method_fact(const Model *m, uint32_t file, const Call *c, const char *ctor,
                               const char *method) {
  const Knowledge *k = m->k;
  const Facts *f = &m->ix->files[file];
  if (!knowledge_lists(k, FACT_BLOCKING_METHOD, ATTR_METHODS, method)) return NULL;
  for (const Fact *x = knowledge_first(k, FACT_BLOCKING_METHOD); x; x = knowledge_next(k, x)) {
    if (!fact_lists(x, ATTR_METHODS, method)) continue;
    size_t n = strlen(x->name);
    bool prefix = n && x->name[n - 1] == '.';
    if (prefix ? strncmp(ctor, x->name, n) != 0 || strchr(ctor + n, '(')
               : strcmp(ctor, x->name) != 0)
      continue;
    if (c->nargs == 0 && fact_get(x, ATTR_PATH_KWARG)) {
      bool given = false;
      for (uint32_t a = 0; a < c->nkwargs && !given; a++)
        given = fact_lists(x, ATTR_PATH_KWARG, f->kwargs.items[c->first_kwarg + a].name);
      if (!given) continue;
    }
    return file_in_memory(m, file, c, x) ? NULL : x;
  }
  return NULL;
}

/* `page` bound by `for page in reader.pages:`: an element of an attribute of
 * a known object, named `<ctor>().pages` (NULL when unknown). Caller frees. */
static char *loop_element(const Model *m, uint32_t file, int32_t def, const char *name) {
  const Facts *f = &m->ix->files[file];
  for (uint32_t i = 0; i < f->loops.len; i++) {
    const Loop *l = &f->loops.items[i];
    if (l->is_while || l->def != def || !l->target || strcmp(l->target, name) != 0) continue;
    const char *dot = strrchr(l->iter, '.');
    if (!dot || strpbrk(l->iter, "([ ")) continue;
    char *obj = xstrndup(l->iter, (size_t)(dot - l->iter));
    Origin o;
    char *element = NULL;
    if (model_origin(m, file, def, obj, &o)) {
      element = xasprintf("%s().%s", o.ctor, dot + 1);
      origin_free(&o);
    }
    free(obj);
    if (element) return element;
  }
  return NULL;
}

/* Whether an argument or default is a literal that tests false. */
static bool falsy(const char *v) {
  return v && (strcmp(v, "None") == 0 || strcmp(v, "False") == 0 || strcmp(v, "0") == 0 ||
               strcmp(v, "''") == 0 || strcmp(v, "\"\"") == 0);
}

/* Whether a call in an `if NAME:` branch runs on no path the project takes:
 * NAME is a parameter with a false default (None, False, "", 0) and every
 * call of the function leaves it out or passes a false literal
 * (`upload(file_content=data)` never takes `if file_path: open(file_path)`). */
static bool branch_never_taken(const Model *m, uint32_t file, const Call *c) {
  if (!c->guard) return false;
  const Facts *f = &m->ix->files[file];
  const Def *d = &f->defs.items[c->def];
  int32_t p = -1;
  for (uint32_t i = 0; d->kind == DEF_FUNCTION && i < d->params.count; i++)
    if (strcmp(f->names.items[d->params.first + i], c->guard) == 0) p = (int32_t)i;
  if (p < 0 || !falsy(f->names.items[d->param_defaults.first + (uint32_t)p])) return false;
  uint32_t n;
  const CallRef *callers = index_callers(m->ix, (DefRef){file, c->def}, &n);
  for (uint32_t i = 0; i < n; i++) {
    const Call *cc = &m->ix->files[callers[i].file].calls.items[callers[i].call];
    /* a splat or more arguments than were recorded may pass it */
    if ((cc->flags & (CALL_REFERENCE | CALL_STAR_ARGS | CALL_KW_SPLAT)) ||
        cc->nargs > cc->args.count)
      return false;
    const char *arg = index_argument(m->ix, callers[i], (DefRef){file, c->def}, p);
    if (arg && !falsy(arg)) return false;
  }
  return n > 0;
}

/* The code of a method call on a client of a library (`o`): a sync client's
 * method that sends a request blocks (FAN501 for HTTP, else the client's code
 * or FAN505); `local=` methods build a local object without I/O
 * (conn.cursor()), `io=` lists the only methods that send (an HTTP client's
 * get, post, ...; `build_request` and the rest are local), and
 * `client.release` methods free a client without a request. A client that is
 * both sync and async blocks in its LangChain sync methods. NULL: none. */
static const RuleInfo *client_method_code(const Model *m, const Origin *o, const char *method) {
  const char *async_attr = fact_get(o->fact, ATTR_ASYNC), *kind = fact_get(o->fact, ATTR_KIND);
  if (!async_attr) async_attr = "";
  if (!kind) kind = "";
  char key[64];
  snprintf(key, sizeof key, ".%s", method);
  bool sends = !fact_get(o->fact, ATTR_IO) || fact_lists(o->fact, ATTR_IO, method);
  if (strcmp(async_attr, "no") == 0 && !async_mode(m, o) && sends &&
      !fact_lists(o->fact, ATTR_LOCAL, method) && !knowledge_has(m->k, FACT_CLIENT_RELEASE, method))
    return fact_code(o->fact)          ? fact_code(o->fact) /* an SDK over HTTP: code=FAN505 */
           : strcmp(kind, "http") == 0 ? blocker(RULE_FAN501)
                                       : blocker(RULE_FAN505);
  if (strcmp(async_attr, "both") == 0 && knowledge_has(m->k, FACT_BLOCKING_LANGCHAIN, key))
    return blocker(RULE_FAN505);
  return NULL;
}

/* The fact of the method callee[0..n) calls when it returns a future whose
 * waiting methods block (rules/libraries.txt `blocking.future .submit
 * waits=result`), or NULL. */
static const Fact *future_maker(const Model *m, const char *callee, size_t n) {
  char *head = xstrndup(callee, n);
  const char *dot = strrchr(head, '.');
  const Fact *f = dot ? knowledge_get(m->k, FACT_BLOCKING_FUTURE, dot) : NULL;
  free(head);
  return f;
}

/* Whether call `c` blocks the thread it runs on, and as what: a blocking API by its canonical
 * name, `.result()` on a future made in place, a blocking method of an object made in place, or a
 * method of a receiver traced to its constructor (a client, a future, a loop's element). The
 * caller frees b.what. */
static Blocking blocking_call(const Model *m, uint32_t file, const Call *c) {
  Blocking b = {0};
  if (c->flags & (CALL_REFERENCE | CALL_IN_LAMBDA | CALL_AWAITED | CALL_DECORATOR)) return b;
  if (branch_never_taken(m, file, c)) return b;
  if (model_zero_arg(c) && str_ends_with(c->callee, "sleep"))
    return b; /* `time.sleep(0)` only yields the thread */
  /* the project's own function of a library's name (`def open(name): ...`)
   * is followed as a helper, not taken for the library's */
  const Facts *f = &m->ix->files[file];
  Targets own = index_call_targets(m->ix, file, (uint32_t)(c - f->calls.items));
  if (own.how == RESOLVED_EXACT && !strchr(c->callee, '.')) return b;
  char *canon = model_canonical(m, file, c->def, c->callee);
  const Fact *fact = knowledge_get(m->k, FACT_BLOCKING, canon);
  b.code = file_in_memory(m, file, c, fact) ? NULL : fact_code(fact);
  if (b.code) {
    b.what = canon;
    return b;
  }
  free(canon);
  const char *chained = strstr(c->callee, "().");
  while (chained && strstr(chained + 3, "().")) chained = strstr(chained + 3, "().");
  if (chained && fact_lists(future_maker(m, c->callee, (size_t)(chained - c->callee)), ATTR_WAITS,
                            chained + 3)) { /* executor.submit(f).result() */
    b.code = blocker(RULE_FAN505);
    b.what = xstrdup(c->callee);
    return b;
  }
  const char *dot = strrchr(c->callee, '.');
  const char *made = dot ? strstr(c->callee, "().") : NULL;
  if (made && made + 2 == dot && !memchr(c->callee, '(', (size_t)(made - c->callee))) {
    /* `PyPDFLoader(path).load()`: a method of an object made in place */
    char *ctor = xstrndup(c->callee, (size_t)(made - c->callee));
    char *canon_ctor = model_canonical(m, file, c->def, ctor);
    b.code = fact_code(method_fact(m, file, c, canon_ctor, dot + 1));
    if (b.code) b.what = xasprintf("%s().%s", canon_ctor, dot + 1);
    free(canon_ctor);
    free(ctor);
    return b;
  }
  if (!dot || strchr(c->callee, '(')) return b;
  const char *method = dot + 1;
  char *recv = xstrndup(c->callee, (size_t)(dot - c->callee));
  /* the receiver chain: `client.chat.completions.create` -> client */
  for (char *cut = recv + strlen(recv); cut; cut = strrchr(recv, '.')) {
    *cut = '\0';
    Origin o;
    if (!model_origin(m, file, c->def, recv, &o)) {
      char *element = strchr(recv, '.') ? NULL : loop_element(m, file, c->def, recv);
      if (!element) continue;
      b.code = fact_code(method_fact(m, file, c, element, method));
      if (b.code) b.what = xasprintf("%s.%s (%s)", recv, method, element);
      free(element);
      break;
    }
    const Fact *mf = method_fact(m, file, c, o.ctor, method);
    const Call *ctor_call = o.call >= 0 ? &m->ix->files[o.file].calls.items[o.call] : NULL;
    if (mf && ctor_call && ctor_call->nargs &&
        pseudo_file(ctor_call->arg0)) { /* Path("/sys/...").read_text() */
      origin_free(&o);
      break;
    }
    if (mf) {
      b.code = fact_code(mf);
    } else if (o.fact && o.fact->kind == FACT_CLIENT) {
      b.code = client_method_code(m, &o, method);
    } else if (o.call >= 0 &&
               fact_lists(future_maker(m, m->ix->files[o.file].calls.items[o.call].callee,
                                       strlen(m->ix->files[o.file].calls.items[o.call].callee)),
                          ATTR_WAITS, method)) {
      b.code = blocker(RULE_FAN505);
    }
    if (b.code) b.what = xasprintf("%s.%s (%s)", recv, method, o.ctor);
    origin_free(&o);
    break;
  }
  free(recv);
  return b;
}

/* A blocking call in a sync function of the project. */
typedef struct {
  const RuleInfo *code;
  uint32_t file, call;
} Block;

/* The blocking calls a sync function makes, itself or through the sync
 * project functions it calls: a few, in the order they come. */
enum { BLOCKS_CAP = 4 };
typedef struct {
  uint8_t state; /* 0 not computed, 1 computing, 2 done */
  uint8_t n;
  Block b[BLOCKS_CAP];
} HelperMemo;

static void add_block(HelperMemo *h, Block b) {
  for (uint8_t i = 0; i < h->n; i++)
    if (h->b[i].file == b.file && h->b[i].call == b.call) return;
  if (h->n < BLOCKS_CAP) h->b[h->n++] = b;
}

/* Whether a def is under a memoizing decorator (`@functools.lru_cache`): its
 * body runs once per argument, so its blocking is a one-time cost. */
static bool memoized(const Model *m, DefRef d) {
  const Facts *f = &m->ix->files[d.file];
  const Def *def = &f->defs.items[d.def];
  for (uint32_t k = 0; k < def->decorators.count; k++) {
    const char *text = f->names.items[def->decorators.first + k];
    char *name = xstrndup(text, strcspn(text, "("));
    char *canon = model_canonical(m, d.file, d.def, name);
    bool hit = knowledge_has(m->k, FACT_MEMOIZE, canon);
    free(canon);
    free(name);
    if (hit) return true;
  }
  return false;
}

/* The blocking calls a sync function makes, itself or through the sync
 * project functions it calls; none for a memoized one. A function already
 * being computed (recursion) adds nothing. */
static const HelperMemo *sync_blocks(const Model *m, DefRef d, HelperMemo *memo, unsigned depth) {
  static const HelperMemo none = {2, 0, {{0}}};
  uint32_t g = index_global_def(m->ix, d);
  if (memo[g].state == 2) return &memo[g];
  if (memo[g].state == 1 || depth > 6) {
    *m->cut = true; /* a cycle or too deep: see Model.cut */
    return &none;
  }
  if (memoized(m, d)) { /* runs once per argument: no blocker on every call */
    memo[g].state = 2;
    return &memo[g];
  }
  memo[g].state = 1;
  const Facts *f = &m->ix->files[d.file];
  HelperMemo result = {2, 0, {{0}}};
  Span own = f->defs.items[d.def].own_calls;
  for (uint32_t o = own.first; o < own.end && result.n < BLOCKS_CAP; o++) {
    uint32_t i = f->call_order.items[o];
    const Call *c = &f->calls.items[i];
    Blocking b = blocking_call(m, d.file, c);
    if (b.code) {
      add_block(&result, (Block){b.code, d.file, i});
      free((char *)b.what);
      continue;
    }
    if (c->flags & (CALL_REFERENCE | CALL_IN_LAMBDA)) continue;
    Targets ts = followed_targets(m->ix, d.file, i);
    for (uint32_t k = 0; k < ts.len; k++) {
      DefRef t = ts.items[k];
      const Def *td = index_def(m->ix, t);
      /* itself (recursion) blocks no more than it does */
      if (td->kind != DEF_FUNCTION || td->is_async || (t.file == d.file && t.def == d.def))
        continue;
      const HelperMemo *inner = sync_blocks(m, t, memo, depth + 1);
      for (uint8_t j = 0; j < inner->n; j++) add_block(&result, inner->b[j]);
    }
  }
  memo[g] = result;
  return &memo[g];
}

/* What a blocker of that rule is, in words. */
static const char *code_words(const RuleInfo *code) {
  switch (code->rule) {
  case RULE_FAN501: return "sync HTTP";
  case RULE_FAN502: return "time.sleep";
  case RULE_FAN503: return "sync file I/O";
  case RULE_FAN504: return "a subprocess wait";
  case RULE_FAN505: return "a sync SDK call";
  default: return "CPU-heavy work";
  }
}

/* One minimal change for a blocking call made on the loop. */
static char *next_step(const RuleInfo *code, const char *callee, bool helper) {
  if (helper || code->rule == RULE_FAN506 || code->rule == RULE_FAN505)
    return xasprintf("run it in a worker thread: `await asyncio.to_thread(%s, ...)`%s", callee,
                     code->rule == RULE_FAN505 && !helper ? ", or use the SDK's async client" : "");
  if (code->rule == RULE_FAN502) return xstrdup("use `await asyncio.sleep(...)`");
  if (code->rule == RULE_FAN501)
    return xstrdup("use an async client (`httpx.AsyncClient`, `aiohttp`), or "
                   "`await asyncio.to_thread(...)` around the call");
  if (code->rule == RULE_FAN504)
    return xstrdup(
        "use `await asyncio.create_subprocess_exec(...)` and `await proc.communicate()`");
  return xstrdup("move the file work into a sync function and run it with "
                 "`await asyncio.to_thread(...)`, or use `aiofiles`");
}

/* The async variant of sync helper `t`, when the project has one beside it
 * (`perform_completion_with_backoff` and `aperform_completion_with_backoff`,
 * `generate` and `agenerate`, `_run` and `_arun`, `x_async`, `async_x`):
 * awaiting it is the fix, at each call site. */
static DefRef async_twin(const Index *ix, DefRef t) {
  const Facts *f = &ix->files[t.file];
  const Def *d = index_def(ix, t);
  bool method = d->parent > 0 && f->defs.items[d->parent].kind == DEF_CLASS;
  const char *name = d->name, *lead = "";
  if (*name == '_') lead = "_", name++;
  for (int form = 0; form < 3; form++) {
    char *twin = form == 0   ? xasprintf("%sa%s", lead, name)
                 : form == 1 ? xasprintf("%sasync_%s", lead, name)
                             : xasprintf("%s%s_async", lead, name);
    char *dotted = method ? xasprintf("self.%s", twin) : xstrdup(twin);
    free(twin);
    DefRef r = index_resolve_name(ix, t.file, t.def, dotted);
    free(dotted);
    if (defref_ok(r) && index_def(ix, r)->kind == DEF_FUNCTION && index_def(ix, r)->is_async)
      return r;
  }
  return (DefRef){0, -1};
}

/* Whether def `def` calls something named `name` (`name(...)`, `x.name(...)`). */
static bool calls_name(const Facts *f, int32_t def, const char *name) {
  Span own = f->defs.items[def].own_calls;
  for (uint32_t k = own.first; k < own.end; k++) {
    const Call *c = &f->calls.items[f->call_order.items[k]];
    const char *last = strrchr(c->callee, '.');
    if (strcmp(last ? last + 1 : c->callee, name) == 0) return true;
  }
  return false;
}

static void report(Model *m, uint32_t file, const Call *c, const RuleInfo *code, const char *what,
                   const Block *via, DefRef twin, Findings *out) {
  const RuleInfo *codebuf = code;
  char *where = index_def_name(m->ix, (DefRef){file, c->def});
  char *msg, *evidence, *step;
  if (via) {
    const Call *inner = &m->ix->files[via->file].calls.items[via->call];
    msg = xasprintf("`%s(...)` blocks the event loop in async %s: it runs %s (`%s` at %s:%u)",
                    c->callee, where, code_words(codebuf), inner->callee,
                    m->ix->files[via->file].path, inner->pos.line);
    evidence = xasprintf("sync function `%s` is called directly on the loop thread", c->callee);
  } else {
    msg = xasprintf("`%s` blocks the event loop in async %s (%s)", c->callee, where,
                    code_words(codebuf));
    evidence = xasprintf("%s is a blocking call, made directly in an async def", what);
  }
  if (defref_ok(twin) && calls_name(&m->ix->files[file], c->def, index_def(m->ix, twin)->name)) {
    /* the caller awaits the variant elsewhere (`if llm.is_async: await
     * llm.agenerate(...) else: llm.generate(...)`): the sync one is meant */
    step = xasprintf("run it in a worker thread: `await asyncio.to_thread(%s, ...)`", c->callee);
  } else if (defref_ok(twin)) {
    const char *dot = strrchr(c->callee, '.'); /* keep the receiver: `llm.agenerate` */
    step = xasprintf("await the project's async variant instead: `await %.*s%s(...)`",
                     (int)(dot ? dot + 1 - c->callee : 0), c->callee, index_def(m->ix, twin)->name);
  } else {
    step = next_step(codebuf, c->callee, via != NULL);
  }
  Finding *f =
      findings_add(out, m->ix, codebuf->rule, file, c->def, c->pos, msg, evidence, step, NULL);
  if (via)
    finding_relate(f, via->file, m->ix->files[via->file].calls.items[via->call].pos,
                   xstrdup("the blocking call"));
  free(where);
}

/* A blocking call in a sync helper, reached from an async call site. */
typedef struct {
  uint32_t file, call; /* the call made on the loop */
  Block via;           /* a blocking call it leads to */
  DefRef twin;         /* the helper's async variant, or def < 0 */
  ResolvedHow how;     /* how the helper was found */
  uint32_t ntargets;
  uint32_t order; /* the order reaches were found in */
  bool at_helper; /* reported once, at the helper */
  bool shared;    /* its blocking call is reported at its helper (for other sites) */
} Reach;
typedef Array(Reach) Reaches;

/* From this many async call sites on, a blocking helper is reported once, at
 * the helper: the fix goes there, and `# noqa` on every caller is no fix. */
enum { HELPER_MANY = 3 };

static int cmp_block(const void *pa, const void *pb) {
  const Reach *a = pa, *b = pb;
  if (a->via.file != b->via.file) return a->via.file < b->via.file ? -1 : 1;
  if (a->via.call != b->via.call) return a->via.call < b->via.call ? -1 : 1;
  if (a->file != b->file) return a->file < b->file ? -1 : 1;
  return a->call < b->call ? -1 : a->call > b->call;
}

/* Sites in order, and a site's blocking calls in the order they were found. */
static int cmp_site(const void *pa, const void *pb) {
  const Reach *a = pa, *b = pb;
  if (a->file != b->file) return a->file < b->file ? -1 : 1;
  if (a->call != b->call) return a->call < b->call ? -1 : 1;
  return a->order < b->order ? -1 : a->order > b->order;
}

/* The one change that fixes every caller, made in the helper. */
static char *helper_step(const RuleInfo *code) {
  if (code->rule == RULE_FAN502)
    return xstrdup("fix it once, in the helper: give it an async variant that waits with "
                   "`await asyncio.sleep(...)`, and await that from the async callers");
  return xasprintf("fix it once, in the helper: give it an async variant that runs the blocking "
                   "part with `await asyncio.to_thread(...)`%s, and await that from the async "
                   "callers",
                   code->rule == RULE_FAN503 || code->rule == RULE_FAN501
                       ? " (or, when callers need no result, hand the work to a background "
                         "thread through a queue)"
                       : "");
}

/* One finding at the blocking call for the `n` sites of `r` (all reaching it
 * from async code), with a few of them as related locations. */
static void report_helper(Model *m, const Reach *const *r, uint32_t n, Findings *out) {
  const Index *ix = m->ix;
  const Block *via = &r[0]->via;
  const Facts *hf = &ix->files[via->file];
  const Call *inner = &hf->calls.items[via->call];
  uint32_t funcs = 0;
  bool exact = false;
  for (uint32_t i = 0; i < n; i++) {
    const Call *c = &ix->files[r[i]->file].calls.items[r[i]->call];
    bool seen = false;
    for (uint32_t k = 0; k < i && !seen; k++)
      seen =
          r[k]->file == r[i]->file && ix->files[r[k]->file].calls.items[r[k]->call].def == c->def;
    funcs += !seen;
    exact |= !resolved_inferred(r[i]->how);
  }
  char *helper = index_def_name(ix, (DefRef){via->file, inner->def});
  const Call *first = &ix->files[r[0]->file].calls.items[r[0]->call];
  char *caller = index_def_name(ix, (DefRef){r[0]->file, first->def});
  Finding *f = findings_add(
      out, ix, via->code->rule, via->file, inner->def, inner->pos,
      xasprintf("`%s` in sync %s blocks the event loop of every async caller: %u call sites in "
                "%u async functions reach it (%s)",
                inner->callee, helper, n, funcs, code_words(via->code)),
      xasprintf("the helper is called on the loop thread from %u places, e.g. `%s(...)` in async "
                "%s; the fix goes in the helper, once",
                n, first->callee, caller),
      helper_step(via->code),
      xstrdup("event-loop lag (asyncio debug `Executing ... took`) and the p95 of the phases "
              "that call it"));
  for (uint32_t i = 0; i < n && i < 5; i++) {
    const Call *c = &ix->files[r[i]->file].calls.items[r[i]->call];
    char *name = index_def_name(ix, (DefRef){r[i]->file, c->def});
    finding_relate(f, r[i]->file, c->pos, xasprintf("called on the loop in async %s", name));
    free(name);
  }
  if (!exact)
    finding_mark_inferred(f, first->callee, r[0]->ntargets, r[0]->how,
                          "the blocking one is followed");
  free(caller);
  free(helper);
}

/* Per blocking call in a helper: once at the helper when many async sites of
 * the same kind of code reach it (tests calling a production helper keep
 * their own findings, hidden by default, and do not count), else at each
 * site; a site whose helper has an async variant is always fixed at the
 * site. A site is reported for the first blocking call it reaches that is
 * reported at no helper, else the first not reported at its own. */
static void report_reaches(Model *m, Reaches *rs, Findings *out) {
  if (rs->len > 1) qsort(rs->items, rs->len, sizeof(Reach), cmp_block);
  const uint8_t *kinds = m->ix->kinds;
  Array(const Reach *) many = {0};
  for (uint32_t i = 0, j; i < rs->len; i = j) {
    const Reach *g = &rs->items[i];
    for (j = i + 1; j < rs->len && rs->items[j].via.file == g->via.file &&
                    rs->items[j].via.call == g->via.call;
         j++)
      ;
    bool support = kinds[g->via.file] != 0;
    many.len = 0;
    for (uint32_t k = i; k < j; k++)
      if (!defref_ok(rs->items[k].twin) && (support || !kinds[rs->items[k].file]))
        array_push(&many, &rs->items[k]);
    if (many.len < HELPER_MANY) continue;
    report_helper(m, many.items, many.len, out);
    for (uint32_t k = 0; k < many.len; k++) ((Reach *)many.items[k])->at_helper = true;
    for (uint32_t k = i; k < j; k++) rs->items[k].shared = true;
  }
  array_free(&many);
  if (rs->len > 1) qsort(rs->items, rs->len, sizeof(Reach), cmp_site);
  for (uint32_t i = 0, j; i < rs->len; i = j) {
    const Reach *r = NULL, *own = NULL; /* own: a blocking call not reported elsewhere */
    for (j = i; j < rs->len && rs->items[j].file == rs->items[i].file &&
                rs->items[j].call == rs->items[i].call;
         j++) {
      if (!r && !rs->items[j].at_helper) r = &rs->items[j];
      if (!own && !rs->items[j].at_helper && !rs->items[j].shared) own = &rs->items[j];
    }
    if (own) r = own; /* name the helper's own blocking, not a shared one (telemetry) */
    if (!r) continue;
    const Call *c = &m->ix->files[r->file].calls.items[r->call];
    uint32_t before = out->len;
    report(m, r->file, c, r->via.code, NULL, &r->via, r->twin, out);
    if (out->len > before && resolved_inferred(r->how))
      finding_mark_inferred(array_last(out), c->callee, r->ntargets, r->how,
                            "the blocking one is followed");
  }
}

struct BlockingMemo {
  HelperMemo *helpers; /* per global def */
};

struct BlockingReached {
  Reaches reaches;
};

BlockingMemo *blocking_memo_new(const Index *ix) {
  BlockingMemo *memo = xcalloc(1, sizeof *memo);
  memo->helpers = xcalloc(ix->ndefs + 1, sizeof(HelperMemo));
  return memo;
}

void blocking_memo_free(BlockingMemo *memo) {
  if (memo) free(memo->helpers);
  free(memo);
}

void check_blocking_files(Model *m, BlockingMemo *memo, uint32_t from, uint32_t to, Findings *out,
                          BlockingReached **reached) {
  const Index *ix = m->ix;
  Reaches *reaches = &(*reached = xcalloc(1, sizeof **reached))->reaches;
  for (uint32_t fi = from; fi < to; fi++) {
    const Facts *f = &ix->files[fi];
    for (uint32_t i = 0; i < f->calls.len; i++) {
      const Call *c = &f->calls.items[i];
      const Def *d = &f->defs.items[c->def];
      if (d->kind != DEF_FUNCTION || !d->is_async) continue;
      Blocking b = blocking_call(m, fi, c);
      if (b.code) {
        report(m, fi, c, b.code, b.what, NULL, (DefRef){0, -1}, out);
        free((char *)b.what);
        continue;
      }
      if (c->flags & (CALL_REFERENCE | CALL_IN_LAMBDA | CALL_AWAITED | CALL_DECORATOR)) continue;
      Targets ts = followed_targets(ix, fi, i);
      for (uint32_t k = 0; k < ts.len; k++) {
        DefRef t = ts.items[k];
        const Def *td = index_def(ix, t);
        if (td->kind != DEF_FUNCTION || td->is_async) continue;
        const HelperMemo *h = sync_blocks(m, t, memo->helpers, 0);
        if (!h->n) continue;
        DefRef twin = async_twin(ix, t);
        for (uint8_t j = 0; j < h->n; j++) {
          Reach r = {fi, i, h->b[j], twin, ts.how, ts.len, 0, false, false};
          array_push(reaches, r);
        }
        break;
      }
    }
  }
}

void check_blocking_reached(Model *m, BlockingReached **pieces, uint32_t n, Findings *out) {
  Reaches all = {0};
  for (uint32_t k = 0; k < n; k++) {
    for (uint32_t i = 0; i < pieces[k]->reaches.len; i++) {
      Reach r = pieces[k]->reaches.items[i];
      r.order = all.len; /* found in file order, as one scan finds them */
      array_push(&all, r);
    }
    blocking_reached_free(pieces[k]);
    pieces[k] = NULL;
  }
  report_reaches(m, &all, out);
  array_free(&all);
}

void blocking_reached_free(BlockingReached *r) {
  if (r) array_free(&r->reaches);
  free(r);
}

void check_blocking(Model *m, Findings *out) {
  BlockingMemo *memo = blocking_memo_new(m->ix);
  BlockingReached *reached;
  check_blocking_files(m, memo, 0, m->ix->nfiles, out, &reached);
  check_blocking_reached(m, &reached, 1, out);
  blocking_memo_free(memo);
}
