/* facts: one pass over a file's syntax tree records what the analysis needs
 * (definitions, imports, calls, assignments, with items; facts_flow.c,
 * facts_log.c and sites.c add control flow, log callsites and fan-out sites),
 * then the tree is freed. O(nodes), recursive to MAX_DEPTH. */
#include "facts.h"

#include <string.h>

#include "facts_walk.h"
#include "parse.h"

/* ---- definitions ------------------------------------------------------------ */

uint32_t facts__cursor_on(Walker *w, TSNode n) {
  uint32_t d = w->depth;
  while (w->cursors.len <= d) array_push(&w->cursors, ts_tree_cursor_new(n));
  ts_tree_cursor_reset(&w->cursors.items[d], n);
  return d;
}

void facts__walk_children(Walker *w, TSNode n) {
  /* A cursor: ts_node_child(n, i) rescans the siblings before i each time,
   * which makes a module of thousands of statements quadratic. */
  uint32_t d = facts__cursor_on(w, n);
  if (ts_tree_cursor_goto_first_child(&w->cursors.items[d])) {
    do facts__walk(w, ts_tree_cursor_current_node(&w->cursors.items[d]));
    while (ts_tree_cursor_goto_next_sibling(&w->cursors.items[d]));
  }
}

/* A function's parameter names ("*args" keeps its star), then their
 * annotations, then their defaults ("" when absent), each in order and each a
 * contiguous slice of the name pool. */
static void collect_params(Walker *w, TSNode params, Def *d) {
  TSNode kids[64];
  uint32_t n = facts__named_children(params, kids, 64);
  Array(const char *) texts = {0}; /* name, type, default per parameter */
  for (uint32_t i = 0; i < n; i++) {
    TSNode p = facts__kid(kids, 64, params, i), name = p, dflt = {0};
    NodeKind k = facts__kind(p);
    if (k == KIND_default_parameter || k == KIND_typed_default_parameter) {
      name = facts__field(p, FIELD_name);
      dflt = facts__field(p, FIELD_value);
    } else if (k == KIND_typed_parameter) {
      name = ts_node_named_child(p, 0);
    }
    NodeKind nk = ts_node_is_null(name) ? KIND_OTHER : facts__kind(name);
    if (nk != KIND_list_splat_pattern && nk != KIND_dictionary_splat_pattern &&
        nk != KIND_identifier)
      continue;
    TSNode type = facts__field(p, FIELD_type);
    array_push(&texts, facts__text_of(w, name, 0));
    array_push(&texts, ts_node_is_null(type) ? "" : facts__text_of(w, type, VALUE_TEXT_MAX));
    array_push(&texts, ts_node_is_null(dflt) ? "" : facts__text_of(w, dflt, VALUE_TEXT_MAX));
  }
  uint32_t count = texts.len / 3;
  NameList *lists[3] = {&d->params, &d->param_types, &d->param_defaults};
  for (uint32_t part = 0; part < 3; part++) {
    *lists[part] = (NameList){w->f->names.len, count};
    for (uint32_t i = 0; i < count; i++) facts__add_name(w, texts.items[3 * i + part]);
  }
  array_free(&texts);
}

static int32_t add_def(Walker *w, DefKind kind, TSNode node, TSNode name_node) {
  Def d = {0};
  d.kind = kind;
  d.parent = w->def;
  d.name = facts__text_of(w, name_node, 0);
  const Def *parent = facts__cur_def(w);
  if (parent->kind == DEF_MODULE) {
    d.qualname = d.name;
  } else {
    char *q = xasprintf("%s.%s", parent->qualname, d.name);
    d.qualname = arena_strdup(&w->f->arena, q);
    free(q);
  }
  d.pos = facts__pos_of(node);
  d.end_line = ts_node_end_point(node).row + 1;
  d.is_async = facts__is_token(ts_node_child(node, 0), "async"); /* `async def`: its first */
  array_push(&w->f->defs, d);
  array_push(&w->def_nodes, node);
  array_push(&w->def_bytes, ((Span){ts_node_start_byte(node), ts_node_end_byte(node)}));
  return (int32_t)w->f->defs.len - 1;
}

