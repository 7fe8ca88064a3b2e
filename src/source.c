/* source: Python files found under paths (exclusions applied, directory
 * links not followed) and read safely: regular files only, opened non-blocking, size
 * capped, UTF-8 checked, a PEP 263 coding cookie honoured through iconv. */
#define _DEFAULT_SOURCE
#include "source.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <iconv.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Directories never worth walking: VCS, caches, build output, environments. */
static const char *const skipped_dirs[] = {
    ".git",  ".hg",           ".svn",  "__pycache__", "node_modules",  "build",
    "dist",  ".tox",          ".nox",  ".mypy_cache", ".pytest_cache", ".ruff_cache",
    ".venv", ".fanout_cache", ".eggs", NULL};

static bool is_skipped_dir(const char *dir, const char *name) {
  for (const char *const *s = skipped_dirs; *s; s++)
    if (strcmp(name, *s) == 0) return true;
  char *cfg = xasprintf("%s/pyvenv.cfg", dir); /* a virtualenv */
  bool venv = access(cfg, F_OK) == 0;
  free(cfg);
  return venv;
}

bool source_excluded(const WalkOptions *opts, const char *path, const char *name) {
  if (!opts->exclude) return false;
  while (path[0] == '.' && path[1] == '/') path += 2;
  for (uint32_t i = 0; i < opts->exclude->len; i++) {
    const char *pat = opts->exclude->items[i];
    size_t n = strlen(pat);
    while (n > 1 && pat[n - 1] == '/') n--;
    char *p = xstrndup(pat, n);
    bool hit = strchr(p, '/') ? fnmatch(p, path, FNM_PATHNAME) == 0 : fnmatch(p, name, 0) == 0;
    free(p);
    if (hit) return true;
  }
  return false;
}

static bool wanted_file(const char *name, const WalkOptions *opts) {
  return str_ends_with(name, ".py") || (opts->include_pyi && str_ends_with(name, ".pyi"));
}

static char *join_path(const char *dir, const char *name) {
  if (strcmp(dir, ".") == 0) return xstrdup(name);
  size_t n = strlen(dir);
  return xasprintf("%.*s/%s", (int)(n && dir[n - 1] == '/' ? n - 1 : n), dir, name);
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Collect wanted files under `dir` in sorted name order, recursing into real directories (not
 * symlinked ones) up to 64 deep. Entries the directory lists but will not let us stat get one error
 * for the directory. */
static void walk_dir(const char *dir, const WalkOptions *opts, StrArray *out, Diags *diags,
                     unsigned depth) {
  if (depth > 64) {
    diags_add(diags, DIAG_WARNING, dir, 0, "directory nesting deeper than 64, not walked");
    return;
  }
  DIR *d = opendir(dir);
  if (!d) {
    diags_add(diags, DIAG_ERROR, dir, 0, "cannot open directory: %s", strerror(errno));
    return;
  }
  StrArray names = {0};
  for (struct dirent *e; (e = readdir(d));) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    array_push(&names, xstrdup(e->d_name));
  }
  closedir(d);
  if (names.len) qsort(names.items, names.len, sizeof(char *), cmp_str);
  uint32_t unseen = 0; /* entries the directory lists but does not let us look at */
  for (uint32_t i = 0; i < names.len; i++) {
    char *path = join_path(dir, names.items[i]);
    struct stat st;
    /* Directory symlinks are not followed: they are the usual source of loops
     * and of files counted twice. File symlinks are read. */
    if (source_excluded(opts, path, names.items[i])) {
      /* configured out */
    } else if (lstat(path, &st) != 0) {
      unseen += errno == EACCES;
    } else {
      if (S_ISDIR(st.st_mode)) {
        if (!is_skipped_dir(path, names.items[i])) walk_dir(path, opts, out, diags, depth + 1);
      } else if (wanted_file(names.items[i], opts)) {
        if (S_ISREG(st.st_mode) ||
            (S_ISLNK(st.st_mode) && stat(path, &st) == 0 && S_ISREG(st.st_mode))) {
          array_push(out, path);
          path = NULL;
        } else if (S_ISLNK(st.st_mode)) {
          diags_add(diags, DIAG_WARNING, path, 0, "broken or looping symlink, skipped");
        }
      }
    }
    free(path);
    free(names.items[i]);
  }
  array_free(&names);
  if (unseen) /* readable but not searchable: say so rather than skip in silence */
    diags_add(diags, DIAG_ERROR, dir, 0, "cannot look into directory: %u entr%s skipped", unseen,
              unseen == 1 ? "y" : "ies");
}

