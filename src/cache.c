/* cache: per-file facts packed on disk between runs, and the run memo that
 * replays an unchanged project's output. Entries are looked up by path and
 * trusted by status, then by content hash (XXH3-128); a pack is read whole
 * and written once at the end (atomically, by rename). Files are opened
 * without following links, never blocking, and capped at 512 MiB. */
#define _DEFAULT_SOURCE /* realpath, O_NOFOLLOW */
#include "cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "build_id.h"

#define ENTRY_MAGIC "FANCACH1"
/* A file modified this close to when it was read may have changed again
 * within the same timestamp: its status is not trusted, its text is hashed. */
#define RACY_NS 2000000000ll

enum { FLAG_MAY_MATTER = 1, FLAG_HAS_FACTS = 2, FLAG_PACKAGE = 4, FLAG_TRUSTED = 8 };

#define PACK_MAGIC "FANPACK1"

/* One file's entry in the pack: bytes as read or as stored this run. */
typedef struct {
  char *path;
  const unsigned char *bytes; /* owned by the pack buffer or by `own` */
  size_t len;
  unsigned char *own;
  bool used;    /* looked up or stored this run: kept when the pack is written */
  bool in_base; /* its bytes are the base pack's (not the delta's, not new) */
} Entry;

struct Cache {
  char *facts_dir;
  char *cwd;
  unsigned char key[16];
  /* the pack of this run's slot (cache_use_pack) */
  char *pack_file, *delta_file; /* a base pack, and the entries changed since */
  unsigned char *pack, *delta;  /* as read */
  Array(Entry) entries;
  StrMap by_path; /* path -> index into entries */
  bool dirty;     /* something was stored: write the pack on close */
  Array(unsigned char *) retired;
  pthread_mutex_t lock;
};

static void hash128(const void *p, size_t n, unsigned char out[16]) {
  XXH128_canonical_t c;
  XXH128_canonicalFromHash(&c, XXH3_128bits(p, n));
  memcpy(out, c.digest, 16);
}

static bool make_dir(const char *dir) { return mkdir(dir, 0777) == 0 || errno == EEXIST; }

/* Write `data` to `path` unless it exists; errors are ignored. */
static void write_once(const char *path, const char *data) {
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) return;
  size_t n = strlen(data);
  if (write(fd, data, n) != (ssize_t)n) { /* a partial marker file is harmless */
  }
  close(fd);
}

/* Whether a directory may hold the cache: a real directory (not a symbolic
 * link), the user's own and writable by no one else, and either empty or
 * already fanout's (its CACHEDIR.TAG): `FANOUT_CACHE_DIR=/` or a planted
 * link to $HOME must not receive a tag or entries. */
const char *cache_refusal(const char *dir) {
  struct stat st;
  if (lstat(dir, &st) != 0) return NULL; /* not there: it will be made */
  if (S_ISLNK(st.st_mode)) return "a symbolic link";
  if (!S_ISDIR(st.st_mode)) return "not a directory";
  if (st.st_uid != geteuid()) return "not the user's";
  if (st.st_mode & 022) return "writable by others";
  char *tag = xasprintf("%s/CACHEDIR.TAG", dir);
  bool ours = access(tag, F_OK) == 0;
  free(tag);
  if (ours) return NULL;
  DIR *d = opendir(dir);
  if (!d) return "not readable";
  bool empty = true;
  for (struct dirent *e; empty && (e = readdir(d)) != NULL;)
    empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
  closedir(d);
  return empty ? NULL : "a directory with other files and no fanout CACHEDIR.TAG";
}

static bool usable_dir(const char *dir) {
  struct stat st;
  return lstat(dir, &st) == 0 && !cache_refusal(dir);
}