/* Record a class (its bases) or function (its parameters, their types and defaults, its return
 * type) as a def, then walk its decorators and body in its own scope. Defaults are walked in the
 * enclosing scope; calls in decorators are flagged CALL_DECORATOR. */
static void walk_definition(Walker *w, TSNode node, TSNode decorated) {
  bool is_class = facts__is(node, KIND_class_definition);
  int32_t id =
      add_def(w, is_class ? DEF_CLASS : DEF_FUNCTION, node, facts__field(node, FIELD_name));
  Def *d = &w->f->defs.items[id];
  if (is_class) {
    TSNode sup = facts__field(node, FIELD_superclasses);
    d->bases.first = w->f->names.len;
    for (uint32_t i = 0, n = ts_node_is_null(sup) ? 0 : ts_node_named_child_count(sup); i < n;
         i++) {
      TSNode b = ts_node_named_child(sup, i);
      if (facts__is(b, KIND_keyword_argument)) continue;
      if (facts__is(b, KIND_subscript)) b = facts__field(b, FIELD_value); /* Base[In, Out] */
      facts__add_name(w, facts__dotted(w, b));
      w->f->defs.items[id].bases.count++;
    }
  } else {
    Def params = {0}; /* the names pool may move: the def is set after */
    collect_params(w, facts__field(node, FIELD_parameters), &params);
    w->f->defs.items[id].params = params.params;
    w->f->defs.items[id].param_types = params.param_types;
    w->f->defs.items[id].param_defaults = params.param_defaults;
    TSNode ret = facts__field(node, FIELD_return_type);
    if (!ts_node_is_null(ret))
      w->f->defs.items[id].returns = facts__text_of(w, ret, VALUE_TEXT_MAX);
    /* Defaults are evaluated in the enclosing scope. */
    facts__walk(w, facts__field(node, FIELD_parameters));
  }
  /* Switch into the new definition's scope. */
  int32_t saved_def = w->def, saved_outer = w->outer_call;
  uint32_t saved_loop = w->loop_depth, saved_lambda = w->lambda_depth;
  int32_t saved_loop_index = w->loop_index;
  w->def = id;
  w->loop_depth = 0;
  w->lambda_depth = 0;
  w->loop_index = -1;
  w->outer_call = -1;
  if (!ts_node_is_null(decorated)) {
    d = &w->f->defs.items[id];
    /* Texts first (the name pool slice must be contiguous), then the walk. */
    d->decorators.first = w->f->names.len;
    d->decorator_pos = w->f->positions.len;
    for (uint32_t i = 0, n = ts_node_named_child_count(decorated); i < n; i++) {
      TSNode dec = ts_node_named_child(decorated, i);
      if (!facts__is(dec, KIND_decorator)) continue;
      facts__add_name(w, facts__text_of(w, ts_node_named_child(dec, 0), VALUE_TEXT_MAX));
      array_push(&w->f->positions, facts__pos_of(dec));
      w->f->defs.items[id].decorators.count++;
    }
    for (uint32_t i = 0, n = ts_node_named_child_count(decorated); i < n; i++) {
      TSNode dec = ts_node_named_child(decorated, i);
      if (!facts__is(dec, KIND_decorator)) continue;
      uint32_t before = w->f->calls.len;
      facts__walk(w, ts_node_named_child(dec, 0));
      for (uint32_t c = before; c < w->f->calls.len; c++)
        w->f->calls.items[c].flags |= CALL_DECORATOR;
    }
  }
  facts__walk(w, facts__field(node, FIELD_body));
  w->def = saved_def;
  w->loop_depth = saved_loop;
  w->lambda_depth = saved_lambda;
  w->loop_index = saved_loop_index;
  w->outer_call = saved_outer;
}

/* ---- imports ------------------------------------------------------------------ */

static void add_import(Walker *w, TSNode at, const char *bound, const char *target, bool is_from) {
  Import im = {bound, target, is_from, w->def, facts__pos_of(at)};
  array_push(&w->f->imports, im);
}

/* The package a relative import with `dots` leading dots starts from, or NULL
 * when it climbs above the top package. */
