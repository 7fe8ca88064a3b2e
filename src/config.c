#define _DEFAULT_SOURCE
#include "config.h"

#include "where.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tree_sitter/api.h>
#include <unistd.h>

#include "source.h"
#include "template.h"

const TSLanguage *tree_sitter_toml(void);

typedef struct {
  const char *path;
  const char *text;
  Config *c;
  Diags *diags;
  bool ok;
} Reader;

static bool is(TSNode n, const char *type) {
  return !ts_node_is_null(n) && strcmp(ts_node_type(n), type) == 0;
}

static uint32_t line_of(TSNode n) { return ts_node_start_point(n).row + 1; }

/* An error about `key`: "`KEY` must be ..." / "unknown key `KEY` ...". */
static void error(Reader *r, TSNode at, const char *before, const char *key, const char *after) {
  diags_add(r->diags, DIAG_ERROR, r->path, line_of(at), "%s`%s`%s", before, key, after);
  r->ok = false;
}

/* A key's text, dotted keys joined with '.', quotes removed. The caller frees. */
static char *key_text(const Reader *r, TSNode k) {
  if (is(k, "dotted_key")) {
    StrBuf b = {0};
    for (uint32_t i = 0, n = ts_node_named_child_count(k); i < n; i++) {
      char *part = key_text(r, ts_node_named_child(k, i));
      if (b.len) sb_putc(&b, '.');
      sb_puts(&b, part);
      free(part);
    }
    return sb_take(&b);
  }
  uint32_t a = ts_node_start_byte(k), b = ts_node_end_byte(k);
  if (is(k, "quoted_key") && b - a >= 2) a++, b--;
  return xstrndup(r->text + a, b - a);
}

/* A string value's content (basic strings unescaped, literal strings raw). */
static char *string_value(const Reader *r, TSNode s) {
  uint32_t a = ts_node_start_byte(s), b = ts_node_end_byte(s);
  const char *t = r->text + a;
  size_t n = b - a,
         q = n >= 6 && (strncmp(t, "\"\"\"", 3) == 0 || strncmp(t, "'''", 3) == 0) ? 3 : 1;
  bool literal = t[0] == '\'';
  if (n < 2 * q) return xstrdup("");
  StrBuf out = {0};
  template_unescape(t + q, n - 2 * q, literal, false, &out);
  return sb_take(&out);
}

/* An array of strings into `list`; false (with a diagnostic) otherwise. */
static bool string_array(Reader *r, TSNode v, const char *key, StrArray *list) {
  if (!is(v, "array")) {
    error(r, v, "", key, " must be an array of strings");
    return false;
  }
  for (uint32_t i = 0, n = ts_node_named_child_count(v); i < n; i++) {
    TSNode e = ts_node_named_child(v, i);
    if (is(e, "comment")) continue;
    if (!is(e, "string")) {
      error(r, e, "", key, " must be an array of strings");
      return false;
    }
    array_push(list, string_value(r, e));
  }
  return true;
}

/* A string that is one of `words` (separated by '|'); false (with a diagnostic) otherwise. */
static bool one_of(Reader *r, TSNode v, const char *key, const char *words, char **out) {
  char *text = is(v, "string") ? string_value(r, v) : NULL;
  size_t n = text ? strlen(text) : 0;
  for (const char *w = words; text && n && *w;) {
    size_t len = strcspn(w, "|");
    if (len == n && strncmp(w, text, n) == 0) {
      free(*out);
      *out = text;
      return true;
    }
    w += len + (w[len] == '|');
  }
  free(text);
  char *want = xasprintf(" must be one of: %s", words);
  for (char *p = want; *p; p++)
    if (*p == '|') *p = ',';
  error(r, v, "", key, want);
  free(want);
  return false;
}

static bool positive_integer(Reader *r, TSNode v, const char *key, long *out) {
  if (!is(v, "integer")) {
    error(r, v, "", key, " must be a positive integer");
    return false;
  }
  char *t = xstrndup(r->text + ts_node_start_byte(v), ts_node_end_byte(v) - ts_node_start_byte(v));
  long n = strtol(t, NULL, 0);
  free(t);
  if (n < 1) {
    error(r, v, "", key, " must be a positive integer");
    return false;
  }
  *out = n;
  return true;
}

