/* facts_pack: facts to bytes and back, for the cache.
 *
 * The layout is a schema, not a memory image: every field of every facts
 * struct is listed below with its kind and, for an index, the array it points
 * into. Packing writes fields one after another (no padding, so the bytes are
 * a function of the facts alone); strings go once each into one table and
 * fields hold their offset. Unpacking checks every offset and index against
 * the sizes it read, so bytes that are not a pack are refused, never trusted.
 * Path, module and is_package are not packed: they belong to where the file
 * is, not to what it says. */
#include <assert.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "facts_walk.h"

typedef enum {
  F_STR,  /* const char *, never NULL: u32 offset + 1 into the string table */
  F_OPT,  /* const char * that may be NULL: the same, 0 for NULL */
  F_BOOL, /* bool: u8 */
  F_U32,  /* uint32_t; with a section, an index into it */
  F_I32,  /* int32_t; with a section, -1 or an index into it */
  F_IDX,  /* int32_t index into the section, never -1 */
  F_I64,  /* int64_t */
  F_ENUM, /* an enum stored as u32, below `arg` */
  F_POS,  /* Pos: two u32 */
  F_LIST, /* two u32, first and count, of a slice of the section */
  F_SPAN, /* two u32, first and end, of a slice of the section */
  F_END,  /* ends a record's list */
} FieldKind;

enum { S_NONE = 0xff };

/* How a u32 that is no index moves when its record is copied to where its
 * statement now is (facts__copy_records). */
enum { M_STAYS, M_LINE, M_BYTE, M_POSITION /* an index into positions */ };

typedef struct {
  uint16_t off;
  uint8_t kind;
  uint8_t arg;  /* the section an index points into (S_NONE: not an index); F_ENUM: the bound */
  uint8_t move; /* F_U32 that is no index: M_... */
} Field;

#define END                                                                                        \
  { 0, F_END, 0, M_STAYS }
#define OPT(T, f)                                                                                  \
  { offsetof(T, f), F_OPT, S_NONE, M_STAYS }
#define STR(T, f)                                                                                  \
  { offsetof(T, f), F_STR, S_NONE, M_STAYS }
#define BOOL(T, f)                                                                                 \
  { offsetof(T, f), F_BOOL, S_NONE, M_STAYS }
#define U32(T, f, s)                                                                               \
  { offsetof(T, f), F_U32, s, M_STAYS }
#define I32(T, f, s)                                                                               \
  { offsetof(T, f), F_I32, s, M_STAYS }
#define IDX(T, f, s)                                                                               \
  { offsetof(T, f), F_IDX, s, M_STAYS }
#define I64(T, f)                                                                                  \
  { offsetof(T, f), F_I64, S_NONE, M_STAYS }
#define LINE(T, f)                                                                                 \
  { offsetof(T, f), F_U32, S_NONE, M_LINE }
#define BYTE(T, f)                                                                                 \
  { offsetof(T, f), F_U32, S_NONE, M_BYTE }
#define ENUM(T, f, n)                                                                              \
  { offsetof(T, f), F_ENUM, n, M_STAYS }
#define POS(T, f)                                                                                  \
  { offsetof(T, f), F_POS, S_NONE, M_STAYS }
#define LIST(T, f, s)                                                                              \
  { offsetof(T, f), F_LIST, s, M_STAYS }
#define SPAN(T, f, s)                                                                              \
  { offsetof(T, f), F_SPAN, s, M_STAYS }
#define WIDTH(T, f)                                                                                \
  ENUM(T, f.kind, WIDTH_UNKNOWN + 1), I64(T, f.count), OPT(T, f.expr), I32(T, f.param, S_NONE),    \
      U32(T, f.batch_by, S_NONE), OPT(T, f.source)

/* A field added to a facts struct must be added here (the unpack test and
 * the size checks below catch a forgotten one). */
static const Field def_fields[] = {ENUM(Def, kind, DEF_FUNCTION + 1),
                                   BOOL(Def, is_async),
                                   STR(Def, name),
                                   STR(Def, qualname),
                                   I32(Def, parent, S_DEFS),
                                   POS(Def, pos),
                                   LINE(Def, end_line),
                                   LIST(Def, decorators, S_NAMES),
                                   {offsetof(Def, decorator_pos), F_U32, S_NONE, M_POSITION},
                                   LIST(Def, bases, S_NAMES),
                                   LIST(Def, params, S_NAMES),
                                   LIST(Def, param_types, S_NAMES),
                                   LIST(Def, param_defaults, S_NAMES),
                                   OPT(Def, returns),
                                   BOOL(Def, returns_value),
                                   BOOL(Def, returns_literal),
                                   SPAN(Def, calls_span, S_CALLS),
                                   SPAN(Def, assigns_span, S_ASSIGNS),
                                   SPAN(Def, own_calls, S_CALL_ORDER),
                                   SPAN(Def, own_assigns, S_ASSIGN_ORDER),
                                   END};
