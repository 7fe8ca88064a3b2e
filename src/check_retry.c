/* FAN4xx retry storms: no jitter, too many or unbounded attempts, retries
 * stacked over an SDK's own, retrying every exception. Decorators (tenacity,
 * backoff, stamina) and hand-written retry loops. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "retry_policy.h"

typedef struct {
  const char *lib;  /* tenacity, backoff, stamina */
  const char *text; /* the decorator's source text */
  const Facts *f;
  const Call *call; /* the decorator call, or NULL for a bare @retry */
  uint32_t file;
  int32_t def;
  Pos pos;
} Decorator;

/* The configuration's `retry-max-attempts`, else the rules'. */
static long max_attempts(const Model *m) { return m->settings.retry_max_attempts; }

static const char *kwarg(const Decorator *d, const char *name) {
  return d->call ? model_kwarg(d->f, d->call, name) : NULL;
}

/* A count the policy states: `stop_after_attempt(n)`'s n, resolved. -1 when unknown. */
static long resolved_count(const Model *m, const Decorator *d, const char *text) {
  const char *v = retry_policy_value(m, (uint32_t)(d->f - m->ix->files),
                                     d->call ? d->call->def : d->def, text, 0);
  if (!v || *v < '0' || *v > '9') return -1;
  return strtol(v, NULL, 10);
}

/* The n-th top-level positional argument in a call's source text. */
static char *nth_arg(const char *call_text, unsigned n) {
  const char *p = strchr(call_text, '(');
  if (!p) return NULL;
  const char *start = ++p;
  int depth = 0;
  unsigned k = 0;
  for (;; p++) {
    bool end = !*p || (depth == 0 && (*p == ')' || *p == ','));
    if (end) {
      if (k == n) {
        while (*start == ' ' || *start == '\n') start++;
        const char *e = p;
        while (e > start && (e[-1] == ' ' || e[-1] == '\n')) e--;
        if (e == start || memchr(start, '=', (size_t)(e - start))) return NULL; /* keyword */
        return xstrndup(start, (size_t)(e - start));
      }
      if (*p != ',') return NULL;
      k++;
      start = p + 1;
      continue;
    }
    if (*p == '(' || *p == '[' || *p == '{')
      depth++;
    else if (*p == ')' || *p == ']' || *p == '}')
      depth--;
  }
}

/* An SDK call under a retry layer, with the SDK client's own retries. */
typedef struct {
  char *what;    /* "`self.client.create` (openai.AsyncOpenAI, 2 retries of its own)" */
  long retries;  /* the client's own retries */
  bool explicit; /* max_retries= was given where the client was built */
  CallRef via;   /* the first inferred call on the way ({0, UINT32_MAX}: none) */
} Stacked;

/* Whether `a` is a stronger case of stacking than `b`: found without inference,
 * the SDK default left in place, more retries. */
static bool stacked_worse(const Stacked *a, const Stacked *b) {
  bool ai = a->via.call != UINT32_MAX, bi = b->via.call != UINT32_MAX;
  if (ai != bi) return !ai;
  if (a->explicit != b->explicit) return !a->explicit;
  return a->retries > b->retries;
}

/* FAN403: the retried function reaches (depth 4) an SDK client that retries
 * each attempt again. Fills the strongest such call into `out`. */