static char *relative_base(const Walker *w, uint32_t dots) {
  char *base = xstrdup(w->src->module);
  uint32_t up = w->src->is_package ? dots - 1 : dots;
  for (uint32_t i = 0; i < up; i++) {
    char *dot = strrchr(base, '.');
    if (!dot) {
      /* Only a top-level module (a script beside its siblings) may climb to
       * the directory itself; anything else has gone above the top package. */
      if (i == 0 && up == 1) {
        base[0] = '\0';
        return base;
      }
      free(base);
      return NULL;
    }
    *dot = '\0';
  }
  return base;
}

/* Record what an import binds: `from m import f as g` binds g to m.f (a relative m resolved from
 * this file's package, `*` bound to m itself), `import a.b` binds a, `import a.b as c` binds c to
 * a.b. A relative import that climbs above the top package is dropped. */
static void walk_import(Walker *w, TSNode n) {
  bool from = facts__is(n, KIND_import_from_statement);
  char *module = NULL;
  if (from) {
    TSNode m = facts__field(n, FIELD_module_name);
    if (facts__is(m, KIND_relative_import)) {
      TSNode prefix = ts_node_named_child(m, 0);
      uint32_t dots = ts_node_end_byte(prefix) - ts_node_start_byte(prefix);
      char *base = relative_base(w, dots);
      if (!base) return;
      if (ts_node_named_child_count(m) > 1) { /* from .x.y import f */
        const char *r = facts__dotted(w, ts_node_named_child(m, 1));
        module = base[0] ? xasprintf("%s.%s", base, r) : xstrdup(r);
      } else { /* from . import f */
        module = xstrdup(base);
      }
      free(base);
    } else {
      module = xstrdup(facts__dotted(w, m));
    }
  }
  uint32_t count = ts_node_named_child_count(n);
  for (uint32_t i = 0; i < count; i++) {
    TSNode c = ts_node_named_child(n, i);
    if (from && ts_node_start_byte(c) == ts_node_start_byte(facts__field(n, FIELD_module_name)))
      continue;
    TSNode name = c, alias = {0};
    if (facts__is(c, KIND_aliased_import)) {
      name = facts__field(c, FIELD_name);
      alias = facts__field(c, FIELD_alias);
    } else if (facts__is(c, KIND_wildcard_import)) { /* from m import *: bound "*", target m */
      if (from && module[0]) add_import(w, c, "*", arena_strdup(&w->f->arena, module), true);
      continue;
    } else if (!facts__is(c, KIND_dotted_name)) {
      continue;
    }
    const char *dn = facts__dotted(w, name);
    if (from) {
      char *t = module[0] ? xasprintf("%s.%s", module, dn) : xstrdup(dn);
      add_import(w, c, ts_node_is_null(alias) ? dn : facts__text_of(w, alias, 0),
                 arena_strdup(&w->f->arena, t), true);
      free(t);
    } else if (!ts_node_is_null(alias)) {
      add_import(w, c, facts__text_of(w, alias, 0), dn, false);
    } else {
      /* `import a.b.c` binds `a` to the package `a`; a call `a.b.c.f()` then
       * reads as the dotted name it is. */
      size_t first = strcspn(dn, ".");
      add_import(w, c, arena_strndup(&w->f->arena, dn, first),
                 arena_strndup(&w->f->arena, dn, first), false);
    }
  }
  free(module);
}

/* map(f, xs), partial(f, ...), start_soon(f, ...): f is called later, so the
 * call graph gets an edge to it as a reference call. */
static void add_reference_call(Walker *w, uint32_t ci, TSNode args) {
  const Fact *f =
      facts__callee_fact(w->ctx->knowledge, FACT_REFERENCE, w->f->calls.items[ci].callee);
  if (!fact_get(f, ATTR_ARG) || !facts__is(args, KIND_argument_list)) return;
  TSNode a = facts__positional_arg(args, (uint32_t)fact_number(f, ATTR_ARG, 0));
  if (!facts__is(a, KIND_identifier) && !facts__is(a, KIND_attribute)) return;
  Call r = w->f->calls.items[ci];
  r.callee = facts__dotted(w, a);
  r.flags = (r.flags & CALL_IN_LOOP) | CALL_REFERENCE;
  r.outer = (int32_t)ci;
  r.nargs = r.nkwargs = 0;
  r.message = NULL;
  r.list_arg = -1;
  r.pos = facts__pos_of(a);
  array_push(&w->f->calls, r);
  array_push(&w->call_nodes, w->call_nodes.items[ci]); /* its bytes are the outer call's */
}

