/* fanout: command-line entry point. Thin: parses options, runs a command from
 * the table, prints diagnostics, chooses the exit code. */
#define _DEFAULT_SOURCE /* realpath */
#include <fnmatch.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache.h"
#include "catalog.h"
#include "config.h"
#include "emit.h"
#include "lsp.h"
#include "map.h"
#include "policy.h"
#include "project.h"
#include "report.h"
#include "run.h"
#include "template.h"
#include "timeline.h"
#include "trace.h"
#include "where.h"

#include "version.h"

#define FANOUT_VERSION FANOUT_VERSION_STRING

enum { EXIT_OK = 0, EXIT_FINDINGS = 1, EXIT_USAGE = 2 };

typedef struct {
  ProjectOptions project;
  const char **paths;
  uint32_t npaths;
  int argc; /* the command line, for the run memo */
  char **argv;
  const char *marker; /* trace */
  Policy policy;
  const char *format; /* check: text (default) or json */
  bool show_suppressed;
  bool all_files;             /* check: parse every file, not only those that may hold findings */
  bool no_cache;              /* --no-cache */
  int verbose;                /* check -v: say what the cache did; -vv: and which files it parsed */
  const char *cache_dir;      /* --cache-dir DIR */
  const char *stdin_filename; /* check: lint stdin as this file */
  const char *config_path;    /* --config FILE */
  const char *log_path;       /* report: --log FILE */
  const char *rss_path;       /* report: --rss FILE */
  const char *out_dir;        /* run: --out DIR */
  unsigned rss_interval_ms;   /* run: --rss-interval MS */
  bool quiet;                 /* run: -q, do not copy the pipeline's output */
  bool follow;                /* report: --follow */
  Config config;              /* [tool.fanout], when found */
} Options;

typedef struct {
  const char *name;
  int (*run)(Options *opts, Diags *diags);
  const char *usage;
  const char *summary;
  const char *formats; /* the --format values it takes, space separated; "" for none */
  bool selects;        /* it runs the checks: --select, --ignore, --extend-select, --include,
                          --show-suppressed apply */
} Command;

static void print_diags(const Diags *d) {
  for (uint32_t i = 0; i < d->len; i++) {
    char *s = diag_format(&d->items[i]);
    fprintf(stderr, "%s\n", s);
    free(s);
  }
}

/* ---- map ---- */

/* The findings the policy shows, and where each is, for map and trace. */
typedef struct {
  Catalog cat;
  Findings fs;
  PolicyRun run;
} Shown;

static bool shown_load(Shown *sh, const Options *o, const Project *p, Diags *diags) {
  memset(sh, 0, sizeof *sh);
  if (!catalog_load(&sh->cat, diags)) return false;
  policy_run(&o->policy, p, &sh->cat, &sh->fs, &sh->run);
  return true;
}

static void shown_free(Shown *sh) {
  findings_free(&sh->fs);
  policy_run_free(&sh->run);
  catalog_free(&sh->cat);
}

static int cmd_map(Options *o, Diags *diags) {
  Project p;
  Shown sh;
  bool ok =
      project_load(&p, o->paths, o->npaths, &o->project, diags) && shown_load(&sh, o, &p, diags);
  if (ok) {
    StrBuf out = {0};
    if (o->format && strcmp(o->format, "json") == 0)
      map_format_json(&p.index, &sh.fs, &sh.run, &out);
    else
      map_format(&p.index, &sh.fs, &sh.run, &out);
    fputs(sb_str(&out), stdout);
    sb_free(&out);
    shown_free(&sh);
  }
  project_free(&p);
  return ok ? EXIT_OK : EXIT_USAGE;
}

/* ---- trace ---- */

static void print_chain(const Index *ix, const TraceChain *chain, const Shown *sh) {
  for (uint32_t i = 0; i < chain->len; i++) {
    const TraceStep *s = &chain->items[i];
    const Def *d = index_def(ix, s->def);
    char *name = index_def_name(ix, s->def);
    const char *role = s->direction == 0 ? "logged in" : s->direction > 0 ? "called by" : "calls";
    if (i == 0)
      printf("  %-10s %s:%u\n", "in", name, d->pos.line);
    else
      printf("  %-10s %s:%u  (call at line %u)\n", role, name, d->pos.line, s->via.line);
    free(name);
  }
  if (!chain->len) return;
  const TraceStep *last = &chain->items[chain->len - 1];
  for (uint32_t i = 0; i < ix->sites.len; i++) {
    const SiteRef *sr = &ix->sites.items[i];
    if (sr->file != last->def.file || sr->site.def != last->def.def) continue;
    StrBuf line = {0};
    map_format_site(ix, sr, &sh->fs, &sh->run, &line);
    printf("  %-10s %s", "fans out", sb_str(&line));
    sb_free(&line);
    for (uint32_t k = 0; k < sh->run.by_site.len; k++) { /* its findings, in full */
      if (sh->run.by_site.items[k].site != i) continue;
      const Finding *f = &sh->fs.items[sh->run.by_site.items[k].finding];
      printf("  %-10s %s:%u:%u: %s [%s] %s\n", "finding", ix->files[f->file].path, f->pos.line,
             f->pos.col, f->code, severity_name(f->severity), f->message);
    }
  }
}

