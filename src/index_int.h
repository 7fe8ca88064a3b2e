/* index_int: what the files of the index share (internal to them):
 * index_names.c resolves a dotted name in a scope, index_dispatch.c finds
 * every definition a call may run (class hierarchy, methods by name,
 * callables passed around, registries), index_sites.c finds the fan-outs
 * seen through project helpers, and index.c builds and frees the index. */
#ifndef FANOUT_INDEX_INT_H
#define FANOUT_INDEX_INT_H

#include "index.h"
#include "where.h"

#define RESOLVE_DEPTH 8

/* Names are put together on the stack: one longer than this is no name a
 * project defines, and does not resolve. */
#define NAME_CAP 512

static inline DefRef index__unresolved(uint32_t file) { return (DefRef){file, -1}; }
static inline uint32_t index__gdef(const Index *ix, DefRef d) { return index_global_def(ix, d); }
/* Test code: its mocks are not what production code runs. */
static inline bool index__is_test(const Index *ix, uint32_t file) {
  return ix->kinds[file] & CODE_TEST;
}

/* ---- index_names.c ---- */

/* `a` (alen bytes), a dot when `b` is not empty, `b` (blen bytes) into out;
 * false when it does not fit. */
bool index__join(char out[NAME_CAP], const char *a, size_t alen, const char *b, size_t blen);
/* The definition named `qualname` in a file, or -1. */
int32_t index__qual_lookup(const Index *ix, uint32_t file, const char *qualname);
/* The class a base expression names: `Base`, `pkg.Base`, and the generic
 * `Base[In, Out]` or `Generic[T]` without its subscript. */
DefRef index__resolve_base(const Index *ix, uint32_t file, const Def *c, const char *text);
/* Method `name` of class `cls`, searching in-project bases depth first. */
DefRef index__lookup_method(const Index *ix, DefRef cls, const char *name, unsigned depth);
/* The class a definition is a method of (its nearest enclosing class), or -1. */
int32_t index__enclosing_class(const Facts *f, int32_t def);
/* What `dotted` means inside `def` of `file`; *recv (when not NULL) is set to
 * the receiver's class for a method call. */
DefRef index__resolve_name(const Index *ix, uint32_t file, int32_t def, const char *dotted,
                           unsigned depth, DefRef *recv);
/* The annotation text of what `name` is bound to in `def`: a parameter's,
 * or for `self.x` the parameter a method of the class stores in it. */
const char *index__annotation_of(const Index *ix, uint32_t file, int32_t def, const char *name);

/* ---- index_dispatch.c ---- */

/* Every definition `dotted` may run inside `def` (by_name: also methods of
 * that name on receivers of unknown type), appended to `out`. */
ResolvedHow index__targets_of(const Index *ix, uint32_t file, int32_t def, const char *dotted,
                              DefRefs *out, bool by_name);
/* Record the targets `t` (found `how`) of call `c` of a file of `ncalls` calls. */
void index__dispatch_set(Dispatch *d, uint32_t ncalls, uint32_t c, const DefRefs *t,
                         ResolvedHow how);
/* A later pass: the targets of a call left unresolved, and how they were found. */
typedef ResolvedHow (*IndexPass)(const Index *ix, uint32_t file, const Call *c, DefRefs *out);
/* Calls on receivers of unknown type: the project methods of that name,
 * when one class family defines them all. */
ResolvedHow index__by_name_pass(const Index *ix, uint32_t file, const Call *c, DefRefs *out);
/* Calls of a parameter: what its callers pass. */
ResolvedHow index__callable_pass(const Index *ix, uint32_t file, const Call *c, DefRefs *out);
/* A pass over the calls still unresolved after resolution by name (they
 * need the callers, which need the calls resolved first): each gets the
 * targets `pass` finds, on two threads. Returns whether any call gained
 * targets. */
bool index__resolve_more(Index *ix, IndexPass pass);
/* The class tables: each class's project bases and direct subclasses, and
 * the methods of every class by name. */
void index__build_classes(Index *ix);
/* The definition with global id `g`. */
DefRef index__def_ref(const Index *ix, uint32_t g);

/* ---- index_reuse.c ---- */

/* The class tables in (file, def) terms into `out` (replacing it). */
void index__tables_key(const Index *ix, StrBuf *out);
/* Keep file i's first pass, just resolved, with the files it read (`reads`,
 * taken over). */
void index__first_keep(Index *ix, uint32_t i, U32Array *reads);
/* Take file i's first pass from `prev` when it did not read file `changed`
 * (nor is it); false when it must be redone. */
bool index__first_take(Index *ix, uint32_t i, Index *prev, uint32_t changed);
void index__first_free(Index *ix);

/* ---- index.c ---- */

/* The parameter of `def` named `name` (its position), or -1; self and cls
 * count, as a call's arguments are matched with index__param_for_arg. */
int32_t index__param_index(const Facts *f, int32_t def, const char *name);

/* ---- index_sites.c ---- */

/* Parameter position that call argument `arg` lands in (methods take self). */
uint32_t index__param_for_arg(const Facts *f, int32_t def, uint32_t arg, bool via_attribute);
/* Sites by file, line, column. */
int index__cmp_sites(const void *pa, const void *pb);
/* A fan-out over a name imported from a module of the project that binds it
 * once to a literal and never grows it (`from .config import MODELS`, also
 * `range(N)`): as fixed as it is there. Re-exports are followed. */
void index__imported_width(Index *ix, uint32_t file, int32_t def, Width *w);
/* Calls of project functions that fan out a list argument: the function has
 * a site (or such a call, found in an earlier round) whose width comes from
 * the parameter the list lands in. Rounds repeat until none adds a site, so
 * helpers built on helpers are seen (bounded by RESOLVE_DEPTH rounds). */
void index__find_helper_sites(Index *ix);
/* A helper that gathers its `*coros` called with a few coroutines written
 * out (`semaphore_gather(edge_search(q), node_search(q))`): a fan-out of
 * fixed width, listed like `asyncio.gather(a(), b())`. */
void index__find_fixed_helper_calls(Index *ix);
/* A call of an executor's submit-style method made in a loop is a fan-out
 * site: one task per iteration, running the callable passed. */
void index__find_submit_sites(Index *ix);
/* A race, not a fan-out of work: `asyncio.wait` of two awaitables until
 * the first completes. */
bool index__is_race(const Facts *f, const Site *site);
/* Whether a gather or wait only drains tasks it has cancelled: no fan-out. */
bool index__is_drain(const Facts *f, const Site *site);

#endif