/* Record a call: its callee, span, def, outer call, flags, keyword arguments and up to 16
 * positional argument texts, and note a log site or passed-function reference it makes. Then walk
 * the callee, and the arguments with this call as their outer call. */
static void walk_call(Walker *w, TSNode n) {
  Call c = {0};
  TSNode fn = facts__field(n, FIELD_function);
  c.callee = facts__dotted(w, fn);
  c.pos = facts__pos_of(n);
  c.start_byte = ts_node_start_byte(n);
  c.end_byte = ts_node_end_byte(n);
  c.def = w->def;
  c.outer = w->outer_call;
  c.guard = w->guard;
  c.list_arg = -1;
  if (w->loop_depth) c.flags |= CALL_IN_LOOP;
  if (w->lambda_depth) c.flags |= CALL_IN_LAMBDA;
  if (c.start_byte == w->awaited_start && c.end_byte == w->awaited_end) c.flags |= CALL_AWAITED;
  if (c.start_byte == w->statement_start && c.end_byte == w->statement_end)
    c.flags |= CALL_DISCARDED; /* `f(x)` or `await f(x)` as a statement */
  TSNode args = facts__field(n, FIELD_arguments);
  c.first_kwarg = w->f->kwargs.len;
  c.args.first = w->f->names.len;
  if (facts__is(args, KIND_argument_list)) {
    for (uint32_t i = 0, count = ts_node_named_child_count(args); i < count; i++) {
      TSNode a = ts_node_named_child(args, i);
      if (facts__is(a, KIND_keyword_argument)) {
        Kwarg kw = {facts__text_of(w, facts__field(a, FIELD_name), 0),
                    facts__text_of(w, facts__field(a, FIELD_value), VALUE_TEXT_MAX)};
        array_push(&w->f->kwargs, kw);
        c.nkwargs++;
      } else if (facts__is(a, KIND_list_splat)) {
        c.flags |= CALL_STAR_ARGS;
        if (c.nargs == 0) c.arg0 = facts__text_of(w, a, VALUE_TEXT_MAX); /* "*tasks" */
        c.nargs++;
      } else if (facts__is(a, KIND_dictionary_splat)) {
        c.flags |= CALL_KW_SPLAT;
      } else if (!facts__is(a, KIND_comment)) {
        if (c.nargs == 0 && facts__is_stringish(a)) c.message = facts__message_template(w, a);
        if (c.nargs == 0) c.arg0 = facts__text_of(w, a, VALUE_TEXT_MAX);
        if (c.nargs < 16) facts__add_name(w, facts__text_of(w, a, VALUE_TEXT_MAX)), c.args.count++;
        c.nargs++;
      }
    }
  } else if (!ts_node_is_null(args)) {
    c.nargs = 1; /* f(x for x in xs) */
    c.arg0 = facts__text_of(w, args, VALUE_TEXT_MAX);
  }
  array_push(&w->f->calls, c);
  array_push(&w->call_nodes, n);
  uint32_t ci = w->f->calls.len - 1;
  facts__maybe_log_site(w, ci, n);
  add_reference_call(w, ci, args);

  facts__walk(w, fn);
  int32_t saved = w->outer_call;
  w->outer_call = (int32_t)ci;
  facts__walk(w, args);
  w->outer_call = saved;
}

/* A list or tuple written out, or a sum of them: `[A, B]`, `(A,)`, `[A] + [B]`
 * (a comprehension is none). */
