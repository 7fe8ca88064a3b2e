/* cli_report: `fanout report` and `fanout run`: a run's log read against the code. */
#define _DEFAULT_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "report.h"
#include "run.h"

/* ---- report ---- */

/* The report of a run's timeline: the findings the policy shows, ranked. */
static void write_report(const Options *o, const Project *p, const Timeline *t,
                         const char *log_path, const char *rss_path, StrBuf *out) {
  Findings fs = {0};
  PolicyRun counts;
  policy_run(&o->policy, p, &fs, &counts);
  policy_run_free(&counts);
  report_write(p, &fs, t, log_path, rss_path, o->format, out);
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

int cmd_report(Options *o, Diags *diags) {
  if (!o->log_path) {
    fprintf(stderr, "fanout: report needs --log FILE\n");
    return EXIT_USAGE;
  }
  Project p;
  bool ok = project_load(&p, o->paths, o->npaths, &o->project, diags);
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
    write_report(o, &p, &t, o->log_path, o->rss_path, &out);
    fputs(sb_str(&out), stdout);
    sb_free(&out);
  }
  timeline_free(&t);
  project_free(&p);
  return ok ? EXIT_OK : EXIT_USAGE;
}

/* ---- run ---- */

/* Run the command after `--` (its log and RSS samples go to the out dir, fanout-run by default),
 * then report on the project in the current directory from what it logged. Once the command has
 * started, the exit code is its own, whatever the report did. */
int cmd_run(Options *o, Diags *diags) {
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
  Project p;
  const char *here[] = {"."};
  bool ok = project_load(&p, here, 1, &o->project, diags);
  Timeline t = {0};
  if (ok)
    ok = timeline_rss(&t, rr.rss_path, diags) && timeline_read(&p.index, rr.log_path, &t, diags);
  if (ok) {
    StrBuf out = {0};
    write_report(o, &p, &t, rr.log_path, rr.rss_path, &out);
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
  int status = rr.status;
  run_result_free(&rr);
  return status; /* the pipeline's own exit code */
}
