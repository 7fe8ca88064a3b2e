/* sites_width: how many tasks a fan-out starts, as far as the code says:
 * fixed (a literal, a constant, range(N), a slice or min() by a cap, a
 * configured setting), data (input that grows) or unknown, read from the
 * iterable through local bindings, loops and batching. Bindings are indexed
 * per def, so a lookup costs the bindings of that name. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts_walk.h"

Width facts__width_make(Walker *w, WidthKind kind, TSNode expr, int32_t param) {
  Width wd = {kind,  -1, ts_node_is_null(expr) ? NULL : facts__text_of(w, expr, WIDTH_TEXT_MAX),
              param, 0,  NULL};
  return wd;
}

Width facts__width_fixed(Walker *w, const char *fmt_name, int64_t n) {
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

/* The target of the current def's own assignment k. */
static const char *own_assign_target(const void *ctx, uint32_t k) {
  const Walker *w = ctx;
  const Def *d = &w->f->defs.items[w->def];
  return w->f->assigns.items[w->f->assign_order.items[d->own_assigns.first + k]].target;
}

/* Index the current def's own assignments by target and by where their
 * values start, and the names it grows. */
void facts__index_bindings(Walker *w) {
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
  strmap_chain(&w->bound_first, n, own_assign_target, w, w->bound_next.items);
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
      if (!strmap_get(&w->grown, name, NULL))
        strmap_put(&w->grown, arena_strdup(&w->f->arena, name), 1);
      free(name);
    }
  }
}

/* The first own assignment (index into bound_next) of the name `n` is, or UINT32_MAX. */
static uint32_t first_binding(Walker *w, TSNode n) {
  facts__index_bindings(w);
  uint32_t a = ts_node_start_byte(n), len = ts_node_end_byte(n) - a;
  char buf[128];
  if (len >= sizeof buf) return UINT32_MAX;
  memcpy(buf, w->src->text + a, len);
  buf[len] = '\0';
  uint32_t k;
  return strmap_get(&w->bound_first, buf, &k) ? k : UINT32_MAX;
}

TSNode facts__local_binding(Walker *w, TSNode name, uint32_t before) {
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
  if (!facts__is(n, KIND_integer)) return false;
  *out = facts__int_value(w->src->text + ts_node_start_byte(n),
                          ts_node_end_byte(n) - ts_node_start_byte(n));
  return true;
}

static bool attribute_fixed(Walker *w, TSNode n, unsigned depth, Width *out);

/* The parameter of the current def a name is, or -1. */
static int32_t param_of(const Walker *w, TSNode n) {
  if (!facts__is(n, KIND_identifier)) return -1;
  uint32_t s = ts_node_start_byte(n);
  return facts__param_index(w, w->src->text + s, ts_node_end_byte(n) - s);
}

/* The width of one group cut from a list by `size`: fixed for a literal or a
 * module constant; data otherwise, recording the parameter that sizes it (a
 * helper batching its list parameter: each caller's argument tells the size). */
static Width batch_size_width(Walker *w, TSNode groups, TSNode size) {
  int64_t v;
  if (int_literal(w, size, &v)) return facts__width_fixed(w, NULL, v);
  const Const *k = facts__is(size, KIND_identifier) ? module_const(w, size) : NULL;
  if (k) return facts__width_fixed(w, k->name, k->value);
  Width wd = facts__width_make(w, WIDTH_DATA, groups, -1);
  int32_t p = param_of(w, size);
  if (p >= 0) wd.batch_by = (uint32_t)p + 1;
  return wd;
}

static bool setting(Walker *w, TSNode n);

/* A width set by configuration: `self.concurrency`, or `min(len(xs),
 * cfg.max_results)` (directly or through a name bound once): at most that
 * setting, whatever the data holds. A null node when it is not one. */