static void codes_list(Reader *r, TSNode v, const char *key, StrArray *list) {
  uint32_t first = list->len;
  if (!string_array(r, v, key, list)) return;
  for (uint32_t i = first; i < list->len; i++) {
    char *c = list->items[i];
    for (char *p = c; *p; p++) *p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
    if (!str_starts_with(c, "FAN") || strlen(c) > 6) {
      error(r, v, "", key, " takes rule codes or prefixes like FAN101 or FAN1");
      return;
    }
  }
}

static void per_file_pair(Reader *r, TSNode pair) {
  TSNode k = ts_node_named_child(pair, 0), v = ts_node_named_child(pair, 1);
  PerFileIgnore pf = {key_text(r, k), {0}};
  codes_list(r, v, "per-file-ignores", &pf.codes);
  array_push(&r->c->per_file_ignores, pf);
}

static void setting(Reader *r, TSNode pair, const char *prefix) {
  TSNode k = ts_node_named_child(pair, 0), v = ts_node_named_child(pair, 1);
  char *name = key_text(r, k);
  char *key = *prefix ? xasprintf("%s.%s", prefix, name) : xstrdup(name);
  Config *c = r->c;
  if (strcmp(key, "select") == 0)
    codes_list(r, v, key, &c->select);
  else if (strcmp(key, "ignore") == 0)
    codes_list(r, v, key, &c->ignore);
  else if (strcmp(key, "extend-select") == 0)
    codes_list(r, v, key, &c->extend_select);
  else if (strcmp(key, "exclude") == 0)
    string_array(r, v, key, &c->exclude);
  else if (strcmp(key, "include") == 0) {
    string_array(r, v, key, &c->include);
    for (uint32_t i = 0; i < c->include.len; i++)
      if (where_kind_named(c->include.items[i]) < 0)
        error(r, v, "", key, " wants tests, examples, docs, scripts, startup or all");
  }
  else if (strcmp(key, "blocking-calls") == 0)
    string_array(r, v, key, &c->blocking_calls);
  else if (strcmp(key, "external-calls") == 0)
    string_array(r, v, key, &c->external_calls);
  else if (strcmp(key, "limiters") == 0)
    string_array(r, v, key, &c->limiters);
  else if (strcmp(key, "loggers") == 0)
    string_array(r, v, key, &c->loggers);
  else if (strcmp(key, "min-width") == 0)
    positive_integer(r, v, key, &c->min_width);
  else if (strcmp(key, "fail-on") == 0)
    one_of(r, v, key, "error|warning|info", &c->fail_on);
  else if (strcmp(key, "min-confidence") == 0)
    one_of(r, v, key, "high|medium", &c->min_confidence);
  else if (strcmp(key, "retry-max-attempts") == 0)
    positive_integer(r, v, key, &c->retry_max_attempts);
  else if (strcmp(key, "per-file-ignores") == 0 && is(v, "inline_table")) {
    for (uint32_t i = 0, n = ts_node_named_child_count(v); i < n; i++)
      if (is(ts_node_named_child(v, i), "pair")) per_file_pair(r, ts_node_named_child(v, i));
  } else if (strcmp(key, "per-file-ignores") == 0) {
    error(r, v, "", key, " must be a table of path patterns to arrays of codes");
  } else if (str_starts_with(key, "per-file-ignores.")) {
    PerFileIgnore pf = {xstrdup(key + 17), {0}};
    codes_list(r, v, "per-file-ignores", &pf.codes);
    array_push(&c->per_file_ignores, pf);
  } else {
    error(r, k, "unknown key ", key, " in [tool.fanout]");
  }
  free(name);
  free(key);
}

