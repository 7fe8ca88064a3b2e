/* retry_policy: what a retry policy's arguments amount to (literals behind
 * names, config fields and module constants) and which subclasses a retried
 * method can run for. Works on the model and index only. */
#ifndef FANOUT_RETRY_POLICY_H
#define FANOUT_RETRY_POLICY_H

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

#endif