Cache *cache_open(const char *dir, const char *extra) {
  /* mkdir -p: $XDG_CACHE_HOME/fanout may need its parents */
  char *d = xstrdup(dir);
  for (char *s = strchr(d + 1, '/'); s; s = strchr(s + 1, '/')) {
    *s = '\0';
    mkdir(d, 0700);
    *s = '/';
  }
  bool ok = (mkdir(d, 0700) == 0 || errno == EEXIST) && usable_dir(d);
  free(d);
  if (!ok) return NULL;
  char *tag = xasprintf("%s/CACHEDIR.TAG", dir);
  write_once(tag, "Signature: 8a477f597d28d172789f06886806bc55\n"
                  "# This file is a cache directory tag created by fanout.\n");
  free(tag);
  char *ignore = xasprintf("%s/.gitignore", dir);
  write_once(ignore, "# created by fanout\n*\n");
  free(ignore);
  Cache *c = xcalloc(1, sizeof *c);
  pthread_mutex_init(&c->lock, NULL);
  c->facts_dir = xasprintf("%s/facts", dir);
  struct stat st;
  if (!make_dir(c->facts_dir) || stat(c->facts_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
    cache_close(c);
    return NULL;
  }
  char buf[4096];
  c->cwd = xstrdup(getcwd(buf, sizeof buf) ? buf : "");
  StrBuf k = {0};
  sb_printf(&k, "%s\n%zu\n%s", FANOUT_BUILD_ID, sizeof(void *), extra ? extra : "");
  hash128(k.s, k.len, c->key);
  sb_free(&k);
  return c;
}

static bool write_pack(const Cache *c);

bool cache_close(Cache *c) {
  if (!c) return true;
  bool ok = !c->dirty || write_pack(c);
  for (uint32_t i = 0; i < c->entries.len; i++) {
    free(c->entries.items[i].path);
    free(c->entries.items[i].own);
  }
  for (uint32_t i = 0; i < c->retired.len; i++) free(c->retired.items[i]);
  array_free(&c->retired);
  array_free(&c->entries);
  strmap_free(&c->by_path);
  pthread_mutex_destroy(&c->lock);
  free(c->pack);
  free(c->delta);
  free(c->pack_file);
  free(c->delta_file);
  free(c->facts_dir);
  free(c->cwd);
  free(c);
  return ok;
}

/* ---- reading an entry ------------------------------------------------ */

typedef struct {
  const unsigned char *p, *end;
  bool bad;
} Cursor;

static const unsigned char *take(Cursor *c, size_t n) {
  if (c->bad || (size_t)(c->end - c->p) < n) {
    c->bad = true;
    return NULL;
  }
  const unsigned char *at = c->p;
  c->p += n;
  return at;
}

static uint32_t take_u32(Cursor *c) {
  const unsigned char *at = take(c, 4);
  uint32_t v = 0;
  if (at) memcpy(&v, at, 4);
  return v;
}

/* A length-prefixed string equal to `s`. */
static bool take_equal(Cursor *c, const char *s) {
  uint32_t n = take_u32(c);
  const unsigned char *at = take(c, n);
  return at && n == strlen(s) && memcmp(at, s, n) == 0;
}

int64_t cache_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

/* A cache file larger than this is no fanout's (a link planted to a big file). */
#define CACHE_FILE_MAX (512ull << 20)

static bool read_all(const char *path, unsigned char **out, size_t *len) {
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) return false;
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 8 ||
      (uint64_t)st.st_size > CACHE_FILE_MAX) {
    close(fd);
    return false;
  }
  size_t n = (size_t)st.st_size, got = 0;
  unsigned char *buf = xmalloc(n);
  while (got < n) {
    ssize_t r = read(fd, buf + got, n - got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    got += (size_t)r;
  }
  close(fd);
  if (got != n) {
    free(buf);
    return false;
  }
  *out = buf;
  *len = n;
  return true;
}

static char *hex_name(const Cache *c, const char *prefix, const char *text) {
  unsigned char h[16];
  hash128(text, strlen(text), h);
  char hex[33];
  for (int i = 0; i < 16; i++) {
    hex[2 * i] = "0123456789abcdef"[h[i] >> 4];
    hex[2 * i + 1] = "0123456789abcdef"[h[i] & 15];
  }
  hex[32] = '\0';
  return xasprintf("%s/%s%s", c->facts_dir, prefix, hex);
}

