/* cli_check: `fanout check`: the findings in every output format, with the run memo that replays an
 * unchanged project's output. */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache.h"
#include "cli.h"
#include "emit.h"

/* ---- check ---- */

static bool colour_output(void) {
  const char *no_color = getenv("NO_COLOR");
  return isatty(STDOUT_FILENO) && !(no_color && *no_color);
}

/* What a command's output depends on besides the files: the command line,
 * the working directory, colour, the configuration's text, the doc links. */
static void memo_material(const Options *o, const char *name, StrBuf *slot, StrBuf *material) {
  char cwd[4096];
  sb_printf(slot, "%s\n%s\n", name, getcwd(cwd, sizeof cwd) ? cwd : "?");
  for (int i = 2; i < o->argc; i++) sb_printf(slot, "%s\n", o->argv[i]);
  sb_putn(material, slot->s, slot->len);
  sb_printf(material, "colour %d\nhome %s\nconfig %s\n", colour_output(), FANOUT_HOME,
            o->config.path ? o->config.path : "-");
  FILE *cf = o->config.path ? fopen(o->config.path, "rb") : NULL;
  if (cf) {
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, cf)) > 0) sb_putn(material, chunk, n);
    fclose(cf);
  }
}

bool run_memo_replay(RunMemo *m, const Options *o, const char *name, const char *const *roots,
                     uint32_t nroots, int *rc) {
  memset(m, 0, sizeof *m);
  if (!o->project.cache_dir || o->stdin_filename) return false;
  m->cache = cache_open(o->project.cache_dir, o->project.extra_knowledge);
  if (!m->cache) return false;
  memo_material(o, name, &m->slot, &m->material);
  if (!project_fingerprint(roots, nroots, &o->project, &m->material)) {
    run_memo_close(m); /* a file changed just now: neither trust nor record */
    return false;
  }
  StrBuf out = {0}, err = {0};
  bool replayed =
      cache_memo_get(m->cache, sb_str(&m->slot), m->material.s, m->material.len, &out, &err, rc);
  if (replayed) {
    fputs(sb_str(&out), stdout);
    fputs(sb_str(&err), stderr);
    if (o->verbose)
      fprintf(stderr, "cache %s: nothing changed, output replayed\n", o->project.cache_dir);
    run_memo_close(m);
  }
  sb_free(&out), sb_free(&err);
  return replayed;
}

void run_memo_record(RunMemo *m, StrBuf *out, StrBuf *err, const Diags *diags, int rc) {
  if (m->cache) {
    StrBuf all = {0};
    sb_putn(&all, err->s, err->len);
    for (uint32_t i = 0; i < diags->len; i++) {
      char *d = diag_format(&diags->items[i]);
      sb_printf(&all, "%s\n", d);
      free(d);
    }
    cache_memo_put(m->cache, sb_str(&m->slot), m->material.s, m->material.len, sb_str(out),
                   out->len, sb_str(&all), all.len, diags_errors(diags) ? EXIT_USAGE : rc);
    sb_free(&all);
  }
  run_memo_close(m);
}

void run_memo_close(RunMemo *m) {
  cache_close(m->cache);
  m->cache = NULL;
  sb_free(&m->slot), sb_free(&m->material);
}

/* Whether `path` (as the index names it) is one of the paths given. */
static bool given_path(const Options *o, const char *path) {
  for (uint32_t k = 0; k < o->npaths; k++) {
    const char *given = o->paths[k];
    while (given[0] == '.' && given[1] == '/') given += 2;
    if (strcmp(path, given) == 0) return true;
  }
  return false;
}

/* Given only files: problems in the files read for context are not this
 * run's business. */
static void keep_given_diags(const Options *o, Diags *diags) {
  uint32_t w = 0;
  for (uint32_t i = 0; i < diags->len; i++) {
    if (!diags->items[i].path || given_path(o, diags->items[i].path))
      diags->items[w++] = diags->items[i];
    else
      free(diags->items[i].path), free(diags->items[i].message);
  }
  diags->len = w;
}

/* The findings of the files given (only_files), or of the buffer read from
 * stdin; the hidden count says what was hidden in those. */
static void keep_given_findings(const Options *o, const Project *p, bool only_files, Findings *fs,
                                PolicyRun *counts) {
  uint32_t n = 0;
  for (uint32_t i = 0; i < counts->hidden_in.len; i++) {
    const char *path = p->index.files[counts->hidden_in.items[i]].path;
    n += (o->stdin_filename && strcmp(path, o->stdin_filename) == 0) ||
         (only_files && given_path(o, path));
  }
  counts->hidden = n;
  uint32_t w = 0;
  for (uint32_t i = 0; i < fs->len; i++) {
    const char *path = p->index.files[fs->items[i].file].path;
    bool keep = (!only_files || given_path(o, path)) &&
                (!o->stdin_filename || strcmp(path, o->stdin_filename) == 0);
    if (keep)
      fs->items[w++] = fs->items[i];
    else
      finding_free(&fs->items[i]);
  }
  fs->len = w;
}