static int cmd_trace(Options *o, Diags *diags) {
  Project p;
  if (!project_load(&p, o->paths, o->npaths, &o->project, diags)) {
    project_free(&p);
    return EXIT_USAGE;
  }
  Shown sh;
  if (!shown_load(&sh, o, &p, diags)) {
    project_free(&p);
    return EXIT_USAGE;
  }
  TraceMatches matches = {0};
  trace_find(&p.index, o->marker, &matches);
  for (uint32_t i = 0; i < matches.len; i++) {
    const TraceMatch *m = &matches.items[i];
    char *shown = template_display(m->message);
    printf("%s%s:%u:%u: %s(\"%s\")%s\n", i ? "\n" : "", p.index.files[m->file].path, m->pos.line,
           m->pos.col, m->callee, shown, m->exact ? "" : "  [marker is part of the message]");
    free(shown);
    TraceChain chain = {0};
    trace_orchestrator(&p.index, (DefRef){m->file, m->def}, &chain);
    if (chain.len) {
      print_chain(&p.index, &chain, &sh);
    } else {
      char *name = index_def_name(&p.index, (DefRef){m->file, m->def});
      printf("  %-10s %s\n  no fan-out orchestrator reaches this function\n", "in", name);
      free(name);
    }
    array_free(&chain);
  }
  TraceLib lib;
  bool library = !matches.len && trace_library_line(&p.index, o->marker, &lib);
  if (library) { /* a library wrote it: the code it ties to */
    printf("library line %s, a %s%s%s%s\n  written by %s\n", lib.entry, lib.event,
           lib.what ? ": `" : "", lib.what ? lib.what : "", lib.what ? "`" : "", lib.library);
    if (lib.has_site)
      printf("%s:%u:%u: %s(...)  [the project's call the request's method and path match]\n",
             p.index.files[lib.file].path, lib.pos.line, lib.pos.col, lib.callee);
    TraceChain chain = {0};
    if (lib.def.def >= 0) trace_orchestrator(&p.index, lib.def, &chain);
    if (chain.len)
      print_chain(&p.index, &chain, &sh);
    else if (lib.def.def >= 0)
      printf("  no fan-out orchestrator reaches it\n");
    else
      printf("  no project code it names or sends it was found\n");
    array_free(&chain);
    trace_lib_free(&lib);
  }
  if (!matches.len && !library)
    fprintf(stderr, "fanout: no logging callsite matches \"%s\"\n", o->marker);
  int rc = matches.len || library ? EXIT_OK : EXIT_FINDINGS;
  trace_matches_free(&matches);
  shown_free(&sh);
  project_free(&p);
  return rc;
}

/* ---- check ---- */

/* The absolute path `p` names, resolved as far as it exists (a cache
 * directory may not be made yet). The caller frees. */
static char *resolved(const char *p) {
  char *r = realpath(p, NULL);
  if (r) return r;
  char *copy = xstrdup(p), *slash = strrchr(copy, '/');
  char *dir = slash ? (slash == copy ? xstrdup("/") : xstrndup(copy, (size_t)(slash - copy)))
                    : xstrdup(".");
  char *base = realpath(dir, NULL);
  char *out = base ? xasprintf("%s/%s", base, slash ? slash + 1 : copy) : NULL;
  free(base), free(dir), free(copy);
  return out;
}

/* Whether `dir` is one of the checked paths (the working directory when none
 * is given) or below one. */
static bool inside_checked(const char *dir, const char *const *paths, uint32_t n) {
  static const char *const here[] = {"."};
  if (!n) paths = here, n = 1;
  char *d = resolved(dir);
  bool in = false;
  for (uint32_t i = 0; d && i < n && !in; i++) {
    char *root = realpath(paths[i], NULL);
    size_t len = root ? strlen(root) : 0;
    in = root && strncmp(d, root, len) == 0 && (d[len] == '/' || d[len] == '\0' || len == 1);
    free(root);
  }
  free(d);
  return in;
}

static bool colour_output(void) {
  const char *no_color = getenv("NO_COLOR");
  return isatty(STDOUT_FILENO) && !(no_color && *no_color);
}

/* What a check's output depends on besides the files: the command line, the
 * working directory, colour, the configuration's text, the doc links. */
