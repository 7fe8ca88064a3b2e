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

/* Whether an expression uses a random wait (wait_random, random.uniform...). */
static bool has_randomness(const Model *m, const char *text) {
  if (!text) return false;
  for (const Fact *f = knowledge_first(m->k, FACT_RETRY_RANDOM); f; f = knowledge_next(m->k, f))
    if (strstr(text, str_last_component(f->name))) return true;
  return strstr(text, "random") || strstr(text, "jitter");
}

/* Whether a delay is the server's: a Retry-After value (honouring it is what
 * the API asks; the server spreads its clients). */
static bool server_delay(const char *text) {
  return text && (strcasestr(text, "retry_after") || strcasestr(text, "retry-after") ||
                  strcasestr(text, "retryafter"));
}

/* Whether call `call` of `file` runs a project function whose class (or, for
 * a plain function, itself) draws random numbers: a jittered backoff helper
 * (`backoff.delay()`). */
static bool random_helper(const Model *m, uint32_t file, int32_t call) {
  if (call < 0) return false;
  DefRef t = index_call_target(m->ix, file, (uint32_t)call);
  if (!defref_ok(t)) return false;
  const Facts *tf = &m->ix->files[t.file];
  int32_t scope = t.def, parent = tf->defs.items[t.def].parent;
  if (parent > 0 && tf->defs.items[parent].kind == DEF_CLASS) scope = parent;
  const Def *s = &tf->defs.items[scope];
  for (uint32_t c = s->calls_span.first; c < s->calls_span.end; c++)
    if (has_randomness(m, tf->calls.items[c].callee)) return true;
  return false;
}

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

/* Exception types that include programming errors: bare, Exception, BaseException. */
static bool catches_everything(const char *types) {
  if (!types || !*types) return true;
  const char *words[] = {"BaseException", "Exception"};
  for (size_t i = 0; i < 2; i++)
    for (const char *p = strstr(types, words[i]); p; p = strstr(p + 1, words[i])) {
      char before = p == types ? ' ' : p[-1];
      char after = p[strlen(words[i])];
      if ((before == ' ' || before == '(' || before == ',' || before == '.') &&
          (after == '\0' || after == ',' || after == ')' || after == ' '))
        return true;
    }
  return false;
}

/* Only re-prompt exceptions (bad model output), not transport errors. */
/* Whether every type a handler catches is a fact of `kind` (by its dotted or
 * last name). */
static bool types_all(const Model *m, const char *types, FactKind kind) {
  if (!types || !*types) return false;
  char *copy = xstrdup(types);
  bool all = true, any = false;
  for (char *tok = strtok(copy, "(), "); tok; tok = strtok(NULL, "(), ")) {
    any = true;
    if (!knowledge_has(m->k, kind, tok) && !knowledge_has(m->k, kind, str_last_component(tok)))
      all = false;
  }
  free(copy);
  return any && all;
}

static bool reprompt_only(const Model *m, const char *types) {
  /* a bad model output is re-asked, and a control signal (an empty queue,
   * an exhausted iterator) is no failure: neither makes a loop a retry */
  return types_all(m, types, FACT_REPROMPT) || types_all(m, types, FACT_CONTROL_EXCEPTION);
}

static Finding *add(Model *m, Findings *out, Rule code, uint32_t file, int32_t def, Pos pos,
                    char *msg, char *evidence, char *next, char *validate) {
  return findings_add(out, m->ix, code, file, def, pos, msg, evidence, next, validate);
}

