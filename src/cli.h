/* cli: what the commands of the command line share: their options, the
 * table entry that names each, and the exit codes. main.c parses options and
 * dispatches; each cli_*.c runs commands. */
#ifndef FANOUT_CLI_H
#define FANOUT_CLI_H

#include "cache.h"
#include "config.h"
#include "policy.h"
#include "project.h"
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
  char *owned_cache_dir;      /* set by cli_configure, freed by main */
  char *owned_knowledge;
} Options;

/* Configuration: --config FILE, else the nearest pyproject.toml with
 * [tool.fanout] above `start` (the first path); command-line lists win over
 * it. Then the cache and the project options it sets. False on a bad
 * configuration (diagnostics say why). Called once per run. */
bool cli_configure(Options *o, const char *start, Diags *diags);

typedef struct {
  const char *name;
  int (*run)(Options *opts, Diags *diags);
  const char *usage;
  const char *summary;
  const char *formats; /* the --format values it takes, space separated; "" for none */
  bool selects;        /* it runs the checks: --select, --ignore, --extend-select, --include,
                          --show-suppressed apply */
} Command;

/* The run memo (cache_memo_get): a command's output, replayed when its
 * command line, configuration and files are what they were. */
typedef struct {
  Cache *cache; /* NULL: neither replayed nor recorded */
  StrBuf slot, material;
} RunMemo;

/* Open the memo of command `name` over `roots` (no cache: nothing). When it
 * holds this run, print its output and return true with *rc set. */
bool run_memo_replay(RunMemo *m, const Options *o, const char *name, const char *const *roots,
                     uint32_t nroots, int *rc);
/* Record a run's output, with the diagnostics main prints after it (they
 * decide the exit code when there are errors), and close the memo. */
void run_memo_record(RunMemo *m, StrBuf *out, StrBuf *err, const Diags *diags, int rc);
void run_memo_close(RunMemo *m);

/* Print diagnostics to stderr, one line each. */
void cli_print_diags(const Diags *d);

/* The commands: each returns the process's exit code; diagnostics go to `diags`. */
int cmd_check(Options *o, Diags *diags);
int cmd_map(Options *o, Diags *diags);
int cmd_trace(Options *o, Diags *diags);
int cmd_report(Options *o, Diags *diags);
int cmd_run(Options *o, Diags *diags);
int cmd_lsp(Options *o, Diags *diags);
int cmd_rules(Options *o, Diags *diags);
int cmd_facts(Options *o, Diags *diags);

#endif
