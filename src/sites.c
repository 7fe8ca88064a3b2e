/* sites: fan-out sites of one file, found by the queries in rules/sites.scm
 * and measured here: kind, width (fixed, data, unknown) and what is fanned out. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts_walk.h"

/* ---- fan-out sites ---------------------------------------------------------------- */

#define WIDTH_TEXT_MAX 60

/* Subtree searches stop this deep: generated code nests expressions
 * thousands of levels, and the answer is "yes" (the safe side) there. */
#define SEARCH_DEPTH 200

static Width width_make(Walker *w, WidthKind kind, TSNode expr, int32_t param) {
  Width wd = {kind,  -1, ts_node_is_null(expr) ? NULL : facts__text_of(w, expr, WIDTH_TEXT_MAX),
              param, 0,  NULL};
  return wd;
}

static Width width_fixed(Walker *w, const char *fmt_name, int64_t n) {
  char buf[96];
  if (fmt_name)
    snprintf(buf, sizeof buf, "%lld (%s)", (long long)n, fmt_name);
  else
    snprintf(buf, sizeof buf, "%lld", (long long)n);
  Width wd = {WIDTH_FIXED, n, arena_strdup(&w->f->arena, buf), -1, 0, NULL};
  return wd;
}

/* A module-level name bound once to a literal and never grown or stored into
 * anywhere in the file: its size is fixed. */
static const Const *module_const(const Walker *w, TSNode id) {
  char name[128];
  uint32_t a = ts_node_start_byte(id), n = ts_node_end_byte(id) - a;
  if (n >= sizeof name) return NULL;
  memcpy(name, w->src->text + a, n);
  name[n] = '\0';
  return facts_module_const(w->f, name);
}

static int cmp_start(const void *pa, const void *pb) {
  const AssignStart *a = pa, *b = pb;
  return a->start != b->start ? (a->start < b->start ? -1 : 1) : (a->k < b->k ? -1 : a->k > b->k);
}

/* Index the current def's own assignments by target and by where their
 * values start, and the names it grows. */
static void index_bindings(Walker *w) {
  if (w->bound_def == w->def) return;
  strmap_free(&w->bound_first);
  strmap_free(&w->grown);
  memset(&w->bound_first, 0, sizeof w->bound_first);
  memset(&w->grown, 0, sizeof w->grown);
  w->bound_next.len = 0;
  w->bound_def = w->def;
  const Def *d = &w->f->defs.items[w->def];
  uint32_t n = d->own_assigns.end - d->own_assigns.first;
  array_reserve(&w->bound_next, n);
  w->bound_next.len = n;
  uint32_t *last = xcalloc(n + 1, sizeof(uint32_t)); /* per chain head: its tail */
  for (uint32_t k = 0; k < n; k++) {
    w->bound_next.items[k] = UINT32_MAX;
    const char *target = w->f->assigns.items[w->f->assign_order.items[d->own_assigns.first + k]].target;
    uint32_t head;
    if (strmap_get(&w->bound_first, target, &head)) {
      w->bound_next.items[last[head]] = k;
      last[head] = k;
    } else {
      strmap_put(&w->bound_first, target, k);
      last[k] = k;
    }
  }
  free(last);
  w->by_start.len = 0;
  array_reserve(&w->by_start, n);
  for (uint32_t k = 0; k < n; k++) {
    TSNode v = w->assign_values.items[w->f->assign_order.items[d->own_assigns.first + k]];
    AssignStart e = {ts_node_start_byte(v), k};
    array_push(&w->by_start, e);
  }
  if (n) qsort(w->by_start.items, n, sizeof *w->by_start.items, cmp_start);
  for (uint32_t k = d->own_calls.first; k < d->own_calls.end; k++) {
    const char *callee = w->f->calls.items[w->f->call_order.items[k]].callee;
    const char *dot = strrchr(callee, '.');
    if (dot && (strcmp(dot, ".append") == 0 || strcmp(dot, ".extend") == 0 ||
                strcmp(dot, ".insert") == 0)) {
      char *name = xstrndup(callee, (size_t)(dot - callee));
      if (!strmap_get(&w->grown, name, NULL)) strmap_put(&w->grown, arena_strdup(&w->f->arena, name), 1);
      free(name);
    }
  }
}

/* The first own assignment (index into bound_next) of the name `n` is, or UINT32_MAX. */
static uint32_t first_binding(Walker *w, TSNode n) {
  index_bindings(w);
  uint32_t a = ts_node_start_byte(n), len = ts_node_end_byte(n) - a;
  char buf[128];
  if (len >= sizeof buf) return UINT32_MAX;
  memcpy(buf, w->src->text + a, len);
  buf[len] = '\0';
  uint32_t k;
  return strmap_get(&w->bound_first, buf, &k) ? k : UINT32_MAX;
}

static TSNode local_binding(Walker *w, TSNode name, uint32_t before) {
  TSNode found = {0};
  uint32_t first = w->f->defs.items[w->def].own_assigns.first;
  for (uint32_t k = first_binding(w, name); k != UINT32_MAX; k = w->bound_next.items[k]) {
    TSNode v = w->assign_values.items[w->f->assign_order.items[first + k]];
    if (ts_node_start_byte(v) < before) found = v;
  }
  return found;
}

/* Whether a local name is bound once and never grown (append, extend,
 * insert, +=): only then does its one binding tell the width. */
static bool single_binding(Walker *w, TSNode name) {
  uint32_t k = first_binding(w, name);
  if (k != UINT32_MAX && w->bound_next.items[k] != UINT32_MAX) return false;
  uint32_t a = ts_node_start_byte(name), n = ts_node_end_byte(name) - a;
  char buf[128];
  if (n >= sizeof buf) return false;
  memcpy(buf, w->src->text + a, n);
  buf[n] = '\0';
  return !strmap_get(&w->grown, buf, NULL);
}

static bool int_literal(const Walker *w, TSNode n, int64_t *out) {
  if (!facts__is(n, "integer")) return false;
  *out = strtoll(w->src->text + ts_node_start_byte(n), NULL, 0);
  return true;
}

static Width classify_iterable(Walker *w, TSNode n, unsigned depth);
static bool attribute_fixed(Walker *w, TSNode n, unsigned depth, Width *out);

/* The parameter of the current def a name is, or -1. */
static int32_t param_of(const Walker *w, TSNode n) {
  if (!facts__is(n, "identifier")) return -1;
  uint32_t s = ts_node_start_byte(n);
  return facts__param_index(w, w->src->text + s, ts_node_end_byte(n) - s);
}

/* The width of one group cut from a list by `size`: fixed for a literal or a
 * module constant; data otherwise, recording the parameter that sizes it (a
 * helper batching its list parameter: each caller's argument tells the size). */
static Width batch_size_width(Walker *w, TSNode groups, TSNode size) {
  int64_t v;
  if (int_literal(w, size, &v)) return width_fixed(w, NULL, v);
  const Const *k = facts__is(size, "identifier") ? module_const(w, size) : NULL;
  if (k) return width_fixed(w, k->name, k->value);
  Width wd = width_make(w, WIDTH_DATA, groups, -1);
  int32_t p = param_of(w, size);
  if (p >= 0) wd.batch_by = (uint32_t)p + 1;
  return wd;
}

