/* index: the whole project. Resolves calls to definitions across files and
 * keeps the call graph (callers and callees). Works on facts only. */
#ifndef FANOUT_INDEX_H
#define FANOUT_INDEX_H

#include "facts.h"

/* A definition somewhere in the project; def < 0 means unresolved. */
typedef struct {
  uint32_t file;
  int32_t def;
} DefRef;

static inline bool defref_ok(DefRef r) { return r.def >= 0; }

typedef Array(DefRef) DefRefs;

/* A call somewhere in the project. */
typedef struct {
  uint32_t file, call;
} CallRef;
typedef Array(CallRef) CallRefs;

/* How a call's targets were found. Only EXACT is certain: the others are
 * inferences the findings built on them say they rest on. */
typedef enum {
  RESOLVED_NONE,
  RESOLVED_EXACT,     /* the one definition the name means */
  RESOLVED_OVERRIDES, /* a method of the receiver's class and its overrides in project subclasses */
  RESOLVED_NAME,      /* receiver of unknown type: the methods of that name in one class family */
  RESOLVED_CALLABLE,  /* a called parameter: the functions and methods its callers pass */
} ResolvedHow;

/* The definitions a call may run. */
typedef struct {
  const DefRef *items;
  uint32_t len;
  ResolvedHow how;
} Targets;

/* Per file: the calls with more than one target, or an inferred one. */
typedef struct {
  Span *span;   /* per call: its targets in defs ({0,0}: see resolved); NULL if none has */
  uint8_t *how; /* per call: ResolvedHow, when span is set */
  Array(DefRef) defs;
} Dispatch;

/* A fan-out site with the file it is in (facts sites plus helper calls). */
typedef struct {
  uint32_t file;
  Site site;
  DefRef helper; /* SITE_HELPER: the helper function called */
} SiteRef;

/* What resolving one file's calls in the first pass (each call alone, before
 * the passes that need callers) gave, kept for an editor's next rebuild, with
 * the other files the resolution read: their facts and the class tables are
 * all it depends on (index_reuse.c). */
typedef struct {
  DefRef *row;       /* per call, as resolved[file] was then */
  Dispatch dispatch; /* as dispatch[file] was then */
  U32Array reads;    /* the other files read, sorted */
  bool taken;        /* taken from the index before, not redone */
} FirstPass;

typedef struct {
  Facts *files;       /* borrowed; must outlive the index */
  const Knowledge *k; /* borrowed, or NULL */
  uint32_t nfiles;
  uint8_t *kinds; /* per file: what it is for (where.h CodeKind), read below the files' common
                     directory */
  StrMap modules; /* module name -> file (also path-derived names, see index_build) */
  StrArray module_aliases; /* owned keys of the path-derived names */
  uint32_t *def_base;      /* global def id = def_base[file] + def */
  uint32_t ndefs;
  DefRef **resolved;  /* per file, per call: the callee's definition (the first target) */
  Dispatch *dispatch; /* per file: calls that may run several definitions */
  /* per global def of a class: its project base classes and direct
   * subclasses, in CSR form */
  uint32_t *base_start, *sub_start;
  DefRef *bases, *subs;
  /* methods by name: method_names maps a name to its first entry in
   * methods, which holds each name's methods together */
  StrMap method_names;
  Array(DefRef) methods;
  StrMap class_names;     /* module-level class name -> global def, UINT32_MAX when several */
  uint8_t *method_family; /* at each name's first entry: its methods share a root class
                             (bit 1: all of them, bit 2: those outside tests) */
  /* callers of each global def, as call refs, in CSR form */
  uint32_t *caller_start;
  CallRef *callers;
  Array(SiteRef) sites; /* every fan-out site, sorted by file, line, column */
  Arena strings;        /* texts the index makes (widths seen through imports) */
  FirstPass *first;     /* per file, when kept (index_build_kept); else NULL */
  StrBuf tables;        /* then also the class tables, as index__tables_key writes them */
} Index;

/* Build the index over `n` files' facts. The knowledge (NULL: none) tells
 * receivers of library objects from project ones. Free with index_free. */