static bool literal_list_at(Walker *w, TSNode n, unsigned depth) {
  while (facts__is(n, KIND_parenthesized_expression))
    n = ts_node_named_child(n, 0); /* no recursion */
  if (facts__is(n, KIND_list) || facts__is(n, KIND_tuple)) return true;
  if (depth > 8) return false;   /* `[a] + [b] + ...` this long is no schema list */
  if (facts__is(n, KIND_call)) { /* `cast(list[str], [...])`: typing.cast returns its value */
    TSNode fn = facts__field(n, FIELD_function), args = facts__field(n, FIELD_arguments);
    return (facts__node_text_eq(w, fn, "cast") || facts__node_text_eq(w, fn, "typing.cast") ||
            facts__node_text_eq(w, fn, "t.cast")) &&
           ts_node_named_child_count(args) == 2 &&
           literal_list_at(w, ts_node_named_child(args, 1), depth + 1);
  }
  return facts__is(n, KIND_binary_operator) &&
         literal_list_at(w, ts_node_child_by_field_name(n, "left", 4), depth + 1) &&
         literal_list_at(w, ts_node_child_by_field_name(n, "right", 5), depth + 1);
}

static bool literal_list(Walker *w, TSNode n) { return literal_list_at(w, n, 0); }

/* Record assignment `a` with its value node; its target joins the names bound
 * so far, so a call of a name never bound costs no search of the bindings. */
static void record_assign(Walker *w, const Assign *a, TSNode value) {
  array_push(&w->f->assigns, *a);
  array_push(&w->assign_values, value);
  if (!strmap_get(&w->assigned, a->target, NULL)) strmap_put(&w->assigned, a->target, 1);
}

/* `if tool := next(...)`: the name is bound like an assignment's. */
static void walk_walrus(Walker *w, TSNode n) {
  TSNode name = facts__field(n, FIELD_name), value = facts__field(n, FIELD_value);
  if (ts_node_is_null(name) || ts_node_is_null(value)) {
    facts__walk_children(w, n);
    return;
  }
  uint32_t call_index = w->f->calls.len;
  facts__walk(w, value);
  Assign a = {facts__dotted(w, name), facts__text_of(w, value, VALUE_TEXT_MAX), -1, w->def,
              facts__pos_of(n)};
  if (facts__is(value, KIND_call) && call_index < w->f->calls.len) a.call = (int32_t)call_index;
  record_assign(w, &a, value);
}

/* Record `x = v`, `obj.attr = v` and `d[k] = v` (target `d[]`) with the call that makes the value;
 * at module level, also a name bound to a dead condition, and integer, list or tuple literals as
 * constants. The value is walked before the target. */
static void walk_assignment(Walker *w, TSNode n) {
  TSNode left = facts__field(n, FIELD_left), right = facts__field(n, FIELD_right);
  if (ts_node_is_null(right)) { /* annotation only */
    facts__walk_children(w, n);
    return;
  }
  uint32_t call_index = w->f->calls.len;
  facts__walk(w, right);
  if (facts__is(left, KIND_subscript)) { /* tasks[key] = fetch(key): recorded as "tasks[]" */
    char *target = xasprintf("%s[]", facts__dotted(w, facts__field(left, FIELD_value)));
    Assign a = {arena_strdup(&w->f->arena, target), facts__text_of(w, right, VALUE_TEXT_MAX), -1,
                w->def, facts__pos_of(n)};
    free(target);
    if (facts__is(right, KIND_call) && call_index < w->f->calls.len) a.call = (int32_t)call_index;
    record_assign(w, &a, right);
  } else if (facts__is(left, KIND_identifier) || facts__is(left, KIND_attribute)) {
    Assign a = {facts__dotted(w, left), facts__text_of(w, right, VALUE_TEXT_MAX), -1, w->def,
                facts__pos_of(n)};
    if (facts__is(right, KIND_call) && call_index < w->f->calls.len)
      a.call = (int32_t)call_index;
    else if (facts__is(right, KIND_await) && facts__is(ts_node_named_child(right, 0), KIND_call) &&
             call_index < w->f->calls.len)
      a.call = (int32_t)call_index;
    record_assign(w, &a, right);
    if (w->def == 0 && facts__is(left, KIND_identifier) && facts__dead_condition(w, right))
      array_push(&w->dead_flags, xstrdup(a.target));
    if (w->def == 0 && facts__is(left, KIND_identifier)) { /* module constants */
      /* A literal bound at module level; whether it stays constant (bound
       * once, never grown) is judged where it is used. */
      const char *name = a.target;
      if (facts__is(right, KIND_integer)) {
        Const k = {name, facts__int_value(w->src->text + ts_node_start_byte(right),
                                          ts_node_end_byte(right) - ts_node_start_byte(right))};
        array_push(&w->f->consts, k);
      } else if (facts__is(right, KIND_list) || facts__is(right, KIND_tuple)) {
        Const k = {name, facts__element_count(right)};
        array_push(&w->f->consts, k);
      }
    }
  }
  facts__walk(w, left);
}