static bool setting(Walker *w, TSNode n);

/* A width set by configuration: `self.concurrency`, or `min(len(xs),
 * cfg.max_results)` (directly or through a name bound once): at most that
 * setting, whatever the data holds. A null node when it is not one. */
static TSNode configured_cap(Walker *w, TSNode n, unsigned depth) {
  if (facts__is(n, "attribute")) return n;
  if (facts__is(n, "identifier") && depth < 4 && single_binding(w, n)) {
    TSNode bound = local_binding(w, n, ts_node_start_byte(n));
    return ts_node_is_null(bound) || facts__is(bound, "identifier")
               ? (TSNode){0}
               : configured_cap(w, bound, depth + 1);
  }
  if (!facts__is(n, "call") || !facts__node_text_eq(w, facts__field(n, FIELD_function), "min"))
    return (TSNode){0};
  TSNode args = facts__field(n, FIELD_arguments);
  for (uint32_t i = 0, c = ts_node_named_child_count(args); i < c; i++) {
    TSNode arg = ts_node_named_child(args, i);
    int64_t v;
    if (int_literal(w, arg, &v) || setting(w, arg)) return arg;
  }
  return (TSNode){0};
}

static Width classify_range(Walker *w, TSNode call, TSNode args) {
  uint32_t n = ts_node_named_child_count(args);
  TSNode a = facts__positional_arg(args, 0), b = facts__positional_arg(args, 1);
  int64_t x, y;
  if (n == 1 && int_literal(w, a, &x)) return width_fixed(w, NULL, x);
  if (n == 2 && int_literal(w, a, &x) && int_literal(w, b, &y)) return width_fixed(w, NULL, y - x);
  TSNode cap = n == 1 ? configured_cap(w, a, 0) : (TSNode){0};
  if (!ts_node_is_null(cap)) { /* range(self.concurrency), range(min(len(xs), cfg.top_k)) */
    int64_t v;
    if (int_literal(w, cap, &v)) return width_fixed(w, NULL, v);
    Width wd = width_make(w, WIDTH_FIXED, cap, -1);
    char *text = xasprintf("at most %s", facts__text_of(w, cap, WIDTH_TEXT_MAX));
    wd.expr = arena_strdup(&w->f->arena, text);
    free(text);
    return wd;
  }
  if (n == 1 && facts__is(a, "identifier")) {
    const Const *k = module_const(w, a);
    if (k) return width_fixed(w, k->name, k->value);
    uint32_t s = ts_node_start_byte(a);
    return width_make(w, WIDTH_DATA, call,
                      facts__param_index(w, w->src->text + s, ts_node_end_byte(a) - s));
  }
  return width_make(w, WIDTH_DATA, call, -1);
}

/* Whether a slice bound is a setting rather than a size taken from the data:
 * an attribute (`self.config.top_k`), a parameter, a name the def does not
 * compute (a global), or one bound to a literal or an attribute. */
static bool setting(Walker *w, TSNode n) {
  if (facts__is(n, "attribute")) return true;
  if (!facts__is(n, "identifier")) return false;
  if (param_of(w, n) >= 0) return true;
  TSNode bound = local_binding(w, n, ts_node_start_byte(n));
  return ts_node_is_null(bound) || facts__is(bound, "integer") || facts__is(bound, "attribute");
}

/* The count of a slice `xs[:10]`, `xs[i:i + BATCH]`, or 0. */
static Width classify_slice(Walker *w, TSNode sub) {
  TSNode slice = facts__field(sub, FIELD_subscript);
  if (!facts__is(slice, "slice")) return width_make(w, WIDTH_DATA, sub, -1);
  uint32_t n = ts_node_named_child_count(slice);
  TSNode start = {0}, stop = {0};
  /* Children are the present bounds, in order; a ':' before the first one
   * means the start is absent. */
  bool leading_colon = ts_node_child_count(slice) && !ts_node_is_named(ts_node_child(slice, 0));
  if (leading_colon && n >= 1)
    stop = ts_node_named_child(slice, 0);
  else if (n >= 2)
    start = ts_node_named_child(slice, 0), stop = ts_node_named_child(slice, 1);
  int64_t v;
  if (ts_node_is_null(start) && int_literal(w, stop, &v)) return width_fixed(w, NULL, v);
  if (ts_node_is_null(start) && leading_colon && setting(w, stop)) {
    /* top = ranked[:self.config.top_k]: a cap, however long the list is */
    Width wd = width_make(w, WIDTH_FIXED, stop, param_of(w, facts__field(sub, FIELD_value)));
    char *text = xasprintf("at most %s", facts__text_of(w, stop, WIDTH_TEXT_MAX));
    wd.expr = arena_strdup(&w->f->arena, text);
    free(text);
    return wd;
  }
  if (!ts_node_is_null(start) && facts__is(stop, "binary_operator") &&
      facts__node_text_eq(w, facts__field(stop, FIELD_operator), "+")) {
    TSNode l = facts__field(stop, FIELD_left), r = facts__field(stop, FIELD_right);
    uint32_t a = ts_node_start_byte(start), b = ts_node_end_byte(start);
    uint32_t la = ts_node_start_byte(l), lb = ts_node_end_byte(l);
    if (b - a == lb - la && memcmp(w->src->text + a, w->src->text + la, b - a) == 0) {
      Width wd = batch_size_width(w, sub, r);
      wd.param = param_of(w, facts__field(sub, FIELD_value));
      return wd;
    }
  }
  return width_make(w, WIDTH_DATA, sub, -1);
}

/* The iterable of the enclosing `for` that binds this name (`batch` in
 * `for batch in batched(xs, 10):`), or a null node. */
/* Ancestors of a node, innermost first, up to the current def's node (every
 * caller stops at a def). ts_node_parent walks down from the root on every
 * call (linear in the siblings on the way: quadratic over a file of many
 * functions); this takes them all in one descent from the def. */
#define ANCESTORS_MAX 256

typedef struct {
  TSNode items[ANCESTORS_MAX]; /* a ring: the innermost ANCESTORS_MAX */
  uint32_t len;                /* how many there are (may exceed ANCESTORS_MAX) */
} Ancestors;

static void ancestors_of(const Walker *w, TSNode n, Ancestors *a) {
  a->len = 0;
  uint32_t start = ts_node_start_byte(n), end = ts_node_end_byte(n);
  TSNode top =
      w->def >= 0 && (uint32_t)w->def < w->def_nodes.len ? w->def_nodes.items[w->def] : w->root;
  if (ts_node_start_byte(top) > start || ts_node_end_byte(top) < end) top = w->root;
  TSTreeCursor c = ts_tree_cursor_new(top);
  for (;;) {
    TSNode cur = ts_tree_cursor_current_node(&c);
    if (ts_node_eq(cur, n)) break;
    a->items[a->len++ % ANCESTORS_MAX] = cur;
    /* down to the child holding n: the first that extends past its start,
     * or a sibling after it that starts there too */
    bool down = ts_tree_cursor_goto_first_child_for_byte(&c, start) >= 0;
    while (down) {
      TSNode ch = ts_tree_cursor_current_node(&c);
      if (ts_node_eq(ch, n) || (ts_node_start_byte(ch) <= start && ts_node_end_byte(ch) >= end))
        break;
      down = ts_node_start_byte(ch) <= start && ts_tree_cursor_goto_next_sibling(&c);
    }
    if (!down) break; /* n is not under this node: the ancestors so far */
  }
  ts_tree_cursor_delete(&c);
}