/* A finding that rests on an inferred call target says which: confidence medium. */
static void mark_inferred(const Model *m, Finding *fd, CallRef via) {
  if (via.call == UINT32_MAX) return;
  const Facts *f = &m->ix->files[via.file];
  Targets t = index_call_targets(m->ix, via.file, via.call);
  char *tail = xasprintf("called at %s:%u", f->path, f->calls.items[via.call].pos.line);
  finding_mark_inferred(fd, f->calls.items[via.call].callee, t.len, t.how, tail);
  free(tail);
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
    for (uint32_t c = 0; c < f->calls.len; c++) {
      if (f->calls.items[c].def != reach.items[r].def) continue;
      External e;
      if (via.items[r].call != UINT32_MAX &&
          !retry_policy_runs_under(m->ix, (DefRef){d->file, d->def}, reach.items[r]))
        break;
      if (!model_external_call(m, reach.items[r].file, c, &e)) continue;
      char retries[8] = "";
      if (e.has_origin && e.origin.fact &&
          fact_attr(e.origin.fact, "retries", retries, sizeof retries) && atoi(retries) > 0) {
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
    Finding *fd =
        add(m, out, RULE_FAN403, d->file, d->def, d->pos,
            xasprintf("retry on %s wraps %s: attempts multiply, %s", where, s.what, count),
            xasprintf("decorator: %s; the SDK retries each attempt again", d->text),
            xstrdup("build the SDK client with `max_retries=0` and keep one retry layer"),
            xstrdup("requests per logical call and 429 count drop"));
    mark_inferred(m, fd, s.via);
    free(count);
  }
  free(s.what);
}

static void check_decorator(Model *m, const Decorator *d, Findings *out) {
  long cap = max_attempts(m);
  long attempts = ATTEMPTS_UNKNOWN;
  uint32_t pfile = (uint32_t)(d->f - m->ix->files); /* where the policy is written */
  int32_t pdef = d->call ? d->call->def : d->def;
  char *where = index_def_name(m->ix, (DefRef){d->file, d->def});
  const char *validate_storm =
      "429 bursts flatten: retries of concurrent tasks spread out instead of arriving together";
  /* `@retry(**self.retry_config)`: what the caller passes is unknown, so a
   * setting not written here is not missing; those written are judged */
  bool given = strstr(d->text, "**") != NULL;
  if (strcmp(d->lib, "tenacity") == 0) {
    const char *wait = kwarg(d, "wait"), *stop = kwarg(d, "stop"), *retry = kwarg(d, "retry");
    /* `stop=STOP_POLICY`: the policy a name holds */
    const char *v;
    if (wait && (v = retry_policy_value(m, pfile, pdef, wait, 0))) wait = v;
    if (stop && (v = retry_policy_value(m, pfile, pdef, stop, 0))) stop = v;
    if (retry && (v = retry_policy_value(m, pfile, pdef, retry, 0))) retry = v;
    if ((!wait && !given) || (wait && !has_randomness(m, wait)))
      add(m, out, RULE_FAN401, d->file, d->def, d->pos,
          wait ? xasprintf("retry on %s waits `%s` with no random part: concurrent tasks retry "
                           "in lockstep",
                           where, wait)
               : xasprintf("retry on %s has no `wait=`: failed calls are retried immediately",
                           where),
          xasprintf("decorator: %s", d->text),
          xstrdup("use `wait=wait_random_exponential(multiplier=1, max=30)` (or add "
                  "`+ wait_random(0, 1)`)"),
          xstrdup(validate_storm));
    char *n_text = retry_policy_args(stop, "stop_after_attempt(");
    long n = n_text ? resolved_count(m, d, n_text) : -1;
    attempts = !stop && !given ? ATTEMPTS_FOREVER : n > 0 ? n : ATTEMPTS_UNKNOWN;
    if ((!stop && !given) || n > cap)
      add(m, out, RULE_FAN402, d->file, d->def, d->pos,
          !stop ? xasprintf("retry on %s has no `stop=`: tenacity retries forever", where)
                : xasprintf("retry on %s allows %ld attempts (more than %ld)%s%s%s", where, n, cap,
                            n_text && (*n_text < '0' || *n_text > '9') ? ": `" : "",
                            n_text && (*n_text < '0' || *n_text > '9') ? n_text : "",
                            n_text && (*n_text < '0' || *n_text > '9') ? "` by default" : ""),
          xasprintf("decorator: %s", d->text),
          xstrdup("add `stop=stop_after_attempt(5) | stop_after_delay(60)`"),
          xstrdup("a failing dependency ends the phase with an error within the stop budget "
                  "instead of stalling it"));
    free(n_text);
    /* retry_if_exception_type(types): the types, through a config field */
    char *types = retry_policy_args(retry, "retry_if_exception_type(");
    const char *resolved = types ? retry_policy_value(m, pfile, pdef, types, 0) : NULL;
    bool every = (!retry && !given) || (retry && strstr(retry, "retry_if_exception_type()")) ||
                 (types && catches_everything(resolved ? resolved : types));
    if (every)
      add(m, out, RULE_FAN404, d->file, d->def, d->pos,
          xasprintf("retry on %s retries every exception, programming errors included", where),
          xasprintf("decorator: %s%s%s%s%s", d->text, retry ? "" : " (no `retry=`: any Exception)",
                    resolved && resolved != types ? "; `" : "",
                    resolved && resolved != types ? types : "",
                    resolved && resolved != types ? "` holds Exception by default" : ""),
          xstrdup("retry only transient errors: "
                  "`retry=retry_if_exception_type((httpx.TimeoutException, "
                  "httpx.ConnectError))` or the SDK's RateLimitError/APIConnectionError"),
          xstrdup("bugs fail at once instead of after the whole retry budget"));
    free(types);
    if (!kwarg(d, "before_sleep") && !kwarg(d, "after") && !kwarg(d, "before") && !given)
      add(m, out, RULE_FAN902, d->file, d->def, d->pos,
          xasprintf("retry on %s never logs its attempts", where),
          xasprintf("decorator: %s", d->text),
          xstrdup("add `before_sleep=before_sleep_log(logger, logging.WARNING)`"),
          xstrdup("retries become visible in the log, with their count per phase"));
  } else if (strcmp(d->lib, "backoff") == 0) {
    const char *jitter = kwarg(d, "jitter");
    if (jitter && strcmp(jitter, "None") == 0)
      add(m, out, RULE_FAN401, d->file, d->def, d->pos,
          xasprintf("backoff on %s turns jitter off (`jitter=None`)", where),
          xasprintf("decorator: %s", d->text),
          xstrdup("drop `jitter=None` (full jitter is the default)"), xstrdup(validate_storm));
    const char *tries = kwarg(d, "max_tries"), *time = kwarg(d, "max_time");
    long n = tries ? resolved_count(m, d, tries) : -1;
    attempts = !tries && !time && !given ? ATTEMPTS_FOREVER : n > 0 ? n : ATTEMPTS_UNKNOWN;
    if ((!tries && !time && !given) || n > cap)
      add(m, out, RULE_FAN402, d->file, d->def, d->pos,
          !tries && !time
              ? xasprintf("backoff on %s has neither `max_tries` nor `max_time`: it "
                          "retries forever",
                          where)
              : xasprintf("backoff on %s allows %ld tries (more than %ld)", where, n, cap),
          xasprintf("decorator: %s", d->text), xstrdup("add `max_tries=5, max_time=60`"),
          xstrdup("a failing dependency ends the phase within the budget instead of stalling it"));
    char *exc = strstr(d->text, "on_exception") ? nth_arg(d->text, 1) : NULL;
    const char *types = exc ? retry_policy_value(m, pfile, pdef, exc, 0) : NULL;
    if (exc && catches_everything(types ? types : exc))
      add(m, out, RULE_FAN404, d->file, d->def, d->pos,
          xasprintf("backoff on %s retries every exception (`%s`)", where, exc),
          xasprintf("decorator: %s", d->text),
          xstrdup("retry only transient errors (timeouts, connection errors, 429/5xx)"),
          xstrdup("bugs fail at once instead of after the whole retry budget"));
    free(exc);
    if (!kwarg(d, "on_backoff") && !kwarg(d, "on_giveup") && !given)
      add(m, out, RULE_FAN902, d->file, d->def, d->pos,
          xasprintf("backoff on %s never logs its attempts", where),
          xasprintf("decorator: %s", d->text), xstrdup("add `on_backoff=` with a logging handler"),
          xstrdup("retries become visible in the log, with their count per phase"));
  } else if (strcmp(d->lib, "stamina") == 0) {
    const char *jitter = kwarg(d, "wait_jitter"), *tries = kwarg(d, "attempts"),
               *timeout = kwarg(d, "timeout"), *on = kwarg(d, "on");
    if (jitter && strtod(jitter, NULL) == 0.0 && strcmp(jitter, "None") != 0)
      add(m, out, RULE_FAN401, d->file, d->def, d->pos,
          xasprintf("stamina retry on %s turns jitter off (`wait_jitter=%s`)", where, jitter),
          xasprintf("decorator: %s", d->text), xstrdup("drop `wait_jitter=0`"),
          xstrdup(validate_storm));
    long n = tries ? resolved_count(m, d, tries) : given ? -1 : 10;
    bool forever = tries && strcmp(tries, "None") == 0 && timeout && strcmp(timeout, "None") == 0;
    attempts = forever ? ATTEMPTS_FOREVER : n > 0 ? n : ATTEMPTS_UNKNOWN;
    if (forever || n > cap)
      add(m, out, RULE_FAN402, d->file, d->def, d->pos,
          xasprintf("stamina retry on %s allows %s attempts", where, tries ? tries : "?"),
          xasprintf("decorator: %s", d->text),
          xstrdup("keep `attempts` at 10 or fewer and a `timeout`"),
          xstrdup("a failing dependency ends the phase within the budget"));
    const char *types = on ? retry_policy_value(m, pfile, pdef, on, 0) : NULL;
    if (on && catches_everything(types ? types : on))
      add(m, out, RULE_FAN404, d->file, d->def, d->pos,
          xasprintf("stamina retry on %s retries every exception (`on=%s`)", where, on),
          xasprintf("decorator: %s", d->text), xstrdup("retry only transient errors"),
          xstrdup("bugs fail at once instead of after the whole retry budget"));
  }
  check_stacked(m, d, attempts, where, out);
  free(where);
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
        char lib[16];
        Decorator d = {NULL, text, f, NULL, fi, (int32_t)di, at};
        if (fact) {
          for (uint32_t c = 0; c < f->calls.len; c++) /* the decorator call itself */
            if (f->calls.items[c].def == (int32_t)di &&
                (f->calls.items[c].flags & CALL_DECORATOR) &&
                strcmp(f->calls.items[c].callee, name) == 0) {
              d.call = &f->calls.items[c];
              d.pos = d.call->pos;
              break;
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
        if (fact && fact_attr(fact, "lib", lib, sizeof lib)) {
          d.lib = lib;
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
      char lib[16];
      if (fact && fact_attr(fact, "lib", lib, sizeof lib)) {
        Decorator d = {lib, canon, f, call, fi, call->def, call->pos};
        check_decorator(m, &d, out);
      }
      free(canon);
    }
  }
}

/* ---- hand-written retry loops ---- */

static bool is_sleep(const Model *m, uint32_t file, const Call *c) {
  if (model_zero_arg(c)) return false; /* `await asyncio.sleep(0)` yields: no wait */
  char *canon = model_canonical(m, file, c->def, c->callee);
  bool yes = strcmp(canon, "asyncio.sleep") == 0 || strcmp(canon, "time.sleep") == 0 ||
             strcmp(canon, "anyio.sleep") == 0 || strcmp(canon, "trio.sleep") == 0;
  free(canon);
  return yes;
}

/* Whether a call does network I/O: awaited I/O, a blocking network call
 * (requests, urlopen, sync SDKs), or a project function that reaches I/O,
 * any of the definitions the call may run. *via is set to the first inferred
 * call on the way (call UINT32_MAX: none) when the I/O rests on inference. */
static bool call_does_io(Model *m, uint32_t file, uint32_t call, CallRef *via) {
  *via = (CallRef){0, UINT32_MAX};
  External e;
  if (model_external_call(m, file, call, &e)) {
    external_free(&e);
    return true;
  }
  const Facts *f = &m->ix->files[file];
  const Call *c = &f->calls.items[call];
  char *canon = model_canonical(m, file, c->def, c->callee);
  const Fact *b = knowledge_get(m->k, FACT_BLOCKING, canon);
  free(canon);
  char code[8];
  if (b && fact_attr(b, "code", code, sizeof code) &&
      (strcmp(code, "FAN501") == 0 || strcmp(code, "FAN505") == 0))
    return true;
  Targets ts = index_call_targets(m->ix, file, call);
  bool io = false, exact = false;
  for (uint32_t t = 0; t < ts.len && !exact; t++) {
    if (index_def(m->ix, ts.items[t])->kind != DEF_FUNCTION) continue;
    DefRefs reach = {0};
    CallRefs why = {0};
    model_reach_via(m, ts.items[t], 3, &reach, &why);
    for (uint32_t i = 0; i < reach.len && !exact; i++) {
      if (model_def_external(m, reach.items[i]) <= 0) continue;
      CallRef at = resolved_inferred(ts.how) ? (CallRef){file, call} : why.items[i];
      if (!io || at.call == UINT32_MAX) *via = at;
      io = true;
      exact = at.call == UINT32_MAX;
    }
    array_free(&reach);
    array_free(&why);
  }
  return io;
}

static bool catches_transport(const Model *m, const char *types) {
  if (!types || !*types) return false;
  char *copy = xstrdup(types);
  bool yes = false;
  for (char *tok = strtok(copy, "(), "); tok && !yes; tok = strtok(NULL, "(), "))
    yes = knowledge_has(m->k, FACT_TRANSPORT_EXCEPTION, str_last_component(tok));
  free(copy);
  return yes;
}

/* A callable handed in: a parameter of the function or of one enclosing it
 * (a decorator's `func`, seen from its wrapper). */
static bool is_param_of(const Facts *f, int32_t def, const char *callee) {
  size_t n = strcspn(callee, ".(");
  for (int32_t d = def; d > 0; d = f->defs.items[d].parent) {
    const Def *x = &f->defs.items[d];
    for (uint32_t i = 0; i < x->params.count && x->kind == DEF_FUNCTION; i++) {
      const char *p = f->names.items[x->params.first + i];
      if (strlen(p) == n && strncmp(p, callee, n) == 0) return true;
    }
  }
  return false;
}

/* Whether word `w` (an identifier) occurs in `text`. */
static bool has_word(const char *text, const char *w, size_t n) {
  for (const char *p = text ? strstr(text, w) : NULL; p; p = strstr(p + 1, w)) {
    char before = p == text ? ' ' : p[-1], after = p[n];
    bool ident_before = before == '_' || (before >= 'a' && before <= 'z') ||
                        (before >= 'A' && before <= 'Z') || (before >= '0' && before <= '9') ||
                        before == '.';
    bool ident_after = after == '_' || (after >= 'a' && after <= 'z') ||
                       (after >= 'A' && after <= 'Z') || (after >= '0' && after <= '9');
    if (!ident_before && !ident_after) return true;
  }
  return false;
}

/* Whether a call's arguments use a variable of the loop (`for url in urls:
 * await client.get(url)`): each pass makes another request, the loop walks
 * items and does not retry one. */
static bool uses_loop_variable(const Facts *f, const Call *c, const Loop *loop) {
  if (!loop->target) return false;
  char *names = xstrdup(loop->target);
  bool used = false;
  for (char *tok = strtok(names, "(), []*"); tok && !used; tok = strtok(NULL, "(), []*")) {
    if (strcmp(tok, "_") == 0) continue;
    size_t n = strlen(tok);
    for (uint32_t a = 0; a < c->args.count && !used; a++)
      used = has_word(f->names.items[c->args.first + a], tok, n);
    for (uint32_t k = 0; k < c->nkwargs && !used; k++)
      used = has_word(f->kwargs.items[c->first_kwarg + k].value, tok, n);
  }
  free(names);
  return used;
}

/* A retry loop retries I/O: some call between `from` and `to` does I/O, or
 * a generic retry helper awaits a callable it was given while catching a
 * transport error (`await fetch_fn(client)` under `except httpx.HTTPError`). */
static bool retries_io(Model *m, uint32_t file, const Loop *loop, uint32_t from, uint32_t to,
                       const Handler *h, CallRef *via) {
  int32_t def = loop->def;
  const Facts *f = &m->ix->files[file];
  Span own = f->defs.items[def].own_calls;
  bool io = false;
  *via = (CallRef){0, UINT32_MAX};
  for (uint32_t k = own.first; k < own.end; k++) {
    uint32_t i = f->call_order.items[k];
    const Call *c = &f->calls.items[i];
    if (c->pos.line < from || c->pos.line > to || uses_loop_variable(f, c, loop)) continue;
    CallRef at;
    bool yes = call_does_io(m, file, i, &at);
    if (!yes && h && (c->flags & CALL_AWAITED) && is_param_of(f, def, c->callee) &&
        (catches_transport(m, h->types) || catches_everything(h->types)))
      yes = true, at = (CallRef){0, UINT32_MAX};
    if (!yes) continue;
    if (at.call == UINT32_MAX) {
      *via = at;
      return true;
    }
    if (!io) *via = at;
    io = true;
  }
  return io;
}

/* The column of the statement a call is (an awaited call's `await`). */
static uint32_t statement_col(const Call *c) {
  return (c->flags & CALL_AWAITED) && c->pos.col > 6 ? c->pos.col - 6 : c->pos.col;
}

/* Whether a loop around try/except paces a poll rather than retrying: it
 * sleeps on the success path too, as a statement of the loop body before the
 * try (every attempt waits, the first included: waiting for a service to come
 * up), as a statement of the try body (the loop sleeps between checks
 * whether or not they fail), or after the try when a check that raised
 * nothing can still go round again (`try: if (await ping()).status == 200:
 * return` then `await asyncio.sleep(0.5)`: a readiness poll) and no
 * retryable status is tested. A retry sleeps after a failure. */
static bool paced_poll(const Model *m, uint32_t file, const Loop *loop, const Handler *h) {
  const Facts *f = &m->ix->files[file];
  if (h->pos.col <= loop->pos.col) return false;
  uint32_t indent = h->pos.col - loop->pos.col < 4 ? h->pos.col - loop->pos.col : 4;
  Span own = f->defs.items[loop->def].own_calls;
  for (uint32_t k = own.first; k < own.end; k++) {
    const Call *c = &f->calls.items[f->call_order.items[k]];
    if (c->pos.line <= loop->pos.line || c->pos.line > loop->end_line || !is_sleep(m, file, c))
      continue;
    uint32_t col = statement_col(c);
    if (c->pos.line > h->end_line) {
      if (h->try_falls && !loop->checks_status && col > loop->pos.col && col <= h->pos.col)
        return true;
      continue;
    }
    if (c->pos.line >= h->pos.line) continue;
    if (c->pos.line < h->try_line && col > loop->pos.col && col <= h->pos.col) return true;
    if (c->pos.line > h->try_line && col <= h->pos.col + indent) return true;
  }
  return false;
}

/* Whether a handler that always leaves the loop can still lead to a retry:
 * a conditional raise (`if attempt == last: raise`) is followed by a sleep in
 * the handler or after the try; an unconditional one has no sleep after it. */
static bool handler_retries(const Model *m, uint32_t file, const Loop *loop, const Handler *x) {
  if (!x->exits) return true;
  const Facts *f = &m->ix->files[file];
  Span own = f->defs.items[loop->def].own_calls;
  for (uint32_t k = own.first; k < own.end; k++) {
    const Call *c = &f->calls.items[f->call_order.items[k]];
    if (c->pos.line > x->pos.line && c->pos.line <= loop->end_line && is_sleep(m, file, c))
      return true;
  }
  return false;
}

static void check_loops(Model *m, Findings *out) {
  long cap = max_attempts(m);
  for (uint32_t fi = 0; fi < m->ix->nfiles; fi++) {
    const Facts *f = &m->ix->files[fi];
    for (uint32_t li = 0; li < f->loops.len; li++) {
      const Loop *loop = &f->loops.items[li];
      const Handler *h = NULL;
      for (uint32_t i = 0; i < f->handlers.len && !h; i++) {
        const Handler *x = &f->handlers.items[i];
        if (x->def == loop->def && x->try_line > loop->pos.line && x->end_line <= loop->end_line &&
            !reprompt_only(m, x->types))
          h = x;
      }
      const Call *sleep = NULL;
      Span own = f->defs.items[loop->def].own_calls;
      for (uint32_t k = own.first; k < own.end && !sleep; k++) {
        const Call *c = &f->calls.items[f->call_order.items[k]];
        if (c->pos.line > loop->pos.line && c->pos.line <= loop->end_line && is_sleep(m, fi, c))
          sleep = c;
      }
      if ((!h && !loop->checks_status) || !sleep || (h && paced_poll(m, fi, loop, h)))
        continue; /* not a retry loop (a poll, a re-prompt, a plain loop) */
      /* what is retried must be I/O: a network call in the try (or the loop) */
      CallRef via;
      if (!retries_io(m, fi, loop, h ? h->try_line : loop->pos.line,
                      h ? h->pos.line : loop->end_line, h, &via))
        continue;
      /* the innermost loop holding both is the retry loop */
      bool inner = false;
      for (uint32_t k = 0; k < f->loops.len && !inner; k++) {
        const Loop *o = &f->loops.items[k];
        inner = k != li && o->def == loop->def && o->pos.line > loop->pos.line &&
                o->end_line <= loop->end_line && (!h || o->pos.line < h->try_line) &&
                o->pos.line < sleep->pos.line && o->end_line >= sleep->pos.line;
      }
      if (inner) continue;
      char *where = index_def_name(m->ix, (DefRef){fi, loop->def});
      /* every sleep of the loop: a deterministic one beside a jittered one is
       * still a lockstep retry on its path */
      for (uint32_t si = 0; si < f->calls.len; si++) {
        const Call *sl = &f->calls.items[si];
        if (sl->def != loop->def || sl->pos.line <= loop->pos.line ||
            sl->pos.line > loop->end_line || !is_sleep(m, fi, sl))
          continue;
        /* delay = base * 2 ** attempt; sleep(delay): any binding of the name with a
         * random part makes it random */
        const char *delay = sl->arg0;
        bool random_part = has_randomness(m, sl->arg0) || server_delay(sl->arg0);
        for (uint32_t c = 0; c < f->calls.len && !random_part; c++) /* sleep(backoff.delay()) */
          random_part = f->calls.items[c].outer == (int32_t)si && random_helper(m, fi, (int32_t)c);
        for (uint32_t i = 0; sl->arg0 && i < f->assigns.len && !random_part; i++)
          if (f->assigns.items[i].def == loop->def &&
              strcmp(f->assigns.items[i].target, sl->arg0) == 0) {
            delay = f->assigns.items[i].value;
            random_part = has_randomness(m, delay) || server_delay(delay) ||
                          random_helper(m, fi, f->assigns.items[i].call);
          }
        if (random_part) continue;
        mark_inferred(
            m,
            add(m, out, RULE_FAN401, fi, loop->def, sl->pos,
                xasprintf(
                    "retry loop in %s sleeps `%s` with no random part: concurrent tasks retry "
                    "in lockstep",
                    where, sl->arg0 ? sl->arg0 : ""),
                xasprintf("loop at line %u %s and sleeps a deterministic delay (`%s`)",
                          loop->pos.line, h ? "catches an error" : "checks a retryable status",
                          delay ? delay : ""),
                xasprintf("add jitter: `%s(%s * random.uniform(0.5, 1.5))`", sl->callee,
                          sl->arg0 ? sl->arg0 : "delay"),
                xstrdup("429 bursts flatten: retries of concurrent tasks spread out")),
            via);
      }
      long n = -1;
      if (!loop->is_while && str_starts_with(loop->iter, "range("))
        n = strtol(strrchr(loop->iter, '(') + 1, NULL, 10);
      if ((loop->while_true && !(h && h->exits)) || n > cap)
        mark_inferred(
            m,
            add(m, out, RULE_FAN402, fi, loop->def, loop->pos,
                loop->while_true
                    ? xasprintf("retry loop in %s never gives up (`while True` with no "
                                "attempt limit)",
                                where)
                    : xasprintf("retry loop in %s allows %ld attempts", where, n),
                xasprintf("loop at line %u retries after %s", loop->pos.line,
                          h ? (*h->types ? h->types : "any error") : "a retryable status"),
                xstrdup(
                    "bound the attempts (`for attempt in range(5):`) and re-raise after the last"),
                xstrdup("a failing dependency ends the phase within the budget instead of stalling "
                        "it")),
            via);
      for (uint32_t i = 0; i < f->handlers.len; i++) { /* any broad handler of the loop */
        const Handler *x = &f->handlers.items[i];
        if (x->def != loop->def || x->try_line <= loop->pos.line || x->end_line > loop->end_line ||
            !catches_everything(x->types) || x->filters || !handler_retries(m, fi, loop, x))
          continue;
        mark_inferred(
            m,
            add(m, out, RULE_FAN404, fi, loop->def, x->pos,
                xasprintf("retry loop in %s retries every exception (`except %s`)", where,
                          *x->types ? x->types : ""),
                xasprintf("handler at line %u, sleep at line %u", x->pos.line, sleep->pos.line),
                xstrdup("catch only transient errors (timeouts, connection errors, 429/5xx)"),
                xstrdup("bugs fail at once instead of after the whole retry budget")),
            via);
      }
      bool logs = false;
      for (uint32_t i = 0; i < f->logs.len && !logs; i++)
        logs = f->logs.items[i].def == loop->def && f->logs.items[i].pos.line > loop->pos.line &&
               f->logs.items[i].pos.line <= loop->end_line;
      if (!logs)
        add(m, out, RULE_FAN902, fi, loop->def, loop->pos,
            xasprintf("retry loop in %s never logs its attempts", where),
            xasprintf("loop at line %u: no logging call inside", loop->pos.line),
            xstrdup("log each retry with the attempt number and the delay"),
            xstrdup("retries become visible in the log, with their count per phase"));
      free(where);
    }
  }
}

void check_retry(Model *m, Findings *out) {
  check_decorators(m, out);
  check_retrying_calls(m, out);
  check_loops(m, out);
}
