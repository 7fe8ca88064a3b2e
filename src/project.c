/* project: paths to an index: files found, read and extracted in parallel
 * (or taken from the cache), set aside when they cannot hold a finding and
 * parsed when a parsed file imports them; the result is the same as a full
 * load and independent of thread timing. */
#include "project.h"

#include "cache.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
  const FactsContext *ctx;
  const ProjectOptions *opts;
  const Cache *cache; /* NULL: no cache */
  char **modules;     /* with a cache: each file's module name, */
  bool *packages;     /* and whether it is a package */
  char **paths;
  Facts *facts;
  bool *ok;
  Diags *diags; /* one list per file, merged in path order afterwards */
  bool *aside;  /* read, and left unparsed until something imports it */
  bool *cached; /* its facts (or its verdict) came from the cache */
  bool *parsed;
  bool lazy;      /* this round sets files aside */
  uint32_t *todo; /* the files of this round */
  uint32_t n;
  uint32_t next;
  pthread_mutex_t lock;
} Work;

/* Take the cached entry's verdict or facts; false when they do not serve
 * (no facts where they are needed), and the file must be parsed. */
static bool use_cached(Work *w, uint32_t i, const CacheSlot *slot) {
  if (w->lazy && !slot->may_matter)
    w->aside[i] = true;
  else
    w->ok[i] = cache_load_facts(slot, &w->facts[i], &w->diags[i]);
  return (w->cached[i] = w->aside[i] || w->ok[i]);
}

static void process_file(Work *w, uint32_t i) {
  SourceFile src;
  const ProjectOptions *o = w->opts;
  const char *path = w->paths[i];
  w->aside[i] = w->cached[i] = false;
  bool buffer = o->buffer_path && strcmp(path, o->buffer_path) == 0;
  CacheSlot slot = {0};
  if (w->cache && !buffer) {
    cache_lookup(w->cache, path, w->modules[i], w->packages[i], &slot);
    if (slot.fresh && use_cached(w, i, &slot)) {
      cache_slot_free(&slot);
      return;
    }
  }
  bool ok = buffer ? source_from_buffer(path, o->buffer, o->buffer_len, &src, &w->diags[i])
                   : source_read(path, &src, &w->diags[i]);
  if (!ok) {
    cache_slot_free(&slot);
    return;
  }
  if (slot.found && cache_same_text(&slot, src.text, src.len) && use_cached(w, i, &slot)) {
    /* unchanged text with a new status (touched, copied, checked out): record it */
    cache_refresh(w->cache, &slot);
  } else {
    bool may_matter = facts_may_matter(w->ctx, src.text);
    StrBuf pack = {0};
    if (w->lazy && !may_matter)
      w->aside[i] = true;
    else if ((w->ok[i] = w->parsed[i] = facts_extract(w->ctx, &src, &w->facts[i], &w->diags[i])))
      facts_compact(&w->facts[i], &pack); /* kept for the whole run: the compact form */
    if (slot.path)                        /* looked up: store what was learned */
      cache_store(w->cache, &slot, src.module, src.is_package, src.text, src.len, may_matter,
                  w->ok[i] ? &pack : NULL, &w->diags[i], 0);
    sb_free(&pack);
  }
  cache_slot_free(&slot);
  source_free(&src);
}

static void *worker(void *arg) {
  Work *w = arg;
  for (;;) {
    pthread_mutex_lock(&w->lock);
    uint32_t i = w->next++;
    pthread_mutex_unlock(&w->lock);
    if (i >= w->n) return NULL;
    process_file(w, w->todo[i]);
  }
}

static void run_round(Work *w, unsigned jobs) {
  w->next = 0;
  if (jobs > w->n) jobs = w->n ? w->n : 1;
  if (jobs <= 1) {
    worker(w);
    return;
  }
  pthread_t *threads = xcalloc(jobs, sizeof(pthread_t));
  unsigned started = 0;
  for (; started < jobs; started++)
    if (pthread_create(&threads[started], NULL, worker, w) != 0) break;
  if (!started) worker(w);
  for (unsigned t = 0; t < started; t++) pthread_join(threads[t], NULL);
  free(threads);
}