/* Take the entries of a pack file read into `bytes` (a later one overrides). */
static void read_entries(Cache *c, const unsigned char *bytes, size_t n, bool base) {
  /* "FANPACK1", then (u32 path length, path, u32 entry length, entry)...;
   * each entry is checked when looked up, the framing here */
  Cursor cur = {bytes, bytes + n, false};
  const unsigned char *magic = take(&cur, 8);
  if (!magic || memcmp(magic, PACK_MAGIC, 8) != 0) return;
  StrMap seen = {0};
  while (cur.p < cur.end && !cur.bad) {
    uint32_t plen = take_u32(&cur);
    const unsigned char *path = take(&cur, plen);
    uint32_t elen = take_u32(&cur);
    const unsigned char *entry = take(&cur, elen);
    if (cur.bad) break;
    char *key = xstrndup((const char *)path, plen);
    uint32_t at;
    if (strmap_get(&seen, key, NULL)) { /* written once per pack; a second is damage */
      free(key);
      break;
    }
    if (strmap_get(&c->by_path, key, &at)) {
      free(key);
    } else {
      Entry e = {key, NULL, 0, NULL, false, false};
      array_push(&c->entries, e);
      at = c->entries.len - 1;
      strmap_put(&c->by_path, key, at);
    }
    strmap_put(&seen, c->entries.items[at].path, 0);
    c->entries.items[at].bytes = entry;
    c->entries.items[at].len = elen;
    c->entries.items[at].in_base = base;
  }
  strmap_free(&seen);
}

void cache_use_pack(Cache *c, const char *slot) {
  char *where = xasprintf("%s\n%s", c->cwd, slot);
  c->pack_file = hex_name(c, "pack-", where);
  c->delta_file = xasprintf("%s.delta", c->pack_file);
  free(where);
  size_t n;
  if (!read_all(c->pack_file, &c->pack, &n)) return; /* a delta alone is stale */
  read_entries(c, c->pack, n, true);
  if (read_all(c->delta_file, &c->delta, &n)) read_entries(c, c->delta, n, false);
}

const char *cache_pack_file(const Cache *c) { return c->pack_file; }

bool cache_file_status(const char *path, uint64_t status[5]) {
  struct stat st;
  if (stat(path, &st) != 0) return false;
  status[0] = (uint64_t)st.st_dev;
  status[1] = (uint64_t)st.st_ino;
  status[2] = (uint64_t)st.st_size;
  status[3] = (uint64_t)st.st_mtim.tv_sec * 1000000000u + (uint64_t)st.st_mtim.tv_nsec;
  status[4] = (uint64_t)st.st_ctim.tv_sec * 1000000000u + (uint64_t)st.st_ctim.tv_nsec;
  return true;
}

/* An entry counts only when its checksum, magic, cache key, path, module and package flag all
 * match; it is fresh (no hash needed) when it was stored trusted and the file's status has not
 * changed since. The lock is held only to find the entry. */
void cache_lookup(const Cache *c, const char *path, const char *module, bool is_package,
                  CacheSlot *s) {
  memset(s, 0, sizeof *s);
  s->path = xstrdup(path);
  s->module = xstrdup(module);
  s->is_package = is_package;
  s->read_ns = cache_now_ns();
  if (!(s->statted = cache_file_status(path, s->status))) return;
  Cache *cm = (Cache *)c; /* the entries are guarded by the lock */
  pthread_mutex_lock(&cm->lock);
  uint32_t at;
  if (strmap_get(&c->by_path, path, &at)) {
    cm->entries.items[at].used = true;
    s->bytes = c->entries.items[at].bytes;
    s->len = c->entries.items[at].len;
  }
  pthread_mutex_unlock(&cm->lock);
  if (!s->bytes || s->len < 8) {
    s->bytes = NULL;
    return;
  }
  uint64_t sum;
  memcpy(&sum, s->bytes + s->len - 8, 8);
  Cursor cur = {s->bytes, s->bytes + s->len - 8, false};
  uint64_t status[5];
  const unsigned char *magic = take(&cur, 8), *key = take(&cur, 16), *hash = take(&cur, 16),
                      *stat_at = take(&cur, sizeof status), *flags = take(&cur, 1);
  bool ok = !cur.bad && XXH3_64bits(s->bytes, s->len - 8) == sum &&
            memcmp(magic, ENTRY_MAGIC, 8) == 0 && memcmp(key, c->key, 16) == 0 &&
            take_equal(&cur, path) && take_equal(&cur, module) &&
            !(*flags & FLAG_PACKAGE) == !is_package;
  if (!ok) {
    s->bytes = NULL;
    return;
  }
  memcpy(s->hash, hash, 16);
  memcpy(status, stat_at, sizeof status);
  s->found = true;
  s->fresh = (*flags & FLAG_TRUSTED) && memcmp(status, s->status, sizeof status) == 0;
  s->may_matter = *flags & FLAG_MAY_MATTER;
  s->has_facts = *flags & FLAG_HAS_FACTS;
  s->diags_at = (size_t)(cur.p - s->bytes);
}