void index_build(Index *ix, Facts *files, uint32_t n, const Knowledge *k);
/* The same, keeping each file's first pass for a rebuild. With `prev` (built
 * so over the same files, of which only file `changed` has new facts now),
 * the first pass of a file that did not read `changed` is taken from it
 * rather than redone, when the class tables come out as they were: the same
 * index as index_build makes. prev is freed. */
void index_build_kept(Index *ix, Facts *files, uint32_t n, const Knowledge *k, Index *prev,
                      uint32_t changed);
void index_free(Index *ix);
/* Whether two indexes over the same facts resolve every call alike (targets
 * and how) and find the same sites: NULL, else what differs first. The
 * caller frees. */
char *index_differs(const Index *a, const Index *b);

/* The files the first pass reads, noted while one file's calls are resolved
 * (a thread's own list; NULL when not noting). */
extern _Thread_local U32Array *index__reads;
/* The facts of file i, as the index's lookups read them. */
static inline const Facts *index_file(const Index *ix, uint32_t i) {
  U32Array *r = index__reads;
  if (r && (!r->len || r->items[r->len - 1] != i)) array_push(r, i);
  return &ix->files[i];
}

/* The definition a dotted name means inside definition `def` of `file`
 * (self.m, cls.m, local and module names, imports, re-exports, bases). */
DefRef index_resolve_name(const Index *ix, uint32_t file, int32_t def, const char *dotted);
/* The definition call `call` of `file` reaches, as resolved at build time
 * (the first of its targets). */
DefRef index_call_target(const Index *ix, uint32_t file, uint32_t call);
/* Every definition call `call` may run, and how that was found. */
Targets index_call_targets(const Index *ix, uint32_t file, uint32_t call);
/* The same for a dotted name used inside `def` (a task handed to a fan-out):
 * its targets are appended to `out`; returns how they were found. */
ResolvedHow index_name_targets(const Index *ix, uint32_t file, int32_t def, const char *dotted,
                               DefRefs *out);
/* Whether a finding built on targets found this way rests on inference. */
static inline bool resolved_inferred(ResolvedHow how) {
  return how == RESOLVED_OVERRIDES || how == RESOLVED_NAME || how == RESOLVED_CALLABLE;
}
/* What call `cr` passes for parameter `param` of `callee` (keyword or
 * position, a method's self skipped): the argument's text, or NULL when it
 * passes none (or is a reference). */
const char *index_argument(const Index *ix, CallRef cr, DefRef callee, int32_t param);
/* The import that binds `name` (its first n bytes) in def `scope` of `file`:
 * the last such one, as a scan from the end finds; NULL if none. O(1). */
const Import *index_import(const Index *ix, uint32_t file, int32_t scope, const char *name,
                           size_t n);
/* The assignments of a file to one target that lie in a span of its
 * assignments, in order (index_assigns_in, then index_assign_iter_next until
 * UINT32_MAX): the target's chain is walked or the span scanned, whichever
 * is shorter. */
typedef struct {
  const Facts *f;
  const char *target;
  size_t n;
  uint32_t first, at, end;
  bool chained;
} AssignIter;
AssignIter index_assigns_in(const Index *ix, uint32_t file, const char *target, size_t n,
                            Span span);
uint32_t index_assign_iter_next(AssignIter *it);
/* The calls that reach a definition; *count is set. Valid until index_free. */
const CallRef *index_callers(const Index *ix, DefRef d, uint32_t *count);
/* The stretch [*first, *end) of sites that lie within definition `d`'s lines
 * (its own and its nested definitions'; test `site.def`). O(log sites). */
void index_def_sites(const Index *ix, DefRef d, uint32_t *first, uint32_t *end);

static inline const Def *index_def(const Index *ix, DefRef r) {
  return &index_file(ix, r.file)->defs.items[r.def];
}
static inline uint32_t index_global_def(const Index *ix, DefRef r) {
  return ix->def_base[r.file] + (uint32_t)r.def;
}
/* The files in at most `max` runs of about as many calls, for work shared
 * out over threads: run k is files [from[k], from[k + 1]); returns the
 * number of runs (at least one; from has room for max + 1). */
uint32_t index_file_runs(const Index *ix, uint32_t max, uint32_t *from);
/* "path.py:Class.method" ("path.py:<module>" for module code). The caller frees. */
char *index_def_name(const Index *ix, DefRef r);

#endif