static void walk_with(Walker *w, TSNode n) {
  bool async = facts__is_token(ts_node_child(n, 0), "async"); /* `async with`: its first */
  TSNode clause = {0};
  for (uint32_t i = 0, count = ts_node_named_child_count(n); i < count; i++)
    if (facts__is(ts_node_named_child(n, i), KIND_with_clause)) clause = ts_node_named_child(n, i);
  for (uint32_t i = 0, count = ts_node_is_null(clause) ? 0 : ts_node_named_child_count(clause);
       i < count; i++) {
    TSNode item = ts_node_named_child(clause, i);
    if (!facts__is(item, KIND_with_item)) continue;
    TSNode value = facts__field(item, FIELD_value), alias = {0};
    if (facts__is(value, KIND_as_pattern)) {
      alias = facts__field(value, FIELD_alias);
      value = ts_node_named_child(value, 0);
    }
    if (facts__is(value, KIND_await)) value = ts_node_named_child(value, 0);
    WithItem wi = {
        facts__text_of(w, value, VALUE_TEXT_MAX),
        facts__is(value, KIND_call) ? facts__dotted(w, facts__field(value, FIELD_function)) : NULL,
        ts_node_is_null(alias) ? NULL : facts__text_of(w, alias, 0),
        async,
        w->def,
        facts__pos_of(item),
        ts_node_end_point(n).row + 1};
    array_push(&w->f->withs, wi);
  }
  facts__walk_children(w, n);
}

/* Dispatch a node by kind to its walker, keeping what the children need (the awaited call, a call
 * that is a whole statement, lambda depth, what a def returns). Recursive: nesting past MAX_DEPTH
 * is reported once and not walked. */
void facts__walk(Walker *w, TSNode n) {
  if (ts_node_is_null(n)) return;
  if (++w->depth > MAX_DEPTH) {
    if (!w->depth_reported)
      diags_add(w->diags, DIAG_WARNING, w->src->path, ts_node_start_point(n).row + 1,
                "nesting deeper than %d levels; the inner part is not analyzed", MAX_DEPTH);
    w->depth_reported = true;
    w->depth--;
    return;
  }
  switch (facts__kind(n)) {
  case KIND_comment: facts__note_noqa(w, n); break;
  case KIND_string: facts__walk_children(w, n); break; /* f-string interpolations */
  case KIND_call: walk_call(w, n); break;
  case KIND_await: {
    uint32_t sa = w->awaited_start, se = w->awaited_end;
    TSNode inner = ts_node_named_child(n, 0);
    w->awaited_start = ts_node_start_byte(inner);
    w->awaited_end = ts_node_end_byte(inner);
    facts__walk_children(w, n);
    w->awaited_start = sa;
    w->awaited_end = se;
    break;
  }
  case KIND_expression_statement: {
    uint32_t ss = w->statement_start, se = w->statement_end;
    TSNode inner = ts_node_named_child(n, 0);
    if (facts__kind(inner) == KIND_await) inner = ts_node_named_child(inner, 0);
    bool bare = facts__kind(inner) == KIND_call;
    w->statement_start = bare ? ts_node_start_byte(inner) : UINT32_MAX;
    w->statement_end = bare ? ts_node_end_byte(inner) : 0;
    facts__walk_children(w, n);
    w->statement_start = ss;
    w->statement_end = se;
    break;
  }
  case KIND_return_statement:
  case KIND_yield:
    if (facts__kind(n) == KIND_yield || ts_node_named_child_count(n) > 0) {
      Def *d = &w->f->defs.items[w->def];
      bool literal = facts__kind(n) != KIND_yield && literal_list(w, ts_node_named_child(n, 0));
      d->returns_literal = (d->returns_value ? d->returns_literal : true) && literal;
      d->returns_value = true;
    }
    facts__walk_children(w, n);
    break;
  case KIND_comparison_operator:
    facts__note_status_check(w, n);
    facts__walk_children(w, n);
    break;
  case KIND_lambda:
    w->lambda_depth++;
    facts__walk_children(w, n);
    w->lambda_depth--;
    break;
  case KIND_try_statement: facts__walk_try(w, n); break;
  case KIND_function_definition:
  case KIND_class_definition: walk_definition(w, n, (TSNode){0}); break;
  case KIND_decorated_definition: walk_definition(w, facts__field(n, FIELD_definition), n); break;
  case KIND_for_statement:
  case KIND_while_statement: facts__walk_loop(w, n); break;
  case KIND_list_comprehension:
  case KIND_generator_expression:
  case KIND_set_comprehension:
  case KIND_dictionary_comprehension: facts__walk_comprehension(w, n); break;
  case KIND_import_statement:
  case KIND_import_from_statement: walk_import(w, n); break;
  case KIND_assignment: walk_assignment(w, n); break;
  case KIND_named_expression: walk_walrus(w, n); break;
  case KIND_with_statement: walk_with(w, n); break;
  case KIND_if_statement:
  case KIND_elif_clause: facts__walk_if(w, n); break;
  default:
    if (ts_node_is_named(n)) facts__walk_children(w, n); /* anonymous tokens hold nothing */
  }
  w->depth--;
}