static const Field import_fields[] = {STR(Import, bound),    STR(Import, target),
                                      BOOL(Import, is_from), IDX(Import, def, S_DEFS),
                                      POS(Import, pos),      END};
static const Field call_fields[] = {STR(Call, callee),
                                    POS(Call, pos),
                                    BYTE(Call, start_byte),
                                    BYTE(Call, end_byte),
                                    IDX(Call, def, S_DEFS),
                                    U32(Call, flags, S_NONE),
                                    U32(Call, nargs, S_NONE),
                                    LIST(Call, first_kwarg, S_KWARGS),
                                    I32(Call, outer, S_CALLS),
                                    I32(Call, list_arg, S_LIST_ARGS),
                                    OPT(Call, message),
                                    OPT(Call, guard),
                                    OPT(Call, arg0),
                                    LIST(Call, args, S_NAMES),
                                    END};
static const Field kwarg_fields[] = {STR(Kwarg, name), STR(Kwarg, value), END};
static const Field list_arg_fields[] = {U32(ListArg, arg, S_NONE), WIDTH(ListArg, width),
                                        U32(ListArg, target, S_NAMES), BOOL(ListArg, more), END};
static const Field assign_fields[] = {STR(Assign, target),        STR(Assign, value),
                                      I32(Assign, call, S_CALLS), IDX(Assign, def, S_DEFS),
                                      POS(Assign, pos),           END};
static const Field with_fields[] = {STR(WithItem, expr),        OPT(WithItem, callee),
                                    OPT(WithItem, alias),       BOOL(WithItem, is_async),
                                    IDX(WithItem, def, S_DEFS), POS(WithItem, pos),
                                    LINE(WithItem, end_line),   END};
static const Field log_fields[] = {STR(LogSite, callee),
                                   STR(LogSite, level),
                                   OPT(LogSite, message),
                                   IDX(LogSite, def, S_DEFS),
                                   IDX(LogSite, call, S_CALLS),
                                   POS(LogSite, pos),
                                   END};
static const Field site_fields[] = {ENUM(Site, kind, SITE_KIND_COUNT),
                                    WIDTH(Site, width),
                                    LIST(Site, targets, S_NAMES),
                                    U32(Site, invariant_args, S_NONE),
                                    LIST(Site, invariant_kwargs, S_NAMES),
                                    BOOL(Site, buffered),
                                    BOOL(Site, identical_tasks),
                                    IDX(Site, def, S_DEFS),
                                    IDX(Site, call, S_CALLS),
                                    POS(Site, pos),
                                    END};
static const Field const_fields[] = {STR(Const, name), I64(Const, value), END};
static const Field handler_fields[] = {STR(Handler, types),      BOOL(Handler, trivial),
                                       BOOL(Handler, exits),     BOOL(Handler, filters),
                                       BOOL(Handler, try_falls), IDX(Handler, def, S_DEFS),
                                       POS(Handler, pos),        LINE(Handler, try_line),
                                       LINE(Handler, end_line),  END};
static const Field pos_fields[] = {{0, F_POS, S_NONE, M_STAYS}, END};
static const Field noqa_fields[] = {STR(Noqa, codes), POS(Noqa, pos), END};
static const Field loop_fields[] = {
    BOOL(Loop, is_while), BOOL(Loop, while_true),    STR(Loop, iter),
    OPT(Loop, target),    BOOL(Loop, checks_status), IDX(Loop, def, S_DEFS),
    POS(Loop, pos),       LINE(Loop, end_line),      END};
static const Field name_fields[] = {{0, F_STR, S_NONE, M_STAYS}, END};
static const Field call_order_fields[] = {{0, F_U32, S_CALLS, M_STAYS}, END};
static const Field assign_order_fields[] = {{0, F_U32, S_ASSIGNS, M_STAYS}, END};

