/* config: [tool.fanout] read from pyproject.toml (a regular UTF-8 file,
 * read by its own reader, not the Python one) on the tree-sitter TOML tree,
 * with TOML's string escapes: every spelling of the table and its keys, TOML integers, strings
 * without control characters, duplicate keys refused with file:line; no
 * recursion on a key's depth. Discovery stops at the first pyproject.toml
 * or the repository root. */
#define _DEFAULT_SOURCE
#include "config.h"

#include "where.h"

#include <ctype.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <tree_sitter/api.h>
#include <unistd.h>

#include "source.h"

const TSLanguage *tree_sitter_toml(void);

typedef struct {
  const char *path;
  const char *text;
  Config *c;
  Diags *diags;
  bool ok;
  bool found;    /* the file has [tool.fanout] or a key under it */
  StrArray seen; /* every key set so far, parts joined by \x1f: duplicates are errors */
} Reader;

/* A key has at most this many dotted parts, an inline table nests at most this
 * deep: TOML itself sets no limit, so a file could make the reader's work grow
 * with what it chooses. */
#define KEY_PARTS_MAX 32
#define INLINE_DEPTH_MAX 8

static bool is(TSNode n, const char *type) {
  return !ts_node_is_null(n) && strcmp(ts_node_type(n), type) == 0;
}

static uint32_t line_of(TSNode n) { return ts_node_start_point(n).row + 1; }

/* An error about `key`: "`KEY` must be ..." / "unknown key `KEY` ...". */
static void error(Reader *r, TSNode at, const char *before, const char *key, const char *after) {
  diags_add(r->diags, DIAG_ERROR, r->path, line_of(at), "%s`%s`%s", before, key, after);
  r->ok = false;
}