static void memo_material(const Options *o, StrBuf *slot, StrBuf *material) {
  char cwd[4096];
  sb_printf(slot, "check\n%s\n", getcwd(cwd, sizeof cwd) ? cwd : "?");
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

static int cmd_check(Options *o, Diags *diags) {
  Catalog cat = {0};
  o->project.lazy = !o->all_files;
  o->project.list_parsed = o->verbose > 1;
  if (!catalog_load(&cat, diags)) {
    catalog_free(&cat);
    return EXIT_USAGE;
  }
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
  Cache *memo = o->project.cache_dir && !o->stdin_filename
                    ? cache_open(o->project.cache_dir, o->project.extra_knowledge)
                    : NULL;
  StrBuf slot = {0}, material = {0}, out = {0}, err = {0};
  if (memo) {
    memo_material(o, &slot, &material);
    int replayed;
    if (!project_fingerprint(roots, nroots, &o->project, &material)) {
      cache_close(memo); /* a file changed just now: neither trust nor record */
      memo = NULL;
    } else if (cache_memo_get(memo, sb_str(&slot), material.s, material.len, &out, &err,
                              &replayed)) {
      fputs(sb_str(&out), stdout);
      fputs(sb_str(&err), stderr);
      if (o->verbose)
        fprintf(stderr, "cache %s: nothing changed, output replayed\n", o->project.cache_dir);
      sb_free(&out), sb_free(&err), sb_free(&slot), sb_free(&material);
      cache_close(memo);
      catalog_free(&cat);
      free(root);
      return replayed;
    }
  }
  Project p;
  bool ok = project_load(&p, roots, nroots, &o->project, diags);
  int rc = ok ? EXIT_OK : EXIT_USAGE;
  uint32_t files_checked = p.files_read;
  if (ok && only_files) {
    /* problems in the files read for context are not this run's business */
    uint32_t w = 0;
    for (uint32_t i = 0; i < diags->len; i++) {
      bool named = false;
      for (uint32_t k = 0; k < o->npaths && !named && diags->items[i].path; k++) {
        const char *given = o->paths[k];
        while (given[0] == '.' && given[1] == '/') given += 2;
        named = strcmp(diags->items[i].path, given) == 0;
      }
      if (named || !diags->items[i].path)
        diags->items[w++] = diags->items[i];
      else
        free(diags->items[i].path), free(diags->items[i].message);
    }
    diags->len = w;
    files_checked = o->npaths;
  }
  if (ok) {
    Findings fs = {0};
    PolicyRun counts;
    policy_run(&o->policy, &p, &cat, &fs, &counts);
    if (only_files || o->stdin_filename) { /* count what was hidden in the files shown */
      uint32_t n = 0;
      for (uint32_t i = 0; i < counts.hidden_in.len; i++) {
        const char *path = p.index.files[counts.hidden_in.items[i]].path;
        bool named = o->stdin_filename && strcmp(path, o->stdin_filename) == 0;
        for (uint32_t k = 0; k < o->npaths && only_files && !named; k++) {
          const char *given = o->paths[k];
          while (given[0] == '.' && given[1] == '/') given += 2;
          named = strcmp(path, given) == 0;
        }
        n += named;
      }
      counts.hidden = n;
    }
    policy_run_free(&counts);
    if (only_files) {
      uint32_t w = 0;
      for (uint32_t i = 0; i < fs.len; i++) {
        const char *path = p.index.files[fs.items[i].file].path;
        bool named = false;
        for (uint32_t k = 0; k < o->npaths && !named; k++) {
          const char *given = o->paths[k];
          while (given[0] == '.' && given[1] == '/') given += 2;
          named = strcmp(path, given) == 0;
        }
        if (named)
          fs.items[w++] = fs.items[i];
        else
          finding_free(&fs.items[i]);
      }
      fs.len = w;
    }
    if (o->stdin_filename) { /* an editor asks about one buffer */
      uint32_t w = 0;
      for (uint32_t i = 0; i < fs.len; i++) {
        if (strcmp(p.index.files[fs.items[i].file].path, o->stdin_filename) == 0)
          fs.items[w++] = fs.items[i];
        else
          finding_free(&fs.items[i]);
      }
      fs.len = w;
    }
    const char *fmt = o->format ? o->format : "text";
    if (strcmp(fmt, "json") == 0)
      emit_json(&fs, &p.index, &cat, files_checked, &out);
    else if (strcmp(fmt, "github") == 0)
      emit_github(&fs, &p.index, &out);
    else if (strcmp(fmt, "markdown") == 0)
      emit_markdown(&fs, &p.index, &cat, files_checked, &out);
    else if (strcmp(fmt, "sarif") == 0) {
      char cwd[4096];
      findings_read_lines(&fs, &p.index);
      emit_sarif(&fs, &p.index, &cat, FANOUT_HOME, getcwd(cwd, sizeof cwd) ? cwd : "/", &out);
    } else {
      emit_text(&fs, &p.index, colour_output(), &out);
    }
    if (strcmp(fmt, "text") == 0 || strcmp(fmt, "github") == 0) { /* the others carry counts */
      uint32_t errors = 0, warnings = 0;
      for (uint32_t i = 0; i < fs.len; i++) {
        errors += fs.items[i].severity == SEVERITY_ERROR;
        warnings += fs.items[i].severity == SEVERITY_WARNING;
      }
      sb_printf(&err, "%u finding%s", fs.len, fs.len == 1 ? "" : "s");
      if (fs.len)
        sb_printf(&err, ": %u error%s, %u warning%s", errors, errors == 1 ? "" : "s", warnings,
                  warnings == 1 ? "" : "s");
      sb_printf(&err, " (%u file%s checked", files_checked, files_checked == 1 ? "" : "s");
      if (counts.low_confidence)
        sb_printf(&err, ", %u of medium confidence not shown", counts.low_confidence);
      if (o->show_suppressed) sb_printf(&err, ", %u suppressed by noqa", counts.suppressed);
      if (counts.hidden)
        sb_printf(&err,
                  ", %u in tests, examples, docs, scripts or startup code not shown: --include all",
                  counts.hidden);
      sb_printf(&err, ")\n");
    }
    if (policy_fails(&o->policy, &fs)) rc = EXIT_FINDINGS;
    findings_free(&fs);
  }
  fputs(sb_str(&out), stdout);
  fputs(sb_str(&err), stderr);
  for (uint32_t i = 0; o->verbose > 1 && ok && i < p.parsed.len; i++)
    fprintf(stderr, "parsed %s\n", p.parsed.items[i]);
  if (o->verbose && ok) {
    if (o->project.cache_dir)
      fprintf(stderr, "cache %s: %u files from the cache, %u parsed\n", o->project.cache_dir,
              p.files_cached, p.files_parsed);
    else
      fprintf(stderr, "cache off: %u files parsed\n", p.files_parsed);
  }
  if (memo && ok) { /* main prints the diagnostics next, and they decide the exit code */
    for (uint32_t i = 0; i < diags->len; i++) {
      char *d = diag_format(&diags->items[i]);
      sb_printf(&err, "%s\n", d);
      free(d);
    }
    cache_memo_put(memo, sb_str(&slot), material.s, material.len, sb_str(&out), out.len,
                   sb_str(&err), err.len, diags_errors(diags) ? EXIT_USAGE : rc);
  }
  cache_close(memo);
  sb_free(&out), sb_free(&err), sb_free(&slot), sb_free(&material);
  project_free(&p);
  catalog_free(&cat);
  free(root);
  return rc;
}

/* ---- report ---- */

/* The report of a run's timeline: the findings the policy shows, ranked. */
static void write_report(const Options *o, const Project *p, const Catalog *cat, const Timeline *t,
                         const char *log_path, const char *rss_path, StrBuf *out) {
  Findings fs = {0};
  PolicyRun counts;
  policy_run(&o->policy, p, cat, &fs, &counts);
  policy_run_free(&counts);
  report_write(p, cat, &fs, t, log_path, rss_path, o->format, out);
  findings_free(&fs);
}

static volatile int stop_requested;
static void on_stop(int sig) {
  (void)sig;
  stop_requested = 1;
}

/* --follow: a line per phase as it ends. */
static void print_phase(const Timeline *t, const Phase *p, void *ctx) {
  (void)ctx;
  fprintf(stderr,
          "phase %s%s ended at %.2f s: %.2f s, %u lines, %u tasks (gap p95 %.3f s), %u retries, %u "
          "errors",
          p->name, p->marker ? " (marker)" : "", p->end - t->first, p->end - p->start, p->lines,
          p->tasks, p->gap_p95, p->retries, p->errors);
  if (p->peak_rss_kb > 0) fprintf(stderr, ", peak RSS %.1f MiB", p->peak_rss_kb / 1024.0);
  fputc('\n', stderr);
  fflush(stderr);
}

static int cmd_report(Options *o, Diags *diags) {
  if (!o->log_path) {
    fprintf(stderr, "fanout: report needs --log FILE\n");
    return EXIT_USAGE;
  }
  Catalog cat = {0};
  Project p;
  bool ok = catalog_load(&cat, diags) && project_load(&p, o->paths, o->npaths, &o->project, diags);
  Timeline t = {0}; /* RSS samples first: each phase takes its own as it closes */
  if (ok && o->rss_path && !o->follow) ok = timeline_rss(&t, o->rss_path, diags);
  if (ok && o->follow) {
    signal(SIGINT, on_stop);
    signal(SIGTERM, on_stop);
    fprintf(stderr, "fanout: following %s (Ctrl-C for the report)\n", o->log_path);
    ok = timeline_follow(&p.index, o->log_path, o->rss_path, &t, &stop_requested, 200, print_phase,
                         NULL, diags);
  } else if (ok) {
    ok = timeline_read(&p.index, o->log_path, &t, diags);
  }
  if (ok) {
    StrBuf out = {0};
    write_report(o, &p, &cat, &t, o->log_path, o->rss_path, &out);
    fputs(sb_str(&out), stdout);
    sb_free(&out);
  }
  timeline_free(&t);
  project_free(&p);
  catalog_free(&cat);
  return ok ? EXIT_OK : EXIT_USAGE;
}

/* ---- run ---- */

static int cmd_run(Options *o, Diags *diags) {
  if (!o->npaths) {
    fprintf(stderr, "fanout: run needs a command after --\n");
    return EXIT_USAGE;
  }
  char **argv = xcalloc((size_t)o->npaths + 1, sizeof(char *));
  for (uint32_t i = 0; i < o->npaths; i++) argv[i] = (char *)o->paths[i];
  RunOptions ro = {o->out_dir ? o->out_dir : "fanout-run", o->rss_interval_ms, o->quiet};
  RunResult rr;
  bool started = run_command(argv, &ro, &rr, diags);
  free(argv);
  if (!started) {
    run_result_free(&rr);
    return EXIT_USAGE;
  }
  /* the report for the project in the current directory */
  Catalog cat = {0};
  Project p;
  const char *here[] = {"."};
  bool ok = catalog_load(&cat, diags) && project_load(&p, here, 1, &o->project, diags);
  Timeline t = {0};
  if (ok)
    ok = timeline_rss(&t, rr.rss_path, diags) && timeline_read(&p.index, rr.log_path, &t, diags);
  if (ok) {
    StrBuf out = {0};
    write_report(o, &p, &cat, &t, rr.log_path, rr.rss_path, &out);
    char *path = xasprintf("%s/report.%s", ro.out_dir,
                           o->format && strcmp(o->format, "json") == 0 ? "json" : "md");
    FILE *f = fopen_write_nofollow(path);
    if (f)
      fputs(sb_str(&out), f), fclose(f);
    else
      diags_add(diags, DIAG_ERROR, path, 0, "cannot write the report");
    fprintf(stderr, "\nfanout: %lu log lines in %s; report in %s\n\n", rr.lines, rr.log_path, path);
    fputs(sb_str(&out), stdout);
    free(path);
    sb_free(&out);
  }
  timeline_free(&t);
  project_free(&p);
  catalog_free(&cat);
  int status = rr.status;
  run_result_free(&rr);
  return status; /* the pipeline's own exit code */
}

/* ---- lsp ---- */

static int cmd_lsp(Options *o, Diags *diags) {
  (void)diags;
  return lsp_serve(stdin, stdout, stderr, &o->policy, &o->project);
}

/* ---- rules ---- */

static int cmd_rules(Options *o, Diags *diags) {
  Catalog cat = {0};
  bool ok = catalog_load(&cat, diags);
  int rc = ok ? EXIT_OK : EXIT_USAGE;
  if (ok && o->npaths == 0) {
    bool markdown = o->format && strcmp(o->format, "markdown") == 0;
    if (markdown)
      printf("| code | name | summary | severity | default |\n|---|---|---|---|---|\n");
    for (uint32_t i = 0; i < cat.len; i++) {
      const RuleDoc *r = &cat.items[i];
      if (markdown)
        printf("| <a id=\"fan%s\"></a>[%s](rules/docs/%s.md) | %s | %s | %s%s | %s |\n",
               r->code + 3, r->code, r->code, r->name, r->summary, r->severity,
               r->error_when_data ? ", error in a data-sized fan-out" : "",
               r->default_on ? "on" : "off");
      else
        printf("%s  %-28s %s%s\n", r->code, r->name, r->summary,
               r->default_on ? "" : " (off by default)");
    }
  }
  for (uint32_t i = 0; ok && i < o->npaths; i++) {
    const RuleDoc *r = catalog_get(&cat, o->paths[i]);
    if (!r) {
      fprintf(stderr, "fanout: no rule %s (fanout rules lists them)\n", o->paths[i]);
      rc = EXIT_USAGE;
      continue;
    }
    printf("%s%s: %s\n\n%s", i ? "\n" : "", r->code, r->summary, r->body);
  }
  catalog_free(&cat);
  return rc;
}

/* ---- facts (for debugging rules and fixtures) ---- */

static int cmd_facts(Options *o, Diags *diags) {
  Project p;
  bool ok = project_load(&p, o->paths, o->npaths, &o->project, diags);
  for (uint32_t fi = 0; ok && fi < p.nfiles; fi++) {
    const Facts *f = &p.files[fi];
    printf("file %s module %s%s%s\n", f->path, f->module, f->is_package ? " package" : "",
           f->has_errors ? " syntax-errors" : "");
    for (uint32_t i = 1; i < f->defs.len; i++) {
      const Def *d = &f->defs.items[i];
      printf("  def %u %s%s %s\n", d->pos.line, d->is_async ? "async " : "",
             d->kind == DEF_CLASS ? "class" : "function", d->qualname);
    }
    for (uint32_t i = 0; i < f->imports.len; i++)
      printf("  import %u %s = %s\n", f->imports.items[i].pos.line, f->imports.items[i].bound,
             f->imports.items[i].target);
    for (uint32_t i = 0; i < f->calls.len; i++) {
      const Call *c = &f->calls.items[i];
      DefRef r = index_call_target(&p.index, fi, i);
      char *to = defref_ok(r) ? index_def_name(&p.index, r) : xstrdup("unresolved");
      printf("  call %u:%u %s%s%s%s%s in %s -> %s\n", c->pos.line, c->pos.col, c->callee,
             c->flags & CALL_AWAITED ? " awaited" : "",
             c->flags & CALL_DISCARDED ? " discarded" : "", c->flags & CALL_IN_LOOP ? " loop" : "",
             c->flags & CALL_REFERENCE ? " ref" : "", f->defs.items[c->def].qualname, to);
      free(to);
    }
    for (uint32_t i = 0; i < f->assigns.len; i++)
      printf("  assign %u %s = %s\n", f->assigns.items[i].pos.line, f->assigns.items[i].target,
             f->assigns.items[i].value);
    for (uint32_t i = 0; i < f->withs.len; i++)
      printf("  with %u %s%s%s%s\n", f->withs.items[i].pos.line,
             f->withs.items[i].is_async ? "async " : "", f->withs.items[i].expr,
             f->withs.items[i].alias ? " as " : "",
             f->withs.items[i].alias ? f->withs.items[i].alias : "");
    for (uint32_t i = 0; i < f->logs.len; i++) {
      char *m = template_display(f->logs.items[i].message);
      printf("  log %u %s \"%s\"\n", f->logs.items[i].pos.line, f->logs.items[i].callee, m);
      free(m);
    }
  }
  project_free(&p);
  return ok ? EXIT_OK : EXIT_USAGE;
}

/* ---- table ---- */

static const Command commands[] = {
    {"check", cmd_check, "fanout check [OPTIONS] [PATH...]",
     "report the seven concurrency failure patterns (exit 1 when there are findings)",
     "text json sarif github markdown", true},
    {"map", cmd_map, "fanout map [OPTIONS] [PATH...]",
     "list the fan-out orchestrators: where, kind, width, what is fanned out and its findings",
     "text json", true},
    {"trace", cmd_trace, "fanout trace [OPTIONS] \"LOG LINE OR MARKER\" [PATH...]",
     "log line -> logging callsite -> enclosing function -> nearest orchestrator -> its findings",
     "", true},
    {"report", cmd_report,
     "fanout report --log FILE [--rss FILE] [--format markdown|json|html] [PATH...]",
     "read a run's log: phases, and the findings ranked by what they cost in that run",
     "markdown json html", true},
    {"run", cmd_run, "fanout run [--rss-interval MS] [--out DIR] -- COMMAND...",
     "run a pipeline: its output timestamped to a log, RSS sampled, then the report",
     "markdown json html", true},
    {"lsp", cmd_lsp, "fanout lsp", "language server on stdio for editors (diagnostics, hover)", "",
     true},
    {"rules", cmd_rules, "fanout rules [--format markdown] [CODE...]",
     "the rule catalog, or the documentation of the given rules", "text markdown", false},
    {"facts", cmd_facts, "fanout facts [OPTIONS] [PATH...]",
     "debugging aid: print the facts extracted from each file", "", false},
};

/* Whether `word` is one of the space-separated words of `list`. */
static bool listed(const char *list, const char *word) {
  size_t n = strlen(word);
  for (const char *p = list; *p;) {
    size_t len = strcspn(p, " ");
    if (len == n && strncmp(p, word, n) == 0) return true;
    p += len + (p[len] == ' ');
  }
  return false;
}

static const char options_help[] =
    "options:\n"
    "  -j, --jobs N     worker threads (default: one per core)\n"
    "  --include-pyi    also read *.pyi stubs\n"
    "  --all-files      check: parse every file (default: those that can hold a finding,\n"
    "                   with the modules they import; the findings are the same)\n"
    "  --select CODES   report only these codes or prefixes (FAN1,FAN50); FAN9 must be selected\n"
    "  --ignore CODES   do not report these codes or prefixes\n"
    "  --extend-select CODES  report these in addition to the default ones\n"
    "  --format FMT     check: text (default), json, sarif, github or markdown; map: json;\n"
    "                   report: markdown, json or html; rules: markdown\n"
    "  --fail-on SEV    check: exit 1 only for findings of this severity or above: error,\n"
    "                   warning or info (default: any finding)\n"
    "  --min-confidence LEVEL  high: hide findings resting on an inferred call target\n"
    "  --show-suppressed  count the findings `# noqa` comments suppressed\n"
    "  --include KINDS  also show findings in tests, examples, docs, scripts, startup code\n"
    "                   (run once: lifecycle methods, entry points) (comma list) or all; by\n"
    "                   default only production code's are shown (the rest is still\n"
    "                   analyzed, and counted)\n"
    "  --config FILE    read [tool.fanout] from FILE (default: the nearest pyproject.toml)\n"
    "  --no-cache       neither read nor write the cache\n"
    "  -v, --verbose    check: say what the cache did (-vv: and list the files parsed)\n"
    "  --cache-dir DIR  keep the facts cache in DIR (default: $FANOUT_CACHE_DIR, else a\n"
    "                   directory per project under ~/.cache/fanout; never in the tree)\n"
    "  --stdin-filename NAME  check: read NAME's content from stdin (an unsaved buffer);\n"
    "                   the project around it is read from disk, findings of NAME are shown\n"
    "  -h, --help       this help\n"
    "exit codes: 0 ok; 1 findings (check) or no match (trace); 2 usage error, bad rule data, or a\n"
    "path or file that could not be analyzed (everything else is still reported)\n";

static void usage_all(FILE *to) {
  fprintf(to,
          "fanout %s: find the concurrency anti-patterns of async Python pipelines\n\n"
          "usage: fanout <command> [OPTIONS] [PATH...]\n\ncommands:\n",
          FANOUT_VERSION);
  for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
    fprintf(to, "  %-8s %s\n", commands[i].name, commands[i].summary);
  fprintf(to, "\n%s", options_help);
}

static void usage_command(const Command *c, FILE *to) {
  fprintf(to, "usage: %s\n\n%s\n\n%s", c->usage, c->summary, options_help);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    usage_all(stderr);
    return EXIT_USAGE;
  }
  if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
    printf("fanout %s\n", FANOUT_VERSION);
    return EXIT_OK;
  }
  if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
      strcmp(argv[1], "help") == 0) {
    usage_all(stdout);
    return EXIT_OK;
  }
  const Command *cmd = NULL;
  for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
    if (strcmp(argv[1], commands[i].name) == 0) cmd = &commands[i];
  if (!cmd) {
    fprintf(stderr, "fanout: unknown command '%s' (try fanout --help)\n", argv[1]);
    return EXIT_USAGE;
  }
  Options o = {0};
  o.paths = xcalloc((size_t)argc, sizeof(char *));
  o.argc = argc;
  o.argv = argv;
  bool only_paths = false;
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    if (!only_paths && a[0] == '-' && a[1]) {
      if (strcmp(a, "--") == 0) {
        only_paths = true;
      } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
        usage_command(cmd, stdout);
        free(o.paths);
        return EXIT_OK;
      } else if (((strcmp(a, "-j") == 0 || strcmp(a, "--jobs") == 0) && i + 1 < argc) ||
                 (str_starts_with(a, "-j") && a[2]) || str_starts_with(a, "--jobs=")) {
        /* -j N, --jobs N, -jN, --jobs=N */
        const char *v = str_starts_with(a, "--jobs=") ? a + 7
                        : a[1] == 'j' && a[2]         ? a + 2
                                                      : argv[++i];
        char *end;
        long n = strtol(v, &end, 10);
        if (!*v || *end || n < 1 || n > 256) {
          fprintf(stderr, "fanout: -j/--jobs wants a number from 1 to 256, not '%s'\n", v);
          free(o.paths);
          return EXIT_USAGE;
        }
        o.project.jobs = (unsigned)n;
      } else if (!cmd->selects &&
                 (strcmp(a, "--select") == 0 || strcmp(a, "--ignore") == 0 ||
                  strcmp(a, "--extend-select") == 0 || strcmp(a, "--include") == 0 ||
                  strcmp(a, "--show-suppressed") == 0)) {
        fprintf(stderr, "fanout %s: %s does not apply: it reports no findings\n", cmd->name, a);
        policy_free(&o.policy);
        free(o.paths);
        return EXIT_USAGE;
      } else if ((strcmp(a, "--select") == 0 || strcmp(a, "--ignore") == 0 ||
                  strcmp(a, "--extend-select") == 0) &&
                 i + 1 < argc) {
        StrArray *list = a[2] == 's'   ? &o.policy.select
                         : a[2] == 'i' ? &o.policy.ignore
                                       : &o.policy.extend_select;
        char *codes = xstrdup(argv[++i]);
        for (char *tok = strtok(codes, ", "); tok; tok = strtok(NULL, ", ")) {
          for (char *c = tok; *c; c++) *c = (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
          if (!str_starts_with(tok, "FAN") || strlen(tok) > 6) {
            fprintf(stderr,
                    "fanout: %s wants rule codes or prefixes like FAN101 or FAN1, not '%s'\n", a,
                    tok);
            free(codes);
            policy_free(&o.policy);
            free(o.paths);
            return EXIT_USAGE;
          }
          array_push(list, xstrdup(tok));
        }
        free(codes);
      } else if (strcmp(a, "--format") == 0 && i + 1 < argc) {
        o.format = argv[++i];
        if (!listed(cmd->formats, o.format)) {
          if (*cmd->formats)
            fprintf(stderr, "fanout %s: unknown format '%s' (it writes: %s)\n", cmd->name, o.format,
                    cmd->formats);
          else
            fprintf(stderr, "fanout %s: takes no --format (it writes text)\n", cmd->name);
          policy_free(&o.policy);
          free(o.paths);
          return EXIT_USAGE;
        }
      } else if ((strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) && cmd->run == cmd_run) {
        o.quiet = true;
      } else if (strcmp(a, "--out") == 0 && i + 1 < argc) {
        o.out_dir = argv[++i];
      } else if (strcmp(a, "--rss-interval") == 0 && i + 1 < argc) {
        char *end;
        long ms = strtol(argv[++i], &end, 10);
        if (*end || ms < 10 || ms > 60000) {
          fprintf(stderr, "fanout: --rss-interval wants milliseconds from 10 to 60000\n");
          policy_free(&o.policy);
          free(o.paths);
          return EXIT_USAGE;
        }
        o.rss_interval_ms = (unsigned)ms;
      } else if (strcmp(a, "--follow") == 0 && cmd->run == cmd_report) {
        o.follow = true;
      } else if (strcmp(a, "--log") == 0 && i + 1 < argc) {
        o.log_path = argv[++i];
      } else if (strcmp(a, "--rss") == 0 && i + 1 < argc) {
        o.rss_path = argv[++i];
      } else if (strcmp(a, "--config") == 0 && i + 1 < argc) {
        o.config_path = argv[++i];
      } else if (strcmp(a, "--stdin-filename") == 0 && i + 1 < argc) {
        o.stdin_filename = argv[++i];
        while (o.stdin_filename[0] == '.' && o.stdin_filename[1] == '/') o.stdin_filename += 2;
      } else if (strcmp(a, "--show-suppressed") == 0) {
        o.show_suppressed = true;
      } else if (strcmp(a, "--all-files") == 0 && cmd->run == cmd_check) {
        o.all_files = true;
      } else if ((strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) && cmd->run == cmd_check) {
        o.verbose++;
      } else if (strcmp(a, "-vv") == 0 && cmd->run == cmd_check) {
        o.verbose += 2;
      } else if (strcmp(a, "--no-cache") == 0) {
        o.no_cache = true;
      } else if (strcmp(a, "--cache-dir") == 0 && i + 1 < argc) {
        o.cache_dir = argv[++i];
      } else if (strcmp(a, "--include-pyi") == 0) {
        o.project.walk.include_pyi = true;
      } else if (strcmp(a, "--include") == 0 && i + 1 < argc) {
        char *bad = NULL;
        if (!policy_include(&o.policy, argv[++i], &bad)) {
          fprintf(
              stderr,
              "fanout: --include wants tests, examples, docs, scripts, startup or all, not '%s'\n",
              bad);
          free(bad);
          policy_free(&o.policy);
          free(o.paths);
          return EXIT_USAGE;
        }
        o.policy.include_given = true;
      } else if (strcmp(a, "--fail-on") == 0 && i + 1 < argc && cmd->run == cmd_check) {
        o.policy.fail_on = severity_named(argv[++i]);
        o.policy.fail_on_given = true;
        if (!o.policy.fail_on) {
          fprintf(stderr, "fanout: --fail-on wants error, warning or info, not '%s'\n", argv[i]);
          policy_free(&o.policy);
          free(o.paths);
          return EXIT_USAGE;
        }
      } else if (strcmp(a, "--min-confidence") == 0 && i + 1 < argc && cmd->selects) {
        const char *v = argv[++i];
        if (strcmp(v, "high") != 0 && strcmp(v, "medium") != 0) {
          fprintf(stderr, "fanout: --min-confidence wants high or medium, not '%s'\n", v);
          policy_free(&o.policy);
          free(o.paths);
          return EXIT_USAGE;
        }
        o.policy.high_only = strcmp(v, "high") == 0;
        o.policy.confidence_given = true;
      } else {
        fprintf(stderr, "fanout: unknown option '%s' for %s (try fanout %s --help)\n", a, cmd->name,
                cmd->name);
        free(o.paths);
        return EXIT_USAGE;
      }
    } else if (cmd->run == cmd_trace && !o.marker) {
      o.marker = a;
    } else {
      o.paths[o.npaths++] = a;
    }
  }
  if (cmd->run == cmd_trace && (!o.marker || !*o.marker)) {
    fprintf(stderr, "fanout: trace needs a log line or marker\n");
    usage_command(cmd, stderr);
    free(o.paths);
    return EXIT_USAGE;
  }
  /* Configuration: --config FILE, else the nearest pyproject.toml with
   * [tool.fanout] above the first path. Command-line lists win over it. */
  Diags diags = {0};
  char *found = o.config_path ? xstrdup(o.config_path)
                              : config_find(o.npaths ? o.paths[0] : (o.marker ? "." : "."));
  if (found && !config_load(found, &o.config, &diags)) {
    print_diags(&diags);
    diags_free(&diags);
    free(found);
    config_free(&o.config);
    policy_free(&o.policy);
    free(o.paths);
    return EXIT_USAGE;
  }
  /* The cache: --cache-dir, $FANOUT_CACHE_DIR, else a directory per project
   * (the configuration's, or here) under $XDG_CACHE_HOME/fanout. */
  const char *env_cache = getenv("FANOUT_CACHE_DIR");
  char *cache_dir = NULL;
  if (!o.no_cache) {
    if (o.cache_dir || (env_cache && *env_cache)) {
      cache_dir = xstrdup(o.cache_dir ? o.cache_dir : env_cache);
    } else {
      char *dir = found ? xstrdup(found) : xstrdup("");
      char *slash = strrchr(dir, '/');
      if (slash)
        *slash = '\0';
      else
        dir[0] = '\0';
      cache_dir = cache_default_dir(dir);
      free(dir);
    }
  }
  if (cache_dir && inside_checked(cache_dir, (const char *const *)o.paths, o.npaths)) {
    /* a checked tree could plant entries in it */
    diags_add(&diags, DIAG_WARNING, cache_dir, 0, "cache not used: inside a checked path");
    free(cache_dir);
    cache_dir = NULL;
  }
  o.project.cache_dir = cache_dir;
  free(found);
  policy_configure(&o.policy, &o.config);
  o.project.walk.exclude = &o.config.exclude;
  char *knowledge = config_knowledge(&o.config);
  o.project.extra_knowledge = *knowledge ? knowledge : NULL;
  o.project.extra_knowledge_file = o.config.path;
  o.project.min_width = o.config.min_width;
  StrBuf input = {0};
  if (o.stdin_filename) {
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0) sb_putn(&input, chunk, n);
    o.project.buffer_path = o.stdin_filename;
    o.project.buffer = input.s ? input.s : "";
    o.project.buffer_len = input.len;
  }
  int rc = cmd->run(&o, &diags);
  sb_free(&input);
  fflush(stdout);
  print_diags(&diags);
  /* an incomplete analysis outranks its results; `run` returns the pipeline's code */
  if (diags_errors(&diags) && cmd->run != cmd_run) rc = EXIT_USAGE;
  diags_free(&diags);
  policy_free(&o.policy);
  config_free(&o.config);
  free(knowledge);
  free(cache_dir);
  free(o.paths);
  return rc;
}