static char *normalize_arg(const char *p) {
  while (p[0] == '.' && p[1] == '/') {
    p += 2;
    while (*p == '/') p++;
  }
  if (!*p) return xstrdup(".");
  size_t n = strlen(p);
  while (n > 1 && p[n - 1] == '/') n--;
  return xstrndup(p, n);
}

void source_walk(const char *const *paths, uint32_t npaths, const WalkOptions *opts, StrArray *out,
                 Diags *diags) {
  static const char *const here[] = {"."};
  if (npaths == 0) {
    paths = here;
    npaths = 1;
  }
  uint32_t first = out->len;
  for (uint32_t i = 0; i < npaths; i++) {
    char *p = normalize_arg(paths[i]);
    struct stat st;
    if (stat(p, &st) != 0) {
      diags_add(diags, DIAG_ERROR, p, 0, "%s", strerror(errno));
    } else if (S_ISDIR(st.st_mode)) {
      walk_dir(p, opts, out, diags, 0);
    } else {
      array_push(out, p); /* an explicitly named file is taken whatever its name */
      p = NULL;
    }
    free(p);
  }
  if (out->len > first) qsort(out->items + first, out->len - first, sizeof(char *), cmp_str);
  uint32_t w = first;
  for (uint32_t r = first; r < out->len; r++) {
    if (w > first && strcmp(out->items[w - 1], out->items[r]) == 0) {
      free(out->items[r]);
      continue;
    }
    out->items[w++] = out->items[r];
  }
  out->len = w;
}