static void put_utf8(StrBuf *out, uint32_t cp) {
  if (cp < 0x80) {
    sb_putc(out, (char)cp);
  } else if (cp < 0x800) {
    sb_putc(out, (char)(0xC0 | (cp >> 6)));
    sb_putc(out, (char)(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    sb_putc(out, (char)(0xE0 | (cp >> 12)));
    sb_putc(out, (char)(0x80 | ((cp >> 6) & 0x3F)));
    sb_putc(out, (char)(0x80 | (cp & 0x3F)));
  } else {
    sb_putc(out, (char)(0xF0 | (cp >> 18)));
    sb_putc(out, (char)(0x80 | ((cp >> 12) & 0x3F)));
    sb_putc(out, (char)(0x80 | ((cp >> 6) & 0x3F)));
    sb_putc(out, (char)(0x80 | (cp & 0x3F)));
  }
}

/* TOML's escapes in a basic string's body s[0..n) into `out`: \b \t \n \f
 * \r \" \\ \e, \xHH, \uXXXX and \UXXXXXXXX (a Unicode scalar value); in a
 * multi-line string, a backslash that ends a line takes the whitespace and
 * newlines after it away. Returns the escape character TOML does not
 * define (or 'u' for a bad code point), or 0 when all were good. */
static char toml_unescape(const char *s, size_t n, bool multiline, StrBuf *out) {
  for (size_t i = 0; i < n; i++) {
    if (s[i] != '\\' || i + 1 == n) {
      sb_putc(out, s[i]);
      continue;
    }
    char e = s[++i];
    size_t digits = e == 'x' ? 2 : e == 'u' ? 4 : e == 'U' ? 8 : 0;
    char plain = e == 'b'    ? '\b'
                 : e == 't'  ? '\t'
                 : e == 'n'  ? '\n'
                 : e == 'f'  ? '\f'
                 : e == 'r'  ? '\r'
                 : e == 'e'  ? '\033'
                 : e == '"'  ? '"'
                 : e == '\\' ? '\\'
                             : 0;
    if (plain) {
      sb_putc(out, plain);
    } else if (digits) {
      uint32_t cp = 0;
      size_t k = 0;
      for (; k < digits && i + 1 + k < n && isxdigit((unsigned char)s[i + 1 + k]); k++)
        cp = cp * 16 + (uint32_t)(isdigit((unsigned char)s[i + 1 + k])
                                      ? s[i + 1 + k] - '0'
                                      : (s[i + 1 + k] | 0x20) - 'a' + 10);
      if (k < digits || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 'u';
      put_utf8(out, cp);
      i += k;
    } else if (multiline && e && strchr(" \t\r\n", e)) { /* a line-ending backslash */
      size_t j = i;
      while (j < n && strchr(" \t\r", s[j])) j++;
      if (j < n && s[j] != '\n') return e; /* whitespace after a backslash, then text */
      while (j < n && strchr(" \t\r\n", s[j])) j++;
      i = j - 1;
    } else {
      return e ? e : '\\';
    }
  }
  return 0;
}

/* The content of a quoted string s[0..n) with `q` quote characters each
 * side: literal strings raw, basic ones unescaped; a multi-line string's
 * first newline dropped. NULL (with a diagnostic) at an escape TOML has not. */
static char *quoted_text(Reader *r, TSNode at, const char *t, size_t n, size_t q) {
  if (n < 2 * q) return xstrdup("");
  const char *body = t + q;
  size_t len = n - 2 * q;
  if (q == 3 && len && body[0] == '\n') body++, len--;
  if (q == 3 && len > 1 && body[0] == '\r' && body[1] == '\n') body += 2, len -= 2;
  StrBuf out = {0};
  if (t[0] == '\'') {
    sb_putn(&out, body, len);
    return sb_take(&out);
  }
  char bad = toml_unescape(body, len, q == 3, &out);
  if (!bad) return sb_take(&out);
  sb_free(&out);
  diags_add(r->diags, DIAG_ERROR, r->path, line_of(at),
            bad == 'u' ? "a string holds a \\u or \\U escape that is no Unicode scalar value"
                       : "a string holds `\\%c`, an escape TOML does not define",
            bad);
  r->ok = false;
  return NULL;
}

/* The text of one simple key: a bare key as written, a quoted one unquoted
 * (a bad escape is reported, and the key kept as written). */
static char *simple_key(Reader *r, TSNode k) {
  uint32_t a = ts_node_start_byte(k), b = ts_node_end_byte(k);
  if (!is(k, "quoted_key") || b - a < 2) return xstrndup(r->text + a, b - a);
  char *text = quoted_text(r, k, r->text + a, b - a, 1);
  return text ? text : xstrndup(r->text + a, b - a);
}

/* A key's parts in order (`a."b.c".d` is a, b.c, d), appended to `out`.
 * The grammar nests dotted keys to the left, as deep as the key is long:
 * walked in a loop, never by recursion. False past KEY_PARTS_MAX parts. */
static bool key_parts(Reader *r, TSNode k, StrArray *out) {
  StrArray rev = {0};
  bool ok = true;
  while (is(k, "dotted_key") && ok) {
    uint32_t n = ts_node_named_child_count(k);
    for (uint32_t i = n; i-- > 1;) array_push(&rev, simple_key(r, ts_node_named_child(k, i)));
    k = n ? ts_node_named_child(k, 0) : (TSNode){0};
    ok = rev.len <= KEY_PARTS_MAX;
  }
  if (ok && !ts_node_is_null(k)) array_push(&rev, simple_key(r, k));
  ok = ok && rev.len <= KEY_PARTS_MAX;
  for (uint32_t i = rev.len; i-- > 0;) {
    if (ok)
      array_push(out, rev.items[i]);
    else
      free(rev.items[i]);
  }
  array_free(&rev);
  return ok;
}

static char *join_parts(const StrArray *parts, uint32_t from, char sep) {
  StrBuf b = {0};
  for (uint32_t i = from; i < parts->len; i++) {
    if (i > from) sb_putc(&b, sep);
    sb_puts(&b, parts->items[i]);
  }
  return sb_take(&b);
}

/* A string value's content (basic strings unescaped, literal strings raw);
 * NULL (with a diagnostic) at an escape TOML does not define. */
static char *string_text(Reader *r, TSNode s) {
  uint32_t a = ts_node_start_byte(s), b = ts_node_end_byte(s);
  const char *t = r->text + a;
  size_t n = b - a,
         q = n >= 6 && (strncmp(t, "\"\"\"", 3) == 0 || strncmp(t, "'''", 3) == 0) ? 3 : 1;
  return quoted_text(r, s, t, n, q);
}

/* A string value, refused (NULL, with a diagnostic) when it holds a control
 * character: settings become lines of rule data, and a newline would add one. */
static char *string_value(Reader *r, TSNode s, const char *key) {
  char *text = string_text(r, s);
  for (const char *p = text; p && *p; p++)
    if ((unsigned char)*p < 0x20 || *p == 0x7f) {
      error(r, s, "", key, " holds a control character");
      free(text);
      return NULL;
    }
  return text;
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
    char *text = string_value(r, e, key);
    if (!text) return false;
    array_push(list, text);
  }
  return true;
}

/* A string that is one of `words` (separated by '|'); false (with a diagnostic) otherwise. */
static bool one_of(Reader *r, TSNode v, const char *key, const char *words, char **out) {
  char *text = is(v, "string") ? string_text(r, v) : NULL;
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
  /* TOML integers: `1_000`, `+5`, `0x1f`, `0o17`, `0b101` */
  const char *t = r->text + ts_node_start_byte(v), *end = r->text + ts_node_end_byte(v);
  int base = 10;
  if (t < end && *t == '+') t++;
  if (end - t > 2 && t[0] == '0' && strchr("xob", t[1]))
    base = t[1] == 'x' ? 16 : t[1] == 'o' ? 8 : 2, t += 2;
  long n = 0;
  bool digits = false;
  for (; t < end && n >= 0; t++) {
    if (*t == '_') continue;
    int d = *t >= '0' && *t <= '9'                     ? *t - '0'
            : (*t | 0x20) >= 'a' && (*t | 0x20) <= 'f' ? (*t | 0x20) - 'a' + 10
                                                       : 99;
    if (d >= base)
      n = -1;
    else
      n = n > (LONG_MAX - d) / base ? -1 : n * base + d, digits = true;
  }
  if (!digits || n < 1) {
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

/* One setting of [tool.fanout]: `key` is what follows `tool.fanout.`,
 * `parts` the same split (a per-file-ignores pattern may hold dots), `at` the
 * key's node for diagnostics, `v` the value. */
static void setting(Reader *r, const StrArray *parts, uint32_t first, TSNode at, TSNode v) {
  char *key = join_parts(parts, first, '.');
  const char *head = parts->items[first];
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
  } else if (strcmp(key, "blocking-calls") == 0)
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
  else if (strcmp(head, "per-file-ignores") == 0 && parts->len == first + 2) {
    PerFileIgnore pf = {xstrdup(parts->items[first + 1]), {0}};
    codes_list(r, v, "per-file-ignores", &pf.codes);
    array_push(&c->per_file_ignores, pf);
  } else if (strcmp(key, "per-file-ignores") == 0) {
    error(r, v, "", key, " must be a table of path patterns to arrays of codes");
  } else {
    error(r, at, "unknown key ", key, " in [tool.fanout]");
  }
  free(key);
}

/* Whether `parts` from `first` on starts with tool, fanout: 2 when it does
 * (settings follow), 1 when it is `tool` alone, 0 when it is neither. */
static int fanout_depth(const StrArray *parts) {
  if (parts->len >= 1 && strcmp(parts->items[0], "tool") != 0) return 0;
  if (parts->len >= 2 && strcmp(parts->items[1], "fanout") != 0) return 0;
  return parts->len >= 2 ? 2 : parts->len == 1 ? 1 : 0;
}

/* A `key = value` pair under the table whose key parts are `base`: a setting
 * of [tool.fanout] in any of TOML's spellings (`[tool.fanout] x = ..`,
 * `[tool] fanout.x = ..`, `tool.fanout.x = ..` at the top, inline tables). */
static void pair_in(Reader *r, const StrArray *base, TSNode pair, unsigned depth) {
  TSNode k = ts_node_named_child(pair, 0), v = ts_node_named_child(pair, 1);
  StrArray parts = {0};
  for (uint32_t i = 0; i < base->len; i++) array_push(&parts, xstrdup(base->items[i]));
  if (!key_parts(r, k, &parts)) {
    error(r, k, "", "key", " has too many dotted parts");
  } else if (fanout_depth(&parts) == 2 || (parts.len < 2 && fanout_depth(&parts) == 1) ||
             parts.len == 0) {
    bool table = is(v, "inline_table");
    bool settings = fanout_depth(&parts) == 2;
    if (settings) r->found = true;
    char *full = join_parts(&parts, 0, '\x1f');
    bool dup = false;
    for (uint32_t i = 0; i < r->seen.len && !dup; i++) dup = strcmp(r->seen.items[i], full) == 0;
    if (dup) {
      char *shown = join_parts(&parts, 0, '.');
      error(r, k, "duplicate key ", shown, "");
      free(shown);
      free(full);
    } else {
      array_push(&r->seen, full);
      bool pattern_table =
          settings && parts.len == 3 && strcmp(parts.items[2], "per-file-ignores") == 0;
      if (table && (!settings || parts.len == 2 || pattern_table) && depth < INLINE_DEPTH_MAX) {
        for (uint32_t i = 0, n = ts_node_named_child_count(v); i < n; i++)
          if (is(ts_node_named_child(v, i), "pair"))
            pair_in(r, &parts, ts_node_named_child(v, i), depth + 1);
      } else if (table && depth >= INLINE_DEPTH_MAX) {
        error(r, k, "", "inline table", " nests too deep");
      } else if (settings && parts.len > 2) {
        setting(r, &parts, 2, k, v);
      }
    }
  }
  for (uint32_t i = 0; i < parts.len; i++) free(parts.items[i]);
  array_free(&parts);
}

/* On a syntax error, name the first broken line (a walk down to the first ERROR or missing node)
 * and read nothing; else read top-level dotted pairs and the pairs of every [tool.fanout...] table,
 * reporting a sub-table given twice. */
bool config_parse(const char *path, const char *text, Config *c, Diags *diags) {
  Reader r = {path, text, c, diags, true, false, {0}};
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
  StrArray none = {0};
  for (uint32_t i = 0, n = ts_node_named_child_count(root); i < n && r.ok; i++) {
    TSNode t = ts_node_named_child(root, i);
    if (is(t, "pair")) { /* before any table: `tool.fanout.select = [...]` */
      pair_in(&r, &none, t, 0);
      continue;
    }
    if (!is(t, "table")) continue;
    StrArray name = {0};
    if (!key_parts(&r, ts_node_named_child(t, 0), &name)) {
      error(&r, t, "", "table name", " has too many dotted parts");
    } else if (fanout_depth(&name)) {
      if (fanout_depth(&name) == 2) r.found = true;
      if (name.len > 2) { /* [tool.fanout.per-file-ignores]: its keys are settings too */
        char *full = join_parts(&name, 0, '\x1f');
        bool dup = false;
        for (uint32_t k = 0; k < r.seen.len && !dup; k++) dup = strcmp(r.seen.items[k], full) == 0;
        if (dup) {
          char *shown = join_parts(&name, 0, '.');
          error(&r, t, "duplicate table ", shown, "");
          free(shown);
        }
        array_push(&r.seen, full);
      }
      for (uint32_t k = 1, kn = ts_node_named_child_count(t); k < kn; k++)
        if (is(ts_node_named_child(t, k), "pair")) pair_in(&r, &name, ts_node_named_child(t, k), 0);
    }
    for (uint32_t k = 0; k < name.len; k++) free(name.items[k]);
    array_free(&name);
  }
  for (uint32_t i = 0; i < r.seen.len; i++) free(r.seen.items[i]);
  array_free(&r.seen);
  c->found = r.found;
  ts_tree_delete(tree);
  ts_parser_delete(parser);
  return r.ok;
}

/* A configuration file is this small; a larger one is refused. */
#define CONFIG_MAX_BYTES (1u << 20)

/* The text of a TOML file: a regular file (opened non-blocking, so a FIFO
 * planted under the name cannot hang the run), at most CONFIG_MAX_BYTES,
 * UTF-8 as TOML requires, no NUL. NULL with a diagnostic otherwise. */
static char *read_toml(const char *path, Diags *diags) {
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  struct stat st;
  const char *why = NULL;
  if (fd < 0)
    why = "cannot be read";
  else if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
    why = "is not a regular file";
  else if ((uint64_t)st.st_size > CONFIG_MAX_BYTES)
    why = "is larger than 1 MiB";
  char *text = NULL;
  size_t len = 0;
  if (!why) {
    text = xmalloc((size_t)st.st_size + 1);
    ssize_t got;
    while (len < (size_t)st.st_size && (got = read(fd, text + len, (size_t)st.st_size - len)) > 0)
      len += (size_t)got;
    text[len] = '\0';
    if (memchr(text, '\0', len))
      why = "holds a NUL byte";
    else if (source_utf8_invalid_at(text, len) != len)
      why = "is not UTF-8 (TOML must be)";
  }
  if (fd >= 0) close(fd);
  if (!why) return text;
  free(text);
  diags_add(diags, DIAG_ERROR, path, 0, "%s", why);
  return NULL;
}

bool config_load(const char *path, Config *c, Diags *diags) {
  char *text = read_toml(path, diags);
  if (!text) return false;
  bool ok = config_parse(path, text, c, diags);
  free(text);
  return ok;
}

/* Whether `path` is a regular file (not a FIFO or a device planted under its name). */
static bool regular_file(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

char *config_find(const char *start) {
  char dir[PATH_MAX];
  if (!realpath(start, dir)) return NULL;
  struct stat st;
  if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode)) { /* a file: start from its directory */
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir) *slash = '\0';
  }
  /* Up to the first pyproject.toml, or the repository's root: a file above
   * the repository does not configure it. */
  for (;;) {
    char *candidate = xasprintf("%s/pyproject.toml", dir);
    if (regular_file(candidate)) {
      Config c = {0};
      Diags quiet = {0};
      config_load(candidate, &c, &quiet); /* its errors are reported when it is loaded */
      bool found = c.found || quiet.len;
      config_free(&c);
      diags_free(&quiet);
      if (found) return candidate;
      free(candidate);
      return NULL;
    }
    free(candidate);
    char *git = xasprintf("%s/.git", dir);
    bool root = access(git, F_OK) == 0;
    free(git);
    char *slash = strrchr(dir, '/');
    if (root || !slash || slash == dir) break;
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
  free_list(&c->exclude), free_list(&c->include), free_list(&c->blocking_calls),
      free_list(&c->external_calls);
  free_list(&c->limiters), free_list(&c->loggers);
  for (uint32_t i = 0; i < c->per_file_ignores.len; i++) {
    free(c->per_file_ignores.items[i].pattern);
    free_list(&c->per_file_ignores.items[i].codes);
  }
  array_free(&c->per_file_ignores);
  memset(c, 0, sizeof *c);
}
