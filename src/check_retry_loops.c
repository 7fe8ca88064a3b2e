/* check_retry_loops: FAN4xx in hand-written retry loops: a loop that sleeps
 * and goes round again after an I/O call failed (an exception handler or a
 * retryable status), told apart from polls, paced loops and walks over
 * items; no jitter (FAN401), unbounded attempts (FAN402), every exception
 * retried (FAN404). O(loops x their calls). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "retry_policy.h"

static bool is_sleep(const Model *m, uint32_t file, const Call *c) {
  if (model_zero_arg(c)) return false; /* `await asyncio.sleep(0)` yields: no wait */
  char *canon = model_canonical(m, file, c->def, c->callee);
  bool yes = knowledge_has(m->k, FACT_SLEEP, canon);
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
  Rule r; /* sync HTTP or a sync SDK call: I/O */
  if (fact_rule(b, ATTR_CODE, &r) && (r == RULE_FAN501 || r == RULE_FAN505)) return true;
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
        (catches_transport(m, h->types) || retry_catches_everything(h->types)))
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

/* A retry loop found: where it is, the handler that retries (or NULL: it
 * checks a retryable status), its first sleep, the I/O it retries. */
typedef struct {
  uint32_t file;
  const Loop *loop;
  const Handler *h;
  const Call *sleep;
  CallRef via;
  char *where;
} RetryLoop;

/* Whether loop `li` of file `fi` retries I/O: a handler (or a status check)
 * and a sleep inside, I/O in what is retried, no poll, and no inner loop
 * holding both (that one is the retry loop). Fills `rl`. */
