/* fanout: command-line entry point. Thin: parses options, runs a command from
 * the table, prints diagnostics, chooses the exit code. */
#define _DEFAULT_SOURCE /* realpath */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "cli.h"

/* ---- paths ---- */

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

/* ---- options ---- */

/* What an option parser made of argv[*i]: taken (with its value, *i moved
 * past it), not one of its options, or an error it has printed. */
typedef enum { OPT_TAKEN, OPT_OTHER, OPT_BAD } OptResult;

/* -j N, --jobs N, -jN, --jobs=N */
static OptResult jobs_option(int argc, char **argv, int *i, Options *o) {
  const char *a = argv[*i];
  if (!(((strcmp(a, "-j") == 0 || strcmp(a, "--jobs") == 0) && *i + 1 < argc) ||
        (str_starts_with(a, "-j") && a[2]) || str_starts_with(a, "--jobs=")))
    return OPT_OTHER;
  const char *v = str_starts_with(a, "--jobs=") ? a + 7 : a[1] == 'j' && a[2] ? a + 2 : argv[++*i];
  char *end;
  long n = strtol(v, &end, 10);
  if (!*v || *end || n < 1 || n > 256) {
    fprintf(stderr, "fanout: -j/--jobs wants a number from 1 to 256, not '%s'\n", v);
    return OPT_BAD;
  }
  o->project.jobs = (unsigned)n;
  return OPT_TAKEN;
}