static bool stacked_sdk(Model *m, const Decorator *d, Stacked *out) {
  DefRefs reach = {0};
  CallRefs via = {0};
  model_reach_via(m, (DefRef){d->file, d->def}, 4, &reach, &via);
  bool found = false;
  for (uint32_t r = 0; r < reach.len; r++) {
    const Facts *f = &m->ix->files[reach.items[r].file];
    Span own = f->defs.items[reach.items[r].def].own_calls;
    for (uint32_t k = own.first; k < own.end; k++) {
      uint32_t c = f->call_order.items[k];
      External e;
      if (via.items[r].call != UINT32_MAX &&
          !retry_policy_runs_under(m->ix, (DefRef){d->file, d->def}, reach.items[r]))
        break;
      if (!model_external_call(m, reach.items[r].file, c, &e)) continue;
      const char *retries = e.has_origin ? fact_get(e.origin.fact, ATTR_RETRIES) : NULL;
      if (retries && atol(retries) > 0) {
        const char *given = NULL;
        if (e.origin.call >= 0) {
          const Facts *of = &m->ix->files[e.origin.file];
          const Call *oc = &of->calls.items[e.origin.call];
          given = model_kwarg(of, oc, "max_retries");
          const char *v = given ? retry_policy_value(m, e.origin.file, oc->def, given, 0) : NULL;
          if (v && *v >= '0' && *v <= '9') given = v;
        }
        /* an explicit value the analysis cannot read counts as 0: unknown */
        long n = given ? strtol(given, NULL, 10) : atol(retries);
        Stacked s = {NULL, n, given != NULL, via.items[r]};
        if (n > 0 && (!found || stacked_worse(&s, out))) {
          s.what = xasprintf("`%s` (%s, %s retries of its own%s)", f->calls.items[c].callee,
                             e.origin.ctor, given ? given : retries, given ? "" : " by default");
          if (found) free(out->what);
          *out = s;
          found = true;
        }
      }
      external_free(&e);
    }
  }
  array_free(&reach);
  array_free(&via);
  return found;
}

#define ATTEMPTS_FOREVER (-2) /* no stop: retries without end */
#define ATTEMPTS_UNKNOWN (-1)

/* FAN403 on a retry layer making `attempts` attempts: attempts multiply with
 * the SDK's. A storm when the SDK's retries were left at their default (two
 * layers nobody weighed against each other) or the product exceeds the
 * `retry.max-attempts` budget; inner retries lowered on purpose with an outer
 * layer small enough keep the stack within budget. */
static void check_stacked(Model *m, const Decorator *d, long attempts, const char *where,
                          Findings *out) {
  Stacked s = {0};
  if (!stacked_sdk(m, d, &s)) return;
  long cap = max_attempts(m);
  long product = attempts > 0 ? attempts * (s.retries + 1) : -1;
  if (!s.explicit || attempts == ATTEMPTS_FOREVER || product > cap) {
    char *count = attempts == ATTEMPTS_FOREVER ? xstrdup("without end")
                  : product > 0 ? xasprintf("up to %ld requests per call (%ld x %ld)", product,
                                            attempts, s.retries + 1)
                                : xstrdup("each");
    Finding *fd = findings_add(
        out, m->ix, RULE_FAN403, d->file, d->def, d->pos,
        xasprintf("retry on %s wraps %s: attempts multiply, %s", where, s.what, count),
        xasprintf("decorator: %s; the SDK retries each attempt again", d->text),
        xstrdup("build the SDK client with `max_retries=0` and keep one retry layer"), NULL);
    retry_mark_inferred(m, fd, s.via);
    free(count);
  }
  free(s.what);
}

/* What every library's decorator checks share. */
typedef struct {
  Model *m;
  const Decorator *d;
  Findings *out;
  long cap;       /* more attempts than this: FAN402 */
  char *where;    /* the retried function */
  uint32_t pfile; /* where the policy is written */
  int32_t pdef;
  bool given; /* `@retry(**self.retry_config)`: settings from the caller */
} DecoratorCheck;

/* A finding on the decorator, its text the evidence. */
static void flag(const DecoratorCheck *c, Rule rule, char *msg, char *next) {
  findings_add(c->out, c->m->ix, rule, c->d->file, c->d->def, c->d->pos, msg,
               xasprintf("decorator: %s", c->d->text), next, NULL);
}