/* The dotted path of a file ("src/pkg/mod.py" -> "src.pkg.mod"); a module
 * is found by any dotted suffix of it, as the index finds it. */
static char *dotted_path(const char *path) {
  char *d = xstrdup(path);
  size_t len = strlen(d);
  if (len > 3 && strcmp(d + len - 3, ".py") == 0) d[len - 3] = '\0';
  if (len > 4 && strcmp(d + len - 4, ".pyi") == 0) d[len - 4] = '\0';
  if (str_ends_with(d, "/__init__")) d[strlen(d) - 9] = '\0';
  for (char *c = d; *c; c++)
    if (*c == '/') *c = '.';
  return d;
}

/* Files set aside that the files of the last round import (a module named
 * by an import or any package above it): they become the next round. */
static uint32_t imported_aside(Work *w, uint32_t nfiles) {
  StrMap wanted = {0};
  StrArray keys = {0};
  for (uint32_t r = 0; r < w->n; r++) {
    uint32_t i = w->todo[r];
    if (!w->ok[i]) continue;
    const Facts *f = &w->facts[i];
    for (uint32_t k = 0; k < f->imports.len; k++) {
      char *t = xstrdup(f->imports.items[k].target);
      for (char *dot = t + strlen(t);; dot = strrchr(t, '.')) {
        *dot = '\0';
        if (!strmap_get(&wanted, t, NULL)) {
          char *key = xstrdup(t);
          array_push(&keys, key);
          strmap_put(&wanted, key, 1);
        }
        if (!strchr(t, '.')) break;
      }
      free(t);
    }
  }
  uint32_t n = 0, *next = xcalloc(nfiles ? nfiles : 1, sizeof *next);
  for (uint32_t i = 0; i < nfiles; i++) {
    if (!w->aside[i]) continue;
    char *d = dotted_path(w->paths[i]);
    bool hit = false;
    for (const char *s = d; s && !hit; s = strchr(s, '.') ? strchr(s, '.') + 1 : NULL)
      hit = *s && strmap_get(&wanted, s, NULL);
    free(d);
    if (hit) next[n++] = i;
  }
  for (uint32_t k = 0; k < keys.len; k++) free(keys.items[k]);
  array_free(&keys);
  strmap_free(&wanted);
  free(w->todo);
  w->todo = next;
  return n;
}

/* An unsaved buffer may not exist on disk yet: it joins the walked files,
 * in path order. */
static void add_buffer_path(StrArray *files, const char *path) {
  for (uint32_t i = 0; i < files->len; i++)
    if (strcmp(files->items[i], path) == 0) return;
  array_push(files, xstrdup(path));
  for (uint32_t i = files->len - 1; i > 0 && strcmp(files->items[i - 1], files->items[i]) > 0;
       i--) {
    char *t = files->items[i];
    files->items[i] = files->items[i - 1];
    files->items[i - 1] = t;
  }
}

/* The cache for this load (NULL: none), with one warning when the
 * directory is refused or cannot be made; one pack per set of roots, and
 * the files' module names found up front (each directory looked at once). */
