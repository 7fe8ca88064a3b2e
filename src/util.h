/* util: memory, growable arrays, arenas, string builders and maps.
 * Everything here aborts on out-of-memory; nothing else in fanout checks malloc. */
#ifndef FANOUT_UTIL_H
#define FANOUT_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- allocation ------------------------------------------------------ */

/* Like malloc/calloc/realloc/strdup, but abort with a message on OOM. */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a fresh string. The caller must free it. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Open `path` for writing (created 0644, truncated) without following a
 * symbolic link at its last component: a link planted where an output goes
 * is refused (NULL, errno ELOOP), never written through. */
FILE *fopen_write_nofollow(const char *path);

/* ---- growable arrays (tree-sitter's Array(T)) ------------------------ */

#define Array(T)                                                                                   \
  struct {                                                                                         \
    T *items;                                                                                      \
    uint32_t len;                                                                                  \
    uint32_t cap;                                                                                  \
  }

void array__grow(void **items, uint32_t *cap, uint32_t need, size_t elem);

/* Append one element; `a` is evaluated more than once. */
#define array_push(a, v)                                                                           \
  (array__grow((void **)&(a)->items, &(a)->cap, (a)->len + 1, sizeof(*(a)->items)),                \
   (a)->items[(a)->len++] = (v))
#define array_reserve(a, n) array__grow((void **)&(a)->items, &(a)->cap, (n), sizeof(*(a)->items))
#define array_last(a) (&(a)->items[(a)->len - 1])
#define array_free(a) (free((a)->items), (a)->items = NULL, (a)->len = (a)->cap = 0)

typedef Array(char *) StrArray;
typedef Array(uint32_t) U32Array;

/* ---- threads --------------------------------------------------------- */

/* The processors online (at least 1). */
unsigned cpu_count(void);
/* Run fn(args[i]) for each i < n (n <= THREADS_RUN_MAX) at once: args[0] on
 * this thread, the others each on a thread of its own, or on this one after
 * args[0] when a thread cannot be started. Returns when all are done. */
enum { THREADS_RUN_MAX = 16 };
void threads_run(void *(*fn)(void *), void *const *args, unsigned n);

/* ---- arena ----------------------------------------------------------- */

/* A bump allocator; everything is freed at once with arena_free. */
typedef struct ArenaBlock ArenaBlock;
typedef struct {
  ArenaBlock *head;
} Arena;

void *arena_alloc(Arena *a, size_t n);
/* n bytes in a block of their own, no larger (one big table). */
void *arena_alloc_block(Arena *a, size_t n);
/* Copies of strings, owned by the arena. A NULL input gives NULL. */
char *arena_strdup(Arena *a, const char *s);
char *arena_strndup(Arena *a, const char *s, size_t n);
void arena_free(Arena *a);
/* Give `from`'s blocks to `to` (what was allocated in them stays where it is). */
void arena_take(Arena *to, Arena *from);

/* ---- string builder -------------------------------------------------- */

typedef struct {
  char *s;
  size_t len, cap;
} StrBuf;

void sb_putn(StrBuf *b, const char *s, size_t n);
void sb_puts(StrBuf *b, const char *s);
void sb_putc(StrBuf *b, char c);
void sb_printf(StrBuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The NUL-terminated contents, "" when empty; valid until the next write. */
const char *sb_str(StrBuf *b);
/* Hand the buffer to the caller (who must free it) and reset the builder. */
char *sb_take(StrBuf *b);
void sb_free(StrBuf *b);

/* ---- string map (open addressing, keys borrowed) --------------------- */

typedef struct {
  const char *key;
  uint32_t value;
  uint32_t hash; /* of the key: most probes end without a strcmp */
} StrMapSlot;

typedef struct {
  StrMapSlot *slots;
  uint32_t cap, len;
} StrMap;

/* The hash string maps use (fast, not stable across versions). */
uint32_t str_hash(const char *key, size_t n);
/* FNV-1a of n bytes: stable across versions (SARIF fingerprints). */
uint64_t hash_bytes(const void *p, size_t n);
/* Insert or overwrite. The key must outlive the map. */
void strmap_put(StrMap *m, const char *key, uint32_t value);
/* Returns true and fills *value when found. */
bool strmap_get(const StrMap *m, const char *key, uint32_t *value);
/* The same for the first n bytes of `key` (no NUL needed after them). */
bool strmap_getn(const StrMap *m, const char *key, size_t n, uint32_t *value);
void strmap_free(StrMap *m);
/* Chain `n` entries by name: `map` gets each name's first entry k (0 <= k < n),
 * and next[k] the following entry of the same name, UINT32_MAX after the
 * last; key(ctx, k) names entry k. A lookup then costs the entries of that
 * name. O(n). */
void strmap_chain(StrMap *map, uint32_t n, const char *(*key)(const void *ctx, uint32_t k),
                  const void *ctx, uint32_t *next);

/* ---- small string helpers -------------------------------------------- */

bool str_starts_with(const char *s, const char *prefix);
/* Whether byte c can be part of a Python name (any byte of a UTF-8 sequence can). */
static inline bool str_ident_byte(unsigned char c) {
  return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c >= 0x80;
}
/* qsort/bsearch order of uint32_t values. */
int cmp_u32(const void *a, const void *b);
/* The class an annotation mainly names, as a pointer into it and a length:
 * quotes, `Optional[...]` (also `t.`/`typing.` spelled) and a `| None` are
 * looked through: "'Optional[LLMClient]'" -> "LLMClient". */
const char *annotation_main(const char *ann, size_t *len);
bool str_ends_with(const char *s, const char *suffix);
/* The part after the last '.', or s itself. */
const char *str_last_component(const char *s);

#endif