/* The findings in the format asked for. */
static void emit_findings(const char *fmt, Findings *fs, const Project *p, uint32_t files_checked,
                          StrBuf *out) {
  if (strcmp(fmt, "json") == 0) {
    emit_json(fs, &p->index, files_checked, out);
  } else if (strcmp(fmt, "github") == 0) {
    emit_github(fs, &p->index, out);
  } else if (strcmp(fmt, "markdown") == 0) {
    emit_markdown(fs, &p->index, files_checked, out);
  } else if (strcmp(fmt, "sarif") == 0) {
    char cwd[4096];
    findings_read_lines(fs, &p->index);
    emit_sarif(fs, &p->index, FANOUT_HOME, getcwd(cwd, sizeof cwd) ? cwd : "/", out);
  } else {
    emit_text(fs, &p->index, colour_output(), out);
  }
}

/* "3 findings: 1 error, 2 warnings (9 files checked, ...)" for text and
 * GitHub output (the other formats carry their counts). */
static void summary_line(const Options *o, const Findings *fs, const PolicyRun *counts,
                         uint32_t files_checked, StrBuf *err) {
  uint32_t errors = 0, warnings = 0;
  for (uint32_t i = 0; i < fs->len; i++) {
    errors += fs->items[i].severity == SEVERITY_ERROR;
    warnings += fs->items[i].severity == SEVERITY_WARNING;
  }
  sb_printf(err, "%u finding%s", fs->len, fs->len == 1 ? "" : "s");
  if (fs->len)
    sb_printf(err, ": %u error%s, %u warning%s", errors, errors == 1 ? "" : "s", warnings,
              warnings == 1 ? "" : "s");
  sb_printf(err, " (%u file%s checked", files_checked, files_checked == 1 ? "" : "s");
  if (counts->low_confidence)
    sb_printf(err, ", %u of medium confidence not shown", counts->low_confidence);
  if (o->show_suppressed) sb_printf(err, ", %u suppressed by noqa", counts->suppressed);
  if (counts->hidden)
    sb_printf(err,
              ", %u in tests, examples, docs, scripts or startup code not shown: --include all",
              counts->hidden);
  sb_printf(err, ")\n");
}

/* The findings of the loaded project as output; the exit code. */
static int check_project(const Options *o, const Project *p, bool only_files,
                         uint32_t files_checked, StrBuf *out, StrBuf *err) {
  Findings fs = {0};
  PolicyRun counts;
  policy_run(&o->policy, p, &fs, &counts);
  if (only_files || o->stdin_filename) keep_given_findings(o, p, only_files, &fs, &counts);
  const char *fmt = o->format ? o->format : "text";
  emit_findings(fmt, &fs, p, files_checked, out);
  if (strcmp(fmt, "text") == 0 || strcmp(fmt, "github") == 0)
    summary_line(o, &fs, &counts, files_checked, err);
  policy_run_free(&counts);
  int rc = policy_fails(&o->policy, &fs) ? EXIT_FINDINGS : EXIT_OK;
  findings_free(&fs);
  return rc;
}

/* What -v and -vv say about the cache and the files parsed. */
static void say_cache(const Options *o, const Project *p) {
  for (uint32_t i = 0; o->verbose > 1 && i < p->parsed.len; i++)
    fprintf(stderr, "parsed %s\n", p->parsed.items[i]);
  if (!o->verbose) return;
  if (o->project.cache_dir)
    fprintf(stderr, "cache %s: %u files from the cache, %u parsed\n", o->project.cache_dir,
            p->files_cached, p->files_parsed);
  else
    fprintf(stderr, "cache off: %u files parsed\n", p->files_parsed);
}

/* Replay the run memo when the command and its files are unchanged; else load the project (given
 * only files, the project around them, reporting theirs), check it and record the output. */
int cmd_check(Options *o, Diags *diags) {
  o->project.lazy = !o->all_files;
  o->project.list_parsed = o->verbose > 1;
  /* Given only files (a pre-commit hook passes the staged ones): read the
   * project around them so calls into other modules resolve, report theirs. */
  bool only_files = o->npaths > 0;
  for (uint32_t i = 0; i < o->npaths && only_files; i++) {
    struct stat st;
    only_files = stat(o->paths[i], &st) == 0 && S_ISREG(st.st_mode);
  }
  char *root = only_files ? source_project_root(o->paths[0]) : NULL;
  const char *context[] = {root && *root ? root : "."};
  const char *const *roots = only_files ? context : o->paths;
  uint32_t nroots = only_files ? 1 : o->npaths;
  /* The run memo: the same command on the same files replays its output. */
  RunMemo memo;
  int rc = EXIT_USAGE;
  if (run_memo_replay(&memo, o, "check", roots, nroots, &rc)) {
    free(root);
    return rc;
  }
  StrBuf out = {0}, err = {0};
  Project p;
  bool ok = project_load(&p, roots, nroots, &o->project, diags);
  if (ok) {
    if (only_files) keep_given_diags(o, diags);
    rc = check_project(o, &p, only_files, only_files ? o->npaths : p.files_read, &out, &err);
  }
  fputs(sb_str(&out), stdout);
  fputs(sb_str(&err), stderr);
  if (ok) say_cache(o, &p);
  if (ok) /* main prints the diagnostics next, and they decide the exit code */
    run_memo_record(&memo, &out, &err, diags, rc);
  else
    run_memo_close(&memo);
  sb_free(&out), sb_free(&err);
  project_free(&p);
  free(root);
  return rc;
}