static bool retry_loop(Model *m, uint32_t fi, uint32_t li, RetryLoop *rl) {
  const Facts *f = &m->ix->files[fi];
  const Loop *loop = &f->loops.items[li];
  const Handler *h = NULL;
  for (uint32_t i = 0; i < f->handlers.len && !h; i++) {
    const Handler *x = &f->handlers.items[i];
    if (x->def == loop->def && x->try_line > loop->pos.line && x->end_line <= loop->end_line &&
        !retry_reprompt_only(m, x->types))
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
    return false; /* not a retry loop (a poll, a re-prompt, a plain loop) */
  /* what is retried must be I/O: a network call in the try (or the loop) */
  CallRef via;
  if (!retries_io(m, fi, loop, h ? h->try_line : loop->pos.line, h ? h->pos.line : loop->end_line,
                  h, &via))
    return false;
  for (uint32_t k = 0; k < f->loops.len; k++) {
    const Loop *o = &f->loops.items[k];
    if (k != li && o->def == loop->def && o->pos.line > loop->pos.line &&
        o->end_line <= loop->end_line && (!h || o->pos.line < h->try_line) &&
        o->pos.line < sleep->pos.line && o->end_line >= sleep->pos.line)
      return false;
  }
  *rl = (RetryLoop){fi, loop, h, sleep, via, NULL};
  return true;
}

/* FAN401: every sleep of the loop with no random part (a deterministic one
 * beside a jittered one is still a lockstep retry on its path). */
static void loop_jitter(Model *m, const RetryLoop *rl, Findings *out) {
  const Facts *f = &m->ix->files[rl->file];
  const Loop *loop = rl->loop;
  Span own = f->defs.items[loop->def].own_calls;
  for (uint32_t k = own.first; k < own.end; k++) {
    uint32_t si = f->call_order.items[k];
    const Call *sl = &f->calls.items[si];
    if (sl->pos.line <= loop->pos.line || sl->pos.line > loop->end_line ||
        !is_sleep(m, rl->file, sl))
      continue;
    /* delay = base * 2 ** attempt; sleep(delay): any binding of the name with a
     * random part makes it random */
    const char *delay = sl->arg0;
    bool random_part = retry_has_randomness(m, sl->arg0) || retry_server_delay(sl->arg0);
    for (uint32_t c = 0; c < f->calls.len && !random_part; c++) /* sleep(backoff.delay()) */
      random_part =
          f->calls.items[c].outer == (int32_t)si && retry_random_helper(m, rl->file, (int32_t)c);
    for (uint32_t i = 0; sl->arg0 && i < f->assigns.len && !random_part; i++)
      if (f->assigns.items[i].def == loop->def &&
          strcmp(f->assigns.items[i].target, sl->arg0) == 0) {
        delay = f->assigns.items[i].value;
        random_part = retry_has_randomness(m, delay) || retry_server_delay(delay) ||
                      retry_random_helper(m, rl->file, f->assigns.items[i].call);
      }
    if (random_part) continue;
    retry_mark_inferred(
        m,
        findings_add(
            out, m->ix, RULE_FAN401, rl->file, loop->def, sl->pos,
            xasprintf("retry loop in %s sleeps `%s` with no random part: concurrent "
                      "tasks retry in lockstep",
                      rl->where, sl->arg0 ? sl->arg0 : ""),
            xasprintf("loop at line %u %s and sleeps a deterministic delay (`%s`)", loop->pos.line,
                      rl->h ? "catches an error" : "checks a retryable status", delay ? delay : ""),
            xasprintf("add jitter: `%s(%s * random.uniform(0.5, 1.5))`", sl->callee,
                      sl->arg0 ? sl->arg0 : "delay"),
            NULL),
        rl->via);
  }
}

/* FAN402: `while True` that never gives up, or more attempts than the cap. */
static void loop_attempts(Model *m, const RetryLoop *rl, Findings *out) {
  const Loop *loop = rl->loop;
  const Handler *h = rl->h;
  long n = -1;
  if (!loop->is_while && str_starts_with(loop->iter, "range("))
    n = strtol(strrchr(loop->iter, '(') + 1, NULL, 10);
  if (!((loop->while_true && !(h && h->exits)) || n > m->settings.retry_max_attempts)) return;
  retry_mark_inferred(
      m,
      findings_add(
          out, m->ix, RULE_FAN402, rl->file, loop->def, loop->pos,
          loop->while_true ? xasprintf("retry loop in %s never gives up (`while True` with no "
                                       "attempt limit)",
                                       rl->where)
                           : xasprintf("retry loop in %s allows %ld attempts", rl->where, n),
          xasprintf("loop at line %u retries after %s", loop->pos.line,
                    h ? (*h->types ? h->types : "any error") : "a retryable status"),
          xstrdup("bound the attempts (`for attempt in range(5):`) and re-raise after the last"),
          NULL),
      rl->via);
}

/* FAN404: any broad handler of the loop that goes round again. */
static void loop_handlers(Model *m, const RetryLoop *rl, Findings *out) {
  const Facts *f = &m->ix->files[rl->file];
  const Loop *loop = rl->loop;
  for (uint32_t i = 0; i < f->handlers.len; i++) {
    const Handler *x = &f->handlers.items[i];
    if (x->def != loop->def || x->try_line <= loop->pos.line || x->end_line > loop->end_line ||
        !retry_catches_everything(x->types) || x->filters || !handler_retries(m, rl->file, loop, x))
      continue;
    retry_mark_inferred(
        m,
        findings_add(
            out, m->ix, RULE_FAN404, rl->file, loop->def, x->pos,
            xasprintf("retry loop in %s retries every exception (`except %s`)", rl->where,
                      *x->types ? x->types : ""),
            xasprintf("handler at line %u, sleep at line %u", x->pos.line, rl->sleep->pos.line),
            xstrdup("catch only transient errors (timeouts, connection errors, 429/5xx)"), NULL),
        rl->via);
  }
}

/* FAN902: no logging call inside the loop. */
static void loop_logs(Model *m, const RetryLoop *rl, Findings *out) {
  const Facts *f = &m->ix->files[rl->file];
  const Loop *loop = rl->loop;
  for (uint32_t i = 0; i < f->logs.len; i++)
    if (f->logs.items[i].def == loop->def && f->logs.items[i].pos.line > loop->pos.line &&
        f->logs.items[i].pos.line <= loop->end_line)
      return;
  findings_add(out, m->ix, RULE_FAN902, rl->file, loop->def, loop->pos,
               xasprintf("retry loop in %s never logs its attempts", rl->where),
               xasprintf("loop at line %u: no logging call inside", loop->pos.line),
               xstrdup("log each retry with the attempt number and the delay"), NULL);
}

void check_retry_loops(Model *m, Findings *out) {
  for (uint32_t fi = 0; fi < m->ix->nfiles; fi++)
    for (uint32_t li = 0; li < m->ix->files[fi].loops.len; li++) {
      RetryLoop rl;
      if (!retry_loop(m, fi, li, &rl)) continue;
      rl.where = index_def_name(m->ix, (DefRef){fi, rl.loop->def});
      loop_jitter(m, &rl, out);
      loop_attempts(m, &rl, out);
      loop_handlers(m, &rl, out);
      loop_logs(m, &rl, out);
      free(rl.where);
    }
}