_Static_assert(sizeof(DefKind) == sizeof(int) && sizeof(SiteKind) == sizeof(int) &&
                   sizeof(WidthKind) == sizeof(int),
               "enums are packed as int");
#if defined(__x86_64__) || defined(__aarch64__)
/* Sizes on LP64: a change means a field was added or removed here too. */
#define SIZE(T, n) _Static_assert(sizeof(T) == (n), #T " changed: update its fields here")
SIZE(Def, 136);
SIZE(Import, 32);
SIZE(Call, 88);
SIZE(Kwarg, 16);
SIZE(ListArg, 56);
SIZE(Assign, 32);
SIZE(WithItem, 48);
SIZE(Handler, 32);
SIZE(Loop, 48);
SIZE(LogSite, 40);
SIZE(Site, 88);
SIZE(Const, 16);
SIZE(Noqa, 16);
SIZE(Facts, 408); /* with its tables, which are not packed: made again from the rest */
#endif

typedef struct {
  size_t array; /* offsetof the Array in Facts */
  size_t elem;
  const Field *fields;
} Section;

#define SECTION(member, fields)                                                                    \
  { offsetof(Facts, member), sizeof(*((Facts *)0)->member.items), fields }
static const Section sections[S_COUNT] = {
    SECTION(defs, def_fields),
    SECTION(imports, import_fields),
    SECTION(calls, call_fields),
    SECTION(kwargs, kwarg_fields),
    SECTION(list_args, list_arg_fields),
    SECTION(assigns, assign_fields),
    SECTION(withs, with_fields),
    SECTION(logs, log_fields),
    SECTION(sites, site_fields),
    SECTION(consts, const_fields),
    SECTION(handlers, handler_fields),
    SECTION(positions, pos_fields),
    SECTION(noqas, noqa_fields),
    SECTION(loops, loop_fields),
    SECTION(names, name_fields),
    SECTION(call_order, call_order_fields),
    SECTION(assign_order, assign_order_fields),
};

/* The Array(T) of a section: every Array(T) is {T *items; uint32_t len, cap},
 * reached with memcpy so no struct is read through another type. */
static void *section_items(const Facts *f, int s, uint32_t *len) {
  void *items;
  memcpy(&items, (const char *)f + sections[s].array, sizeof items);
  memcpy(len, (const char *)f + sections[s].array + sizeof items, sizeof *len);
  return items;
}

static void section_set(Facts *f, int s, void *items, uint32_t len) {
  memcpy((char *)f + sections[s].array, &items, sizeof items);
  memcpy((char *)f + sections[s].array + sizeof items, &len, sizeof len);
  memcpy((char *)f + sections[s].array + sizeof items + sizeof len, &len, sizeof len);
}

static size_t field_size(uint8_t kind) {
  switch (kind) {
  case F_BOOL: return 1;
  case F_STR:
  case F_OPT:
  case F_U32:
  case F_I32:
  case F_IDX:
  case F_ENUM: return 4;
  default: return 8; /* F_I64, F_POS, F_LIST, F_SPAN */
  }
}

static size_t record_size(int s) {
  size_t n = 0;
  for (const Field *fd = sections[s].fields; fd->kind != F_END; fd++) n += field_size(fd->kind);
  return n;
}

/* ---- copying (an editor's re-extraction) ----------------------------- */

void facts__lens(const Facts *f, uint32_t lens[S_COUNT]) {
  for (int s = 0; s < S_COUNT; s++) section_items(f, s, &lens[s]);
}

/* A field of copied records that a move changes: by how much, and how. */
typedef struct {
  uint16_t off;
  uint8_t op;
  int64_t by;
} Change;
enum {
  CH_STR,   /* a string copied into the new facts' arena */
  CH_U32,   /* + by */
  CH_DEF,   /* an index into defs: + by, but 0 (the module) stays */
  CH_I32,   /* + by, but -1 stays */
  CH_I32DEF /* both */
};

