/* config: [tool.fanout] in pyproject.toml (or a file given with --config),
 * parsed with the tree-sitter TOML grammar. */
#ifndef FANOUT_CONFIG_H
#define FANOUT_CONFIG_H

#include "diag.h"

typedef struct {
  char *pattern; /* fnmatch pattern on the path, e.g. "tests/<star>" */
  StrArray codes;
} PerFileIgnore;

typedef struct {
  char *path; /* the file read, or NULL when none was found */
  StrArray select, ignore, extend_select, exclude;
  StrArray include; /* code kinds shown besides production: tests, examples, docs, scripts, all */
  Array(PerFileIgnore) per_file_ignores;
  char *fail_on;        /* the lowest severity that fails a run: error, warning, info; NULL unset */
  char *min_confidence; /* the lowest confidence shown: high, medium; NULL unset */
  long min_width;       /* fixed widths from this many tasks count as large; 0 unset */
  long retry_max_attempts; /* 0 unset */
  StrArray blocking_calls, external_calls, limiters, loggers;
  bool found; /* the file has [tool.fanout], or a key under it in any TOML spelling */
} Config;

/* The pyproject.toml that configures `start` (a file or directory): the
 * nearest one upward, when it has [tool.fanout] (in any TOML spelling) or
 * does not parse (so that its errors are reported); the search stops there,
 * and at the repository's root (a directory holding .git). NULL when none
 * does. The caller frees. */
char *config_find(const char *start);

/* Read [tool.fanout] from a TOML file into `c` (zeroed by the caller).
 * Unknown keys, wrong types and TOML syntax errors become error diagnostics
 * naming file, line and key; returns false then. Free with config_free. */
bool config_load(const char *path, Config *c, Diags *diags);
/* The same from text in memory (tests). */
bool config_parse(const char *path, const char *text, Config *c, Diags *diags);

/* The API knowledge lines the config adds (rules/NAME.txt format). The caller frees. */
char *config_knowledge(const Config *c);

void config_free(Config *c);

#endif