/* Ancestor i of the node (0: its parent), or a null node. */
static TSNode ancestor(const Ancestors *a, uint32_t i) {
  if (i >= a->len || i >= ANCESTORS_MAX) return (TSNode){0};
  return a->items[(a->len - 1 - i) % ANCESTORS_MAX];
}

static TSNode loop_source(Walker *w, TSNode name) {
  Ancestors a;
  ancestors_of(w, name, &a);
  TSNode p;
  for (uint32_t i = 0; !ts_node_is_null(p = ancestor(&a, i)); i++) {
    if (facts__is(p, "function_definition") || facts__is(p, "lambda") ||
        facts__is(p, "class_definition"))
      break;
    if (!facts__is(p, "for_statement")) continue;
    TSNode left = facts__field(p, FIELD_left), right = facts__field(p, FIELD_right);
    /* `for i, batch in enumerate(batches)`: the batch is an item of `batches` */
    if ((facts__is(left, "pattern_list") || facts__is(left, "tuple_pattern")) &&
        ts_node_named_child_count(left) == 2 && facts__is(right, "call") &&
        facts__node_text_eq(w, facts__field(right, FIELD_function), "enumerate")) {
      left = ts_node_named_child(left, 1);
      right = facts__positional_arg(facts__field(right, FIELD_arguments), 0);
    }
    if (facts__is(left, "identifier") &&
        ts_node_end_byte(left) - ts_node_start_byte(left) ==
            ts_node_end_byte(name) - ts_node_start_byte(name) &&
        memcmp(w->src->text + ts_node_start_byte(left), w->src->text + ts_node_start_byte(name),
               ts_node_end_byte(name) - ts_node_start_byte(name)) == 0)
      return right;
  }
  return (TSNode){0};
}

/* The size of one group from a batching call (`batched(xs, 10)`), or the
 * width of a plain iterable's items as data. */
static Width batch_width(Walker *w, TSNode source, unsigned depth) {
  if (facts__is(source, "identifier") && depth < 6) { /* batches = batched(xs, 10) */
    TSNode bound = local_binding(w, source, ts_node_start_byte(source));
    if (facts__is(bound, "call") && single_binding(w, source))
      return batch_width(w, bound, depth + 1);
  }
  if (facts__is(source, "call")) {
    const char *callee = facts__dotted(w, facts__field(source, FIELD_function));
    const Fact *f = knowledge_get(w->ctx->knowledge, FACT_BATCHER, callee);
    if (!f) f = knowledge_get(w->ctx->knowledge, FACT_BATCHER, str_last_component(callee));
    char arg[8];
    if (f && fact_attr(f, "size", arg, sizeof arg)) {
      TSNode args = facts__field(source, FIELD_arguments);
      TSNode size = facts__positional_arg(args, (uint32_t)atoi(arg));
      Width wd = batch_size_width(w, source, size);
      wd.param = param_of(w, facts__positional_arg(args, 0));
      return wd;
    }
  }
  return width_make(w, WIDTH_DATA, source, -1); /* an item of a data list: data */
}

static Width classify_iterable(Walker *w, TSNode n, unsigned depth) {
  if (depth > 6 || ts_node_is_null(n)) return width_make(w, WIDTH_UNKNOWN, n, -1);
  if (facts__is(n, "parenthesized_expression"))
    return classify_iterable(w, ts_node_named_child(n, 0), depth + 1);
  if (facts__is(n, "list") || facts__is(n, "tuple") || facts__is(n, "set")) {
    uint32_t count = ts_node_named_child_count(n);
    for (uint32_t i = 0; i < count; i++)
      if (facts__is(ts_node_named_child(n, i), "list_splat"))
        return width_make(w, WIDTH_DATA, n, -1);
    return width_fixed(w, NULL, count);
  }
  if (facts__is(n, "list_comprehension") || facts__is(n, "generator_expression") ||
      facts__is(n, "set_comprehension") || facts__is(n, "dictionary_comprehension")) {
    for (uint32_t i = 0, c = ts_node_named_child_count(n); i < c; i++)
      if (facts__is(ts_node_named_child(n, i), "for_in_clause"))
        return classify_iterable(w, facts__field(ts_node_named_child(n, i), FIELD_right),
                                 depth + 1);
  }
  if (facts__is(n, "identifier")) {
    TSNode source = loop_source(w, n);
    if (!ts_node_is_null(source)) return batch_width(w, source, depth);
    uint32_t s = ts_node_start_byte(n);
    int32_t p = facts__param_index(w, w->src->text + s, ts_node_end_byte(n) - s);
    if (p >= 0) return width_make(w, WIDTH_DATA, n, p);
    const Const *k = module_const(w, n);
    if (k) return width_fixed(w, k->name, k->value);
    TSNode bound = local_binding(w, n, ts_node_start_byte(n));
    if (!ts_node_is_null(bound) && !single_binding(w, n)) return width_make(w, WIDTH_DATA, n, -1);
    if (!ts_node_is_null(bound)) {
      Width inner = classify_iterable(w, bound, depth + 1);
      if (inner.kind == WIDTH_FIXED) return inner;
      if (inner.kind == WIDTH_DATA && !inner.source) inner.source = inner.expr;
      inner.kind = WIDTH_DATA; /* unknown: a variable holding data of its own */
      inner.expr = facts__text_of(w, n, WIDTH_TEXT_MAX);
      return inner;
    }
    return width_make(w, WIDTH_DATA, n, -1);
  }
  if (facts__is(n, "attribute")) {
    Width fixed;
    return attribute_fixed(w, n, depth, &fixed) ? fixed : width_make(w, WIDTH_DATA, n, -1);
  }
  if (facts__is(n, "subscript")) return classify_slice(w, n);
  if (facts__is(n, "call")) {
    TSNode fn = facts__field(n, FIELD_function), args = facts__field(n, FIELD_arguments);
    const char *callee = facts__dotted(w, fn);
    if (strcmp(callee, "range") == 0 && facts__is(args, "argument_list"))
      return classify_range(w, n, args);
    const Fact *f = facts__callee_fact(w->ctx->knowledge, FACT_ITERABLE_WRAPPER, callee);
    char buf[8];
    if (f && facts__is(args, "argument_list")) {
      uint32_t arg = fact_attr(f, "arg", buf, sizeof buf) ? (uint32_t)atoi(buf) : 0;
      if (strcmp(buf, "self") == 0 && facts__is(fn, "attribute"))
        return classify_iterable(w, facts__field(fn, FIELD_object), depth + 1);
      return classify_iterable(w, facts__positional_arg(args, arg), depth + 1);
    }
    if (facts__callee_fact(w->ctx->knowledge, FACT_LOADER, callee))
      return width_make(w, WIDTH_DATA, n, -1);
    /* groups of a data list: fewer, but still as many as the input makes */
    const Fact *batcher = knowledge_get(w->ctx->knowledge, FACT_BATCHER, callee);
    if (!batcher)
      batcher = knowledge_get(w->ctx->knowledge, FACT_BATCHER, str_last_component(callee));
    if (batcher && facts__is(args, "argument_list")) {
      Width inner = classify_iterable(w, facts__positional_arg(args, 0), depth + 1);
      if (inner.kind == WIDTH_DATA) return inner;
    }
    return width_make(w, WIDTH_UNKNOWN, n, -1);
  }
  return width_make(w, WIDTH_DATA, n, -1);
}

