/* project: paths to an index: files found, read and extracted in parallel
 * (or taken from the cache), set aside when they cannot hold a finding and
 * parsed as soon as a parsed file imports them (one queue, no rounds: an
 * import found by one thread puts the module in the queue while the others
 * go on). The files parsed are the import closure of those that may matter,
 * whatever the thread timing, so the result does not depend on it. */
#include "project.h"

#include "cache.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

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
  bool lazy;      /* the load sets aside what cannot matter */
  bool *forced;   /* queued because a parsed file imports it: parsed, not set aside */
  bool *waiting;  /* set aside and not yet imported (only touched with the lock held) */
  uint32_t *todo; /* the queue: every file, then the imported ones set aside */
  uint32_t len, next, active;
  StrMap wanted; /* module names imported by parsed files (keys in wanted_keys) */
  StrArray wanted_keys;
  char **dotted;     /* each file's dotted path ("pkg.mod"): a module name is a suffix of it */
  StrMap by_suffix;  /* a dotted suffix of a file's path -> its first entry in suffixes */
  StrArray suffixes; /* (pointers into dotted) */
  U32Array suffix_file, suffix_next;
  pthread_mutex_t lock;
  pthread_cond_t changed; /* the queue grew, or a file was done */
} Work;

/* Take the cached entry's verdict or facts; false when they do not serve
 * (no facts where they are needed), and the file must be parsed. */
static bool use_cached(Work *w, uint32_t i, const CacheSlot *slot, bool lazy) {
  if (lazy && !slot->may_matter)
    w->aside[i] = true;
  else
    w->ok[i] = cache_load_facts(slot, &w->facts[i], &w->diags[i]);
  return (w->cached[i] = w->aside[i] || w->ok[i]);
}