bool cache_same_text(const CacheSlot *s, const char *text, size_t len) {
  unsigned char h[16];
  hash128(text, len, h);
  return s->found && memcmp(h, s->hash, 16) == 0;
}

bool cache_load_facts(const CacheSlot *s, Facts *out, Diags *diags) {
  memset(out, 0, sizeof *out);
  if (!s->found || !s->has_facts) return false;
  Cursor cur = {s->bytes + s->diags_at, s->bytes + s->len - 8, false};
  uint32_t n = take_u32(&cur);
  Diags got = {0};
  for (uint32_t i = 0; i < n && !cur.bad; i++) {
    const unsigned char *level = take(&cur, 1);
    uint32_t line = take_u32(&cur), mlen = take_u32(&cur);
    const unsigned char *msg = take(&cur, mlen);
    if (cur.bad || *level > DIAG_NOTE) break;
    Diag d = {(DiagLevel)*level, xstrdup(s->path), line, xstrndup((const char *)msg, mlen)};
    array_push(&got, d);
  }
  if (cur.bad || !facts_unpack(cur.p, (size_t)(cur.end - cur.p), out)) {
    diags_free(&got);
    return false;
  }
  facts_set_place(out, s->path, s->module, s->is_package);
  for (uint32_t i = 0; i < got.len; i++) array_push(diags, got.items[i]);
  array_free(&got);
  return true;
}

static bool write_atomic(const char *path, const StrBuf *b);

/* Make `b` (taken) the entry of `path` in the pack. Bytes it replaces stay
 * until cache_close: a slot may still point at them. */
static void put_entry(const Cache *c, const char *path, StrBuf *b) {
  Cache *cm = (Cache *)c;
  if (!cm->pack_file) {
    sb_free(b);
    return;
  }
  size_t len = b->len;
  unsigned char *bytes = (unsigned char *)sb_take(b);
  pthread_mutex_lock(&cm->lock);
  uint32_t at;
  if (!strmap_get(&cm->by_path, path, &at)) {
    Entry e = {xstrdup(path), NULL, 0, NULL, false, false};
    array_push(&cm->entries, e);
    at = cm->entries.len - 1;
    strmap_put(&cm->by_path, cm->entries.items[at].path, at);
  }
  Entry *e = &cm->entries.items[at];
  if (e->own) array_push(&cm->retired, e->own);
  e->own = bytes;
  e->bytes = bytes;
  e->len = len;
  e->used = true;
  e->in_base = false;
  cm->dirty = true;
  pthread_mutex_unlock(&cm->lock);
}

bool cache_status_racy(uint64_t mtime_ns, int64_t now) {
  return (int64_t)mtime_ns + RACY_NS >= now;
}

/* ---- writing an entry ------------------------------------------------ */

static void put_u32(StrBuf *b, uint32_t v) { sb_putn(b, (const char *)&v, 4); }

static void put_str(StrBuf *b, const char *s) {
  put_u32(b, (uint32_t)strlen(s));
  sb_puts(b, s);
}

