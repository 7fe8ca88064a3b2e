#include "project.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
  const FactsContext *ctx;
  const ProjectOptions *opts;
  char **paths;
  Facts *facts;
  bool *ok;
  Diags *diags; /* one list per file, merged in path order afterwards */
  uint32_t n;
  uint32_t next;
  pthread_mutex_t lock;
} Work;

static void process_file(Work *w, uint32_t i) {
  SourceFile src;
  const ProjectOptions *o = w->opts;
  bool ok = o->buffer_path && strcmp(w->paths[i], o->buffer_path) == 0
                ? source_from_buffer(w->paths[i], o->buffer, o->buffer_len, &src, &w->diags[i])
                : source_read(w->paths[i], &src, &w->diags[i]);
  if (!ok) return;
  w->ok[i] = facts_extract(w->ctx, &src, &w->facts[i], &w->diags[i]);
  source_free(&src);
}

static void *worker(void *arg) {
  Work *w = arg;
  for (;;) {
    pthread_mutex_lock(&w->lock);
    uint32_t i = w->next++;
    pthread_mutex_unlock(&w->lock);
    if (i >= w->n) return NULL;
    process_file(w, i);
  }
}

bool project_load(Project *p, const char *const *paths, uint32_t npaths, const ProjectOptions *opts,
                  Diags *diags) {
  memset(p, 0, sizeof *p);
  if (!knowledge_load(&p->knowledge, diags)) return false;
  if (opts->extra_knowledge &&
      !knowledge_add_text(&p->knowledge, opts->extra_knowledge_file, opts->extra_knowledge, diags))
    return false;
  p->min_width = opts->min_width ? opts->min_width : 50;
  p->ctx = facts_context_new(&p->knowledge, diags);
  if (!p->ctx) return false;

  StrArray files = {0};
  source_walk(paths, npaths, &opts->walk, &files, diags);
  if (opts->buffer_path) { /* an unsaved buffer may not exist on disk yet */
    bool listed = false;
    for (uint32_t i = 0; i < files.len && !listed; i++)
      listed = strcmp(files.items[i], opts->buffer_path) == 0;
    if (!listed) {
      array_push(&files, xstrdup(opts->buffer_path));
      for (uint32_t i = files.len - 1; i > 0 && strcmp(files.items[i - 1], files.items[i]) > 0;
           i--) {
        char *t = files.items[i];
        files.items[i] = files.items[i - 1];
        files.items[i - 1] = t;
      }
    }
  }
  p->files_seen = files.len;
  Work w = {0};
  w.ctx = p->ctx;
  w.opts = opts;
  w.paths = files.items;
  w.n = files.len;
  w.facts = xcalloc(files.len ? files.len : 1, sizeof(Facts));
  w.ok = xcalloc(files.len ? files.len : 1, sizeof(bool));
  w.diags = xcalloc(files.len ? files.len : 1, sizeof(Diags));
  pthread_mutex_init(&w.lock, NULL);
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  unsigned jobs = opts->jobs ? opts->jobs : (unsigned)(cores > 0 ? cores : 1);
  if (jobs > files.len) jobs = files.len ? files.len : 1;
  if (jobs <= 1) {
    worker(&w);
  } else {
    pthread_t *threads = xcalloc(jobs, sizeof(pthread_t));
    unsigned started = 0;
    for (; started < jobs; started++)
      if (pthread_create(&threads[started], NULL, worker, &w) != 0) break;
    if (!started) worker(&w);
    for (unsigned t = 0; t < started; t++) pthread_join(threads[t], NULL);
    free(threads);
  }
  pthread_mutex_destroy(&w.lock);

  /* Keep the files that were read, in path order; merge diagnostics likewise. */
  p->files = xcalloc(files.len ? files.len : 1, sizeof(Facts));
  for (uint32_t i = 0; i < files.len; i++) {
    for (uint32_t d = 0; d < w.diags[i].len; d++) array_push(diags, w.diags[i].items[d]);
    array_free(&w.diags[i]);
    if (w.ok[i]) {
      p->syntax_errors += w.facts[i].has_errors;
      p->files[p->nfiles++] = w.facts[i];
    } else {
      facts_free(&w.facts[i]);
    }
    free(files.items[i]);
  }
  array_free(&files);
  free(w.facts);
  free(w.ok);
  free(w.diags);
  index_build(&p->index, p->files, p->nfiles);
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
  index_build(&p->index, p->files, p->nfiles);
  return true;
}

void project_free(Project *p) {
  index_free(&p->index);
  for (uint32_t i = 0; i < p->nfiles; i++) facts_free(&p->files[i]);
  free(p->files);
  facts_context_free(p->ctx);
  knowledge_free(&p->knowledge);
  memset(p, 0, sizeof *p);
}