/* ---- entry points ------------------------------------------------------------------ */

FactsContext *facts_context_new(const Knowledge *k, Diags *diags) {
  const EmbeddedFile *f = rules_file("rules/sites.scm");
  if (!f) {
    diags_add(diags, DIAG_ERROR, "rules/sites.scm", 0, "missing from the build");
    return NULL;
  }
  Query *q = query_new(parse_language(), f->name, f->data, diags);
  if (!q) return NULL;
  facts__field_ids_init();
  FactsContext *ctx = xcalloc(1, sizeof *ctx);
  ctx->knowledge = k;
  ctx->sites = q;
  ctx->cap_site = query_capture_index(q, "site");
  ctx->cap_fn = query_capture_index(q, "fn");
  if (ctx->cap_site < 0 || ctx->cap_fn < 0) {
    diags_add(diags, DIAG_ERROR, f->name, 1, "site patterns must capture @site and @fn");
    facts_context_free(ctx);
    return NULL;
  }
  return ctx;
}

const Const *facts_module_const(const Facts *f, const char *name) {
  const Const *k = NULL;
  for (uint32_t i = 0; i < f->consts.len && !k; i++)
    if (strcmp(f->consts.items[i].name, name) == 0) k = &f->consts.items[i];
  if (!k) return NULL;
  size_t n = strlen(k->name);
  uint32_t binds = 0;
  for (uint32_t i = 0; i < f->assigns.len; i++) {
    const char *t = f->assigns.items[i].target;
    if (strncmp(t, k->name, n) == 0 && (t[n] == '\0' || strcmp(t + n, "[]") == 0)) binds++;
  }
  if (binds != 1) return NULL;
  for (uint32_t i = 0; i < f->calls.len; i++) {
    const char *c = f->calls.items[i].callee;
    if (strncmp(c, k->name, n) == 0 && c[n] == '.' &&
        (strcmp(c + n, ".append") == 0 || strcmp(c + n, ".extend") == 0 ||
         strcmp(c + n, ".insert") == 0 || strcmp(c + n, ".update") == 0))
      return NULL;
  }
  return k;
}

void facts_context_free(FactsContext *ctx) {
  if (!ctx) return;
  query_free(ctx->sites);
  free(ctx);
}

bool facts_extract(const FactsContext *ctx, const SourceFile *src, Facts *out, Diags *diags) {
  TSTree *tree = parse_source(src->text, src->len, NULL);
  if (!tree) {
    diags_add(diags, DIAG_ERROR, src->path, 0, "could not be parsed");
    return false;
  }
  facts_extract_tree(ctx, src, tree, out, diags);
  ts_tree_delete(tree);
  return true;
}

/* Walk the tree under a module def (def 0) spanning the file, then work out each def's own spans
 * and find the fan-out sites, now that every def and call is known. With `marks`, note where each
 * top-level statement's facts are and take what can be taken from `old` (facts_reuse.c); false
 * when what was taken does not hold (the facts are then to be made again without). */
