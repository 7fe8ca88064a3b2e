/* project: paths -> files -> facts -> index, in parallel and deterministic. */
#ifndef FANOUT_PROJECT_H
#define FANOUT_PROJECT_H

#include "index.h"

typedef struct {
  WalkOptions walk;
  unsigned jobs;               /* worker threads; 0 = one per core */
  const char *extra_knowledge; /* more rules/NAME.txt lines (from the configuration) */
  const char *extra_knowledge_file;
  Settings settings;       /* thresholds the configuration sets (0: the rule data's) */
  const char *buffer_path; /* a file whose content is `buffer` instead of the disk's */
  const char *buffer;      /* (an editor's unsaved buffer, --stdin-filename) */
  size_t buffer_len;
  const char *cache_dir; /* keep facts between runs there (cache.h); NULL: no cache */
  bool list_parsed;      /* fill Project.parsed */
  bool lazy;             /* parse only files that may hold findings (facts_may_matter) and,
                          * transitively, the project modules they import: `check` */
  bool editor;           /* an editor's: keep what rebuilding the index after one file
                            changes reuses (project_set_document) */
  bool verify_rebuilds;  /* and compare each such rebuild with a full build (tests) */
} ProjectOptions;

typedef struct {
  Knowledge knowledge;
  FactsContext *ctx;
  Facts *files;
  uint32_t nfiles;
  uint32_t files_seen;    /* paths found by the walk, including skipped ones */
  uint32_t files_read;    /* files read: those parsed and those a lazy load left aside */
  uint32_t syntax_errors; /* files analyzed despite syntax errors */
  uint32_t files_cached;  /* files whose facts (or verdict) came from the cache */
  uint32_t files_parsed;  /* files parsed this run */
  StrArray parsed;        /* their paths, in order, with opts->list_parsed */
  Settings settings;      /* the thresholds the checks use */
  Index index;
  bool editor, verify_rebuilds; /* from the options */
  unsigned jobs;                /* threads the load used: the checks may use as many */
  bool checks_alone;            /* run the checks on one thread (see policy_run) */
} Project;

/* Load rule data, walk `paths`, read, parse and extract every file, and build
 * the index. Problems with single files become diagnostics and the rest goes
 * on; returns false only when fanout itself cannot run (bad rule data).
 * Free with project_free (also after a false return). */
bool project_load(Project *p, const char *const *paths, uint32_t npaths, const ProjectOptions *opts,
                  Diags *diags);
/* Replace (or add) one file's facts with those of an editor's document:
 * `text` as parsed into `tree` (kept by the caller for incremental parsing),
 * then rebuild the index. With the `editor` option, both reuse what the
 * change cannot affect: the facts of top-level statements whose text did not
 * change (facts_extract_again), the index's resolution of files that did not
 * read the changed one. With `verify_rebuilds`, facts or an index that differ
 * from a full build's are an error diagnostic, and the full ones are kept.
 * When the new facts say what the old ones did to the analysis (equal but for
 * where the calls lie in the bytes: a comment typed), nothing is rebuilt and
 * *changed is false: every finding is what it was.
 * Returns false (with a diagnostic) when the text is not acceptable source (binary, not UTF-8). */
bool project_set_document(Project *p, const char *path, const char *text, size_t len, TSTree *tree,
                          bool *changed, Diags *diags);
void project_free(Project *p);

/* What a load of `paths` would read, as bytes for a memo of a command's
 * output (cache_memo_get): each file's path, module and status (device,
 * inode, size, mtime, ctime) and the walk's diagnostics. Returns false when
 * a file changed too recently for its status to stand for its contents. */
bool project_fingerprint(const char *const *paths, uint32_t npaths, const ProjectOptions *opts,
                         StrBuf *material);

#endif
