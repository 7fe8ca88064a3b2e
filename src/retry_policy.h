/* retry_policy: what a retry policy's arguments amount to (literals behind
 * names, config fields and module constants) and which subclasses a retried
 * method can run for. Works on the model and index only. */
#ifndef FANOUT_RETRY_POLICY_H
#define FANOUT_RETRY_POLICY_H

#include "findings.h"
#include "model.h"

/* The text inside the parentheses after `open` in `text` ("stop_after_attempt("),
 * or NULL. The caller must free it. */
char *retry_policy_args(const char *text, const char *open);
/* What an argument written in definition `def` of `file` amounts to: the text
 * itself when it is a literal, else the literal a name, a config object's field
 * (`run_config.max_retries`: a dataclass or settings default, `self.x = ...`)
 * or a module constant holds. NULL when unknown. Valid until the facts are freed. */
const char *retry_policy_value(const Model *m, uint32_t file, int32_t def, const char *text,
                               unsigned depth);
/* Whether definition `reached`, found from retried method `meth` through
 * overrides, can run under it: a method of a subclass of meth's class runs
 * under it only when that subclass (or one below it) can call `meth` at all. */
bool retry_policy_runs_under(const Index *ix, DefRef meth, DefRef reached);

/* ---- what a retry does (retry_policy.c; shared by decorators and hand loops) ---- */

/* Whether an expression uses a random wait (wait_random, random.uniform...). */
bool retry_has_randomness(const Model *m, const char *text);
/* Whether a delay is the server's: a Retry-After value. */
bool retry_server_delay(const char *text);
/* Whether call `call` of `file` runs a project function whose class (or
 * itself) draws random numbers: a jittered backoff helper. */
bool retry_random_helper(const Model *m, uint32_t file, int32_t call);
/* Exception types that include programming errors: bare, Exception, BaseException. */
bool retry_catches_everything(const char *types);
/* Whether every type a handler catches is a fact of `kind`. */
bool retry_types_all(const Model *m, const char *types, FactKind kind);
/* Only re-prompt exceptions (bad model output) or control signals: no retry. */
bool retry_reprompt_only(const Model *m, const char *types);
/* A finding that rests on an inferred call target says which: confidence medium. */
void retry_mark_inferred(const Model *m, Finding *fd, CallRef via);

#endif
