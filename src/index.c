/* index: the project's files as one index: modules, qualified names,
 * call targets (resolved on every core), callers, class hierarchy and the
 * fan-out sites, sorted. Built once per run in O(calls x name parts). */
#define _DEFAULT_SOURCE
#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "index_int.h"

/* The first site at or after (file, line). */
static uint32_t site_lower_bound(const Index *ix, uint32_t file, uint32_t line) {
  uint32_t lo = 0, hi = ix->sites.len;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    const SiteRef *s = &ix->sites.items[mid];
    if (s->file < file || (s->file == file && s->site.pos.line < line))
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

void index_def_sites(const Index *ix, DefRef d, uint32_t *first, uint32_t *end) {
  const Def *def = index_def(ix, d);
  uint32_t from = d.def > 0 ? def->pos.line : 0, to = d.def > 0 ? def->end_line : UINT32_MAX - 1;
  *first = site_lower_bound(ix, d.file, from);
  *end = site_lower_bound(ix, d.file, to + 1);
}

char *index_def_name(const Index *ix, DefRef r) {
  const Facts *f = index_file(ix, r.file);
  const char *q = r.def > 0 ? f->defs.items[r.def].qualname : "<module>";
  size_t np = strlen(f->path), nq = strlen(q);
  char *name = xmalloc(np + nq + 2);
  memcpy(name, f->path, np);
  name[np] = ':';
  memcpy(name + np + 1, q, nq + 1);
  return name;
}

/* The callers of every definition, from every call's targets. */
static void build_callers(Index *ix) {
  free(ix->caller_start);
  free(ix->callers);
  ix->caller_start = xcalloc((size_t)ix->ndefs + 1, sizeof(uint32_t));
  for (uint32_t i = 0; i < ix->nfiles; i++)
    for (uint32_t c = 0; c < index_file(ix, i)->calls.len; c++) {
      Targets t = index_call_targets(ix, i, c);
      for (uint32_t k = 0; k < t.len; k++) ix->caller_start[index__gdef(ix, t.items[k]) + 1]++;
    }
  for (uint32_t g = 0; g < ix->ndefs; g++) ix->caller_start[g + 1] += ix->caller_start[g];
  ix->callers = xcalloc(ix->caller_start[ix->ndefs] + 1, sizeof(CallRef));
  uint32_t *fill = xcalloc((size_t)ix->ndefs + 1, sizeof(uint32_t));
  for (uint32_t i = 0; i < ix->nfiles; i++)
    for (uint32_t c = 0; c < index_file(ix, i)->calls.len; c++) {
      Targets t = index_call_targets(ix, i, c);
      for (uint32_t k = 0; k < t.len; k++) {
        uint32_t g = index__gdef(ix, t.items[k]);
        ix->callers[ix->caller_start[g] + fill[g]++] = (CallRef){i, c};
      }
    }
  free(fill);
}

/* The parameter of `def` named `name` (its position), or -1; self and cls
 * count, as a call's arguments are matched with index__param_for_arg. */
int32_t index__param_index(const Facts *f, int32_t def, const char *name) {
  const Def *d = &f->defs.items[def];
  for (uint32_t i = 0; i < d->params.count && d->kind == DEF_FUNCTION; i++) {
    const char *p = f->names.items[d->params.first + i];
    if (*p == '*') p++;
    if (strcmp(p, name) == 0) return (int32_t)i;
  }
  return -1;
}

const char *index_argument(const Index *ix, CallRef cr, DefRef callee, int32_t param) {
  const Facts *cf = index_file(ix, cr.file);
  const Call *c = &cf->calls.items[cr.call];
  const Facts *tf = index_file(ix, callee.file);
  const char *pname = tf->names.items[index_def(ix, callee)->params.first + (uint32_t)param];
  if (c->flags & CALL_REFERENCE) return NULL;
  for (uint32_t k = 0; k < c->nkwargs; k++)
    if (strcmp(cf->kwargs.items[c->first_kwarg + k].name, pname) == 0)
      return cf->kwargs.items[c->first_kwarg + k].value;
  bool init = strcmp(index_def(ix, callee)->name, "__init__") == 0; /* Class(args): self is made */
  for (uint32_t a = 0; a < c->args.count; a++)
    if (index__param_for_arg(tf, callee.def, a, init || strchr(c->callee, '.') != NULL) ==
        (uint32_t)param)
      return cf->names.items[c->args.first + a];
  return NULL;
}

/* Resolving every call reads the index and writes one row per file: files
 * are shared out over threads, and a big file's calls in pieces (an editor's
 * one big file changed: its calls are all that is resolved again). Each
 * call's resolution is a function of the index, so the pieces give what one
 * thread would: their targets are put together in call order. */
enum { PIECE_CALLS = 1024 };

typedef struct {
  uint32_t file, first, end;
  Dispatch dispatch; /* the targets of its calls with more than one, or inferred */
  U32Array reads;    /* the files its resolution read, when kept */
} Piece;

typedef struct {
  Index *ix;
  Index *prev; /* an editor's last index, whose first pass may be taken; or NULL */
  uint32_t changed;
  uint32_t next;
  Array(Piece) pieces; /* the second round: big files' calls */
  pthread_mutex_t lock;
} ResolveWork;

static void resolve_calls(const Index *ix, Piece *pc, DefRef *row) {
  const Facts *f = &ix->files[pc->file];
  index__reads = ix->first ? &pc->reads : NULL;
  DefRefs t = {0};
  for (uint32_t c = pc->first; c < pc->end; c++) {
    t.len = 0;
    ResolvedHow how =
        index__targets_of(ix, pc->file, f->calls.items[c].def, f->calls.items[c].callee, &t, false);
    row[c] = t.len ? t.items[0] : index__unresolved(pc->file);
    if (t.len > 1 || resolved_inferred(how))
      index__dispatch_set(&pc->dispatch, f->calls.len, c, &t, how);
  }
  array_free(&t);
  index__reads = NULL;
}

/* A file resolved (the pieces of it, in order): its row and targets kept. */
static void resolved_file(Index *ix, Piece *pcs, uint32_t n) {
  uint32_t file = pcs[0].file, ncalls = ix->files[file].calls.len;
  Dispatch *d = &ix->dispatch[file];
  U32Array reads = {0};
  for (uint32_t k = 0; k < n; k++) {
    Piece *pc = &pcs[k];
    if (n == 1) {
      *d = pc->dispatch;
    } else {
      for (uint32_t c = pc->first; c < pc->end && pc->dispatch.span; c++) {
        Span sp = pc->dispatch.span[c];
        if (sp.first == sp.end) continue;
        DefRefs t = {pc->dispatch.defs.items + sp.first, sp.end - sp.first, 0};
        index__dispatch_set(d, ncalls, c, &t, pc->dispatch.how[c]);
      }
      free(pc->dispatch.span);
      free(pc->dispatch.how);
      array_free(&pc->dispatch.defs);
    }
    for (uint32_t i = 0; i < pc->reads.len; i++) array_push(&reads, pc->reads.items[i]);
    array_free(&pc->reads);
  }
  if (ix->first) index__first_keep(ix, file, &reads);
  array_free(&reads);
}

static void *resolve_worker(void *arg) {
  ResolveWork *w = arg;
  Index *ix = w->ix;
  for (;;) {
    pthread_mutex_lock(&w->lock);
    uint32_t i = w->next++;
    pthread_mutex_unlock(&w->lock);
    if (i >= ix->nfiles) break;
    if (w->prev && index__first_take(ix, i, w->prev, w->changed)) continue;
    uint32_t ncalls = ix->files[i].calls.len;
    ix->resolved[i] = xcalloc(ncalls ? ncalls : 1, sizeof(DefRef));
    if (ncalls >= 2 * PIECE_CALLS) { /* in pieces, in the second round */
      pthread_mutex_lock(&w->lock);
      for (uint32_t c = 0; c < ncalls; c += PIECE_CALLS) {
        Piece pc = {i, c, c + PIECE_CALLS < ncalls ? c + PIECE_CALLS : ncalls, {0}, {0}};
        array_push(&w->pieces, pc);
      }
      pthread_mutex_unlock(&w->lock);
      continue;
    }
    Piece pc = {i, 0, ncalls, {0}, {0}};
    resolve_calls(ix, &pc, ix->resolved[i]);
    resolved_file(ix, &pc, 1);
  }
  return NULL;
}

static void *piece_worker(void *arg) {
  ResolveWork *w = arg;
  for (;;) {
    pthread_mutex_lock(&w->lock);
    uint32_t k = w->next++;
    pthread_mutex_unlock(&w->lock);
    if (k >= w->pieces.len) return NULL;
    Piece *pc = &w->pieces.items[k];
    resolve_calls(w->ix, pc, w->ix->resolved[pc->file]);
  }
}

/* Run `fn` on the work on `jobs` threads, this one among them. */
static void share_out(void *(*fn)(void *), ResolveWork *w, unsigned jobs) {
  void *args[THREADS_RUN_MAX];
  for (unsigned i = 0; i < jobs; i++) args[i] = w;
  w->next = 0;
  threads_run(fn, args, jobs);
}

uint32_t index_file_runs(const Index *ix, uint32_t max, uint32_t *from) {
  uint64_t total = 0, seen = 0;
  for (uint32_t i = 0; i < ix->nfiles; i++) total += ix->files[i].calls.len;
  uint32_t n = 0;
  from[0] = 0;
  for (uint32_t i = 0; i < ix->nfiles; i++) {
    seen += ix->files[i].calls.len;
    if (n + 1 < max && seen * max >= total * (n + 1)) from[++n] = i + 1;
  }
  if (from[n] < ix->nfiles || !n) from[++n] = ix->nfiles;
  return n;
}

static void resolve_all(Index *ix, Index *prev, uint32_t changed) {
  ResolveWork w = {ix, prev, changed, 0, {0}, PTHREAD_MUTEX_INITIALIZER};
  unsigned cores = cpu_count(), most = cores > 8 ? 8 : cores;
  share_out(resolve_worker, &w, ix->nfiles < 16 ? 1 : most);
  if (w.pieces.len) {
    /* the pieces were put in by file as each file came: in order within each */
    share_out(piece_worker, &w, most);
    for (uint32_t k = 0, j; k < w.pieces.len; k = j) {
      for (j = k + 1; j < w.pieces.len && w.pieces.items[j].file == w.pieces.items[k].file; j++)
        ;
      resolved_file(ix, w.pieces.items + k, j - k);
    }
  }
  array_free(&w.pieces);
  pthread_mutex_destroy(&w.lock);
}

/* The length of the directory all the files share ("/tmp/x/docs/" for a run
 * over one docs folder): what a file is for is read below it, so a project
 * that lives under a `docs` or `test` directory is not all docs or tests,
 * and a run over `tests/` alone shows its findings. */
static size_t common_dir(const Facts *files, uint32_t n) {
  if (!n) return 0;
  const char *first = files[0].path;
  size_t len = strlen(first);
  for (uint32_t i = 1; i < n && len; i++) {
    size_t k = 0;
    while (k < len && files[i].path[k] == first[k]) k++;
    len = k;
  }
  while (len && first[len - 1] != '/') len--; /* back to a whole directory */
  return len;
}

static void build(Index *ix, Facts *files, uint32_t n, const Knowledge *k, bool keep, Index *prev,
                  uint32_t changed);

void index_build(Index *ix, Facts *files, uint32_t n, const Knowledge *k) {
  build(ix, files, n, k, false, NULL, UINT32_MAX);
}

void index_build_kept(Index *ix, Facts *files, uint32_t n, const Knowledge *k, Index *prev,
                      uint32_t changed) {
  build(ix, files, n, k, true, prev, changed);
}

/* Map modules (the first file in path order wins, then namespace-package aliases), with each
 * file's lookups (facts_tables_build); resolve calls and build callers, then collect the fan-out
 * sites, sorted. A few passes over every file's defs, imports, calls and sites. */
static void build(Index *ix, Facts *files, uint32_t n, const Knowledge *k, bool keep, Index *prev,
                  uint32_t changed) {
  memset(ix, 0, sizeof *ix);
  ix->k = k;
  ix->files = files;
  ix->nfiles = n;
  ix->def_base = xcalloc((size_t)n + 1, sizeof(uint32_t));
  ix->resolved = xcalloc(n ? n : 1, sizeof(DefRef *));
  ix->kinds = xcalloc(n ? n : 1, 1);
  size_t root = common_dir(files, n);
  for (uint32_t i = 0; i < n; i++) {
    Facts *f = &files[i];
    ix->kinds[i] = (uint8_t)where_code(f->path + root);
    uint32_t existing;
    /* Two files claiming one module (scripts in different dirs): the first,
     * in path order, keeps the name. */
    if (!strmap_get(&ix->modules, f->module, &existing)) strmap_put(&ix->modules, f->module, i);
    facts_tables_build(f); /* made already, unless these facts came from elsewhere */
    ix->def_base[i + 1] = ix->def_base[i] + f->defs.len;
  }
  /* Namespace packages (no __init__.py, PEP 420) and directories put on
   * sys.path by scripts: `bot/handlers/text.py` also answers to
   * `handlers.text` and `bot.handlers.text` when no real module has the name. */
  for (uint32_t i = 0; i < n; i++) {
    char *path = xstrdup(files[i].path);
    size_t len = strlen(path);
    if (len > 3 && strcmp(path + len - 3, ".py") == 0) path[len - 3] = '\0';
    if (str_ends_with(path, "/__init__")) path[strlen(path) - 9] = '\0';
    for (char *p = path; *p; p++)
      if (*p == '/') *p = '.';
    for (char *dot = strrchr(path, '.'); dot;) {
      char *name = dot + 1;
      if (strchr(name, '.') && !strmap_get(&ix->modules, name, NULL)) {
        char *key = xstrdup(name);
        array_push(&ix->module_aliases, key);
        strmap_put(&ix->modules, key, i);
      }
      *dot = '\0';
      char *up = strrchr(path, '.');
      *dot = '.';
      dot = up;
      if (!dot && !strmap_get(&ix->modules, path, NULL) && strchr(path, '.')) {
        char *key = xstrdup(path);
        array_push(&ix->module_aliases, key);
        strmap_put(&ix->modules, key, i);
      }
    }
    free(path);
  }
  ix->ndefs = ix->def_base[n];
  ix->dispatch = xcalloc(n ? n : 1, sizeof(Dispatch));
  index__build_classes(ix);
  bool reuse = false;
  if (keep) {
    ix->first = xcalloc(n ? n : 1, sizeof(FirstPass));
    index__tables_key(ix, &ix->tables);
    reuse = prev && prev->first && prev->nfiles == n && prev->tables.len == ix->tables.len &&
            (!ix->tables.len || memcmp(prev->tables.s, ix->tables.s, ix->tables.len) == 0);
  }
  resolve_all(ix, reuse ? prev : NULL, changed);
  if (prev) index_free(prev);
  build_callers(ix);
  bool more = index__resolve_more(ix, index__by_name_pass);
  more = index__resolve_more(ix, index__callable_pass) || more;
  if (more) build_callers(ix);
  for (uint32_t i = 0; i < n; i++)
    for (uint32_t s = 0; s < files[i].sites.len; s++) {
      SiteRef sr = {i, files[i].sites.items[s], {0, -1}};
      if (index__is_race(&files[i], &sr.site) || index__is_drain(&files[i], &sr.site)) continue;
      /* a project's own `abatch` is no model's: what it runs shows where it fans out */
      if (sr.site.kind == SITE_BATCH && defref_ok(ix->resolved[i][sr.site.call])) continue;
      index__imported_width(ix, i, sr.site.def, &sr.site.width);
      array_push(&ix->sites, sr);
    }
  index__find_helper_sites(ix);
  index__find_fixed_helper_calls(ix);
  index__find_submit_sites(ix);
  if (ix->sites.len) qsort(ix->sites.items, ix->sites.len, sizeof(SiteRef), index__cmp_sites);
}

void index_free(Index *ix) {
  index__first_free(ix);
  for (uint32_t i = 0; i < ix->nfiles; i++) {
    free(ix->resolved[i]);
  }
  free(ix->resolved);
  free(ix->kinds);
  free(ix->def_base);
  free(ix->caller_start);
  free(ix->callers);
  for (uint32_t i = 0; i < ix->nfiles; i++) {
    free(ix->dispatch[i].span);
    free(ix->dispatch[i].how);
    array_free(&ix->dispatch[i].defs);
  }
  free(ix->dispatch);
  free(ix->base_start);
  free(ix->sub_start);
  free(ix->bases);
  free(ix->subs);
  strmap_free(&ix->method_names);
  strmap_free(&ix->class_names);
  free(ix->method_family);
  array_free(&ix->methods);
  array_free(&ix->sites);
  strmap_free(&ix->modules);
  arena_free(&ix->strings);
  for (uint32_t i = 0; i < ix->module_aliases.len; i++) free(ix->module_aliases.items[i]);
  array_free(&ix->module_aliases);
  memset(ix, 0, sizeof *ix);
}