static Cache *open_cache(Work *w, const char *const *paths, uint32_t npaths, const StrArray *files,
                         Diags *diags) {
  const ProjectOptions *opts = w->opts;
  if (!opts->cache_dir) return NULL;
  const char *refused = cache_refusal(opts->cache_dir);
  if (refused) {
    diags_add(diags, DIAG_WARNING, opts->cache_dir, 0, "cache not used: %s", refused);
    return NULL;
  }
  Cache *cache = cache_open(opts->cache_dir, opts->extra_knowledge);
  if (!cache) { /* a parent that is a file, a read-only disk */
    diags_add(diags, DIAG_WARNING, opts->cache_dir, 0,
              "cache not used: it cannot be made there; the run parses every file");
    return NULL;
  }
  StrBuf slot = {0};
  for (uint32_t i = 0; i < npaths; i++) sb_printf(&slot, "%s\n", paths[i]);
  cache_use_pack(cache, sb_str(&slot));
  sb_free(&slot);
  ModuleNames names = {0};
  w->modules = xcalloc(files->len ? files->len : 1, sizeof(char *));
  w->packages = xcalloc(files->len ? files->len : 1, sizeof(bool));
  for (uint32_t i = 0; i < files->len; i++)
    w->modules[i] = source_module_name_in(&names, files->items[i], &w->packages[i]);
  module_names_free(&names);
  return cache;
}

/* Keep the files that were read, in path order; merge their diagnostics
 * likewise; count what was read, cached and parsed. Frees the work. */
static void keep_files(Project *p, Work *w, StrArray *files, bool list_parsed, Diags *diags) {
  p->files = xcalloc(files->len ? files->len : 1, sizeof(Facts));
  for (uint32_t i = 0; i < files->len; i++) {
    for (uint32_t d = 0; d < w->diags[i].len; d++) array_push(diags, w->diags[i].items[d]);
    array_free(&w->diags[i]);
    p->files_read += w->ok[i] || w->aside[i];
    p->files_cached += w->cached[i];
    p->files_parsed += w->parsed[i];
    if (w->parsed[i] && list_parsed) array_push(&p->parsed, xstrdup(files->items[i]));
    if (w->ok[i]) {
      p->syntax_errors += w->facts[i].has_errors;
      p->files[p->nfiles++] = w->facts[i];
    } else {
      facts_free(&w->facts[i]);
    }
    free(files->items[i]);
  }
  array_free(files);
  free(w->facts);
  free(w->ok);
  free(w->aside);
  free(w->cached);
  free(w->parsed);
  free(w->todo);
  free(w->diags);
}

/* `jobs` threads (one per core by default) extract the files, reusing cached facts that still hold;
 * a lazy load sets aside files that cannot matter and parses them in later rounds only when a
 * parsed file imports them. */
bool project_load(Project *p, const char *const *paths, uint32_t npaths, const ProjectOptions *opts,
                  Diags *diags) {
  memset(p, 0, sizeof *p);
  if (!knowledge_load(&p->knowledge, diags)) return false;
  if (opts->extra_knowledge &&
      !knowledge_add_text(&p->knowledge, opts->extra_knowledge_file, opts->extra_knowledge, diags))
    return false;
  p->settings = settings_make(&p->knowledge, &opts->settings);
  p->ctx = facts_context_new(&p->knowledge, diags);
  if (!p->ctx) return false;
  StrArray files = {0};
  source_walk(paths, npaths, &opts->walk, &files, diags);
  if (opts->buffer_path) add_buffer_path(&files, opts->buffer_path);
  p->files_seen = files.len;
  size_t n = files.len ? files.len : 1;
  Work w = {0};
  w.ctx = p->ctx;
  w.opts = opts;
  w.paths = files.items;
  w.n = files.len;
  w.facts = xcalloc(n, sizeof(Facts));
  w.ok = xcalloc(n, sizeof(bool));
  w.diags = xcalloc(n, sizeof(Diags));
  w.aside = xcalloc(n, sizeof(bool));
  w.cached = xcalloc(n, sizeof(bool));
  w.parsed = xcalloc(n, sizeof(bool));
  w.todo = xcalloc(n, sizeof(uint32_t));
  for (uint32_t i = 0; i < files.len; i++) w.todo[i] = i;
  w.lazy = opts->lazy && !opts->extra_knowledge;
  Cache *cache = open_cache(&w, paths, npaths, &files, diags);
  w.cache = cache;
  pthread_mutex_init(&w.lock, NULL);
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  unsigned jobs = opts->jobs ? opts->jobs : (unsigned)(cores > 0 ? cores : 1);
  run_round(&w, jobs);
  /* Files set aside are parsed when a parsed file imports them, until no
   * parsed file imports one more: calls into them resolve as in a full load. */
  w.lazy = false;
  while ((w.n = imported_aside(&w, files.len)) > 0) run_round(&w, jobs);
  pthread_mutex_destroy(&w.lock);
  if (!cache_close(cache)) /* the run is right; the next one will be slow */
    diags_add(diags, DIAG_WARNING, opts->cache_dir, 0,
              "cache not written (a full or read-only disk?); the next run parses again");
  for (uint32_t i = 0; cache && i < files.len; i++) free(w.modules[i]);
  free(w.modules);
  free(w.packages);
  keep_files(p, &w, &files, opts->list_parsed, diags);
  index_build(&p->index, p->files, p->nfiles, &p->knowledge);
  return true;
}