size_t source_utf8_invalid_at(const char *s, size_t n) {
  const unsigned char *u = (const unsigned char *)s;
  size_t i = 0;
  while (i < n) {
    unsigned char c = u[i];
    if (c < 0x80) { /* ASCII: eight bytes at a time while they all are */
      uint64_t w;
      while (i + 8 <= n && (memcpy(&w, u + i, 8), !(w & 0x8080808080808080ull))) i += 8;
      if (i < n && u[i] < 0x80) i++;
      continue;
    }
    size_t len;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF)
      len = 2, cp = c & 0x1Fu;
    else if (c >= 0xE0 && c <= 0xEF)
      len = 3, cp = c & 0x0Fu;
    else if (c >= 0xF0 && c <= 0xF4)
      len = 4, cp = c & 0x07u;
    else
      return i;
    if (i + len > n) return i;
    for (size_t k = 1; k < len; k++) {
      if ((u[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (u[i + k] & 0x3Fu);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
      return i;
    i += len;
  }
  return n;
}

static uint32_t line_of(const char *s, size_t off) {
  uint32_t line = 1;
  for (size_t i = 0; i < off; i++) line += s[i] == '\n';
  return line;
}

/* The encoding a PEP 263 cookie on line 1 or 2 declares (`# -*- coding:
 * latin-1 -*-`, `# vim: set fileencoding=koi8-r :`), lowercased into buf;
 * false when there is none. Line 2 counts only if line 1 is a comment or
 * blank, as Python reads it. */
static bool coding_cookie(const char *s, size_t n, char *buf, size_t size) {
  size_t at = 0;
  for (int line = 0; line < 2 && at < n; line++) {
    size_t end = at;
    while (end < n && s[end] != '\n') end++;
    size_t i = at;
    while (i < end && (s[i] == ' ' || s[i] == '\t' || s[i] == '\f')) i++;
    if (i < end && s[i] == '#') {
      for (size_t k = i; k + 7 <= end; k++) {
        if (memcmp(s + k, "coding", 6) != 0 || (s[k + 6] != ':' && s[k + 6] != '=')) continue;
        size_t v = k + 7, w = 0;
        while (v < end && (s[v] == ' ' || s[v] == '\t')) v++;
        while (v < end && w + 1 < size &&
               ((s[v] | 0x20) >= 'a' && (s[v] | 0x20) <= 'z'
                    ? 1
                    : (s[v] >= '0' && s[v] <= '9') || s[v] == '-' || s[v] == '_' || s[v] == '.'))
          buf[w++] = (char)(s[v] >= 'A' && s[v] <= 'Z' ? s[v] | 0x20 : s[v]), v++;
        buf[w] = '\0';
        return w > 0;
      }
    } else if (i < end) {
      return false; /* code on line 1: no cookie on line 2 */
    }
    at = end + 1;
  }
  return false;
}

/* The text of a file in a declared encoding, as UTF-8 (owned); NULL when it
 * is not valid in it or iconv does not know it. Line ends are kept, so lines
 * keep their numbers. */
static char *decode(const char *data, size_t len, const char *encoding, size_t *out_len) {
  /* Python's names, as iconv knows them: `latin-1` is ISO-8859-1, `_` is `-` */
  char name[40];
  snprintf(name, sizeof name, "%s", encoding);
  for (char *c = name; *c; c++)
    if (*c == '_') *c = '-';
  if (strcmp(name, "latin-1") == 0 || strcmp(name, "iso-latin-1") == 0 || strcmp(name, "l1") == 0)
    snprintf(name, sizeof name, "ISO-8859-1");
  iconv_t cd = iconv_open("UTF-8", name);
  if (cd == (iconv_t)-1) return NULL;
  size_t cap = len * 4 + 16, left = cap;
  char *buf = xmalloc(cap), *o = buf;
  char *in = (char *)data;
  size_t in_left = len;
  size_t rc = iconv(cd, &in, &in_left, &o, &left);
  iconv_close(cd);
  if (rc == (size_t)-1 || in_left) {
    free(buf);
    return NULL;
  }
  *out_len = cap - left;
  return buf;
}

/* Drop a UTF-8 BOM, refuse NUL bytes, decode a declared non-UTF-8 coding with iconv, check the
 * result is UTF-8, and turn lone CRs into LFs (byte offsets unchanged). The size limit applies to
 * the bytes as given, before decoding. */
bool source_from_buffer(const char *path, const char *data, size_t len, SourceFile *out,
                        Diags *diags) {
  memset(out, 0, sizeof *out);
  if (len > SOURCE_MAX_BYTES) {
    diags_add(diags, DIAG_ERROR, path, 0, "file too large (%zu bytes, limit %u), skipped", len,
              SOURCE_MAX_BYTES);
    return false;
  }
  if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) data += 3, len -= 3;
  const char *nul = memchr(data, '\0', len);
  if (nul) {
    diags_add(diags, DIAG_ERROR, path, line_of(data, (size_t)(nul - data)),
              "binary file (NUL byte at offset %zu), skipped", (size_t)(nul - data));
    return false;
  }
  char enc[40];
  char *decoded = NULL;
  if (coding_cookie(data, len, enc, sizeof enc) && strcmp(enc, "utf-8") != 0 &&
      strcmp(enc, "utf8") != 0 && !str_starts_with(enc, "utf-8-") &&
      !str_starts_with(enc, "utf_8")) {
    size_t n;
    decoded = decode(data, len, enc, &n);
    if (!decoded) {
      diags_add(
          diags, DIAG_ERROR, path, 1,
          "not valid %s, as its coding line declares, or an encoding iconv does not know; skipped",
          enc);
      return false;
    }
    data = decoded, len = n;
    if (len > SOURCE_MAX_BYTES) { /* Latin-1 as UTF-8 can be twice its size */
      diags_add(diags, DIAG_ERROR, path, 0,
                "file too large once decoded from %s (%zu bytes, limit %u), skipped", enc, len,
                SOURCE_MAX_BYTES);
      free(decoded);
      return false;
    }
  }
  size_t bad = source_utf8_invalid_at(data, len);
  if (bad < len) {
    diags_add(diags, DIAG_ERROR, path, line_of(data, bad),
              "not valid UTF-8 (byte 0x%02x at offset %zu), skipped", (unsigned char)data[bad],
              bad);
    free(decoded);
    return false;
  }
  out->text = xmalloc(len + 1);
  memcpy(out->text, data, len);
  out->text[len] = '\0';
  free(decoded);
  /* Python reads a lone CR as a line end; tree-sitter's grammar does not.
   * Replacing it in place keeps every byte offset valid. */
  for (char *cr = memchr(out->text, '\r', len); cr;
       cr = memchr(cr + 1, '\r', len - (size_t)(cr + 1 - out->text)))
    if (cr + 1 == out->text + len || cr[1] != '\n') *cr = '\n';
  out->len = (uint32_t)len;
  out->path = xstrdup(path);
  out->module = source_module_name(path, &out->is_package);
  return true;
}

/* Open without blocking (a FIFO is then refused as no regular file) and read at most one chunk past
 * the size limit, so a file that grew after fstat is still refused as too large. */
bool source_read(const char *path, SourceFile *out, Diags *diags) {
  memset(out, 0, sizeof *out);
  /* non-blocking: a FIFO planted under a source's name must not hang the
   * open; it is then refused as not a regular file */
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    diags_add(diags, DIAG_ERROR, path, 0, "cannot read: %s", strerror(errno));
    return false;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    diags_add(diags, DIAG_ERROR, path, 0, "not a regular file, skipped");
    close(fd);
    return false;
  }
  if ((uint64_t)st.st_size > SOURCE_MAX_BYTES) {
    diags_add(diags, DIAG_ERROR, path, 0, "file too large (%lld bytes, limit %u), skipped",
              (long long)st.st_size, SOURCE_MAX_BYTES);
    close(fd);
    return false;
  }
  StrBuf buf = {0};
  char chunk[65536];
  for (;;) {
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      diags_add(diags, DIAG_ERROR, path, 0, "cannot read: %s", strerror(errno));
      close(fd);
      sb_free(&buf);
      return false;
    }
    if (n == 0) break;
    sb_putn(&buf, chunk, (size_t)n);
    if (buf.len > SOURCE_MAX_BYTES) break;
  }
  close(fd);
  bool ok = source_from_buffer(path, buf.s ? buf.s : "", buf.len, out, diags);
  sb_free(&buf);
  return ok;
}