/* The changes a move makes to a section's records (at most two per field). */
enum { CHANGES_MAX = 128 };
static uint32_t changes_of(const Field *fields, const FactsMove *mv, Change *out) {
  uint32_t n = 0;
  for (const Field *fd = fields; fd->kind != F_END; fd++) {
    assert(n + 2 <= CHANGES_MAX);
    int64_t by = fd->arg != S_NONE                         ? mv->index[fd->arg]
                 : fd->move == M_LINE || fd->kind == F_POS ? mv->lines
                 : fd->move == M_BYTE                      ? mv->bytes
                 : fd->move == M_POSITION                  ? mv->index[S_POSITIONS]
                                                           : 0;
    switch (fd->kind) {
    case F_STR:
    case F_OPT:
      if (!mv->same_strings) out[n++] = (Change){fd->off, CH_STR, 0};
      break;
    case F_U32:
    case F_IDX:
    case F_I32:
      if (by)
        out[n++] = (Change){fd->off,
                            fd->kind == F_I32 ? (fd->arg == S_DEFS ? CH_I32DEF : CH_I32)
                                              : (fd->arg == S_DEFS ? CH_DEF : CH_U32),
                            by};
      break;
    case F_POS:  /* line, column: the line */
    case F_LIST: /* first, count: the first */
      if (by) out[n++] = (Change){fd->off, CH_U32, by};
      break;
    case F_SPAN: /* first, end */
      if (by) {
        out[n++] = (Change){fd->off, CH_U32, by};
        out[n++] = (Change){(uint16_t)(fd->off + 4), CH_U32, by};
      }
      break;
    default: break; /* bools, enums, i64: as they are */
    }
  }
  return n;
}

static void apply_change(Facts *to, char *rec, const Change *c) {
  char *at = rec + c->off;
  if (c->op == CH_STR) {
    const char *str;
    memcpy(&str, at, sizeof str);
    if (str) str = arena_strdup(&to->arena, str);
    memcpy(at, &str, sizeof str);
    return;
  }
  uint32_t v;
  memcpy(&v, at, 4);
  if ((c->op == CH_DEF || c->op == CH_I32DEF) && v == 0) return;         /* the module stays */
  if ((c->op == CH_I32 || c->op == CH_I32DEF) && (int32_t)v < 0) return; /* -1 stays */
  v = (uint32_t)(v + c->by);
  memcpy(at, &v, 4);
}

bool facts__in_module(const Facts *f, int s, uint32_t first, uint32_t end) {
  uint32_t len;
  const char *items = section_items(f, s, &len);
  for (const Field *fd = sections[s].fields; fd->kind != F_END; fd++) {
    if (fd->arg != S_DEFS || (fd->kind != F_IDX && fd->kind != F_I32)) continue;
    for (uint32_t i = first; i < end && i < len; i++) {
      int32_t def;
      memcpy(&def, items + (size_t)i * sections[s].elem + fd->off, sizeof def);
      if (def == 0) return true;
    }
  }
  return false;
}

void facts__reserve_like(Facts *to, const Facts *from) {
  for (int s = 0; s < S_COUNT; s++) {
    uint32_t need, len, cap;
    section_items(from, s, &need);
    char *arr = (char *)to + sections[s].array;
    void *items;
    memcpy(&items, arr, sizeof items);
    memcpy(&len, arr + sizeof items, sizeof len);
    memcpy(&cap, arr + sizeof items + sizeof len, sizeof cap);
    array__grow(&items, &cap, need, sections[s].elem);
    memcpy(arr, &items, sizeof items);
    memcpy(arr + sizeof items + sizeof len, &cap, sizeof cap);
  }
}

void facts__copy_records(Facts *to, const Facts *from, int s, uint32_t first, uint32_t end,
                         const FactsMove *mv) {
  if (first >= end) return;
  uint32_t have, len;
  const char *src = section_items(from, s, &have);
  assert(end <= have);
  size_t elem = sections[s].elem;
  void *items;
  uint32_t cap;
  char *arr = (char *)to + sections[s].array;
  memcpy(&items, arr, sizeof items);
  memcpy(&len, arr + sizeof items, sizeof len);
  memcpy(&cap, arr + sizeof items + sizeof len, sizeof cap);
  array__grow(&items, &cap, len + (end - first), elem);
  char *dst = (char *)items + (size_t)len * elem;
  memcpy(dst, src + (size_t)first * elem, (size_t)(end - first) * elem);
  Change changes[CHANGES_MAX];
  uint32_t n = changes_of(sections[s].fields, mv, changes);
  for (uint32_t i = 0; i < end - first; i++)
    for (uint32_t k = 0; k < n; k++) apply_change(to, dst + i * elem, &changes[k]);
  len += end - first;
  memcpy(arr, &items, sizeof items);
  memcpy(arr + sizeof items, &len, sizeof len);
  memcpy(arr + sizeof items + sizeof len, &cap, sizeof cap);
}