static void process_file(Work *w, uint32_t i, bool lazy) {
  SourceFile src;
  const ProjectOptions *o = w->opts;
  const char *path = w->paths[i];
  w->aside[i] = w->cached[i] = false;
  bool buffer = o->buffer_path && strcmp(path, o->buffer_path) == 0;
  CacheSlot slot = {0};
  if (w->cache && !buffer) {
    cache_lookup(w->cache, path, w->modules[i], w->packages[i], &slot);
    if (slot.fresh && use_cached(w, i, &slot, lazy)) {
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
  if (slot.found && cache_same_text(&slot, src.text, src.len) && use_cached(w, i, &slot, lazy)) {
    /* unchanged text with a new status (touched, copied, checked out): record it */
    cache_refresh(w->cache, &slot);
  } else {
    bool may_matter = facts_may_matter(w->ctx, src.text);
    StrBuf pack = {0};
    if (lazy && !may_matter)
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

static const char *suffix_key(const void *ctx, uint32_t k) {
  return ((const StrArray *)ctx)->items[k];
}

/* Every dotted suffix of every file's path, chained by name, so a module
 * name finds the files it may be in. O(path bytes). */
static void index_suffixes(Work *w, uint32_t nfiles) {
  w->dotted = xcalloc(nfiles ? nfiles : 1, sizeof(char *));
  for (uint32_t i = 0; i < nfiles; i++) {
    w->dotted[i] = dotted_path(w->paths[i]);
    for (char *s = w->dotted[i]; s; s = strchr(s, '.') ? strchr(s, '.') + 1 : NULL)
      if (*s) {
        array_push(&w->suffixes, s);
        array_push(&w->suffix_file, i);
      }
  }
  array_reserve(&w->suffix_next, w->suffixes.len);
  w->suffix_next.len = w->suffixes.len;
  strmap_chain(&w->by_suffix, w->suffixes.len, suffix_key, &w->suffixes, w->suffix_next.items);
}

/* Queue file i to be parsed (the lock held). */
static void force(Work *w, uint32_t i) {
  w->waiting[i] = false;
  if (w->forced[i]) return;
  w->forced[i] = true;
  w->todo[w->len++] = i;
}

/* Whether a parsed file imports a module file i may be (the lock held). */
static bool wanted(const Work *w, uint32_t i) {
  bool hit = false;
  for (const char *s = w->dotted[i]; s && !hit; s = strchr(s, '.') ? strchr(s, '.') + 1 : NULL)
    hit = *s && strmap_get(&w->wanted, s, NULL);
  return hit;
}

/* The modules file i imports (each named by an import, and every package
 * above it) become wanted; the files set aside that they may be are queued
 * (the lock held). */
static void want_imports(Work *w, uint32_t i) {
  const Facts *f = &w->facts[i];
  for (uint32_t k = 0; k < f->imports.len; k++) {
    char *t = xstrdup(f->imports.items[k].target);
    for (char *dot = t + strlen(t);; dot = strrchr(t, '.')) {
      *dot = '\0';
      uint32_t e;
      if (!strmap_get(&w->wanted, t, NULL)) {
        char *key = xstrdup(t);
        array_push(&w->wanted_keys, key);
        strmap_put(&w->wanted, key, 1);
        for (bool on = strmap_get(&w->by_suffix, key, &e); on && e != UINT32_MAX;
             e = w->suffix_next.items[e])
          if (w->waiting[w->suffix_file.items[e]]) force(w, w->suffix_file.items[e]);
      }
      if (!strchr(t, '.')) break;
    }
    free(t);
  }
}

/* Take files off the queue until it is empty and no thread can add to it. */
static void *worker(void *arg) {
  Work *w = arg;
  pthread_mutex_lock(&w->lock);
  for (;;) {
    while (w->next == w->len && w->active) pthread_cond_wait(&w->changed, &w->lock);
    if (w->next == w->len) break;
    uint32_t i = w->todo[w->next++];
    bool lazy = w->lazy && !w->forced[i];
    w->active++;
    pthread_mutex_unlock(&w->lock);
    process_file(w, i, lazy);
    if (w->ok[i]) facts_tables_build(&w->facts[i]); /* in parallel, not in index_build */
    pthread_mutex_lock(&w->lock);
    if (w->aside[i] && wanted(w, i)) /* imported while it was being read */
      force(w, i);
    else if (w->aside[i])
      w->waiting[i] = true;
    else if (w->ok[i] && w->lazy)
      want_imports(w, i);
    w->active--;
    pthread_cond_broadcast(&w->changed);
  }
  pthread_mutex_unlock(&w->lock);
  return NULL;
}

static void run_queue(Work *w, unsigned jobs) {
  if (jobs > w->len) jobs = w->len ? w->len : 1;
  pthread_t *threads = xcalloc(jobs, sizeof(pthread_t));
  unsigned started = 0;
  for (; jobs > 1 && started < jobs; started++)
    if (pthread_create(&threads[started], NULL, worker, w) != 0) break;
  if (!started) worker(w);
  for (unsigned t = 0; t < started; t++) pthread_join(threads[t], NULL);
  free(threads);
}

static void queue_free(Work *w, uint32_t nfiles) {
  for (uint32_t k = 0; k < w->wanted_keys.len; k++) free(w->wanted_keys.items[k]);
  array_free(&w->wanted_keys);
  strmap_free(&w->wanted);
  for (uint32_t i = 0; w->dotted && i < nfiles; i++) free(w->dotted[i]);
  free(w->dotted);
  array_free(&w->suffixes);
  array_free(&w->suffix_file);
  array_free(&w->suffix_next);
  strmap_free(&w->by_suffix);
  free(w->forced);
  free(w->waiting);
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
  w.facts = xcalloc(n, sizeof(Facts));
  w.ok = xcalloc(n, sizeof(bool));
  w.diags = xcalloc(n, sizeof(Diags));
  w.aside = xcalloc(n, sizeof(bool));
  w.cached = xcalloc(n, sizeof(bool));
  w.parsed = xcalloc(n, sizeof(bool));
  w.todo = xcalloc(2 * n, sizeof(uint32_t)); /* each file once, and once more when imported */
  w.forced = xcalloc(n, sizeof(bool));
  w.waiting = xcalloc(n, sizeof(bool));
  for (uint32_t i = 0; i < files.len; i++) w.todo[i] = i;
  w.len = files.len;
  w.lazy = opts->lazy && !opts->extra_knowledge;
  if (w.lazy) index_suffixes(&w, files.len);
  Cache *cache = open_cache(&w, paths, npaths, &files, diags);
  w.cache = cache;
  pthread_mutex_init(&w.lock, NULL);
  pthread_cond_init(&w.changed, NULL);
  unsigned jobs = opts->jobs ? opts->jobs : cpu_count();
  p->jobs = jobs;
  /* Files set aside are parsed when a parsed file imports them, until no
   * parsed file imports one more: calls into them resolve as in a full load. */
  run_queue(&w, jobs);
  pthread_cond_destroy(&w.changed);
  pthread_mutex_destroy(&w.lock);
  queue_free(&w, files.len);
  if (!cache_close(cache)) /* the run is right; the next one will be slow */
    diags_add(diags, DIAG_WARNING, opts->cache_dir, 0,
              "cache not written (a full or read-only disk?); the next run parses again");
  for (uint32_t i = 0; cache && i < files.len; i++) free(w.modules[i]);
  free(w.modules);
  free(w.packages);
  keep_files(p, &w, &files, opts->list_parsed, diags);
  p->editor = opts->editor;
  p->verify_rebuilds = opts->verify_rebuilds;
  if (p->editor)
    index_build_kept(&p->index, p->files, p->nfiles, &p->knowledge, NULL, UINT32_MAX);
  else
    index_build(&p->index, p->files, p->nfiles, &p->knowledge);
  return true;
}

/* FANOUT_VERIFY_REBUILDS: facts made taking statements from the last ones are those a full
 * extraction makes, byte for byte (else an error names the file, and the full ones are kept). */
static void verify_extraction(const Project *p, const SourceFile *src, TSTree *tree, Facts *old,
                              Facts *facts, Diags *diags) {
  Facts full = {0};
  Diags quiet = {0};
  facts_extract_tree(p->ctx, src, tree, &full, &quiet);
  diags_free(&quiet);
  StrBuf a = {0}, b = {0};
  facts_pack(facts, &a);
  facts_pack(&full, &b);
  if (a.len != b.len || memcmp(a.s, b.s, a.len) != 0) {
    diags_add(diags, DIAG_ERROR, src->path, 0,
              "facts taken from the last ones differ from a full build");
    if (old) facts_give_back(old, facts);
    facts_free(facts);
    *facts = full; /* without marks: the next edit walks all */
  } else {
    facts_free(&full);
  }
  sb_free(&a);
  sb_free(&b);
}

bool project_set_document(Project *p, const char *path, const char *text, size_t len, TSTree *tree,
                          bool *changed, Diags *diags) {
  SourceFile src;
  *changed = false;
  if (!source_from_buffer(path, text, len, &src, diags)) return false;
  uint32_t i = 0;
  while (i < p->nfiles && strcmp(p->files[i].path, path) < 0) i++;
  bool known = i < p->nfiles && strcmp(p->files[i].path, path) == 0;
  Facts facts = {0};
  if (p->editor) { /* taking the statements that did not change from the last facts */
    facts_extract_again(p->ctx, &src, tree, known ? &p->files[i] : NULL, &facts, diags);
    if (p->verify_rebuilds && facts_reused(&facts))
      verify_extraction(p, &src, tree, known ? &p->files[i] : NULL, &facts, diags);
  } else {
    facts_extract_tree(p->ctx, &src, tree, &facts, diags);
  }
  source_free(&src);
  if (known && facts_same_but_call_bytes(&p->files[i], &facts)) { /* nothing to redo */
    facts_take_place(&p->files[i], &facts);
    facts_free(&facts);
    return true;
  }
  *changed = true;
  Index prev = p->index; /* what a rebuild may take (index_build_kept frees it) */
  memset(&p->index, 0, sizeof p->index);
  if (known) {
    facts_free(&p->files[i]);
  } else { /* a new file: keep path order (the others' numbers move: nothing is reused) */
    p->files = xrealloc(p->files, ((size_t)p->nfiles + 1) * sizeof(Facts));
    memmove(&p->files[i + 1], &p->files[i], (p->nfiles - i) * sizeof(Facts));
    p->nfiles++;
  }
  p->files[i] = facts;
  if (!known || !p->editor) index_free(&prev); /* nothing to take from it */
  if (!p->editor) {
    index_build(&p->index, p->files, p->nfiles, &p->knowledge);
    return true;
  }
  index_build_kept(&p->index, p->files, p->nfiles, &p->knowledge, known ? &prev : NULL, i);
  if (p->verify_rebuilds) {
    Index full;
    index_build_kept(&full, p->files, p->nfiles, &p->knowledge, NULL, UINT32_MAX);
    char *what = index_differs(&p->index, &full);
    if (what) {
      diags_add(diags, DIAG_ERROR, path, 0, "rebuilt index differs from a full build: %s", what);
      free(what);
      index_free(&p->index);
      p->index = full;
    } else {
      index_free(&full);
    }
  }
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