/* Whether def d is class cls or lies inside it. */
static bool inside_class(const Facts *f, int32_t d, int32_t cls) {
  for (; d > 0; d = f->defs.items[d].parent)
    if (d == cls) return true;
  return false;
}

/* Whether `text` is followed, anywhere in the source, by an in-place
 * operator that grows it (`+=`, `|=`). */
static bool grown_in_place(const Walker *w, const char *text, size_t n) {
  for (const char *p = w->src->text;
       (p = memmem(p, w->src->len - (size_t)(p - w->src->text), text, n)) != NULL; p += n) {
    const char *q = p + n;
    while (*q == ' ' || *q == '\t') q++;
    if ((q[0] == '+' || q[0] == '|') && q[1] == '=') return true;
  }
  return false;
}

/* `self.models` in a method, when every binding of the attribute in the
 * class (`self.models = ...` in any of its methods, `models = ...` in its
 * body) is of a fixed size and nothing grows it: a small ensemble of a
 * known width, not data. Bindings are measured in their own def. */
static bool attribute_fixed(Walker *w, TSNode n, unsigned depth, Width *out) {
  const Facts *f = w->f;
  const Def *d = facts__cur_def(w);
  TSNode obj = facts__field(n, FIELD_object), attr = facts__field(n, FIELD_attribute);
  if (d->kind != DEF_FUNCTION || !d->params.count || d->parent <= 0 ||
      f->defs.items[d->parent].kind != DEF_CLASS || !facts__is(obj, "identifier") ||
      !facts__node_text_eq(w, obj, f->names.items[d->params.first]))
    return false;
  int32_t cls = d->parent, here = w->def;
  const char *dotted = facts__text_of(w, n, 0);
  uint32_t a = ts_node_start_byte(attr);
  char name[128];
  size_t len = strlen(dotted), nlen = ts_node_end_byte(attr) - a;
  if (nlen >= sizeof name || grown_in_place(w, dotted, len)) return false;
  memcpy(name, w->src->text + a, nlen);
  name[nlen] = '\0';
  static const char *const grow[] = {".append", ".extend", ".insert", ".update", ".add"};
  for (uint32_t i = 0; i < f->calls.len; i++) {
    const char *c = f->calls.items[i].callee;
    if (strncmp(c, dotted, len) != 0 || !inside_class(f, f->calls.items[i].def, cls)) continue;
    for (size_t g = 0; g < sizeof grow / sizeof *grow; g++)
      if (strcmp(c + len, grow[g]) == 0) return false;
  }
  int64_t most = -1;
  bool fixed = true;
  for (uint32_t i = 0; i < f->assigns.len && fixed; i++) {
    const Assign *as = &f->assigns.items[i];
    bool bound = as->def == cls ? strcmp(as->target, name) == 0
                                : inside_class(f, as->def, cls) && strcmp(as->target, dotted) == 0;
    if (inside_class(f, as->def, cls) && strncmp(as->target, dotted, len) == 0 &&
        strcmp(as->target + len, "[]") == 0)
      return false; /* self.models[k] = v */
    if (!bound) continue;
    w->def = as->def; /* its value's names are its def's */
    Width v = classify_iterable(w, w->assign_values.items[i], depth + 1);
    w->def = here;
    fixed = v.kind == WIDTH_FIXED;
    if (fixed && v.count > most) most = v.count;
  }
  if (!fixed || most < 0) return false;
  *out = width_fixed(w, dotted, most);
  return true;
}

static TSNode enclosing_loop(const Walker *w, TSNode n) {
  Ancestors a;
  ancestors_of(w, n, &a);
  TSNode p;
  for (uint32_t i = 0; !ts_node_is_null(p = ancestor(&a, i)); i++) {
    const char *t = ts_node_type(p);
    if (strcmp(t, "for_statement") == 0 || strcmp(t, "while_statement") == 0 ||
        strcmp(t, "list_comprehension") == 0 || strcmp(t, "generator_expression") == 0 ||
        strcmp(t, "set_comprehension") == 0 || strcmp(t, "dictionary_comprehension") == 0)
      return p;
    if (strcmp(t, "function_definition") == 0 || strcmp(t, "class_definition") == 0 ||
        strcmp(t, "lambda") == 0)
      break;
  }
  return (TSNode){0};
}

static Width loop_width(Walker *w, TSNode loop) {
  if (facts__is(loop, "for_statement"))
    return classify_iterable(w, facts__field(loop, FIELD_right), 0);
  if (facts__is(loop, "while_statement"))
    return width_make(w, WIDTH_UNKNOWN, facts__field(loop, FIELD_condition), -1);
  return classify_iterable(w, loop, 0);
}

static char *canonical_callee(const Walker *w, const char *callee);

/* The `site` fact of a callee after resolving the file's imports
 * (`aio.gather`, `from asyncio import gather`); ".create_task" stands for a
 * method on any object that is not an imported module (loop.create_task,
 * tg.create_task). */
static const Fact *site_fact(const Walker *w, const char *callee) {
  char *canon = canonical_callee(w, callee);
  const Fact *f = knowledge_get(w->ctx->knowledge, FACT_SITE, canon);
  if (!f && strcmp(canon, callee) == 0 && strchr(callee, '.'))
    f = facts__callee_fact(w->ctx->knowledge, FACT_SITE, callee);
  free(canon);
  return f;
}

static bool is_spawn_call(Walker *w, TSNode call) {
  if (!facts__is(call, "call")) return false;
  const Fact *f = site_fact(w, facts__dotted(w, facts__field(call, FIELD_function)));
  char kind[32];
  return f && fact_attr(f, "kind", kind, sizeof kind) &&
         (strcmp(kind, "create_task") == 0 || strcmp(kind, "ensure_future") == 0);
}

/* The function a function reference names: `f`, `self.m`, `partial(f, ...)`. */
static const char *ref_target(Walker *w, TSNode ref);

/* The function a task item runs: `f` of `f(x)`, or NULL (a task or future
 * made elsewhere names no function). */
static const char *item_target(Walker *w, TSNode item) {
  if (!facts__is(item, "call")) return NULL;
  return ref_target(w, item);
}

static const char *ref_target(Walker *w, TSNode item) {
  if (facts__is(item, "identifier") || facts__is(item, "attribute")) return facts__dotted(w, item);
  if (!facts__is(item, "call")) return NULL;
  const char *callee = facts__dotted(w, facts__field(item, FIELD_function));
  if (strcmp(str_last_component(callee), "partial") == 0) {
    TSNode f = facts__positional_arg(facts__field(item, FIELD_arguments), 0);
    return facts__is(f, "identifier") || facts__is(f, "attribute") ? facts__dotted(w, f) : NULL;
  }
  return strpbrk(callee, "?(") ? NULL : callee;
}

/* What a listed item runs: f of f(x), or of create_task(f(x)) (a task
 * started outside a loop is an item of this fan-out, not a site itself). */
