/* run: run a pipeline, timestamp and tee its output to a log, sample the RSS
 * of its process tree, forward signals; the log and samples feed `report`. */
#ifndef FANOUT_RUN_H
#define FANOUT_RUN_H

#include "diag.h"

typedef struct {
  const char *out_dir;      /* where run.log and rss.log go */
  unsigned rss_interval_ms; /* sampling period */
  bool quiet;               /* write the log only, do not copy the output to ours */
} RunOptions;

typedef struct {
  char *log_path, *rss_path; /* owned */
  int status;                /* the child's exit code, or 128 + signal */
  unsigned long lines;
} RunResult;

/* Run argv[0] with argv, its stdout and stderr teed to ours and written, each
 * line prefixed with an ISO 8601 UTC time, to OUT/run.log; RSS samples of the
 * process tree (`EPOCH KB`) to OUT/rss.log. SIGINT, SIGTERM, SIGHUP and SIGQUIT are
 * forwarded to the child's process group. Returns false (with a diagnostic)
 * when the child cannot be started. */
bool run_command(char *const argv[], const RunOptions *opts, RunResult *out, Diags *diags);
void run_result_free(RunResult *r);

/* Resident set size in kB of `pid` and all its descendants, from /proc. */
unsigned long run_tree_rss_kb(int pid);

#endif