static TSNode configured_cap(Walker *w, TSNode n, unsigned depth) {
  if (facts__is(n, KIND_attribute)) return n;
  if (facts__is(n, KIND_identifier) && depth < 4 && single_binding(w, n)) {
    TSNode bound = facts__local_binding(w, n, ts_node_start_byte(n));
    return ts_node_is_null(bound) || facts__is(bound, KIND_identifier)
               ? (TSNode){0}
               : configured_cap(w, bound, depth + 1);
  }
  if (!facts__is(n, KIND_call) || !facts__node_text_eq(w, facts__field(n, FIELD_function), "min"))
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
  uint32_t n = facts__element_count(args);
  TSNode a = facts__positional_arg(args, 0), b = facts__positional_arg(args, 1);
  int64_t x, y;
  if (n == 1 && int_literal(w, a, &x)) return facts__width_fixed(w, NULL, x);
  if (n == 2 && int_literal(w, a, &x) && int_literal(w, b, &y))
    return facts__width_fixed(w, NULL, y - x);
  TSNode cap = n == 1 ? configured_cap(w, a, 0) : (TSNode){0};
  if (!ts_node_is_null(cap)) { /* range(self.concurrency), range(min(len(xs), cfg.top_k)) */
    int64_t v;
    if (int_literal(w, cap, &v)) return facts__width_fixed(w, NULL, v);
    Width wd = facts__width_make(w, WIDTH_FIXED, cap, -1);
    char *text = xasprintf("at most %s", facts__text_of(w, cap, WIDTH_TEXT_MAX));
    wd.expr = arena_strdup(&w->f->arena, text);
    free(text);
    return wd;
  }
  if (n == 1 && facts__is(a, KIND_identifier)) {
    const Const *k = module_const(w, a);
    if (k) return facts__width_fixed(w, k->name, k->value);
    uint32_t s = ts_node_start_byte(a);
    return facts__width_make(w, WIDTH_DATA, call,
                             facts__param_index(w, w->src->text + s, ts_node_end_byte(a) - s));
  }
  return facts__width_make(w, WIDTH_DATA, call, -1);
}

/* Whether a slice bound is a setting rather than a size taken from the data:
 * an attribute (`self.config.top_k`), a parameter, a name the def does not
 * compute (a global), or one bound to a literal or an attribute. */
static bool setting(Walker *w, TSNode n) {
  if (facts__is(n, KIND_attribute)) return true;
  if (!facts__is(n, KIND_identifier)) return false;
  if (param_of(w, n) >= 0) return true;
  TSNode bound = facts__local_binding(w, n, ts_node_start_byte(n));
  return ts_node_is_null(bound) || facts__is(bound, KIND_integer) ||
         facts__is(bound, KIND_attribute);
}