static const char *listed_target(Walker *w, TSNode item) {
  if (is_spawn_call(w, item)) item = facts__positional_arg(facts__field(item, FIELD_arguments), 0);
  return item_target(w, item);
}

typedef struct {
  Width width;
  const char *targets[8];
  uint32_t ntargets;
  bool spawned;     /* the items are tasks made by a create_task site (reported there) */
  bool is_list;     /* recognised as a list of task items at all */
  TSNode task_call; /* the call each task makes (f(x) of [f(x) for x in xs]), or null */
  TSNode spawn;     /* the create_task call making the tasks, when spawned */
  TSNode loop;      /* the loop or comprehension that makes the tasks, or null */
} Items;

static void items_add_target(Items *it, const char *t) {
  if (!t || it->ntargets == 8) return;
  for (uint32_t i = 0; i < it->ntargets; i++)
    if (strcmp(it->targets[i], t) == 0) return;
  it->targets[it->ntargets++] = t;
}

/* The functions a task item runs: `f` of `f(x)`, and for a wrapper call
 * `bounded(fetch(u))` or `asyncio.wait_for(fetch(u), 30)` also `fetch`. */
static void items_add_call(Walker *w, Items *it, TSNode item) {
  /* `skip() if done else fetch(u)`: both; a chain of them without recursion
   * (the targets hold 8 at most) */
  for (unsigned k = 0; k < 8 && facts__is(item, "conditional_expression"); k++) {
    TSNode first = ts_node_named_child(item, 0);
    if (!facts__is(first, "conditional_expression")) items_add_call(w, it, first);
    item = ts_node_named_child(item, 2);
  }
  if (facts__is(item, "conditional_expression")) return;
  items_add_target(it, item_target(w, item));
  if (!facts__is(item, "call")) return;
  TSNode inner = facts__positional_arg(facts__field(item, FIELD_arguments), 0);
  if (facts__is(inner, "await")) inner = ts_node_named_child(inner, 0);
  if (facts__is(inner, "call")) items_add_target(it, item_target(w, inner));
}

/* `[]`, `{}`, `list()`, `dict()`: a collection filled later. */
static bool empty_collection(Walker *w, TSNode n) {
  if ((facts__is(n, "list") || facts__is(n, "dictionary")) && ts_node_named_child_count(n) == 0)
    return true;
  if (!facts__is(n, "call")) return false;
  const char *callee = facts__dotted(w, facts__field(n, FIELD_function));
  TSNode args = facts__field(n, FIELD_arguments);
  return (strcmp(callee, "list") == 0 || strcmp(callee, "dict") == 0) &&
         facts__is(args, "argument_list") && ts_node_named_child_count(args) == 0;
}

/* One task item found in a loop (an appended or stored coroutine or task). */
static void add_loop_item(Walker *w, Items *it, TSNode item, TSNode at, TSNode fallback) {
  TSNode loop = enclosing_loop(w, at);
  it->is_list = true;
  it->width =
      ts_node_is_null(loop) ? width_make(w, WIDTH_UNKNOWN, fallback, -1) : loop_width(w, loop);
  if (facts__is(item, "identifier")) { /* task = create_task(...); tasks.append(task) */
    TSNode b = local_binding(w, item, ts_node_start_byte(item));
    if (is_spawn_call(w, b)) item = b;
  }
  it->loop = loop;
  bool spawned = is_spawn_call(w, item);
  it->task_call = spawned ? facts__positional_arg(facts__field(item, FIELD_arguments), 0) : item;
  if (spawned) {
    it->spawned = true;
    it->spawn = item;
  }
  items_add_call(w, it, it->task_call);
}

static Items list_items(Walker *w, TSNode x, uint32_t site_byte, unsigned depth);

/* Widths in order of what they say about a list grown from several places:
 * one data-sized part makes it data-sized. */
static int width_rank(WidthKind k) { return k == WIDTH_DATA ? 2 : k == WIDTH_FIXED ? 1 : 0; }

/* Add the items of `more` (a list it was extended with) to `it`. */
static void items_merge(Items *it, const Items *more) {
  if (!more->is_list) return;
  if (!it->is_list || width_rank(more->width.kind) > width_rank(it->width.kind))
    it->width = more->width;
  else if (it->width.kind == WIDTH_FIXED && more->width.kind == WIDTH_FIXED)
    it->width.count += more->width.count;
  if (!it->is_list || ts_node_is_null(it->task_call)) {
    it->task_call = more->task_call;
    it->loop = more->loop;
  }
  it->is_list = true;
  if (more->spawned && !it->spawned) it->spawned = true, it->spawn = more->spawn;
  for (uint32_t i = 0; i < more->ntargets; i++) items_add_target(it, more->targets[i]);
}

/* `name += [f(x) for x in xs]` in the def (not in functions nested in it)
 * before byte `before`: the list grown by each added list's items. */
static void grown_by_plus(Walker *w, TSNode n, TSNode name, uint32_t before, Items *it,
                          unsigned depth, unsigned level) {
  if (level > SEARCH_DEPTH || ts_node_start_byte(n) > before) return;
  if (facts__is(n, "augmented_assignment") &&
      facts__node_text_eq(w, facts__field(n, FIELD_operator), "+=") &&
      ts_node_end_byte(facts__field(n, FIELD_left)) -
              ts_node_start_byte(facts__field(n, FIELD_left)) ==
          ts_node_end_byte(name) - ts_node_start_byte(name) &&
      memcmp(w->src->text + ts_node_start_byte(facts__field(n, FIELD_left)),
             w->src->text + ts_node_start_byte(name),
             ts_node_end_byte(name) - ts_node_start_byte(name)) == 0) {
    Items more = list_items(w, facts__field(n, FIELD_right), ts_node_start_byte(n), depth + 1);
    items_merge(it, &more);
    return;
  }
  for (uint32_t i = 0, c = ts_node_named_child_count(n); i < c; i++) {
    TSNode ch = ts_node_named_child(n, i);
    if (facts__is(ch, "function_definition") || facts__is(ch, "class_definition") ||
        facts__is(ch, "lambda") || facts__is(ch, "decorated_definition"))
      continue;
    grown_by_plus(w, ch, name, before, it, depth, level + 1);
  }
}

/* Whether `name +=` appears in the text of node n (a cheap test before the walk). */
static bool plus_assigned(const Walker *w, TSNode n, TSNode name) {
  const char *lo = w->src->text + ts_node_start_byte(n), *hi = w->src->text + ts_node_end_byte(n);
  const char *text = w->src->text + ts_node_start_byte(name);
  size_t len = ts_node_end_byte(name) - ts_node_start_byte(name);
  for (const char *p = lo; (p = memmem(p, (size_t)(hi - p), text, len)) != NULL; p += len) {
    const char *q = p + len;
    while (q < hi && (*q == ' ' || *q == '\t')) q++;
    if (q + 1 < hi && q[0] == '+' && q[1] == '=') return true;
  }
  return false;
}

/* Whether a name is a parameter of a function the current def is nested in
 * and not bound in the current def itself. */