void source_free(SourceFile *f) {
  free(f->path);
  free(f->text);
  free(f->module);
  memset(f, 0, sizeof *f);
}

static bool has_init(const char *dir) {
  char *p = xasprintf("%s/__init__.py", dir);
  bool yes = access(p, F_OK) == 0;
  free(p);
  if (!yes) {
    p = xasprintf("%s/__init__.pyi", dir);
    yes = access(p, F_OK) == 0;
    free(p);
  }
  return yes;
}

/* Remember `value` (owned) under `key` (copied) in map `map` of `m`. */
static const char *names_put(ModuleNames *m, StrMap *map, const char *key, char *value) {
  uint32_t i = m->owned.len;
  array_push(&m->owned, xstrdup(key));
  array_push(&m->owned, value);
  strmap_put(map, m->owned.items[i], i);
  return value;
}

/* The dotted package an absolute directory is ("" when it is none): its
 * name under its parent's package, if it has an __init__. Owned by `m`. */
static const char *package_of(ModuleNames *m, const char *dir) {
  uint32_t at;
  if (strmap_get(&m->dirs, dir, &at)) return m->owned.items[at + 1];
  char *pkg;
  const char *slash = strrchr(dir, '/');
  if (!*dir || strcmp(dir, "/") == 0 || !has_init(dir)) {
    pkg = xstrdup("");
  } else {
    char *parent = xstrndup(dir, slash ? (size_t)(slash - dir) : 0);
    const char *up = package_of(m, parent);
    const char *name = slash ? slash + 1 : dir;
    pkg = *up ? xasprintf("%s.%s", up, name) : xstrdup(name);
    free(parent);
  }
  return names_put(m, &m->dirs, dir, pkg);
}

char *source_module_name_in(ModuleNames *m, const char *path, bool *is_package) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  size_t stem = strcspn(base, ".");
  bool package = strncmp(base, "__init__", stem) == 0 && stem == 8;
  if (is_package) *is_package = package;

  /* the directory as given ("" for here), made absolute once */
  char *given = xstrndup(path, (size_t)(base - path));
  uint32_t at;
  const char *dir;
  if (strmap_get(&m->real, given, &at)) {
    dir = m->owned.items[at + 1];
  } else {
    char buf[PATH_MAX];
    const char *r = realpath(*given ? given : ".", buf);
    dir = names_put(m, &m->real, given, xstrdup(r ? r : ""));
  }
  free(given);
  const char *pkg = *dir ? package_of(m, dir) : "";
  char *out = package ? xstrdup(pkg)
              : *pkg  ? xasprintf("%s.%.*s", pkg, (int)stem, base)
                      : xstrndup(base, stem);
  if (!*out) {
    free(out);
    out = xstrdup(package ? "__init__" : "__main__");
  }
  return out;
}

char *source_module_name(const char *path, bool *is_package) {
  ModuleNames m = {0};
  char *name = source_module_name_in(&m, path, is_package);
  module_names_free(&m);
  return name;
}
void module_names_free(ModuleNames *m) {
  for (uint32_t i = 0; i < m->owned.len; i++) free(m->owned.items[i]);
  array_free(&m->owned);
  strmap_free(&m->dirs);
  strmap_free(&m->real);
}

static bool is_project_root(const char *dir) {
  static const char *const markers[] = {".git", "pyproject.toml", "setup.py", "setup.cfg", NULL};
  for (const char *const *m = markers; *m; m++) {
    char *p = xasprintf("%s/%s", *dir ? dir : ".", *m);
    bool yes = access(p, F_OK) == 0;
    free(p);
    if (yes) return true;
  }
  return false;
}

char *source_project_root(const char *path) {
  char *dir = xstrdup(path);
  char *slash = strrchr(dir, '/');
  if (slash)
    *slash = '\0';
  else
    dir[0] = '\0';
  char *own = xstrdup(dir);
  for (;;) {
    if (is_project_root(dir)) {
      free(own);
      return dir;
    }
    if (!*dir || strcmp(dir, "/") == 0) break;
    slash = strrchr(dir, '/');
    if (slash == dir)
      dir[1] = '\0';
    else if (slash)
      *slash = '\0';
    else
      dir[0] = '\0';
  }
  free(dir);
  return own;
}