/* tenacity: `@retry(wait=..., stop=..., retry=..., before_sleep=...)`. */
static long tenacity_checks(const DecoratorCheck *c) {
  Model *m = c->m;
  const Decorator *d = c->d;
  long attempts = ATTEMPTS_UNKNOWN;
  const char *wait = kwarg(d, "wait"), *stop = kwarg(d, "stop"), *retry = kwarg(d, "retry");
  /* `stop=STOP_POLICY`: the policy a name holds */
  const char *v;
  if (wait && (v = retry_policy_value(m, c->pfile, c->pdef, wait, 0))) wait = v;
  if (stop && (v = retry_policy_value(m, c->pfile, c->pdef, stop, 0))) stop = v;
  if (retry && (v = retry_policy_value(m, c->pfile, c->pdef, retry, 0))) retry = v;
  if ((!wait && !c->given) || (wait && !retry_has_randomness(m, wait)))
    flag(c, RULE_FAN401,
         wait ? xasprintf("retry on %s waits `%s` with no random part: concurrent tasks retry "
                          "in lockstep",
                          c->where, wait)
              : xasprintf("retry on %s has no `wait=`: failed calls are retried immediately",
                          c->where),
         xstrdup("use `wait=wait_random_exponential(multiplier=1, max=30)` (or add "
                 "`+ wait_random(0, 1)`)"));
  char *n_text = retry_policy_args(stop, "stop_after_attempt(");
  long n = n_text ? resolved_count(m, d, n_text) : -1;
  attempts = !stop && !c->given ? ATTEMPTS_FOREVER : n > 0 ? n : ATTEMPTS_UNKNOWN;
  if ((!stop && !c->given) || n > c->cap)
    flag(c, RULE_FAN402,
         !stop ? xasprintf("retry on %s has no `stop=`: tenacity retries forever", c->where)
               : xasprintf("retry on %s allows %ld attempts (more than %ld)%s%s%s", c->where, n,
                           c->cap, n_text && (*n_text < '0' || *n_text > '9') ? ": `" : "",
                           n_text && (*n_text < '0' || *n_text > '9') ? n_text : "",
                           n_text && (*n_text < '0' || *n_text > '9') ? "` by default" : ""),
         xstrdup("add `stop=stop_after_attempt(5) | stop_after_delay(60)`"));
  free(n_text);
  /* retry_if_exception_type(types): the types, through a config field */
  char *types = retry_policy_args(retry, "retry_if_exception_type(");
  const char *resolved = types ? retry_policy_value(m, c->pfile, c->pdef, types, 0) : NULL;
  bool every = (!retry && !c->given) || (retry && strstr(retry, "retry_if_exception_type()")) ||
               (types && retry_catches_everything(resolved ? resolved : types));
  if (every)
    findings_add(
        c->out, m->ix, RULE_FAN404, d->file, d->def, d->pos,
        xasprintf("retry on %s retries every exception, programming errors included", c->where),
        xasprintf("decorator: %s%s%s%s%s", d->text, retry ? "" : " (no `retry=`: any Exception)",
                  resolved && resolved != types ? "; `" : "",
                  resolved && resolved != types ? types : "",
                  resolved && resolved != types ? "` holds Exception by default" : ""),
        xstrdup("retry only transient errors: "
                "`retry=retry_if_exception_type((httpx.TimeoutException, "
                "httpx.ConnectError))` or the SDK's RateLimitError/APIConnectionError"),
        NULL);
  free(types);
  if (!kwarg(d, "before_sleep") && !kwarg(d, "after") && !kwarg(d, "before") && !c->given)
    flag(c, RULE_FAN902, xasprintf("retry on %s never logs its attempts", c->where),
         xstrdup("add `before_sleep=before_sleep_log(logger, logging.WARNING)`"));
  return attempts;
}