static bool enclosing_param(const Walker *w, TSNode name) {
  const Facts *f = w->f;
  for (int32_t d = f->defs.items[w->def].parent; d > 0; d = f->defs.items[d].parent) {
    const Def *def = &f->defs.items[d];
    if (def->kind != DEF_FUNCTION) continue;
    for (uint32_t i = 0; i < def->params.count; i++) {
      const char *p = f->names.items[def->params.first + i];
      while (*p == '*') p++;
      if (facts__node_text_eq(w, name, p)) return true;
    }
  }
  return false;
}

/* What a list of awaitables X is made of (gather(*X), wait(X), as_completed(X)). */
static Items list_items(Walker *w, TSNode x, uint32_t site_byte, unsigned depth) {
  Items it = {0};
  it.width = width_make(w, WIDTH_UNKNOWN, x, -1);
  if (depth > 4 || ts_node_is_null(x)) return it;
  if (facts__is(x, "list_comprehension") || facts__is(x, "generator_expression") ||
      facts__is(x, "set_comprehension")) {
    TSNode body = facts__field(x, FIELD_body);
    it.is_list = true;
    it.spawned = is_spawn_call(w, body);
    if (it.spawned) it.spawn = body;
    it.task_call =
        it.spawned ? facts__positional_arg(facts__field(body, FIELD_arguments), 0) : body;
    it.loop = x;
    items_add_call(
        w, &it, it.spawned ? facts__positional_arg(facts__field(body, FIELD_arguments), 0) : body);
    it.width = classify_iterable(w, x, 0);
  } else if (facts__is(x, "list") || facts__is(x, "tuple") || facts__is(x, "set")) {
    it.is_list = true;
    it.width = classify_iterable(w, x, 0);
    for (uint32_t i = 0, n = ts_node_named_child_count(x); i < n; i++) {
      items_add_target(&it, listed_target(w, ts_node_named_child(x, i)));
    }
  } else if (facts__is(x, "call")) {
    TSNode fn = facts__field(x, FIELD_function), args = facts__field(x, FIELD_arguments);
    const char *callee = facts__dotted(w, fn);
    if ((strcmp(callee, "list") == 0 || strcmp(callee, "tuple") == 0) &&
        facts__is(args, "argument_list"))
      return list_items(w, facts__positional_arg(args, 0), site_byte, depth + 1);
    TSNode obj = facts__is(fn, "attribute") ? facts__field(fn, FIELD_object) : (TSNode){0};
    if (str_ends_with(callee, ".values") && facts__is(obj, "identifier")) {
      /* tasks = {k: f(v) for ...} or tasks[k] = f(v) in a loop; gather(*tasks.values()) */
      TSNode bound = local_binding(w, obj, site_byte);
      if (facts__is(bound, "dictionary_comprehension")) {
        TSNode pair = facts__field(bound, FIELD_body);
        TSNode value = facts__field(pair, FIELD_value);
        it.is_list = true;
        it.loop = bound;
        it.spawned = is_spawn_call(w, value);
        if (it.spawned) it.spawn = value;
        it.task_call =
            it.spawned ? facts__positional_arg(facts__field(value, FIELD_arguments), 0) : value;
        items_add_call(w, &it, it.task_call);
        it.width = classify_iterable(w, bound, 0);
      } else if (empty_collection(w, bound)) {
        uint32_t s0 = ts_node_start_byte(obj);
        char *slot = xasprintf("%.*s[]", (int)(ts_node_end_byte(obj) - s0), w->src->text + s0);
        Span own = w->f->defs.items[w->def].own_assigns;
        for (uint32_t k = own.first; k < own.end; k++) {
          uint32_t i = w->f->assign_order.items[k];
          if (strcmp(w->f->assigns.items[i].target, slot) == 0)
            add_loop_item(w, &it, w->assign_values.items[i], w->assign_values.items[i], obj);
        }
        free(slot);
      }
      return it;
    }
    if (strcmp(callee, "map") == 0 && facts__is(args, "argument_list")) {
      it.is_list = true;
      items_add_target(&it, ref_target(w, facts__positional_arg(args, 0)));
      it.width = classify_iterable(w, facts__positional_arg(args, 1), 0);
    }
  } else if (facts__is(x, "identifier")) {
    uint32_t s = ts_node_start_byte(x);
    int32_t p = facts__param_index(w, w->src->text + s, ts_node_end_byte(x) - s);
    if (p >= 0) {
      it.is_list = true;
      it.width = width_make(w, WIDTH_DATA, x, p);
      return it;
    }
    TSNode bound = local_binding(w, x, site_byte);
    if (empty_collection(w, bound)) {
      /* tasks = []; for ...: tasks.append(f(x)); tasks.extend(g(y) for y in ys) */
      uint32_t n = ts_node_end_byte(x) - s;
      Span own = w->f->defs.items[w->def].own_calls;
      for (uint32_t k = own.first; k < own.end; k++) {
        uint32_t i = w->f->call_order.items[k];
        const Call *c = &w->f->calls.items[i];
        if ((c->flags & CALL_REFERENCE) || c->start_byte > site_byte ||
            strncmp(c->callee, w->src->text + s, n) != 0 || c->callee[n] != '.')
          continue;
        TSNode call = w->call_nodes.items[i];
        TSNode arg = facts__field(call, FIELD_arguments); /* f(x for x in xs): no list */
        if (!facts__is(arg, "generator_expression")) arg = facts__positional_arg(arg, 0);
        if (strcmp(c->callee + n, ".append") == 0) {
          add_loop_item(w, &it, arg, call, x);
        } else if (strcmp(c->callee + n, ".extend") == 0) {
          Items more = list_items(w, arg, c->start_byte, depth + 1);
          items_merge(&it, &more);
        }
      }
      TSNode body = w->def_nodes.items[w->def];
      if (plus_assigned(w, body, x)) grown_by_plus(w, body, x, site_byte, &it, depth, 0);
    } else if (!ts_node_is_null(bound)) {
      Items inner = list_items(w, bound, ts_node_start_byte(bound), depth + 1);
      if (inner.is_list) return inner;
      it.is_list = true; /* a name bound to something opaque: a fan-out of unknown width */
      it.width = width_make(w, WIDTH_UNKNOWN, x, -1);
    } else if (!ts_node_is_null(loop_source(w, x))) {
      it.is_list = true; /* for batch in batched(tasks, n): a group of the items */
      it.width = classify_iterable(w, x, 0);
    } else if (enclosing_param(w, x)) {
      it.is_list = true; /* a parameter of the enclosing function (a closure's list) */
      it.width = width_make(w, WIDTH_DATA, x, -1);
    }
  } else if (facts__is(x, "subscript") && facts__is(facts__field(x, FIELD_subscript), "slice")) {
    it.is_list = true; /* tasks[i:i + size] */
    it.width = classify_slice(w, x);
  }
  return it;
}

/* Append the identifiers bound by a loop target pattern (`x`, `i, (a, b)`). */
static void loop_vars(Walker *w, TSNode pattern, StrArray *vars) {
  if (facts__is(pattern, "identifier")) {
    array_push(vars, (char *)facts__text_of(w, pattern, 0));
    return;
  }
  for (uint32_t i = 0, n = ts_node_named_child_count(pattern); i < n && vars->len < 16; i++)
    loop_vars(w, ts_node_named_child(pattern, i), vars);
}

