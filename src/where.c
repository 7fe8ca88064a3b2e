/* where: a path's components matched against short lists; O(length). */
#include "where.h"

#include <string.h>

#include "util.h"

/* Whether the directory components of `path` include one of `names`. */
static bool in_directory(const char *path, const char *const *names, size_t n) {
  for (const char *p = path; *p;) {
    const char *slash = strchr(p, '/');
    if (!slash) return false; /* the file name is no directory */
    size_t len = (size_t)(slash - p);
    for (size_t i = 0; i < n; i++)
      if (strlen(names[i]) == len && strncmp(p, names[i], len) == 0) return true;
    p = slash + 1;
  }
  return false;
}

CodeKind where_code(const char *path) {
  static const char *const tests[] = {"tests", "test", "testing"};
  static const char *const examples[] = {"examples", "example", "samples", "cookbook"};
  static const char *const docs[] = {"docs", "doc"};
  static const char *const scripts[] = {"scripts", "migrations"};
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  if (str_starts_with(base, "test_") || str_ends_with(base, "_test.py") ||
      strcmp(base, "conftest.py") == 0 || in_directory(path, tests, 3))
    return CODE_TEST;
  if (in_directory(path, examples, 4)) return CODE_EXAMPLE;
  if (in_directory(path, docs, 2)) return CODE_DOCS;
  if (in_directory(path, scripts, 2)) return CODE_SCRIPT;
  return CODE_PRODUCTION;
}

int where_kind_named(const char *name) {
  if (strcmp(name, "tests") == 0) return CODE_TEST;
  if (strcmp(name, "examples") == 0) return CODE_EXAMPLE;
  if (strcmp(name, "docs") == 0) return CODE_DOCS;
  if (strcmp(name, "scripts") == 0) return CODE_SCRIPT;
  if (strcmp(name, "startup") == 0) return CODE_STARTUP;
  if (strcmp(name, "all") == 0) return CODE_ALL_SUPPORT;
  return -1;
}
