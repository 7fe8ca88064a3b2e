/* util: memory (aborting on out-of-memory: nothing else checks malloc),
 * growable arrays, arenas, string builders, string maps (open addressing),
 * hashing, and files opened for writing without following links. */
#define _DEFAULT_SOURCE /* O_NOFOLLOW, O_CLOEXEC */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xxhash.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(size_t n) {
  fprintf(stderr, "fanout: out of memory (%zu bytes)\n", n);
  abort();
}

void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) oom(n);
  return p;
}

void *xcalloc(size_t count, size_t size) {
  void *p = calloc(count ? count : 1, size ? size : 1);
  if (!p) oom(count * size);
  return p;
}

void *xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) oom(n);
  return q;
}

char *xstrndup(const char *s, size_t n) {
  char *p = xmalloc(n + 1);
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

char *xstrdup(const char *s) { return xstrndup(s, strlen(s)); }

char *xasprintf(const char *fmt, ...) {
  va_list ap, aq;
  char small[512]; /* most texts fit: formatted once, then copied */
  va_start(ap, fmt);
  va_copy(aq, ap);
  int n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0) small[0] = '\0';
  size_t len = (size_t)(n < 0 ? 0 : n);
  char *s = xmalloc(len + 1);
  if (len < sizeof small)
    memcpy(s, small, len + 1);
  else
    vsnprintf(s, len + 1, fmt, aq);
  va_end(aq);
  return s;
}

void array__grow(void **items, uint32_t *cap, uint32_t need, size_t elem) {
  if (need <= *cap) return;
  uint32_t c = *cap ? *cap : 8;
  while (c < need) c *= 2;
  *items = xrealloc(*items, (size_t)c * elem);
  *cap = c;
}

/* ---- arena ---- */

struct ArenaBlock {
  ArenaBlock *next;
  size_t used, size;
  max_align_t data[];
};

void *arena_alloc(Arena *a, size_t n) {
  n = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
  ArenaBlock *b = a->head;
  if (!b || b->used + n > b->size) {
    size_t size = n > 16384 ? n : 16384;
    b = xmalloc(sizeof(ArenaBlock) + size);
    b->next = a->head;
    b->used = 0;
    b->size = size;
    a->head = b;
  }
  void *p = (char *)b->data + b->used;
  b->used += n;
  return p;
}

void *arena_alloc_block(Arena *a, size_t n) {
  ArenaBlock *b = xmalloc(sizeof(ArenaBlock) + n);
  b->used = b->size = n;
  if (a->head) { /* behind the head, which may still have room */
    b->next = a->head->next;
    a->head->next = b;
  } else {
    b->next = NULL;
    a->head = b;
  }
  return b->data;
}