static bool mentions(const Walker *w, TSNode n, const StrArray *vars, unsigned depth) {
  if (depth > SEARCH_DEPTH) return true;
  if (facts__is(n, "identifier")) {
    for (uint32_t i = 0; i < vars->len; i++)
      if (facts__node_text_eq(w, n, vars->items[i])) return true;
    return false;
  }
  for (uint32_t i = 0, c = ts_node_named_child_count(n); i < c; i++)
    if (mentions(w, ts_node_named_child(n, i), vars, depth + 1)) return true;
  return false;
}

/* Which arguments of the task call are the same for every task: those that
 * do not use a loop variable. Positional arguments from `first` on count. */
static void task_invariants(Walker *w, Site *s, TSNode task_call, TSNode loop, uint32_t first) {
  if (!facts__is(task_call, "call") || ts_node_is_null(loop)) return;
  StrArray vars = {0};
  if (facts__is(loop, "for_statement")) {
    loop_vars(w, facts__field(loop, FIELD_left), &vars);
  } else if (!facts__is(loop, "while_statement")) {
    for (uint32_t i = 0, n = ts_node_named_child_count(loop); i < n; i++)
      if (facts__is(ts_node_named_child(loop, i), "for_in_clause"))
        loop_vars(w, facts__field(ts_node_named_child(loop, i), FIELD_left), &vars);
  }
  /* names bound inside the loop (`url = base + str(n)`) vary with it too */
  uint32_t lo = ts_node_start_byte(loop), hi = ts_node_end_byte(loop);
  index_bindings(w);
  Span own = w->f->defs.items[w->def].own_assigns;
  uint32_t from = 0, to = (uint32_t)w->by_start.len; /* the first value starting at lo or later */
  while (from < to) {
    uint32_t mid = from + (to - from) / 2;
    if (w->by_start.items[mid].start < lo)
      from = mid + 1;
    else
      to = mid;
  }
  for (uint32_t j = from; j < w->by_start.len && w->by_start.items[j].start < hi && vars.len < 64;
       j++) {
    uint32_t i = w->f->assign_order.items[own.first + w->by_start.items[j].k];
    if (ts_node_end_byte(w->assign_values.items[i]) <= hi &&
        !strpbrk(w->f->assigns.items[i].target, ".["))
      array_push(&vars, (char *)w->f->assigns.items[i].target);
  }
  TSNode args = facts__field(task_call, FIELD_arguments);
  s->invariant_kwargs.first = w->f->names.len;
  s->identical_tasks = vars.len > 0 && !mentions(w, args, &vars, 0);
  for (uint32_t i = 0, pos = 0, n = ts_node_named_child_count(args); i < n; i++) {
    TSNode a = ts_node_named_child(args, i);
    if (facts__is(a, "comment") || facts__is(a, "list_splat") || facts__is(a, "dictionary_splat"))
      continue;
    if (facts__is(a, "keyword_argument")) {
      if (!mentions(w, facts__field(a, FIELD_value), &vars, 0)) {
        facts__add_name(w, facts__text_of(w, facts__field(a, FIELD_name), 0));
        s->invariant_kwargs.count++;
      }
      continue;
    }
    if (pos >= first && pos - first < 32 && !mentions(w, a, &vars, 0))
      s->invariant_args |= 1u << (pos - first);
    pos++;
  }
  array_free(&vars);
}

static void add_site(Walker *w, SiteKind kind, Width width, const char *const *targets,
                     uint32_t ntargets, uint32_t ci, TSNode call, TSNode task_call, TSNode loop,
                     uint32_t first_task_arg) {
  if (width.kind == WIDTH_FIXED && width.count >= 0 && width.count <= 1)
    return; /* one task is no fan-out */
  Site s = {0};
  s.kind = kind;
  s.width = width;
  s.targets.first = w->f->names.len;
  for (uint32_t i = 0; i < ntargets; i++)
    if (targets[i]) facts__add_name(w, targets[i]), s.targets.count++;
  s.call = (int32_t)ci;
  s.def = w->f->calls.items[ci].def;
  s.buffered = kind == SITE_GATHER || kind == SITE_WAIT;
  task_invariants(w, &s, task_call, loop, first_task_arg);
  s.pos = facts__pos_of(facts__field(call, FIELD_function));
  if (facts__is(facts__field(call, FIELD_function), "attribute"))
    s.pos = facts__pos_of(facts__field(facts__field(call, FIELD_function), FIELD_attribute));
  array_push(&w->f->sites, s);
}

static const char *site_kind_names[SITE_KIND_COUNT] = {
    "gather", "create_task",     "ensure_future", "as_completed",
    "wait",   "run_in_executor", "start_soon",    "helper"};

const char *site_kind_name(SiteKind k) { return site_kind_names[k]; }

char *width_text(const Width *w) {
  switch (w->kind) {
  case WIDTH_FIXED: return xasprintf("fixed %s", w->expr ? w->expr : "?");
  case WIDTH_DATA: return xasprintf("data (from %s)", w->expr ? w->expr : "?");
  case WIDTH_UNKNOWN: break;
  }
  return xstrdup("unknown");
}

static bool site_kind_from_name(const char *name, SiteKind *out) {
  for (int i = 0; i < SITE_KIND_COUNT; i++)
    if (strcmp(site_kind_names[i], name) == 0) return *out = (SiteKind)i, true;
  return false;
}

/* The callee with its first name replaced by what an import binds it to:
 * `aio.gather` -> `asyncio.gather`, `gather` -> `asyncio.gather`. */
static char *canonical_callee(const Walker *w, const char *callee) {
  size_t first = strcspn(callee, ".");
  for (uint32_t i = w->f->imports.len; i-- > 0;) {
    const Import *im = &w->f->imports.items[i];
    if (strlen(im->bound) == first && strncmp(im->bound, callee, first) == 0)
      return xasprintf("%s%s", im->target, callee + first);
  }
  return xstrdup(callee);
}

static bool awaits_name(const Walker *w, TSNode n, TSNode name, unsigned depth) {
  if (depth > SEARCH_DEPTH) return false;
  if (facts__is(n, "await")) {
    TSNode inner = ts_node_named_child(n, 0);
    if (facts__is(inner, "identifier") &&
        ts_node_end_byte(inner) - ts_node_start_byte(inner) ==
            ts_node_end_byte(name) - ts_node_start_byte(name) &&
        memcmp(w->src->text + ts_node_start_byte(inner), w->src->text + ts_node_start_byte(name),
               ts_node_end_byte(name) - ts_node_start_byte(name)) == 0)
      return true;
  }
  for (uint32_t i = 0, c = ts_node_named_child_count(n); i < c; i++)
    if (awaits_name(w, ts_node_named_child(n, i), name, depth + 1)) return true;
  return false;
}

/* A task started and awaited in the same iteration runs one at a time:
 * `await loop.run_in_executor(...)`, or `t = create_task(...); await t`. */
static bool sequential_spawn(Walker *w, TSNode call, TSNode loop) {
  Ancestors a;
  ancestors_of(w, call, &a);
  TSNode parent = ancestor(&a, 0);
  if (facts__is(parent, "await")) return true;
  if (facts__is(parent, "assignment") &&
      facts__is(facts__field(parent, FIELD_left), "identifier")) {
    TSNode body = facts__is(loop, "for_statement") || facts__is(loop, "while_statement")
                      ? facts__field(loop, FIELD_body)
                      : loop;
    return awaits_name(w, body, facts__field(parent, FIELD_left), 0);
  }
  return false;
}

