/* model: what the names and calls of a project are, in terms of the rule
 * data: which call does I/O, which object is a client or a limiter, where a
 * timeout applies. Reads the index and the knowledge; never a tree. */
#ifndef FANOUT_MODEL_H
#define FANOUT_MODEL_H

#include <string.h>

#include "index.h"

typedef struct {
  const Index *ix;
  const Knowledge *k;
  int32_t *
      external; /* per global def: a call in it that does I/O itself (+1), 0 none, -1 unknown yet */
  int32_t
      *limiter; /* per global def: a limiter acquisition in it (call or with index +1), 0 none */
  int32_t *timeout;  /* per global def: a timeout construct in it (+1), 0 none */
  int32_t *deadline; /* per global def: model_def_deadline's answer, memoized */
  int32_t *bounded;  /* per global def: model_def_bounded's answer, memoized */
  int8_t *splat;     /* per global def: whether **kwargs into it may carry a timeout
                        (-1 not known yet) */
  Settings settings; /* the thresholds (rules.h) */
  /* per global def, made when first asked: its own assignments by target
   * and its own calls by callee (model_next_assign, model_next_call) */
  struct DefNames **names;
  /* per global def: model_origin's answers, by receiver (a client's methods
   * called one after another in a function ask about it again) */
  struct OriginSeens *origins;
  /* set when a memoized answer was cut short, by a cycle of two or more
   * definitions or a depth limit: the memo then holds answers that depend
   * on the order the questions came in, so only the same order gives the
   * same findings (policy_run's parallel checks fall back to one thread) */
  bool *cut;
} Model;

/* Where an object came from: the constructor call that made it. */
typedef struct {
  char *ctor;       /* import-resolved constructor ("httpx.AsyncClient"), owned */
  const Fact *fact; /* its `client` or `limiter` fact, or NULL */
  uint32_t file;    /* where the constructor is called (or the annotation is) */
  int32_t call;     /* that call, or -1 (annotated parameter) */
  Pos pos;
} Origin;

/* An I/O call: what it is and where. */
typedef struct {
  uint32_t file, call;
  const Fact *fact; /* `external`, `external.method` or the receiver's `client` fact */
  Origin origin;    /* the receiver's origin when it is a client method */
  bool has_origin;
} External;

void model_init(Model *m, const Index *ix, const Knowledge *k, const Settings *settings);
void model_free(Model *m);

/* The name with its first part replaced by what the file's imports bind it
 * to (`aio.gather` -> `asyncio.gather`). The caller frees. */
char *model_canonical(const Model *m, uint32_t file, int32_t def, const char *dotted);

/* The constructor a receiver (`client`, `self.client`, `session`) was made
 * by, searching the function, its enclosing functions, the class's methods
 * and the module. Returns false when unknown. Free with origin_free. */
bool model_origin(const Model *m, uint32_t file, int32_t def, const char *receiver, Origin *out);
void origin_free(Origin *o);

/* Whether call `call` of `file` is awaited (or entered with `async with`)
 * I/O: an external function, an SDK method chain, or a method of an object
 * made by a known async client. Fills *out (free with external_free). */
bool model_external_call(const Model *m, uint32_t file, uint32_t call, External *out);
void external_free(External *e);
/* The same judgement for a callee name used in definition `def`, whether or
 * not it is awaited there (`[client.get(u) for u in urls]` handed to gather). */
bool model_external_name(const Model *m, uint32_t file, int32_t def, const char *callee,
                         External *out);

/* The first I/O call made directly in a definition (index + 1), or 0. */
int32_t model_def_external(Model *m, DefRef d);
/* A limiter acquired in a definition: `async with L` / `await L.acquire()`
 * where L is a limiter or a parameter. Returns the line, or 0. */
uint32_t model_def_limiter(Model *m, DefRef d);
/* A timeout in a definition (wait_for, a timeout context, timeout= on an I/O
 * call or its client, a client with a short default). Returns the line, or 0. */
uint32_t model_def_timeout(Model *m, DefRef d);

/* Whether every path from definition `d` to an I/O call passes a timeout
 * (a must property: a wait_for on one branch while another calls the same
 * I/O bare does not count). Returns the line of a covering timeout, 0 when
 * some path to I/O has none, and DEADLINE_NO_IO when `d` reaches no I/O. */
#define DEADLINE_NO_IO UINT32_MAX
uint32_t model_def_deadline(Model *m, DefRef d);
/* The same for limiters: every path from `d` to I/O runs inside an `async
 * with L:` of a limiter or after an `await L.acquire()`. Returns the
 * limiter's line, 0, or DEADLINE_NO_IO. */
uint32_t model_def_bounded(Model *m, DefRef d);

/* The definitions reachable from `start` by resolved calls (not function
 * references), breadth first, `start` first, at most `max_depth` calls deep. */
void model_reach(const Model *m, DefRef start, unsigned max_depth, DefRefs *out);
/* The same, and for each definition appended, in `via`: the first call on
 * the path to it whose targets were inferred (call UINT32_MAX: none). */
void model_reach_via(const Model *m, DefRef start, unsigned max_depth, DefRefs *out, CallRefs *via);

/* Whether call `call` sits inside `with`/`async with` of a timeout context,
 * or is an argument of a timeout call, in its definition. */
bool model_call_under_timeout(const Model *m, uint32_t file, uint32_t call);

/* Whether a client made as `o` says has a timeout: given at construction,
 * or a default at or below the short-timeout fact. */
bool model_origin_has_timeout(const Model *m, const Origin *o);
/* Whether a fact's default `timeout=` is a deadline: seconds at or below the
 * short-timeout setting (`none` or absent: no). */
bool model_short_default(const Model *m, const Fact *f);

/* Whether a call's **kwargs may carry a timeout: its function has a
 * parameter or binds a name or key that says timeout, or a caller passes it
 * a timeout keyword or **kwargs of its own. A bare `**args` built from
 * settings that never mention one does not. */
bool model_splat_timeout(const Model *m, uint32_t file, uint32_t call);

/* The own assignments of definition `def` of `file` whose target is `name`
 * (its own calls whose callee is `name`), in source order, without a scan of
 * the definition: start with *at = 0; each call returns the next one's index
 * into the file's assigns (calls), UINT32_MAX after the last.
 *   for (uint32_t at = 0, i; (i = model_next_assign(m, file, def, x, &at)) != UINT32_MAX;)
 * The first call for a definition indexes it: O(its assignments and calls). */
uint32_t model_next_assign(const Model *m, uint32_t file, int32_t def, const char *name,
                           uint32_t *at);
uint32_t model_next_call(const Model *m, uint32_t file, int32_t def, const char *callee,
                         uint32_t *at);
/* The same for the own calls of a method of that name (`xs.append` for "append"). */
uint32_t model_next_method(const Model *m, uint32_t file, int32_t def, const char *method,
                           uint32_t *at);

/* Value of a keyword argument of a call, or NULL. */
const char *model_kwarg(const Facts *f, const Call *c, const char *name);
/* Whether a call's first argument is a literal zero: `sleep(0)` only yields
 * (the loop, or the thread), it waits for nothing. */
static inline bool model_zero_arg(const Call *c) {
  return c->arg0 && (strcmp(c->arg0, "0") == 0 || strcmp(c->arg0, "0.0") == 0);
}

#endif