bool project_set_document(Project *p, const char *path, const char *text, size_t len, TSTree *tree,
                          Diags *diags) {
  SourceFile src;
  if (!source_from_buffer(path, text, len, &src, diags)) return false;
  Facts facts = {0};
  facts_extract_tree(p->ctx, &src, tree, &facts, diags);
  source_free(&src);
  index_free(&p->index);
  uint32_t i = 0;
  while (i < p->nfiles && strcmp(p->files[i].path, path) < 0) i++;
  if (i < p->nfiles && strcmp(p->files[i].path, path) == 0) {
    facts_free(&p->files[i]);
  } else { /* a new file: keep path order */
    p->files = xrealloc(p->files, ((size_t)p->nfiles + 1) * sizeof(Facts));
    memmove(&p->files[i + 1], &p->files[i], (p->nfiles - i) * sizeof(Facts));
    p->nfiles++;
  }
  p->files[i] = facts;
  index_build(&p->index, p->files, p->nfiles, &p->knowledge);
  return true;
}

void project_free(Project *p) {
  for (uint32_t i = 0; i < p->parsed.len; i++) free(p->parsed.items[i]);
  array_free(&p->parsed);
  index_free(&p->index);
  for (uint32_t i = 0; i < p->nfiles; i++) facts_free(&p->files[i]);
  free(p->files);
  facts_context_free(p->ctx);
  knowledge_free(&p->knowledge);
  memset(p, 0, sizeof *p);
}

bool project_fingerprint(const char *const *paths, uint32_t npaths, const ProjectOptions *opts,
                         StrBuf *material) {
  StrArray files = {0};
  Diags diags = {0};
  source_walk(paths, npaths, &opts->walk, &files, &diags);
  for (uint32_t i = 0; i < diags.len; i++) {
    char *d = diag_format(&diags.items[i]);
    sb_printf(material, "diag %s\n", d);
    free(d);
  }
  diags_free(&diags);
  ModuleNames names = {0};
  int64_t now = cache_now_ns();
  bool trusted = true;
  for (uint32_t i = 0; i < files.len; i++) {
    bool package;
    char *module = source_module_name_in(&names, files.items[i], &package);
    uint64_t st[5];
    sb_printf(material, "file %s %s %d", files.items[i], module, package);
    if (cache_file_status(files.items[i], st)) {
      sb_printf(material, " %llx %llx %llx %llx %llx\n", (unsigned long long)st[0],
                (unsigned long long)st[1], (unsigned long long)st[2], (unsigned long long)st[3],
                (unsigned long long)st[4]);
      trusted &= !cache_status_racy(st[3], now) && !cache_status_racy(st[4], now);
    } else {
      sb_puts(material, " missing\n");
    }
    free(module);
    free(files.items[i]);
  }
  module_names_free(&names);
  array_free(&files);
  return trusted;
}
