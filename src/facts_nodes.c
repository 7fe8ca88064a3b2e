/* facts_nodes: the walk's node helpers: grammar node kinds and fields looked
 * up once by id, a node's position and text (kept in the facts' arena),
 * dotted names, parameters, and the rule data's facts for a callee. */
#include <pthread.h>
#include <string.h>

#include "facts_walk.h"
#include "parse.h"

/* ---- small helpers ------------------------------------------------------ */

uint32_t facts__element_count(TSNode n) {
  uint32_t count = 0;
  for (uint32_t i = 0, c = ts_node_named_child_count(n); i < c; i++)
    count += !facts__is(ts_node_named_child(n, i), KIND_comment);
  return count;
}

/* One cursor per thread for facts__named_children, reset for each use. */
static pthread_key_t cursor_key;
static pthread_once_t cursor_once = PTHREAD_ONCE_INIT;

static void cursor_destroy(void *c) {
  ts_tree_cursor_delete(c);
  free(c);
}
static void cursor_key_init(void) { pthread_key_create(&cursor_key, cursor_destroy); }

uint32_t facts__named_children(TSNode n, TSNode *out, uint32_t max) {
  if (ts_node_is_null(n)) return 0;
  pthread_once(&cursor_once, cursor_key_init);
  TSTreeCursor *cur = pthread_getspecific(cursor_key);
  if (!cur) {
    cur = xmalloc(sizeof *cur);
    *cur = ts_tree_cursor_new(n);
    pthread_setspecific(cursor_key, cur);
  }
  ts_tree_cursor_reset(cur, n);
  uint32_t count = 0;
  if (ts_tree_cursor_goto_first_child(cur)) do {
      TSNode c = ts_tree_cursor_current_node(cur);
      if (!ts_node_is_named(c)) continue;
      if (count < max) out[count] = c;
      count++;
    } while (ts_tree_cursor_goto_next_sibling(cur));
  return count;
}

int64_t facts__int_value(const char *text, size_t n) {
  unsigned base = 10;
  size_t i = 0;
  if (n > 2 && text[0] == '0' && strchr("xXoObB", text[1])) {
    base = text[1] == 'x' || text[1] == 'X' ? 16 : text[1] == 'o' || text[1] == 'O' ? 8 : 2;
    i = 2;
  }
  uint64_t v = 0;
  for (; i < n; i++) {
    char c = text[i];
    if (c == '_') continue;
    unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
                 : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                 : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
                                        : 99;
    if (d >= base) break; /* a suffix (`10j`) or the end */
    if (v > ((uint64_t)INT64_MAX - d) / base) return INT64_MAX;
    v = v * base + d;
  }
  return (int64_t)v;
}

bool facts__is_token(TSNode n, const char *type) {
  return !ts_node_is_null(n) && strcmp(ts_node_type(n), type) == 0;
}

static TSFieldId field_ids[FIELD_COUNT];
static pthread_once_t field_ids_once = PTHREAD_ONCE_INIT;

static uint8_t *node_kinds; /* symbol -> NodeKind */
static uint32_t node_kinds_len;

static void field_ids_init(void) {
  static const char *const kinds[] = {
#define FACTS_KIND_NAME(k) #k,
      FACTS_KINDS(FACTS_KIND_NAME)
#undef FACTS_KIND_NAME
  };
  const TSLanguage *lang = parse_language();
  node_kinds_len = ts_language_symbol_count(lang);
  node_kinds = calloc(node_kinds_len ? node_kinds_len : 1, 1); /* lives as long as the process */
  for (uint32_t sym = 0; node_kinds && sym < node_kinds_len; sym++) {
    if (ts_language_symbol_type(lang, (TSSymbol)sym) != TSSymbolTypeRegular) continue;
    const char *name = ts_language_symbol_name(lang, (TSSymbol)sym);
    for (int k = 0; name && k < KIND_COUNT - 1; k++)
      if (strcmp(name, kinds[k]) == 0) node_kinds[sym] = (uint8_t)(k + 1);
  }
  static const char *const names[] = {
#define FACTS_FIELD_NAME(f) #f,
      FACTS_FIELDS(FACTS_FIELD_NAME)
#undef FACTS_FIELD_NAME
  };
  for (int i = 0; i < FIELD_COUNT; i++)
    field_ids[i] =
        ts_language_field_id_for_name(parse_language(), names[i], (uint32_t)strlen(names[i]));
}

void facts__field_ids_init(void) { pthread_once(&field_ids_once, field_ids_init); }

const char *facts__kind_unknown(void) {
  static const char *const kinds[] = {
#define FACTS_KIND_NAME(k) #k,
      FACTS_KINDS(FACTS_KIND_NAME)
#undef FACTS_KIND_NAME
  };
  facts__field_ids_init();
  for (int k = 0; k < KIND_COUNT - 1; k++) {
    bool found = false;
    for (uint32_t sym = 0; sym < node_kinds_len && !found; sym++) found = node_kinds[sym] == k + 1;
    if (!found) return kinds[k];
  }
  return NULL;
}

TSNode facts__field(TSNode n, FieldName f) { return ts_node_child_by_field_id(n, field_ids[f]); }

/* Only named symbols have a kind, and a node's public symbol is named exactly
 * when the node is (the grammar merges only symbols of one name and type):
 * no ts_node_is_named needed. */