void cache_store(const Cache *c, const CacheSlot *s, const char *module, bool is_package,
                 const char *text, size_t len, bool may_matter, const StrBuf *pack,
                 const Diags *diags, uint32_t first) {
  if (!s->statted) return;
  unsigned char hash[16];
  hash128(text, len, hash);
  bool trusted = !cache_status_racy(s->status[3], s->read_ns);
  StrBuf b = {0};
  sb_putn(&b, ENTRY_MAGIC, 8);
  sb_putn(&b, (const char *)c->key, 16);
  sb_putn(&b, (const char *)hash, 16);
  sb_putn(&b, (const char *)s->status, sizeof s->status);
  sb_putc(&b, (char)((may_matter ? FLAG_MAY_MATTER : 0) | (pack ? FLAG_HAS_FACTS : 0) |
                     (is_package ? FLAG_PACKAGE : 0) | (trusted ? FLAG_TRUSTED : 0)));
  put_str(&b, s->path);
  put_str(&b, module);
  put_u32(&b, diags->len - first);
  for (uint32_t i = first; i < diags->len; i++) {
    sb_putc(&b, (char)diags->items[i].level);
    put_u32(&b, diags->items[i].line);
    put_str(&b, diags->items[i].message);
  }
  if (pack) sb_putn(&b, pack->s ? pack->s : "", pack->len);
  uint64_t sum = XXH3_64bits(b.s, b.len);
  sb_putn(&b, (const char *)&sum, 8);

  put_entry(c, s->path, &b);
}

/* ---- run memo ------------------------------------------------------- */

#define MEMO_MAGIC "FANMEMO1"

static char *memo_file(const Cache *c, const char *slot) { return hex_name(c, "run-", slot); }

static void memo_key(const Cache *c, const char *material, size_t len, unsigned char key[16]) {
  XXH3_state_t *st = XXH3_createState();
  XXH3_128bits_reset(st);
  XXH3_128bits_update(st, c->key, 16);
  XXH3_128bits_update(st, material, len);
  XXH128_canonical_t k;
  XXH128_canonicalFromHash(&k, XXH3_128bits_digest(st));
  XXH3_freeState(st);
  memcpy(key, k.digest, 16);
}

bool cache_memo_get(const Cache *c, const char *slot, const char *material, size_t len, StrBuf *out,
                    StrBuf *err, int *rc) {
  unsigned char key[16], *bytes;
  size_t n;
  memo_key(c, material, len, key);
  char *file = memo_file(c, slot);
  bool ok = read_all(file, &bytes, &n);
  free(file);
  if (!ok) return false;
  uint64_t sum;
  memcpy(&sum, bytes + n - 8, 8);
  Cursor cur = {bytes, bytes + n - 8, false};
  const unsigned char *magic = take(&cur, 8), *k = take(&cur, 16);
  uint32_t code = take_u32(&cur), olen = take_u32(&cur);
  const unsigned char *o = take(&cur, olen);
  uint32_t elen = take_u32(&cur);
  const unsigned char *e = take(&cur, elen);
  ok = !cur.bad && cur.p == cur.end && XXH3_64bits(bytes, n - 8) == sum &&
       memcmp(magic, MEMO_MAGIC, 8) == 0 && memcmp(k, key, 16) == 0;
  if (ok) {
    sb_putn(out, (const char *)o, olen);
    sb_putn(err, (const char *)e, elen);
    *rc = (int)code;
  }
  free(bytes);
  return ok;
}

static bool write_atomic(const char *path, const StrBuf *b) {
  char *tmp = xasprintf("%s.XXXXXX", path);
  int fd = mkstemp(tmp);
  bool ok = false;
  if (fd >= 0) {
    size_t done = 0;
    while (done < b->len) {
      ssize_t w = write(fd, b->s + done, b->len - done);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) break;
      done += (size_t)w;
    }
    ok = close(fd) == 0 && done == b->len && rename(tmp, path) == 0;
    if (!ok) unlink(tmp);
  }
  free(tmp);
  return ok;
}

