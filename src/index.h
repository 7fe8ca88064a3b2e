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

/* A call somewhere in the project. */
typedef struct {
  uint32_t file, call;
} CallRef;

/* A fan-out site with the file it is in (facts sites plus helper calls). */
typedef struct {
  uint32_t file;
  Site site;
  DefRef helper; /* SITE_HELPER: the helper function called */
} SiteRef;

typedef struct {
  Facts *files; /* borrowed; must outlive the index */
  uint32_t nfiles;
  StrMap modules;          /* module name -> file (also path-derived names, see index_build) */
  StrArray module_aliases; /* owned keys of the path-derived names */
  StrMap *qualnames;       /* per file: qualname -> def */
  uint32_t *def_base;      /* global def id = def_base[file] + def */
  uint32_t ndefs;
  DefRef **resolved; /* per file, per call: the callee's definition */
  /* callers of each global def, as call refs, in CSR form */
  uint32_t *caller_start;
  CallRef *callers;
  Array(SiteRef) sites; /* every fan-out site, sorted by file, line, column */
  Arena strings;        /* texts the index makes (widths seen through imports) */
} Index;

/* Build the index over `n` files' facts. Free with index_free. */
void index_build(Index *ix, Facts *files, uint32_t n);
void index_free(Index *ix);

/* The definition a dotted name means inside definition `def` of `file`
 * (self.m, cls.m, local and module names, imports, re-exports, bases). */
DefRef index_resolve_name(const Index *ix, uint32_t file, int32_t def, const char *dotted);
/* The definition call `call` of `file` reaches, as resolved at build time. */
DefRef index_call_target(const Index *ix, uint32_t file, uint32_t call);
/* The calls that reach a definition; *count is set. Valid until index_free. */
const CallRef *index_callers(const Index *ix, DefRef d, uint32_t *count);

static inline const Def *index_def(const Index *ix, DefRef r) {
  return &ix->files[r.file].defs.items[r.def];
}
static inline uint32_t index_global_def(const Index *ix, DefRef r) {
  return ix->def_base[r.file] + (uint32_t)r.def;
}
/* "path.py:Class.method" ("path.py:<module>" for module code). The caller frees. */
char *index_def_name(const Index *ix, DefRef r);

#endif
