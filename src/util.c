/* util: memory (aborting on out-of-memory: nothing else checks malloc),
 * growable arrays, arenas, string builders, string maps (open addressing),
 * hashing, and files opened for writing without following links. */
#define _DEFAULT_SOURCE /* O_NOFOLLOW, O_CLOEXEC */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
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

/* ---- formatting: the conversions most texts use, without stdio ---- */

/* Whether every conversion in fmt is one format_simple writes: %s, %.*s, %c,
 * %d and %u (with l, ll or z), %%. */
static bool simple_format(const char *fmt) {
  for (const char *p = fmt; (p = strchr(p, '%')) != NULL;) {
    p++;
    if (*p == '%' || *p == 's' || *p == 'c' || *p == 'd' || *p == 'u') {
      p++;
      continue;
    }
    if (p[0] == '.' && p[1] == '*' && p[2] == 's') {
      p += 3;
      continue;
    }
    if (*p == 'z' || *p == 'l') p += p[0] == 'l' && p[1] == 'l' ? 2 : 1;
    if (*p != 'd' && *p != 'u') return false;
    p++;
  }
  return true;
}

typedef struct {
  char *s;
  size_t len, cap;
  bool heap;
} Out;

static void out_put(Out *o, const char *s, size_t n) {
  if (o->len + n + 1 > o->cap) {
    size_t cap = o->cap * 2 > o->len + n + 1 ? o->cap * 2 : o->len + n + 1;
    char *bigger = xmalloc(cap);
    memcpy(bigger, o->s, o->len);
    if (o->heap) free(o->s);
    o->s = bigger, o->cap = cap, o->heap = true;
  }
  memcpy(o->s + o->len, s, n);
  o->len += n;
}

static void out_number(Out *o, unsigned long long v, bool negative) {
  char digits[24];
  size_t n = sizeof digits;
  do digits[--n] = (char)('0' + v % 10);
  while (v /= 10);
  if (negative) digits[--n] = '-';
  out_put(o, digits + n, sizeof digits - n);
}

/* A signed conversion's value, its length modifier (l, ll, z) read at *p. */
static void out_signed(Out *o, const char **p, va_list *ap) {
  long long v;
  if ((*p)[0] == 'l' && (*p)[1] == 'l')
    v = va_arg(*ap, long long), *p += 2;
  else if (**p == 'l')
    v = va_arg(*ap, long), (*p)++;
  else if (**p == 'z')
    v = (long long)va_arg(*ap, size_t), (*p)++;
  else
    v = va_arg(*ap, int);
  out_number(o, v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v, v < 0);
}

static void out_unsigned(Out *o, const char **p, va_list *ap) {
  unsigned long long v;
  if ((*p)[0] == 'l' && (*p)[1] == 'l')
    v = va_arg(*ap, unsigned long long), *p += 2;
  else if (**p == 'l')
    v = va_arg(*ap, unsigned long), (*p)++;
  else if (**p == 'z')
    v = va_arg(*ap, size_t), (*p)++;
  else
    v = va_arg(*ap, unsigned);
  out_number(o, v, false);
}

/* fmt (simple_format says it can) written to o, as vsnprintf would. */
static void format_simple(Out *o, const char *fmt, va_list *ap) {
  for (const char *p = fmt;;) {
    const char *pct = strchr(p, '%');
    out_put(o, p, pct ? (size_t)(pct - p) : strlen(p));
    if (!pct) break;
    p = pct + 1;
    if (*p == '%') {
      out_put(o, "%", 1), p++;
    } else if (*p == 's') { /* NULL as glibc writes it */
      const char *s = va_arg(*ap, const char *);
      if (!s) s = "(null)";
      out_put(o, s, strlen(s)), p++;
    } else if (*p == '.') { /* %.*s: at most n bytes, stopping at a NUL */
      int n = va_arg(*ap, int);
      const char *s = va_arg(*ap, const char *);
      if (!s) s = n < 0 || n >= 6 ? "(null)" : "";
      out_put(o, s, n < 0 ? strlen(s) : strnlen(s, (size_t)n)), p += 3;
    } else if (*p == 'c') {
      char c = (char)va_arg(*ap, int);
      out_put(o, &c, 1), p++;
    } else {
      const char *mod = p;
      while (*p == 'l' || *p == 'z') p++;
      bool is_signed = *p == 'd';
      p = mod;
      if (is_signed)
        out_signed(o, &p, ap);
      else
        out_unsigned(o, &p, ap);
      p++; /* the d or u */
    }
  }
}

/* Texts are mostly short and of a few simple conversions: those are written
 * here (stdio's machinery costs several times the bytes it writes), the rest
 * by vsnprintf, into a stack buffer first. */
char *xasprintf(const char *fmt, ...) {
  va_list ap, aq;
  char small[512];
  va_start(ap, fmt);
  if (simple_format(fmt)) {
    Out o = {small, 0, sizeof small, false};
    format_simple(&o, fmt, &ap);
    va_end(ap);
    o.s[o.len] = '\0';
    if (o.heap) return xrealloc(o.s, o.len + 1);
    char *s = xmalloc(o.len + 1);
    memcpy(s, small, o.len + 1);
    return s;
  }
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

unsigned cpu_count(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 1 ? (unsigned)n : 1;
}

void threads_run(void *(*fn)(void *), void *const *args, unsigned n) {
  pthread_t threads[THREADS_RUN_MAX];
  bool started[THREADS_RUN_MAX] = {false};
  if (n > THREADS_RUN_MAX) n = THREADS_RUN_MAX;
  for (unsigned i = 1; i < n; i++) started[i] = pthread_create(&threads[i], NULL, fn, args[i]) == 0;
  fn(args[0]);
  for (unsigned i = 1; i < n; i++)
    if (started[i])
      pthread_join(threads[i], NULL);
    else
      fn(args[i]);
}

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

void arena_take(Arena *to, Arena *from) {
  if (!from->head) return;
  ArenaBlock *last = from->head;
  while (last->next) last = last->next;
  if (to->head) { /* after to's current block: allocation goes on in it */
    last->next = to->head->next;
    to->head->next = from->head;
  } else {
    to->head = from->head;
  }
  from->head = NULL;
}

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
  if (n) memcpy(b->s + b->len, s, n); /* s may be an empty buffer's NULL */
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