void cache_memo_put(const Cache *c, const char *slot, const char *material, size_t len,
                    const char *out, size_t out_len, const char *err, size_t err_len, int rc) {
  unsigned char key[16];
  memo_key(c, material, len, key);
  StrBuf b = {0};
  sb_putn(&b, MEMO_MAGIC, 8);
  sb_putn(&b, (const char *)key, 16);
  put_u32(&b, (uint32_t)rc);
  put_u32(&b, (uint32_t)out_len);
  sb_putn(&b, out, out_len);
  put_u32(&b, (uint32_t)err_len);
  sb_putn(&b, err, err_len);
  uint64_t sum = XXH3_64bits(b.s, b.len);
  sb_putn(&b, (const char *)&sum, 8);
  char *file = memo_file(c, slot);
  write_atomic(file, &b);
  free(file);
  sb_free(&b);
}

void cache_refresh(const Cache *c, const CacheSlot *s) {
  const size_t status_at = 8 + 16 + 16, flags_at = status_at + sizeof s->status;
  if (!s->found || !s->statted || s->len < flags_at + 1 + 8) return;
  StrBuf b = {0};
  sb_putn(&b, (const char *)s->bytes, s->len - 8);
  memcpy(b.s + status_at, s->status, sizeof s->status);
  unsigned char flags = (unsigned char)b.s[flags_at] & (unsigned char)~FLAG_TRUSTED;
  if (!cache_status_racy(s->status[3], s->read_ns)) flags |= FLAG_TRUSTED;
  b.s[flags_at] = (char)flags;
  uint64_t sum = XXH3_64bits(b.s, b.len);
  sb_putn(&b, (const char *)&sum, 8);
  put_entry(c, s->path, &b);
}

static void pack_entries(const Cache *c, bool changed_only, StrBuf *b) {
  sb_putn(b, PACK_MAGIC, 8);
  for (uint32_t i = 0; i < c->entries.len; i++) {
    const Entry *e = &c->entries.items[i];
    if (!e->used || (changed_only && e->in_base)) continue;
    put_str(b, e->path);
    put_u32(b, (uint32_t)e->len);
    sb_putn(b, (const char *)e->bytes, e->len);
  }
}

/* The entries this run used, in one file (one create, however many source
 * files: creating files is what costs on many file systems). When few
 * changed since the base pack, only they are written, to the delta. */
static bool write_pack(const Cache *c) {
  uint32_t used = 0, changed = 0;
  for (uint32_t i = 0; i < c->entries.len; i++) {
    used += c->entries.items[i].used;
    changed += c->entries.items[i].used && !c->entries.items[i].in_base;
  }
  StrBuf b = {0};
  bool ok;
  if (c->pack && changed <= 64 + used / 8) {
    pack_entries(c, true, &b);
    ok = write_atomic(c->delta_file, &b);
  } else {
    pack_entries(c, false, &b);
    ok = write_atomic(c->pack_file, &b);
    unlink(c->delta_file);
  }
  sb_free(&b);
  return ok;
}

void cache_slot_free(CacheSlot *s) {
  free(s->path);
  free(s->module);

  memset(s, 0, sizeof *s);
}

char *cache_default_dir(const char *project_dir) {
  /* Outside the checked tree, so that a tree cannot plant entries: one
   * directory per project, named by a hash of its real path. */
  char real[PATH_MAX];
  const char *at = project_dir && *project_dir ? project_dir : ".";
  if (!realpath(at, real)) return NULL;
  unsigned char h[16];
  hash128(real, strlen(real), h);
  const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
  char *base = xdg && xdg[0] == '/'     ? xasprintf("%s/fanout", xdg)
               : home && home[0] == '/' ? xasprintf("%s/.cache/fanout", home)
                                        : NULL;
  if (!base) return NULL;
  char *dir = xasprintf("%s/%02x%02x%02x%02x%02x%02x%02x%02x", base, h[0], h[1], h[2], h[3], h[4],
                        h[5], h[6], h[7]);
  free(base);
  return dir;
}