/* --select, --ignore, --extend-select CODES */
static OptResult codes_option(int argc, char **argv, int *i, Options *o) {
  const char *a = argv[*i];
  if ((strcmp(a, "--select") != 0 && strcmp(a, "--ignore") != 0 &&
       strcmp(a, "--extend-select") != 0) ||
      *i + 1 >= argc)
    return OPT_OTHER;
  StrArray *list = a[2] == 's'   ? &o->policy.select
                   : a[2] == 'i' ? &o->policy.ignore
                                 : &o->policy.extend_select;
  char *codes = xstrdup(argv[++*i]);
  for (char *tok = strtok(codes, ", "); tok; tok = strtok(NULL, ", ")) {
    for (char *c = tok; *c; c++) *c = (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
    if (!str_starts_with(tok, "FAN") || strlen(tok) > 6) {
      fprintf(stderr, "fanout: %s wants rule codes or prefixes like FAN101 or FAN1, not '%s'\n", a,
              tok);
      free(codes);
      return OPT_BAD;
    }
    array_push(list, xstrdup(tok));
  }
  free(codes);
  return OPT_TAKEN;
}

/* The options of what is shown: --include, --fail-on, --min-confidence. */
static OptResult policy_option(const Command *cmd, int argc, char **argv, int *i, Options *o) {
  const char *a = argv[*i];
  if (*i + 1 >= argc) return OPT_OTHER;
  if (strcmp(a, "--include") == 0) {
    char *bad = NULL;
    if (!policy_include(&o->policy, argv[++*i], &bad)) {
      fprintf(stderr,
              "fanout: --include wants tests, examples, docs, scripts, startup or all, not '%s'\n",
              bad);
      free(bad);
      return OPT_BAD;
    }
    o->policy.include_given = true;
  } else if (strcmp(a, "--fail-on") == 0 && cmd->run == cmd_check) {
    o->policy.fail_on = severity_named(argv[++*i]);
    o->policy.fail_on_given = true;
    if (!o->policy.fail_on) {
      fprintf(stderr, "fanout: --fail-on wants error, warning or info, not '%s'\n", argv[*i]);
      return OPT_BAD;
    }
  } else if (strcmp(a, "--min-confidence") == 0 && cmd->selects) {
    const char *v = argv[++*i];
    if (strcmp(v, "high") != 0 && strcmp(v, "medium") != 0) {
      fprintf(stderr, "fanout: --min-confidence wants high or medium, not '%s'\n", v);
      return OPT_BAD;
    }
    o->policy.high_only = strcmp(v, "high") == 0;
    o->policy.confidence_given = true;
  } else {
    return OPT_OTHER;
  }
  return OPT_TAKEN;
}

/* --format FMT: one the command writes. */
static OptResult format_option(const Command *cmd, int argc, char **argv, int *i, Options *o) {
  if (strcmp(argv[*i], "--format") != 0 || *i + 1 >= argc) return OPT_OTHER;
  o->format = argv[++*i];
  if (listed(cmd->formats, o->format)) return OPT_TAKEN;
  if (*cmd->formats)
    fprintf(stderr, "fanout %s: unknown format '%s' (it writes: %s)\n", cmd->name, o->format,
            cmd->formats);
  else
    fprintf(stderr, "fanout %s: takes no --format (it writes text)\n", cmd->name);
  return OPT_BAD;
}

/* The options that take a path or a number: --out, --rss-interval, --log,
 * --rss, --config, --stdin-filename, --cache-dir. */
static OptResult value_option(int argc, char **argv, int *i, Options *o) {
  const char *a = argv[*i];
  if (*i + 1 >= argc) return OPT_OTHER;
  const char **slot = strcmp(a, "--out") == 0              ? &o->out_dir
                      : strcmp(a, "--log") == 0            ? &o->log_path
                      : strcmp(a, "--rss") == 0            ? &o->rss_path
                      : strcmp(a, "--config") == 0         ? &o->config_path
                      : strcmp(a, "--stdin-filename") == 0 ? &o->stdin_filename
                      : strcmp(a, "--cache-dir") == 0      ? &o->cache_dir
                                                           : NULL;
  if (slot) {
    *slot = argv[++*i];
    if (slot == &o->stdin_filename)
      while (o->stdin_filename[0] == '.' && o->stdin_filename[1] == '/') o->stdin_filename += 2;
    return OPT_TAKEN;
  }
  if (strcmp(a, "--rss-interval") != 0) return OPT_OTHER;
  char *end;
  long ms = strtol(argv[++*i], &end, 10);
  if (*end || ms < 10 || ms > 60000) {
    fprintf(stderr, "fanout: --rss-interval wants milliseconds from 10 to 60000\n");
    return OPT_BAD;
  }
  o->rss_interval_ms = (unsigned)ms;
  return OPT_TAKEN;
}

/* The switches: -q, --follow, --show-suppressed, --all-files, -v, -vv,
 * --no-cache, --include-pyi (each for the commands it means something to). */
static OptResult switch_option(const Command *cmd, const char *a, Options *o) {
  bool check = cmd->run == cmd_check;
  if ((strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) && cmd->run == cmd_run)
    o->quiet = true;
  else if (strcmp(a, "--follow") == 0 && cmd->run == cmd_report)
    o->follow = true;
  else if (strcmp(a, "--show-suppressed") == 0)
    o->show_suppressed = true;
  else if (strcmp(a, "--all-files") == 0 && check)
    o->all_files = true;
  else if ((strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) && check)
    o->verbose++;
  else if (strcmp(a, "-vv") == 0 && check)
    o->verbose += 2;
  else if (strcmp(a, "--no-cache") == 0)
    o->no_cache = true;
  else if (strcmp(a, "--include-pyi") == 0)
    o->project.walk.include_pyi = true;
  else
    return OPT_OTHER;
  return OPT_TAKEN;
}

/* One option at argv[*i]: each parser in turn, in the order their names
 * were first matched; a name no parser takes is an error. */
static OptResult parse_option(const Command *cmd, int argc, char **argv, int *i, Options *o) {
  const char *a = argv[*i];
  OptResult r = jobs_option(argc, argv, i, o);
  if (r != OPT_OTHER) return r;
  if (!cmd->selects && (strcmp(a, "--select") == 0 || strcmp(a, "--ignore") == 0 ||
                        strcmp(a, "--extend-select") == 0 || strcmp(a, "--include") == 0 ||
                        strcmp(a, "--show-suppressed") == 0)) {
    fprintf(stderr, "fanout %s: %s does not apply: it reports no findings\n", cmd->name, a);
    return OPT_BAD;
  }
  if ((r = codes_option(argc, argv, i, o)) != OPT_OTHER ||
      (r = format_option(cmd, argc, argv, i, o)) != OPT_OTHER ||
      (r = value_option(argc, argv, i, o)) != OPT_OTHER ||
      (r = switch_option(cmd, a, o)) != OPT_OTHER ||
      (r = policy_option(cmd, argc, argv, i, o)) != OPT_OTHER)
    return r;
  fprintf(stderr, "fanout: unknown option '%s' for %s (try fanout %s --help)\n", a, cmd->name,
          cmd->name);
  return OPT_BAD;
}

/* The command line after the command's name into `o`. Returns -1 to go on,
 * else the exit code (0 after --help). */
static int parse_args(const Command *cmd, int argc, char **argv, Options *o) {
  bool only_paths = false;
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    if (only_paths || a[0] != '-' || !a[1]) {
      if (cmd->run == cmd_trace && !o->marker)
        o->marker = a;
      else
        o->paths[o->npaths++] = a;
    } else if (strcmp(a, "--") == 0) {
      only_paths = true;
    } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      usage_command(cmd, stdout);
      return EXIT_OK;
    } else if (parse_option(cmd, argc, argv, &i, o) == OPT_BAD) {
      return EXIT_USAGE;
    }
  }
  if (cmd->run == cmd_trace && (!o->marker || !*o->marker)) {
    fprintf(stderr, "fanout: trace needs a log line or marker\n");
    usage_command(cmd, stderr);
    return EXIT_USAGE;
  }
  return -1;
}