/* ---- comparing (an editor's edit that changed nothing) ---------------- */

typedef struct {
  uint32_t a, b;
} BytePair;

static int cmp_pair_a(const void *pa, const void *pb) {
  const BytePair *x = pa, *y = pb;
  return x->a < y->a ? -1 : x->a > y->a;
}

/* Whether the calls' bytes of a and b (as many calls) are in the same order among themselves:
 * sorted by a's, b's compare between neighbours as a's do. */
static bool same_byte_order(const Facts *a, const Facts *b) {
  uint32_t n = a->calls.len;
  BytePair *v = xmalloc(((size_t)n * 2 + 1) * sizeof *v);
  for (uint32_t c = 0; c < n; c++) {
    v[2 * c] = (BytePair){a->calls.items[c].start_byte, b->calls.items[c].start_byte};
    v[2 * c + 1] = (BytePair){a->calls.items[c].end_byte, b->calls.items[c].end_byte};
  }
  qsort(v, (size_t)n * 2, sizeof *v, cmp_pair_a);
  bool same = true;
  for (size_t k = 1; k < (size_t)n * 2 && same; k++)
    same = (v[k - 1].a == v[k].a) == (v[k - 1].b == v[k].b) && v[k - 1].b <= v[k].b;
  free(v);
  return same;
}

static bool same_records(const char *ra, const char *rb, const Field *fields) {
  for (const Field *fd = fields; fd->kind != F_END; fd++) {
    const char *x = ra + fd->off, *y = rb + fd->off;
    if (fd->kind == F_STR || fd->kind == F_OPT) {
      const char *sx, *sy;
      memcpy(&sx, x, sizeof sx);
      memcpy(&sy, y, sizeof sy);
      if (sx != sy && (!sx || !sy || strcmp(sx, sy) != 0)) return false;
    } else if (fd->kind == F_BOOL) {
      bool bx, by;
      memcpy(&bx, x, sizeof bx);
      memcpy(&by, y, sizeof by);
      if (bx != by) return false;
    } else if (fd->move != M_BYTE && memcmp(x, y, field_size(fd->kind)) != 0) {
      return false;
    }
  }
  return true;
}

bool facts_same_but_call_bytes(const Facts *a, const Facts *b) {
  if (a->has_errors != b->has_errors) return false;
  for (int s = 0; s < S_COUNT; s++) {
    uint32_t na, nb;
    const char *ia = section_items(a, s, &na), *ib = section_items(b, s, &nb);
    if (na != nb) return false;
    for (uint32_t i = 0; i < na; i++)
      if (!same_records(ia + (size_t)i * sections[s].elem, ib + (size_t)i * sections[s].elem,
                        sections[s].fields))
        return false;
  }
  return same_byte_order(a, b);
}

/* ---- packing --------------------------------------------------------- */

#define PACK_MAGIC "FANFACT1"

typedef struct {
  StrBuf *out;
  StrMap offsets; /* string -> offset + 1 in the table */
  StrBuf table;
} Packer;

static void put_u32(StrBuf *b, uint32_t v) { sb_putn(b, (const char *)&v, sizeof v); }

static uint32_t intern(Packer *p, const char *s) {
  if (!s) return 0;
  uint32_t off;
  if (strmap_get(&p->offsets, s, &off)) return off;
  off = (uint32_t)p->table.len + 1;
  sb_putn(&p->table, s, strlen(s) + 1);
  strmap_put(&p->offsets, s, off);
  return off;
}

/* Write one record at *w (room was made for all of them: record_size). */
static void pack_record(Packer *p, const char *rec, const Field *fields, char **w) {
  for (const Field *fd = fields; fd->kind != F_END; fd++) {
    const char *at = rec + fd->off;
    uint32_t v32;
    switch (fd->kind) {
    case F_STR:
    case F_OPT: {
      const char *s;
      memcpy(&s, at, sizeof s);
      v32 = intern(p, s);
      memcpy(*w, &v32, 4);
      *w += 4;
      break;
    }
    case F_BOOL: {
      bool v;
      memcpy(&v, at, sizeof v);
      *(*w)++ = v ? 1 : 0;
      break;
    }
    case F_ENUM: {
      int v;
      memcpy(&v, at, sizeof v);
      v32 = (uint32_t)v;
      memcpy(*w, &v32, 4);
      *w += 4;
      break;
    }
    default: { /* u32, i32, i64, two u32 */
      size_t n = field_size(fd->kind);
      memcpy(*w, at, n);
      *w += n;
    }
    }
  }
}