/* Call `ci` of the walk (its node `call`, its function `fn`), a candidate:
 * a site when its callee is a fan-out of rules/api.txt. */
static void site_candidate(Walker *w, uint32_t ci, TSNode call, TSNode fn) {
  const Fact *f = site_fact(w, facts__dotted(w, fn));
  char kind_name[32], loop_attr[8];
  SiteKind kind;
  if (!f || !fact_attr(f, "kind", kind_name, sizeof kind_name) ||
      !site_kind_from_name(kind_name, &kind))
    return;
  bool needs_loop =
      fact_attr(f, "loop", loop_attr, sizeof loop_attr) && strcmp(loop_attr, "yes") == 0;
  w->def = w->f->calls.items[ci].def; /* the walk is over: its scope again */
  TSNode args = facts__field(call, FIELD_arguments);
  if (needs_loop) {
    TSNode loop = enclosing_loop(w, call);
    if (ts_node_is_null(loop)) return;
    char arg[8];
    uint32_t target_arg = fact_attr(f, "target", arg, sizeof arg) ? (uint32_t)atoi(arg) : 0;
    if (sequential_spawn(w, call, loop)) return;
    TSNode t = facts__positional_arg(args, target_arg);
    /* run_in_executor(ex, f, x) and start_soon(f, x) take the function;
     * create_task(coro) takes a coroutine, which names a function only as a call. */
    bool by_reference = kind == SITE_RUN_IN_EXECUTOR || kind == SITE_START_SOON;
    Items task = {0};
    if (by_reference)
      items_add_target(&task, ref_target(w, t));
    else
      items_add_call(w, &task, t);
    add_site(w, kind, loop_width(w, loop), task.targets, task.ntargets, ci, call,
             by_reference ? call : t, loop, by_reference ? target_arg + 1 : 0);
    return;
  }
  /* gather / wait / as_completed: what list of awaitables is it given? */
  if (!facts__is(args, "argument_list")) return;
  Items items = {0};
  TSNode first = facts__positional_arg(args, 0);
  if (kind == SITE_GATHER) {
    uint32_t fixed = 0;
    const char *targets[8];
    uint32_t nt = 0;
    for (uint32_t i = 0, n = ts_node_named_child_count(args); i < n; i++) {
      TSNode a = ts_node_named_child(args, i);
      if (facts__is(a, "keyword_argument") || facts__is(a, "comment")) continue;
      if (facts__is(a, "list_splat")) {
        items = list_items(w, ts_node_named_child(a, 0), ts_node_start_byte(call), 0);
        if (!items.is_list)
          items.width = width_make(w, WIDTH_UNKNOWN, ts_node_named_child(a, 0), -1);
        items.is_list = true;
      } else {
        fixed++;
        if (nt < 8) targets[nt++] = listed_target(w, a);
      }
    }
    if (!items.is_list) {
      if (fixed == 0) return;
      add_site(w, kind, width_fixed(w, NULL, fixed), targets, nt, ci, call, (TSNode){0},
               (TSNode){0}, 0);
      return;
    }
  } else {
    items = list_items(w, first, ts_node_start_byte(call), 0);
    if (!items.is_list) items.width = width_make(w, WIDTH_UNKNOWN, first, -1);
  }
  if (items.spawned) { /* reported at the create_task site, whose results this collects */
    if (kind != SITE_AS_COMPLETED && !ts_node_is_null(items.spawn))
      array_push(&w->absorbed, ts_node_start_byte(items.spawn));
    return;
  }
  add_site(w, kind, items.width, items.targets, items.ntargets, ci, call, items.task_call,
           items.loop, 0);
}

/* Calls whose argument is a list of task items: a project helper called like
 * this is a fan-out if the index finds that it gathers that argument. */
static void record_list_args(Walker *w) {
  for (uint32_t i = 0; i < w->f->calls.len; i++) {
    Call *c = &w->f->calls.items[i];
    if (c->nargs == 0 || (c->flags & CALL_REFERENCE) || strpbrk(c->callee, "?(")) continue;
    TSNode call = w->call_nodes.items[i];
    TSNode args = facts__field(call, FIELD_arguments);
    if (!facts__is(args, "argument_list")) continue;
    w->def = c->def;
    for (uint32_t a = 0, n = ts_node_named_child_count(args), pos = 0; a < n && a < 8; a++) {
      TSNode arg = ts_node_named_child(args, a);
      if (facts__is(arg, "keyword_argument") || facts__is(arg, "comment")) continue;
      TSNode x = facts__is(arg, "list_splat") ? ts_node_named_child(arg, 0) : arg;
      if (facts__is(x, "list_comprehension") || facts__is(x, "generator_expression") ||
          facts__is(x, "identifier") || facts__is(x, "subscript") ||
          (facts__is(x, "call") &&
           facts__node_text_eq(w, facts__field(x, FIELD_function), "map"))) {
        Items it = list_items(w, x, c->start_byte, 0);
        /* items of known calls, or a list of data handed on (a parameter, a
         * batch): a helper given it may be a fan-out of it */
        if (it.is_list && !it.spawned && (it.ntargets || it.width.kind != WIDTH_UNKNOWN)) {
          ListArg la = {pos, it.width, facts__add_name(w, it.ntargets ? it.targets[0] : ""), false};
          if (c->list_arg >= 0) w->f->list_args.items[w->f->list_args.len - 1].more = true;
          array_push(&w->f->list_args, la);
          if (c->list_arg < 0) c->list_arg = (int32_t)w->f->list_args.len - 1;
        }
      }
      pos++;
    }
  }
}

/* The site patterns run on each call the walk recorded (in source order, as
 * one run over the tree would find them) whose callee text has one of their
 * words: a pass of the query over the whole tree costs a fifth of parsing it.
 * Calls in branches the walk skipped (dead on CPython 3) are not sites. */
void facts__find_sites(Walker *w) {
  const Query *q = w->ctx->sites;
  if (query_may_match(q, w->src->text)) {
    QueryRun run = {0};
    for (uint32_t i = 0; i < w->f->calls.len; i++) {
      const Call *c = &w->f->calls.items[i];
      if ((c->flags & CALL_REFERENCE) || !query_may_match(q, c->callee))
        continue; /* a reference shares its outer call's node: that call is the candidate */
      TSNode node = w->call_nodes.items[i];
      if (!run.cursor)
        query_run_begin(&run, q, node, w->src->text);
      else
        query_run_node(&run, node);
      TSQueryMatch m;
      while (query_run_next(&run, &m)) {
        TSNode call, fn;
        if (query_match_capture(&m, w->ctx->cap_site, &call) && ts_node_eq(call, node) &&
            query_match_capture(&m, w->ctx->cap_fn, &fn))
          site_candidate(w, i, call, fn);
      }
    }
    if (run.cursor) query_run_end(&run);
  }
  for (uint32_t i = 0; i < w->f->sites.len; i++) {
    Site *site = &w->f->sites.items[i];
    for (uint32_t k = 0; k < w->absorbed.len; k++)
      if (w->f->calls.items[site->call].start_byte == w->absorbed.items[k]) site->buffered = true;
  }
  array_free(&w->absorbed);
  record_list_args(w);
}