/* ---- configuration and cache ---- */

/* The cache directory: --cache-dir, $FANOUT_CACHE_DIR, else one per project
 * (the configuration's directory, or here) under $XDG_CACHE_HOME/fanout; NULL
 * with --no-cache, or (with a warning) when it lies inside a checked path. */
static char *cache_dir_for(const Options *o, const char *config, Diags *diags) {
  if (o->no_cache) return NULL;
  const char *env_cache = getenv("FANOUT_CACHE_DIR");
  char *cache_dir;
  if (o->cache_dir || (env_cache && *env_cache)) {
    cache_dir = xstrdup(o->cache_dir ? o->cache_dir : env_cache);
  } else {
    char *dir = config ? xstrdup(config) : xstrdup("");
    char *slash = strrchr(dir, '/');
    if (slash)
      *slash = '\0';
    else
      dir[0] = '\0';
    cache_dir = cache_default_dir(dir);
    free(dir);
  }
  if (inside_checked(cache_dir, (const char *const *)o->paths, o->npaths)) {
    /* a checked tree could plant entries in it */
    diags_add(diags, DIAG_WARNING, cache_dir, 0, "cache not used: inside a checked path");
    free(cache_dir);
    return NULL;
  }
  return cache_dir;
}

bool cli_configure(Options *o, const char *start, Diags *diags) {
  char *found = o->config_path ? xstrdup(o->config_path) : config_find(start);
  if (found && !config_load(found, &o->config, diags)) {
    free(found);
    return false;
  }
  o->owned_cache_dir = cache_dir_for(o, found, diags);
  o->project.cache_dir = o->owned_cache_dir;
  free(found);
  policy_configure(&o->policy, &o->config);
  o->project.walk.exclude = &o->config.exclude;
  o->owned_knowledge = config_knowledge(&o->config);
  o->project.extra_knowledge = *o->owned_knowledge ? o->owned_knowledge : NULL;
  o->project.extra_knowledge_file = o->config.path;
  o->project.settings.min_width = o->config.min_width;
  o->project.settings.retry_max_attempts = o->config.retry_max_attempts;
  return true;
}

/* Handle --version and --help, find the command, parse its arguments and the configuration, read
 * stdin for --stdin-filename, run the command and print the diagnostics. An error diagnostic turns
 * any exit code but `run`'s into EXIT_USAGE. */
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
  Diags diags = {0};
  int rc = parse_args(cmd, argc, argv, &o);
  /* the language server reads its project's configuration once it knows
   * the project's root (lsp_serve) */
  if (rc < 0 && cmd->run != cmd_lsp && !cli_configure(&o, o.npaths ? o.paths[0] : ".", &diags)) {
    cli_print_diags(&diags);
    rc = EXIT_USAGE;
  }
  if (rc < 0) {
    StrBuf input = {0};
    if (o.stdin_filename) {
      char chunk[65536];
      size_t n;
      while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0) sb_putn(&input, chunk, n);
      o.project.buffer_path = o.stdin_filename;
      o.project.buffer = input.s ? input.s : "";
      o.project.buffer_len = input.len;
    }
    rc = cmd->run(&o, &diags);
    sb_free(&input);
    fflush(stdout);
    cli_print_diags(&diags);
    /* an incomplete analysis outranks its results; `run` returns the pipeline's code */
    if (diags_errors(&diags) && cmd->run != cmd_run) rc = EXIT_USAGE;
  }
  diags_free(&diags);
  policy_free(&o.policy);
  config_free(&o.config);
  free(o.owned_knowledge);
  free(o.owned_cache_dir);
  free(o.paths);
  return rc;
}