void facts_pack(const Facts *f, StrBuf *out) {
  Packer p = {out, {0}, {0}};
  uint32_t lens[S_COUNT];
  size_t total = 0;
  for (int s = 0; s < S_COUNT; s++) {
    section_items(f, s, &lens[s]);
    total += (size_t)lens[s] * record_size(s);
  }
  char *records = xmalloc(total + 1), *w = records;
  for (int s = 0; s < S_COUNT; s++) {
    const char *items = section_items(f, s, &lens[s]);
    for (uint32_t i = 0; i < lens[s]; i++)
      pack_record(&p, items + (size_t)i * sections[s].elem, sections[s].fields, &w);
  }
  sb_putn(out, PACK_MAGIC, 8);
  put_u32(out, S_COUNT);
  for (int s = 0; s < S_COUNT; s++) put_u32(out, lens[s]);
  sb_putc(out, f->has_errors ? 1 : 0);
  put_u32(out, (uint32_t)p.table.len);
  sb_putn(out, p.table.s ? p.table.s : "", p.table.len);
  sb_putn(out, records, (size_t)(w - records));
  free(records);
  sb_free(&p.table);
  strmap_free(&p.offsets);
}

/* ---- unpacking ------------------------------------------------------- */

typedef struct {
  const unsigned char *p, *end;
  const char *table;
  uint32_t table_len;
  uint32_t lens[S_COUNT];
  bool bad;
} Reader;

static uint32_t get_u32(Reader *r) {
  uint32_t v = 0;
  if (r->end - r->p < 4) {
    r->bad = true;
    return 0;
  }
  memcpy(&v, r->p, 4);
  r->p += 4;
  return v;
}

/* Whether `v` may stand in a field that indexes section `s` (`slack` more
 * for an end or for a slice's first). */
static bool in_section(const Reader *r, uint8_t s, uint64_t v, uint32_t slack) {
  return s == S_NONE || v < (uint64_t)r->lens[s] + slack;
}

/* Read one record's fields in schema order (the caller has checked the bytes are there), checking
 * each: string offsets inside the table, bools 0 or 1, enums in range, indices and spans inside
 * their sections. A bad field sets r->bad; the bytes are copied regardless. */
static void unpack_record(Reader *r, char *rec, const Field *fields) {
  for (const Field *fd = fields; fd->kind != F_END; fd++) {
    char *at = rec + fd->off;
    size_t n = field_size(fd->kind);
    uint32_t a = 0, b;
    if (n >= 4) memcpy(&a, r->p, 4);
    switch (fd->kind) {
    case F_STR:
    case F_OPT: {
      const char *s = a == 0 ? NULL : r->table + a - 1;
      r->bad |= a > r->table_len || (a == 0 && fd->kind == F_STR);
      memcpy(at, &s, sizeof s);
      break;
    }
    case F_BOOL: {
      bool v = r->p[0] != 0;
      r->bad |= r->p[0] > 1;
      memcpy(at, &v, sizeof v);
      break;
    }
    case F_ENUM: {
      int v = (int)a;
      r->bad |= a >= fd->arg;
      memcpy(at, &v, sizeof v);
      break;
    }
    case F_I32:
      r->bad |= a != UINT32_MAX && !in_section(r, fd->arg, a, 0);
      memcpy(at, r->p, n);
      break;
    case F_U32:
    case F_IDX:
      r->bad |= !in_section(r, fd->arg, a, 0);
      memcpy(at, r->p, n);
      break;
    case F_LIST:
    case F_SPAN:
      memcpy(&b, r->p + 4, 4);
      if (fd->kind == F_LIST)
        r->bad |= !in_section(r, fd->arg, (uint64_t)a + b, 1);
      else
        r->bad |= a > b || !in_section(r, fd->arg, b, 1);
      memcpy(at, r->p, n);
      break;
    default: memcpy(at, r->p, n); /* F_I64, F_POS */
    }
    r->p += n;
  }
}

/* What the walk guarantees, checked on bytes that claim to be its output:
 * the module is def 0 and every other def's parent comes before it (so
 * following parents ends); a def's calls lie in its stretch of the calls,
 * its own calls are its; a call's outer call comes before it. An entry that
 * breaks one would send name resolution round a cycle. */