/* backoff: `@backoff.on_exception(wait_gen, types, max_tries=..., jitter=...)`. */
static long backoff_checks(const DecoratorCheck *c) {
  Model *m = c->m;
  const Decorator *d = c->d;
  long attempts = ATTEMPTS_UNKNOWN;
  const char *jitter = kwarg(d, "jitter");
  if (jitter && strcmp(jitter, "None") == 0)
    flag(c, RULE_FAN401, xasprintf("backoff on %s turns jitter off (`jitter=None`)", c->where),
         xstrdup("drop `jitter=None` (full jitter is the default)"));
  const char *tries = kwarg(d, "max_tries"), *time = kwarg(d, "max_time");
  long n = tries ? resolved_count(m, d, tries) : -1;
  attempts = !tries && !time && !c->given ? ATTEMPTS_FOREVER : n > 0 ? n : ATTEMPTS_UNKNOWN;
  if ((!tries && !time && !c->given) || n > c->cap)
    flag(c, RULE_FAN402,
         !tries && !time
             ? xasprintf("backoff on %s has neither `max_tries` nor `max_time`: it "
                         "retries forever",
                         c->where)
             : xasprintf("backoff on %s allows %ld tries (more than %ld)", c->where, n, c->cap),
         xstrdup("add `max_tries=5, max_time=60`"));
  char *exc = strstr(d->text, "on_exception") ? nth_arg(d->text, 1) : NULL;
  const char *types = exc ? retry_policy_value(m, c->pfile, c->pdef, exc, 0) : NULL;
  if (exc && retry_catches_everything(types ? types : exc))
    flag(c, RULE_FAN404, xasprintf("backoff on %s retries every exception (`%s`)", c->where, exc),
         xstrdup("retry only transient errors (timeouts, connection errors, 429/5xx)"));
  free(exc);
  if (!kwarg(d, "on_backoff") && !kwarg(d, "on_giveup") && !c->given)
    flag(c, RULE_FAN902, xasprintf("backoff on %s never logs its attempts", c->where),
         xstrdup("add `on_backoff=` with a logging handler"));
  return attempts;
}

/* stamina: `@stamina.retry(on=..., attempts=..., wait_jitter=...)`. */
static long stamina_checks(const DecoratorCheck *c) {
  Model *m = c->m;
  const Decorator *d = c->d;
  long attempts = ATTEMPTS_UNKNOWN;
  const char *jitter = kwarg(d, "wait_jitter"), *tries = kwarg(d, "attempts"),
             *timeout = kwarg(d, "timeout"), *on = kwarg(d, "on");
  if (jitter && strtod(jitter, NULL) == 0.0 && strcmp(jitter, "None") != 0)
    flag(c, RULE_FAN401,
         xasprintf("stamina retry on %s turns jitter off (`wait_jitter=%s`)", c->where, jitter),
         xstrdup("drop `wait_jitter=0`"));
  long n = tries ? resolved_count(m, d, tries) : c->given ? -1 : 10;
  bool forever = tries && strcmp(tries, "None") == 0 && timeout && strcmp(timeout, "None") == 0;
  attempts = forever ? ATTEMPTS_FOREVER : n > 0 ? n : ATTEMPTS_UNKNOWN;
  if (forever || n > c->cap)
    flag(c, RULE_FAN402,
         xasprintf("stamina retry on %s allows %s attempts", c->where, tries ? tries : "?"),
         xstrdup("keep `attempts` at 10 or fewer and a `timeout`"));
  const char *types = on ? retry_policy_value(m, c->pfile, c->pdef, on, 0) : NULL;
  if (on && retry_catches_everything(types ? types : on))
    flag(c, RULE_FAN404,
         xasprintf("stamina retry on %s retries every exception (`on=%s`)", c->where, on),
         xstrdup("retry only transient errors"));
  return attempts;
}

static void check_decorator(Model *m, const Decorator *d, Findings *out) {
  DecoratorCheck c = {m,
                      d,
                      out,
                      max_attempts(m),
                      index_def_name(m->ix, (DefRef){d->file, d->def}),
                      (uint32_t)(d->f - m->ix->files),
                      d->call ? d->call->def : d->def,
                      strstr(d->text, "**") != NULL};
  long attempts = ATTEMPTS_UNKNOWN;
  if (strcmp(d->lib, "tenacity") == 0)
    attempts = tenacity_checks(&c);
  else if (strcmp(d->lib, "backoff") == 0)
    attempts = backoff_checks(&c);
  else if (strcmp(d->lib, "stamina") == 0)
    attempts = stamina_checks(&c);
  check_stacked(m, d, attempts, c.where, out);
  free(c.where);
}

/* `llm_retry = retry(stop=..., wait=...)` at module level, here or in the
 * module a name is imported from: the call that made a decorator name. */