static bool extract(const FactsContext *ctx, const SourceFile *src, TSTree *tree, Facts *old,
                    bool marks, Facts *out, Diags *diags) {
  out->path = arena_strdup(&out->arena, src->path);
  out->module = arena_strdup(&out->arena, src->module);
  out->is_package = src->is_package;
  Walker w = {0};
  w.ctx = ctx;
  w.src = src;
  w.f = out;
  w.diags = diags;
  w.root = ts_tree_root_node(tree);
  w.outer_call = -1;
  w.loop_index = -1;
  w.awaited_start = UINT32_MAX;
  w.statement_start = UINT32_MAX;
  w.bound_def = -1;
  w.stmt = -1;
  w.old = old;
  if (marks) w.marks = out->marks = facts__marks_new();
  out->has_errors = ts_node_has_error(w.root);
  Def module = {0};
  module.kind = DEF_MODULE;
  module.name = out->module;
  module.qualname = "";
  module.parent = -1;
  module.pos = (Pos){1, 1};
  module.end_line = ts_node_end_point(w.root).row + 1;
  array_push(&out->defs, module);
  array_push(&w.def_nodes, w.root);
  array_push(&w.def_bytes, ((Span){ts_node_start_byte(w.root), ts_node_end_byte(w.root)}));
  facts__walk_top(&w);
  bool holds = facts__reuse_holds(&w);
  if (holds) {
    facts__def_spans(out);
    facts__find_sites(&w);
    if (marks) facts__marks_finish(&w, !out->has_errors && !w.depth_reported);
    if (marks && facts__took_strings(&w)) { /* the taken records' strings are old's */
      arena_take(&out->kept, &old->arena);
      arena_take(&out->kept, &old->kept);
    }
  }
  array_free(&w.assign_values);
  array_free(&w.call_nodes);
  array_free(&w.def_nodes);
  array_free(&w.def_bytes);
  free(w.loop_head);
  free(w.loop_next);
  strmap_free(&w.bound_first);
  strmap_free(&w.grown);
  strmap_free(&w.assigned);
  array_free(&w.bound_next);
  array_free(&w.by_start);
  for (uint32_t i = 0; i < w.cursors.len; i++) ts_tree_cursor_delete(&w.cursors.items[i]);
  array_free(&w.cursors);
  for (uint32_t i = 0; i < w.dead_flags.len; i++) free(w.dead_flags.items[i]);
  array_free(&w.dead_flags);
  return holds;
}

void facts_extract_tree(const FactsContext *ctx, const SourceFile *src, TSTree *tree, Facts *out,
                        Diags *diags) {
  extract(ctx, src, tree, NULL, false, out, diags);
}

void facts_extract_again(const FactsContext *ctx, const SourceFile *src, TSTree *tree, Facts *old,
                         Facts *out, Diags *diags) {
  uint32_t said = diags->len;
  if (extract(ctx, src, tree, old, true, out, diags)) return;
  while (diags->len > said) { /* the walk's warnings come again */
    Diag *d = &diags->items[--diags->len];
    free(d->path);
    free(d->message);
  }
  facts_free(out);
  memset(out, 0, sizeof *out);
  extract(ctx, src, tree, NULL, true, out, diags);
}

void facts_free(Facts *f) {
  array_free(&f->defs);
  array_free(&f->call_order);
  array_free(&f->assign_order);
  array_free(&f->imports);
  array_free(&f->calls);
  array_free(&f->kwargs);
  array_free(&f->list_args);
  array_free(&f->assigns);
  array_free(&f->withs);
  array_free(&f->logs);
  array_free(&f->sites);
  array_free(&f->consts);
  array_free(&f->handlers);
  array_free(&f->positions);
  array_free(&f->noqas);
  array_free(&f->loops);
  array_free(&f->names);
  arena_free(&f->arena);
  arena_free(&f->kept);
  strmap_free(&f->tables.qualnames);
  free(f->tables.imports);
  array_free(&f->tables.stars);
  strmap_free(&f->tables.assign_targets);
  free(f->tables.assign_next);
  free(f->tables.assign_count);
  memset(&f->tables, 0, sizeof f->tables);
  facts__marks_free(f->marks);
  f->marks = NULL;
}