/* The count of a slice `xs[:10]`, `xs[i:i + BATCH]`, or 0. */
Width facts__classify_slice(Walker *w, TSNode sub) {
  TSNode slice = facts__field(sub, FIELD_subscript);
  if (!facts__is(slice, KIND_slice)) return facts__width_make(w, WIDTH_DATA, sub, -1);
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
  if (ts_node_is_null(start) && int_literal(w, stop, &v)) return facts__width_fixed(w, NULL, v);
  if (ts_node_is_null(start) && leading_colon && setting(w, stop)) {
    /* top = ranked[:self.config.top_k]: a cap, however long the list is */
    Width wd = facts__width_make(w, WIDTH_FIXED, stop, param_of(w, facts__field(sub, FIELD_value)));
    char *text = xasprintf("at most %s", facts__text_of(w, stop, WIDTH_TEXT_MAX));
    wd.expr = arena_strdup(&w->f->arena, text);
    free(text);
    return wd;
  }
  if (!ts_node_is_null(start) && facts__is(stop, KIND_binary_operator) &&
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
  return facts__width_make(w, WIDTH_DATA, sub, -1);
}

void facts__ancestors_of(const Walker *w, TSNode n, Ancestors *a) {
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
TSNode facts__ancestor(const Ancestors *a, uint32_t i) {
  if (i >= a->len || i >= ANCESTORS_MAX) return (TSNode){0};
  return a->items[(a->len - 1 - i) % ANCESTORS_MAX];
}

/* Whether a for loop of the current def may bind `name` (its target's text
 * holds it, or was cut short): the loops are all known once the walk is over,
 * and a name no loop target mentions needs no search of its ancestors. */
static bool loop_may_bind(Walker *w, TSNode name) {
  const Facts *f = w->f;
  if (!w->loop_head) { /* chain each def's loops, once */
    w->loop_head = xmalloc(((size_t)f->defs.len + 1) * sizeof(uint32_t));
    w->loop_next = xmalloc(((size_t)f->loops.len + 1) * sizeof(uint32_t));
    for (uint32_t d = 0; d <= f->defs.len; d++) w->loop_head[d] = UINT32_MAX;
    for (uint32_t i = f->loops.len; i-- > 0;) {
      uint32_t d = (uint32_t)f->loops.items[i].def;
      w->loop_next[i] = w->loop_head[d];
      w->loop_head[d] = i;
    }
  }
  char text[256];
  uint32_t a = ts_node_start_byte(name), n = ts_node_end_byte(name) - a;
  /* the innermost def around the name: defs are in source order (the walk's), so the last
   * one starting before it, or the nearest def around that one */
  uint32_t lo = 0, hi = w->def_bytes.len;
  while (hi - lo > 1) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (w->def_bytes.items[mid].first <= a)
      lo = mid;
    else
      hi = mid;
  }
  int32_t d = (int32_t)lo;
  while (d > 0 && w->def_bytes.items[d].end < a + n) d = f->defs.items[d].parent;
  if (d < 0) return true;
  if (n >= sizeof text) return true;
  memcpy(text, w->src->text + a, n);
  text[n] = '\0';
  for (uint32_t i = w->loop_head[d]; i != UINT32_MAX; i = w->loop_next[i]) {
    const Loop *l = &f->loops.items[i];
    if (l->is_while || !l->target) continue;
    if (strstr(l->target, text) || str_ends_with(l->target, "...")) return true; /* or cut short */
  }
  return false;
}

/* The iterable of the enclosing `for` that binds this name (`batch` in
 * `for batch in batched(xs, 10):`), or a null node. */
TSNode facts__loop_source(Walker *w, TSNode name) {
  if (!loop_may_bind(w, name)) return (TSNode){0};
  Ancestors a;
  facts__ancestors_of(w, name, &a);
  TSNode p;
  for (uint32_t i = 0; !ts_node_is_null(p = facts__ancestor(&a, i)); i++) {
    if (facts__is(p, KIND_function_definition) || facts__is(p, KIND_lambda) ||
        facts__is(p, KIND_class_definition))
      break;
    if (!facts__is(p, KIND_for_statement)) continue;
    TSNode left = facts__field(p, FIELD_left), right = facts__field(p, FIELD_right);
    /* `for i, batch in enumerate(batches)`: the batch is an item of `batches` */
    if ((facts__is(left, KIND_pattern_list) || facts__is(left, KIND_tuple_pattern)) &&
        ts_node_named_child_count(left) == 2 && facts__is(right, KIND_call) &&
        facts__node_text_eq(w, facts__field(right, FIELD_function), "enumerate")) {
      left = ts_node_named_child(left, 1);
      right = facts__positional_arg(facts__field(right, FIELD_arguments), 0);
    }
    if (facts__is(left, KIND_identifier) &&
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
  if (facts__is(source, KIND_identifier) && depth < 6) { /* batches = batched(xs, 10) */
    TSNode bound = facts__local_binding(w, source, ts_node_start_byte(source));
    if (facts__is(bound, KIND_call) && single_binding(w, source))
      return batch_width(w, bound, depth + 1);
  }
  if (facts__is(source, KIND_call)) {
    const char *callee = facts__dotted(w, facts__field(source, FIELD_function));
    const Fact *f = knowledge_get(w->ctx->knowledge, FACT_BATCHER, callee);
    if (!f) f = knowledge_get(w->ctx->knowledge, FACT_BATCHER, str_last_component(callee));
    if (fact_get(f, ATTR_SIZE)) {
      TSNode args = facts__field(source, FIELD_arguments);
      TSNode size = facts__positional_arg(args, (uint32_t)fact_number(f, ATTR_SIZE, 0));
      Width wd = batch_size_width(w, source, size);
      wd.param = param_of(w, facts__positional_arg(args, 0));
      return wd;
    }
  }
  return facts__width_make(w, WIDTH_DATA, source, -1); /* an item of a data list: data */
}

/* By the node's shape: a literal is fixed (data with a splat), a comprehension or wrapper goes by
 * what it iterates, a name by its loop, parameter, module constant or single local binding,
 * `range()` by its bounds, a loader as data, a batcher by the list it groups. Stops at depth 6. */
Width facts__classify_iterable(Walker *w, TSNode n, unsigned depth) {
  if (depth > 6 || ts_node_is_null(n)) return facts__width_make(w, WIDTH_UNKNOWN, n, -1);
  if (facts__is(n, KIND_parenthesized_expression))
    return facts__classify_iterable(w, ts_node_named_child(n, 0), depth + 1);
  if (facts__is(n, KIND_list) || facts__is(n, KIND_tuple) || facts__is(n, KIND_set)) {
    for (uint32_t i = 0, c = ts_node_named_child_count(n); i < c; i++)
      if (facts__is(ts_node_named_child(n, i), KIND_list_splat))
        return facts__width_make(w, WIDTH_DATA, n, -1);
    return facts__width_fixed(w, NULL, facts__element_count(n));
  }
  if (facts__is(n, KIND_list_comprehension) || facts__is(n, KIND_generator_expression) ||
      facts__is(n, KIND_set_comprehension) || facts__is(n, KIND_dictionary_comprehension)) {
    for (uint32_t i = 0, c = ts_node_named_child_count(n); i < c; i++)
      if (facts__is(ts_node_named_child(n, i), KIND_for_in_clause))
        return facts__classify_iterable(w, facts__field(ts_node_named_child(n, i), FIELD_right),
                                        depth + 1);
  }
  if (facts__is(n, KIND_identifier)) {
    TSNode source = facts__loop_source(w, n);
    if (!ts_node_is_null(source)) return batch_width(w, source, depth);
    uint32_t s = ts_node_start_byte(n);
    int32_t p = facts__param_index(w, w->src->text + s, ts_node_end_byte(n) - s);
    if (p >= 0) return facts__width_make(w, WIDTH_DATA, n, p);
    const Const *k = module_const(w, n);
    if (k) return facts__width_fixed(w, k->name, k->value);
    TSNode bound = facts__local_binding(w, n, ts_node_start_byte(n));
    if (!ts_node_is_null(bound) && !single_binding(w, n))
      return facts__width_make(w, WIDTH_DATA, n, -1);
    if (!ts_node_is_null(bound)) {
      Width inner = facts__classify_iterable(w, bound, depth + 1);
      if (inner.kind == WIDTH_FIXED) return inner;
      if (inner.kind == WIDTH_DATA && !inner.source) inner.source = inner.expr;
      inner.kind = WIDTH_DATA; /* unknown: a variable holding data of its own */
      inner.expr = facts__text_of(w, n, WIDTH_TEXT_MAX);
      return inner;
    }
    return facts__width_make(w, WIDTH_DATA, n, -1);
  }
  if (facts__is(n, KIND_attribute)) {
    Width fixed;
    return attribute_fixed(w, n, depth, &fixed) ? fixed : facts__width_make(w, WIDTH_DATA, n, -1);
  }
  if (facts__is(n, KIND_subscript)) return facts__classify_slice(w, n);
  if (facts__is(n, KIND_call)) {
    TSNode fn = facts__field(n, FIELD_function), args = facts__field(n, FIELD_arguments);
    const char *callee = facts__dotted(w, fn);
    if (strcmp(callee, "range") == 0 && facts__is(args, KIND_argument_list))
      return classify_range(w, n, args);
    const Fact *f = facts__callee_fact(w->ctx->knowledge, FACT_ITERABLE_WRAPPER, callee);
    if (f && facts__is(args, KIND_argument_list)) {
      const char *which = fact_get(f, ATTR_ARG);
      uint32_t arg = (uint32_t)fact_number(f, ATTR_ARG, 0);
      if (which && strcmp(which, "self") == 0 && facts__is(fn, KIND_attribute))
        return facts__classify_iterable(w, facts__field(fn, FIELD_object), depth + 1);
      return facts__classify_iterable(w, facts__positional_arg(args, arg), depth + 1);
    }
    if (facts__callee_fact(w->ctx->knowledge, FACT_LOADER, callee))
      return facts__width_make(w, WIDTH_DATA, n, -1);
    /* groups of a data list: fewer, but still as many as the input makes */
    const Fact *batcher = knowledge_get(w->ctx->knowledge, FACT_BATCHER, callee);
    if (!batcher)
      batcher = knowledge_get(w->ctx->knowledge, FACT_BATCHER, str_last_component(callee));
    if (batcher && facts__is(args, KIND_argument_list)) {
      Width inner = facts__classify_iterable(w, facts__positional_arg(args, 0), depth + 1);
      if (inner.kind == WIDTH_DATA) return inner;
    }
    return facts__width_make(w, WIDTH_UNKNOWN, n, -1);
  }
  return facts__width_make(w, WIDTH_DATA, n, -1);
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
      f->defs.items[d->parent].kind != DEF_CLASS || !facts__is(obj, KIND_identifier) ||
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
    Width v = facts__classify_iterable(w, w->assign_values.items[i], depth + 1);
    w->def = here;
    fixed = v.kind == WIDTH_FIXED;
    if (fixed && v.count > most) most = v.count;
  }
  if (!fixed || most < 0) return false;
  *out = facts__width_fixed(w, dotted, most);
  return true;
}

TSNode facts__enclosing_loop(const Walker *w, TSNode n) {
  Ancestors a;
  facts__ancestors_of(w, n, &a);
  TSNode p;
  for (uint32_t i = 0; !ts_node_is_null(p = facts__ancestor(&a, i)); i++) {
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

Width facts__loop_width(Walker *w, TSNode loop) {
  if (facts__is(loop, KIND_for_statement))
    return facts__classify_iterable(w, facts__field(loop, FIELD_right), 0);
  if (facts__is(loop, KIND_while_statement))
    return facts__width_make(w, WIDTH_UNKNOWN, facts__field(loop, FIELD_condition), -1);
  return facts__classify_iterable(w, loop, 0);
}