static const Call *alias_call(const Model *m, uint32_t file, const char *name, uint32_t *out_file,
                              unsigned depth) {
  const Facts *f = &m->ix->files[file];
  for (uint32_t i = 0; i < f->assigns.len; i++) {
    const Assign *a = &f->assigns.items[i];
    if (a->def == 0 && a->call >= 0 && strcmp(a->target, name) == 0) {
      *out_file = file;
      return &f->calls.items[a->call];
    }
  }
  for (uint32_t i = 0; i < f->imports.len && depth < 4; i++) {
    const Import *im = &f->imports.items[i];
    if (im->def != 0 || !im->is_from || strcmp(im->bound, name) != 0) continue;
    const char *dot = strrchr(im->target, '.');
    if (!dot) continue;
    char *module = xstrndup(im->target, (size_t)(dot - im->target));
    uint32_t mf;
    bool found = strmap_get(&m->ix->modules, module, &mf);
    free(module);
    if (found) return alias_call(m, mf, dot + 1, out_file, depth + 1);
  }
  return NULL;
}

/* Find the retry decorators of every def, by their own name or through a module-level alias
 * (`llm_retry = retry(...)`), and check each against its library. A scan of the file's calls per
 * known decorator finds the decorator's own call. */
static void check_decorators(Model *m, Findings *out) {
  for (uint32_t fi = 0; fi < m->ix->nfiles; fi++) {
    const Facts *f = &m->ix->files[fi];
    for (uint32_t di = 1; di < f->defs.len; di++) {
      const Def *def = &f->defs.items[di];
      for (uint32_t k = 0; k < def->decorators.count; k++) {
        const char *text = f->names.items[def->decorators.first + k];
        Pos at = f->positions.items[def->decorator_pos + k];
        size_t head = strcspn(text, "(");
        char *name = xstrndup(text, head);
        char *canon = model_canonical(m, fi, (int32_t)di, name);
        const Fact *fact = knowledge_get(m->k, FACT_RETRY_DECORATOR, canon);
        Decorator d = {NULL, text, f, NULL, fi, (int32_t)di, at};
        if (fact) {
          for (uint32_t j = def->own_calls.first; j < def->own_calls.end; j++) {
            const Call *c = &f->calls.items[f->call_order.items[j]]; /* the decorator call itself */
            if ((c->flags & CALL_DECORATOR) && strcmp(c->callee, name) == 0) {
              d.call = c;
              d.pos = d.call->pos;
              break;
            }
          }
        } else if (!text[head]) { /* @llm_retry: a name bound to a retry(...) call */
          uint32_t afile;
          const Call *ac = alias_call(m, fi, name, &afile, 0);
          if (ac) {
            char *acanon = model_canonical(m, afile, ac->def, ac->callee);
            fact = knowledge_get(m->k, FACT_RETRY_DECORATOR, acanon);
            free(acanon);
            d.call = ac;
            d.f = &m->ix->files[afile];
          }
        }
        if (fact_get(fact, ATTR_LIB)) {
          d.lib = fact_get(fact, ATTR_LIB);
          check_decorator(m, &d, out);
        }
        free(canon);
        free(name);
      }
    }
  }
}

/* `async for attempt in AsyncRetrying(stop=..., wait=...):` is a retry too. */
static void check_retrying_calls(Model *m, Findings *out) {
  for (uint32_t fi = 0; fi < m->ix->nfiles; fi++) {
    const Facts *f = &m->ix->files[fi];
    for (uint32_t c = 0; c < f->calls.len; c++) {
      const Call *call = &f->calls.items[c];
      if (call->flags & (CALL_DECORATOR | CALL_REFERENCE)) continue;
      const char *last = str_last_component(call->callee);
      if (strcmp(last, "AsyncRetrying") != 0 && strcmp(last, "Retrying") != 0 &&
          strcmp(last, "retry_context") != 0)
        continue;
      char *canon = model_canonical(m, fi, call->def, call->callee);
      const Fact *fact = knowledge_get(m->k, FACT_RETRY_DECORATOR, canon);
      if (fact_get(fact, ATTR_LIB)) {
        Decorator d = {fact_get(fact, ATTR_LIB), canon, f, call, fi, call->def, call->pos};
        check_decorator(m, &d, out);
      }
      free(canon);
    }
  }
}

void check_retry(Model *m, Findings *out) {
  check_decorators(m, out);
  check_retrying_calls(m, out);
  check_retry_loops(m, out);
}