char *arena_strndup(Arena *a, const char *s, size_t n) {
  if (!s) return NULL;
  char *p = arena_alloc(a, n + 1);
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

char *arena_strdup(Arena *a, const char *s) { return s ? arena_strndup(a, s, strlen(s)) : NULL; }

void arena_free(Arena *a) {
  for (ArenaBlock *b = a->head, *next; b; b = next) {
    next = b->next;
    free(b);
  }
  a->head = NULL;
}

/* ---- string builder ---- */

void sb_putn(StrBuf *b, const char *s, size_t n) {
  if (b->len + n + 1 > b->cap) {
    size_t c = b->cap ? b->cap : 64;
    while (c < b->len + n + 1) c *= 2;
    b->s = xrealloc(b->s, c);
    b->cap = c;
  }
  memcpy(b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = '\0';
}

void sb_puts(StrBuf *b, const char *s) { sb_putn(b, s, strlen(s)); }
void sb_putc(StrBuf *b, char c) { sb_putn(b, &c, 1); }

void sb_printf(StrBuf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *s = NULL;
  va_list aq;
  va_copy(aq, ap);
  int n = vsnprintf(NULL, 0, fmt, ap);
  if (n > 0) {
    s = xmalloc((size_t)n + 1);
    vsnprintf(s, (size_t)n + 1, fmt, aq);
    sb_putn(b, s, (size_t)n);
    free(s);
  }
  va_end(aq);
  va_end(ap);
}

const char *sb_str(StrBuf *b) { return b->s ? b->s : ""; }

char *sb_take(StrBuf *b) {
  char *s = b->s ? b->s : xstrdup("");
  b->s = NULL;
  b->len = b->cap = 0;
  return s;
}

void sb_free(StrBuf *b) {
  free(b->s);
  b->s = NULL;
  b->len = b->cap = 0;
}

/* ---- string map ---- */

uint64_t hash_bytes(const void *p, size_t n) {
  const unsigned char *s = p;
  uint64_t h = 1469598103934665603ull; /* FNV-1a: stable, SARIF fingerprints use it */
  for (size_t i = 0; i < n; i++) h = (h ^ s[i]) * 1099511628211ull;
  return h;
}

static void strmap__insert(StrMap *m, const char *key, uint32_t hash, uint32_t value) {
  uint32_t mask = m->cap - 1;
  uint32_t i = hash & mask;
  while (m->slots[i].key) {
    if (m->slots[i].hash == hash && strcmp(m->slots[i].key, key) == 0) {
      m->slots[i].value = value;
      return;
    }
    i = (i + 1) & mask;
  }
  m->slots[i] = (StrMapSlot){key, value, hash};
  m->len++;
}

static void strmap__rehash(StrMap *m, uint32_t cap) {
  StrMapSlot *old = m->slots;
  uint32_t old_cap = m->cap;
  m->slots = xcalloc(cap, sizeof(StrMapSlot));
  m->cap = cap;
  m->len = 0;
  for (uint32_t i = 0; i < old_cap; i++)
    if (old[i].key) strmap__insert(m, old[i].key, old[i].hash, old[i].value);
  free(old);
}

uint32_t str_hash(const char *key, size_t n) { return (uint32_t)XXH3_64bits(key, n); }

void strmap_put(StrMap *m, const char *key, uint32_t value) {
  if ((m->len + 1) * 4 >= m->cap * 3) strmap__rehash(m, m->cap ? m->cap * 2 : 16);
  strmap__insert(m, key, str_hash(key, strlen(key)), value);
}

bool strmap_get(const StrMap *m, const char *key, uint32_t *value) {
  return strmap_getn(m, key, strlen(key), value);
}

bool strmap_getn(const StrMap *m, const char *key, size_t n, uint32_t *value) {
  if (!m->cap) return false;
  uint32_t mask = m->cap - 1, hash = str_hash(key, n);
  for (uint32_t i = hash & mask; m->slots[i].key; i = (i + 1) & mask) {
    const char *k = m->slots[i].key;
    if (m->slots[i].hash == hash && strncmp(k, key, n) == 0 && k[n] == '\0') {
      if (value) *value = m->slots[i].value;
      return true;
    }
  }
  return false;
}

void strmap_chain(StrMap *map, uint32_t n, const char *(*key)(const void *ctx, uint32_t k),
                  const void *ctx, uint32_t *next) {
  uint32_t *last = xmalloc(((size_t)n + 1) * sizeof *last); /* per chain head: its tail */
  for (uint32_t k = 0; k < n; k++) {
    next[k] = UINT32_MAX;
    const char *name = key(ctx, k);
    uint32_t head;
    if (strmap_get(map, name, &head)) {
      next[last[head]] = k;
      last[head] = k;
    } else {
      strmap_put(map, name, k);
      last[k] = k;
    }
  }
  free(last);
}

void strmap_free(StrMap *m) {
  free(m->slots);
  m->slots = NULL;
  m->cap = m->len = 0;
}

int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}

bool str_starts_with(const char *s, const char *prefix) {
  return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool str_ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

const char *str_last_component(const char *s) {
  const char *dot = strrchr(s, '.');
  return dot ? dot + 1 : s;
}

const char *annotation_main(const char *ann, size_t *len) {
  static const char *const wrappers[] = {"Optional[",  "t.Optional[",  "typing.Optional[",
                                         "Annotated[", "t.Annotated[", "typing.Annotated["};
  const char *t = ann;
  for (bool again = true; again;) {
    again = false;
    while (*t == '"' || *t == '\'' || *t == ' ') t++, again = true;
    for (size_t i = 0; i < sizeof wrappers / sizeof *wrappers; i++)
      if (str_starts_with(t, wrappers[i])) t += strlen(wrappers[i]), again = true;
  }
  if (str_starts_with(t, "None |") || str_starts_with(t, "None|")) {
    t += 4;
    while (*t == ' ' || *t == '|') t++;
  }
  *len = strcspn(t, " |[]\"',");
  return t;
}

FILE *fopen_write_nofollow(const char *path) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0644);
  if (fd < 0) return NULL;
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) { /* a FIFO or a device under its name */
    close(fd);
    errno = EINVAL;
    return NULL;
  }
  FILE *f = fdopen(fd, "w");
  if (!f) close(fd);
  return f;
}