bool config_parse(const char *path, const char *text, Config *c, Diags *diags) {
  Reader r = {path, text, c, diags, true};
  TSParser *parser = ts_parser_new();
  ts_parser_set_language(parser, tree_sitter_toml());
  TSTree *tree = ts_parser_parse_string(parser, NULL, text, (uint32_t)strlen(text));
  TSNode root = ts_tree_root_node(tree);
  if (ts_node_has_error(root)) {
    /* name the first broken line */
    TSTreeCursor cur = ts_tree_cursor_new(root);
    TSNode bad = root;
    for (bool more = true; more;) {
      TSNode n = ts_tree_cursor_current_node(&cur);
      if (strcmp(ts_node_type(n), "ERROR") == 0 || ts_node_is_missing(n)) {
        bad = n;
        break;
      }
      if (ts_node_has_error(n) && ts_tree_cursor_goto_first_child(&cur)) continue;
      while (!(more = ts_tree_cursor_goto_next_sibling(&cur)) && ts_tree_cursor_goto_parent(&cur)) {
      }
    }
    ts_tree_cursor_delete(&cur);
    diags_add(diags, DIAG_ERROR, path, line_of(bad), "TOML syntax error");
    r.ok = false;
  }
  c->path = xstrdup(path);
  for (uint32_t i = 0, n = ts_node_named_child_count(root); i < n && r.ok; i++) {
    TSNode t = ts_node_named_child(root, i);
    if (!is(t, "table")) continue;
    char *name = key_text(&r, ts_node_named_child(t, 0));
    const char *prefix = NULL;
    if (strcmp(name, "tool.fanout") == 0)
      prefix = "";
    else if (str_starts_with(name, "tool.fanout."))
      prefix = name + 12;
    for (uint32_t k = 1, kn = ts_node_named_child_count(t); prefix && k < kn; k++)
      if (is(ts_node_named_child(t, k), "pair")) setting(&r, ts_node_named_child(t, k), prefix);
    free(name);
  }
  ts_tree_delete(tree);
  ts_parser_delete(parser);
  return r.ok;
}

bool config_load(const char *path, Config *c, Diags *diags) {
  SourceFile src;
  if (!source_read(path, &src, diags)) return false;
  bool ok = config_parse(path, src.text, c, diags);
  source_free(&src);
  return ok;
}

static bool has_fanout_table(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) return false;
  char line[512];
  bool yes = false;
  while (!yes && fgets(line, sizeof line, f)) {
    const char *p = line;
    while (*p == ' ' || *p == '\t') p++;
    yes = str_starts_with(p, "[tool.fanout]") || str_starts_with(p, "[tool.fanout.");
  }
  fclose(f);
  return yes;
}

char *config_find(const char *start) {
  char dir[PATH_MAX];
  if (!realpath(start, dir)) return NULL;
  if (access(dir, F_OK) == 0) {
    char probe[PATH_MAX + 16];
    snprintf(probe, sizeof probe, "%s/.", dir);
    if (access(probe, F_OK) != 0) { /* a file: start from its directory */
      char *slash = strrchr(dir, '/');
      if (slash && slash != dir) *slash = '\0';
    }
  }
  for (;;) {
    char *candidate = xasprintf("%s/pyproject.toml", dir);
    if (has_fanout_table(candidate)) return candidate;
    free(candidate);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir) break;
    *slash = '\0';
  }
  return NULL;
}

char *config_knowledge(const Config *c) {
  StrBuf b = {0};
  for (uint32_t i = 0; i < c->blocking_calls.len; i++)
    sb_printf(&b, "blocking %s code=FAN505\n", c->blocking_calls.items[i]);
  for (uint32_t i = 0; i < c->external_calls.len; i++)
    sb_printf(&b, "external %s kind=http async=yes timeout=none\n", c->external_calls.items[i]);
  for (uint32_t i = 0; i < c->limiters.len; i++)
    sb_printf(&b, "limiter %s\n", c->limiters.items[i]);
  for (uint32_t i = 0; i < c->loggers.len; i++)
    sb_printf(&b, "logger.function %s level=info helper=yes\n", c->loggers.items[i]);
  if (c->retry_max_attempts) sb_printf(&b, "retry.max-attempts %ld\n", c->retry_max_attempts);
  return sb_take(&b);
}

static void free_list(StrArray *a) {
  for (uint32_t i = 0; i < a->len; i++) free(a->items[i]);
  array_free(a);
}

void config_free(Config *c) {
  free(c->path);
  free(c->fail_on);
  free(c->min_confidence);
  free_list(&c->select), free_list(&c->ignore), free_list(&c->extend_select);
  free_list(&c->exclude), free_list(&c->include), free_list(&c->blocking_calls), free_list(&c->external_calls);
  free_list(&c->limiters), free_list(&c->loggers);
  for (uint32_t i = 0; i < c->per_file_ignores.len; i++) {
    free(c->per_file_ignores.items[i].pattern);
    free_list(&c->per_file_ignores.items[i].codes);
  }
  array_free(&c->per_file_ignores);
  memset(c, 0, sizeof *c);
}