NodeKind facts__kind(TSNode n) {
  TSSymbol sym = ts_node_symbol(n);
  return sym < node_kinds_len ? (NodeKind)node_kinds[sym] : KIND_OTHER;
}

bool facts__is(TSNode n, NodeKind k) { return !ts_node_is_null(n) && facts__kind(n) == k; }

Pos facts__pos_of(TSNode n) {
  TSPoint p = ts_node_start_point(n);
  return (Pos){p.row + 1, p.column + 1};
}

const char *facts__text_of(Walker *w, TSNode n, size_t max) {
  uint32_t a = ts_node_start_byte(n), b = ts_node_end_byte(n);
  if (!max) return arena_strndup(&w->f->arena, w->src->text + a, b - a);
  /* A shortened text is for messages and simple matching: runs of
   * whitespace (a call spread over lines) become one space. */
  char *s = arena_alloc(&w->f->arena, max + 4);
  size_t n_out = 0;
  uint32_t i = a;
  for (; i < b && n_out < max; i++) {
    char c = w->src->text[i];
    bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (space) {
      if (n_out && s[n_out - 1] != ' ' && s[n_out - 1] != '(' && s[n_out - 1] != '[')
        s[n_out++] = ' ';
      continue;
    }
    if ((c == ')' || c == ']' || c == ',') && n_out && s[n_out - 1] == ' ') n_out--;
    s[n_out++] = c;
  }
  bool cut = i < b;
  while (n_out && s[n_out - 1] == ' ') n_out--;
  if (cut) memcpy(s + n_out, "...", 3), n_out += 3;
  s[n_out] = '\0';
  return s;
}

/* Dotted text of a name or attribute chain, without whitespace; a part that
 * is not a name (a call, a subscript) is written "?". */
static void dotted_into(Walker *w, TSNode n, StrBuf *sb) {
  if (facts__is(n, KIND_identifier)) {
    uint32_t a = ts_node_start_byte(n);
    sb_putn(sb, w->src->text + a, ts_node_end_byte(n) - a);
  } else if (facts__is(n, KIND_dotted_name)) {
    for (uint32_t i = 0, count = ts_node_named_child_count(n); i < count; i++) {
      if (i) sb_putc(sb, '.');
      dotted_into(w, ts_node_named_child(n, i), sb);
    }
  } else if (facts__is(n, KIND_attribute)) {
    dotted_into(w, facts__field(n, FIELD_object), sb);
    sb_putc(sb, '.');
    TSNode attr = facts__field(n, FIELD_attribute);
    uint32_t a = ts_node_start_byte(attr);
    sb_putn(sb, w->src->text + a, ts_node_end_byte(attr) - a);
  } else if (facts__is(n, KIND_subscript) && sb->len < 200) {
    /* `self.agents[name].run` -> "self.agents[].run": an element of the collection */
    dotted_into(w, facts__field(n, FIELD_value), sb);
    sb_puts(sb, "[]");
  } else if (facts__is(n, KIND_call) && sb->len < 200) {
    /* `Path(p).read_text` -> "Path().read_text": the receiver is what a call returns. */
    dotted_into(w, facts__field(n, FIELD_function), sb);
    sb_puts(sb, "()");
  } else {
    sb_putc(sb, '?');
  }
}

const char *facts__dotted(Walker *w, TSNode n) {
  StrBuf sb = {0};
  dotted_into(w, n, &sb);
  const char *s = arena_strndup(&w->f->arena, sb_str(&sb), sb.len);
  sb_free(&sb);
  return s;
}

uint32_t facts__add_name(Walker *w, const char *s) {
  array_push(&w->f->names, s);
  return w->f->names.len - 1;
}

const Def *facts__cur_def(const Walker *w) { return &w->f->defs.items[w->def]; }

/* Index of parameter `name` of the current function, or -1. */
int32_t facts__param_index(const Walker *w, const char *name, size_t n) {
  const Def *d = facts__cur_def(w);
  if (d->kind != DEF_FUNCTION) return -1;
  for (uint32_t i = 0; i < d->params.count; i++) {
    const char *p = w->f->names.items[d->params.first + i];
    while (*p == '*') p++;
    if (strlen(p) == n && memcmp(p, name, n) == 0) return (int32_t)i;
  }
  return -1;
}

bool facts__node_text_eq(const Walker *w, TSNode n, const char *s) {
  uint32_t a = ts_node_start_byte(n), b = ts_node_end_byte(n);
  return strlen(s) == b - a && memcmp(w->src->text + a, s, b - a) == 0;
}

/* ---- calls, loops, scopes -------------------------------------------------------- */

/* The knowledge fact of `kind` for a callee: by its full text, else by
 * ".method" for a call on any object. */
const Fact *facts__callee_fact(const Knowledge *k, FactKind kind, const char *callee) {
  const Fact *f = knowledge_get(k, kind, callee);
  if (f) return f;
  const char *last = str_last_component(callee);
  if (last == callee) return NULL;
  char key[128];
  snprintf(key, sizeof key, ".%s", last);
  return knowledge_get(k, kind, key);
}

TSNode facts__positional_arg(TSNode args, uint32_t index) {
  for (uint32_t i = 0, k = 0, n = ts_node_named_child_count(args); i < n; i++) {
    TSNode a = ts_node_named_child(args, i);
    if (facts__is(a, KIND_keyword_argument) || facts__is(a, KIND_comment)) continue;
    if (k++ == index) return a;
  }
  return (TSNode){0};
}