static bool structure_ok(const Facts *f) {
  if (f->defs.items[0].parent != -1) return false;
  for (uint32_t i = 1; i < f->defs.len; i++) {
    int32_t parent = f->defs.items[i].parent;
    if (parent < 0 || (uint32_t)parent >= i) return false;
  }
  for (uint32_t i = 0; i < f->defs.len; i++) {
    const Def *d = &f->defs.items[i];
    if (d->calls_span.first > d->calls_span.end || d->calls_span.end > f->calls.len ||
        d->own_calls.first > d->own_calls.end || d->own_calls.end > f->call_order.len)
      return false;
    for (uint32_t k = d->own_calls.first; k < d->own_calls.end; k++) {
      uint32_t c = f->call_order.items[k];
      if (c >= f->calls.len || f->calls.items[c].def != (int32_t)i) return false;
    }
  }
  for (uint32_t i = 0; i < f->calls.len; i++) {
    const Call *c = &f->calls.items[i];
    const Span *in = &f->defs.items[c->def].calls_span;
    if (c->outer >= (int32_t)i || i < in->first || i >= in->end) return false;
  }
  return true;
}

/* The section counts and the table's length must add up to the bytes before any record is read;
 * then the string table goes into the arena, every section is unpacked, and what the schema cannot
 * say is checked (decorator slices, parameter lists, the module def, structure_ok). */
bool facts_unpack(const void *data, size_t len, Facts *out) {
  memset(out, 0, sizeof *out);
  Reader r = {data, (const unsigned char *)data + len, NULL, 0, {0}, false};
  if (len < 8 || memcmp(data, PACK_MAGIC, 8) != 0) return false;
  r.p += 8;
  if (get_u32(&r) != S_COUNT) return false;
  uint64_t need = 0;
  for (int s = 0; s < S_COUNT; s++) {
    r.lens[s] = get_u32(&r);
    need += (uint64_t)r.lens[s] * record_size(s);
  }
  if (r.bad || r.end - r.p < 5) return false;
  bool has_errors = *r.p++ != 0;
  r.table_len = get_u32(&r);
  if ((uint64_t)(r.end - r.p) != r.table_len + need) return false;
  if (r.table_len && r.p[r.table_len - 1] != '\0') return false; /* every string ends in it */
  char *table = arena_alloc_block(&out->arena, r.table_len ? r.table_len : 1);
  memcpy(table, r.p, r.table_len);
  r.table = table;
  r.p += r.table_len;
  for (int s = 0; s < S_COUNT && !r.bad; s++) {
    char *items = r.lens[s] ? xcalloc(r.lens[s], sections[s].elem) : NULL;
    section_set(out, s, items, r.lens[s]);
    for (uint32_t i = 0; i < r.lens[s] && !r.bad; i++)
      unpack_record(&r, items + (size_t)i * sections[s].elem, sections[s].fields);
  }
  /* A def's decorator positions are a slice of positions that the schema
   * cannot name (its count is the decorators'). The module is def 0. */
  for (uint32_t i = 0; i < out->defs.len && !r.bad; i++) {
    const Def *d = &out->defs.items[i];
    r.bad = (uint64_t)d->decorator_pos + d->decorators.count > out->positions.len ||
            d->param_types.count != d->params.count || d->param_defaults.count != d->params.count;
  }
  r.bad |= out->defs.len == 0;
  r.bad = r.bad || !structure_ok(out);
  if (r.bad) {
    facts_free(out);
    memset(out, 0, sizeof *out);
    return false;
  }
  out->has_errors = has_errors;
  return true;
}

void facts_set_place(Facts *f, const char *path, const char *module, bool is_package) {
  size_t lp = strlen(path) + 1, lm = strlen(module) + 1;
  char *block = arena_alloc_block(&f->arena, lp + lm);
  f->path = memcpy(block, path, lp);
  f->module = memcpy(block + lp, module, lm);
  f->is_package = is_package;
}

void facts_compact(Facts *f, StrBuf *pack) {
  Facts g;
  size_t at = pack->len;
  facts_pack(f, pack);
  bool ok = facts_unpack(pack->s + at, pack->len - at, &g);
  assert(ok && "facts that do not unpack: a field's kind in the schema is wrong");
  if (!ok) return;
  facts_set_place(&g, f->path, f->module, f->is_package);
  facts_free(f);
  *f = g;
}
