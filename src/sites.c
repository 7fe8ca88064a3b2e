/* sites: fan-out sites of one file, found by the queries in rules/sites.scm
 * and measured here: kind, width (sites_width.c) and what is fanned out, the
 * arguments that stay the same in every task, and the list arguments that
 * let the index see fan-outs through project helpers. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts_walk.h"

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
  if (!facts__is(call, KIND_call)) return false;
  const Fact *f = site_fact(w, facts__dotted(w, facts__field(call, FIELD_function)));
  const char *kind = fact_get(f, ATTR_KIND);
  return kind && (strcmp(kind, "create_task") == 0 || strcmp(kind, "ensure_future") == 0);
}

/* The function a function reference names: `f`, `self.m`, `partial(f, ...)`. */
static const char *ref_target(Walker *w, TSNode ref);

/* The function a task item runs: `f` of `f(x)`, or NULL (a task or future
 * made elsewhere names no function). */
static const char *item_target(Walker *w, TSNode item) {
  if (!facts__is(item, KIND_call)) return NULL;
  return ref_target(w, item);
}

static const char *ref_target(Walker *w, TSNode item) {
  if (facts__is(item, KIND_identifier) || facts__is(item, KIND_attribute))
    return facts__dotted(w, item);
  if (!facts__is(item, KIND_call)) return NULL;
  const char *callee = facts__dotted(w, facts__field(item, FIELD_function));
  if (strcmp(str_last_component(callee), "partial") == 0) {
    TSNode f = facts__positional_arg(facts__field(item, FIELD_arguments), 0);
    return facts__is(f, KIND_identifier) || facts__is(f, KIND_attribute) ? facts__dotted(w, f)
                                                                         : NULL;
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
  for (unsigned k = 0; k < 8 && facts__is(item, KIND_conditional_expression); k++) {
    TSNode first = ts_node_named_child(item, 0);
    if (!facts__is(first, KIND_conditional_expression)) items_add_call(w, it, first);
    item = ts_node_named_child(item, 2);
  }
  if (facts__is(item, KIND_conditional_expression)) return;
  items_add_target(it, item_target(w, item));
  if (!facts__is(item, KIND_call)) return;
  TSNode inner = facts__positional_arg(facts__field(item, FIELD_arguments), 0);
  if (facts__is(inner, KIND_await)) inner = ts_node_named_child(inner, 0);
  if (facts__is(inner, KIND_call)) items_add_target(it, item_target(w, inner));
}

/* `[]`, `{}`, `list()`, `dict()`: a collection filled later. */
static bool empty_collection(Walker *w, TSNode n) {
  if ((facts__is(n, KIND_list) || facts__is(n, KIND_dictionary)) && facts__element_count(n) == 0)
    return true;
  if (!facts__is(n, KIND_call)) return false;
  const char *callee = facts__dotted(w, facts__field(n, FIELD_function));
  TSNode args = facts__field(n, FIELD_arguments);
  return (strcmp(callee, "list") == 0 || strcmp(callee, "dict") == 0) &&
         facts__is(args, KIND_argument_list) && facts__element_count(args) == 0;
}

/* One task item found in a loop (an appended or stored coroutine or task). */
static void add_loop_item(Walker *w, Items *it, TSNode item, TSNode at, TSNode fallback) {
  TSNode loop = facts__enclosing_loop(w, at);
  it->is_list = true;
  it->width = ts_node_is_null(loop) ? facts__width_make(w, WIDTH_UNKNOWN, fallback, -1)
                                    : facts__loop_width(w, loop);
  if (facts__is(item, KIND_identifier)) { /* task = create_task(...); tasks.append(task) */
    TSNode b = facts__local_binding(w, item, ts_node_start_byte(item));
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
  if (facts__is(n, KIND_augmented_assignment) &&
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
    if (facts__is(ch, KIND_function_definition) || facts__is(ch, KIND_class_definition) ||
        facts__is(ch, KIND_lambda) || facts__is(ch, KIND_decorated_definition))
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

/* `[f(x) for x in xs]` (or a generator, a set comprehension): its items. */
static void comprehension_items(Walker *w, TSNode x, Items *it) {
  TSNode body = facts__field(x, FIELD_body);
  it->is_list = true;
  it->spawned = is_spawn_call(w, body);
  if (it->spawned) it->spawn = body;
  it->task_call =
      it->spawned ? facts__positional_arg(facts__field(body, FIELD_arguments), 0) : body;
  it->loop = x;
  items_add_call(
      w, it, it->spawned ? facts__positional_arg(facts__field(body, FIELD_arguments), 0) : body);
  it->width = facts__classify_iterable(w, x, 0);
}

/* `tasks.values()` of `tasks = {k: f(v) for ...}`, or of `tasks = {}` filled
 * by `tasks[k] = f(v)` in a loop. */
static void dict_values_items(Walker *w, TSNode obj, uint32_t site_byte, Items *it) {
  TSNode bound = facts__local_binding(w, obj, site_byte);
  if (facts__is(bound, KIND_dictionary_comprehension)) {
    TSNode value = facts__field(facts__field(bound, FIELD_body), FIELD_value);
    it->is_list = true;
    it->loop = bound;
    it->spawned = is_spawn_call(w, value);
    if (it->spawned) it->spawn = value;
    it->task_call =
        it->spawned ? facts__positional_arg(facts__field(value, FIELD_arguments), 0) : value;
    items_add_call(w, it, it->task_call);
    it->width = facts__classify_iterable(w, bound, 0);
  } else if (empty_collection(w, bound)) {
    uint32_t s0 = ts_node_start_byte(obj);
    char *slot = xasprintf("%.*s[]", (int)(ts_node_end_byte(obj) - s0), w->src->text + s0);
    Span own = w->f->defs.items[w->def].own_assigns;
    for (uint32_t k = own.first; k < own.end; k++) {
      uint32_t i = w->f->assign_order.items[k];
      if (strcmp(w->f->assigns.items[i].target, slot) == 0)
        add_loop_item(w, it, w->assign_values.items[i], w->assign_values.items[i], obj);
    }
    free(slot);
  }
}

/* `tasks = []` then `tasks.append(f(x))` / `tasks.extend(...)` / `tasks += [...]`
 * before the site: the items appended. */
static void filled_items(Walker *w, TSNode x, uint32_t site_byte, unsigned depth, Items *it) {
  uint32_t s = ts_node_start_byte(x), n = ts_node_end_byte(x) - s;
  Span own = w->f->defs.items[w->def].own_calls;
  for (uint32_t k = own.first; k < own.end; k++) {
    uint32_t i = w->f->call_order.items[k];
    const Call *c = &w->f->calls.items[i];
    if ((c->flags & CALL_REFERENCE) || c->start_byte > site_byte ||
        strncmp(c->callee, w->src->text + s, n) != 0 || c->callee[n] != '.')
      continue;
    TSNode call = w->call_nodes.items[i];
    TSNode arg = facts__field(call, FIELD_arguments); /* f(x for x in xs): no list */
    if (!facts__is(arg, KIND_generator_expression)) arg = facts__positional_arg(arg, 0);
    if (strcmp(c->callee + n, ".append") == 0) {
      add_loop_item(w, it, arg, call, x);
    } else if (strcmp(c->callee + n, ".extend") == 0) {
      Items more = list_items(w, arg, c->start_byte, depth + 1);
      items_merge(it, &more);
    }
  }
  TSNode body = w->def_nodes.items[w->def];
  if (plus_assigned(w, body, x)) grown_by_plus(w, body, x, site_byte, it, depth, 0);
}

/* A name: a parameter, a list filled before the site, what it is bound to,
 * a loop's batch, or a parameter of the enclosing function. */
static Items name_items(Walker *w, TSNode x, uint32_t site_byte, unsigned depth, Items it) {
  uint32_t s = ts_node_start_byte(x);
  int32_t p = facts__param_index(w, w->src->text + s, ts_node_end_byte(x) - s);
  if (p >= 0) {
    it.is_list = true;
    it.width = facts__width_make(w, WIDTH_DATA, x, p);
    return it;
  }
  TSNode bound = facts__local_binding(w, x, site_byte);
  if (empty_collection(w, bound)) {
    filled_items(w, x, site_byte, depth, &it);
  } else if (!ts_node_is_null(bound)) {
    Items inner = list_items(w, bound, ts_node_start_byte(bound), depth + 1);
    if (inner.is_list) return inner;
    it.is_list = true; /* a name bound to something opaque: a fan-out of unknown width */
    it.width = facts__width_make(w, WIDTH_UNKNOWN, x, -1);
  } else if (!ts_node_is_null(facts__loop_source(w, x))) {
    it.is_list = true; /* for batch in batched(tasks, n): a group of the items */
    it.width = facts__classify_iterable(w, x, 0);
  } else if (enclosing_param(w, x)) {
    it.is_list = true; /* a parameter of the enclosing function (a closure's list) */
    it.width = facts__width_make(w, WIDTH_DATA, x, -1);
  }
  return it;
}

/* What a list of awaitables X is made of (gather(*X), wait(X), as_completed(X)). */
static Items list_items(Walker *w, TSNode x, uint32_t site_byte, unsigned depth) {
  Items it = {0};
  it.width = facts__width_make(w, WIDTH_UNKNOWN, x, -1);
  if (depth > 4 || ts_node_is_null(x)) return it;
  if (facts__is(x, KIND_list_comprehension) || facts__is(x, KIND_generator_expression) ||
      facts__is(x, KIND_set_comprehension)) {
    comprehension_items(w, x, &it);
  } else if (facts__is(x, KIND_list) || facts__is(x, KIND_tuple) || facts__is(x, KIND_set)) {
    it.is_list = true;
    it.width = facts__classify_iterable(w, x, 0);
    for (uint32_t i = 0, n = ts_node_named_child_count(x); i < n; i++)
      items_add_target(&it, listed_target(w, ts_node_named_child(x, i)));
  } else if (facts__is(x, KIND_call)) {
    TSNode fn = facts__field(x, FIELD_function), args = facts__field(x, FIELD_arguments);
    const char *callee = facts__dotted(w, fn);
    if ((strcmp(callee, "list") == 0 || strcmp(callee, "tuple") == 0) &&
        facts__is(args, KIND_argument_list))
      return list_items(w, facts__positional_arg(args, 0), site_byte, depth + 1);
    TSNode obj = facts__is(fn, KIND_attribute) ? facts__field(fn, FIELD_object) : (TSNode){0};
    if (str_ends_with(callee, ".values") && facts__is(obj, KIND_identifier)) {
      dict_values_items(w, obj, site_byte, &it);
    } else if (strcmp(callee, "map") == 0 && facts__is(args, KIND_argument_list)) {
      it.is_list = true;
      items_add_target(&it, ref_target(w, facts__positional_arg(args, 0)));
      it.width = facts__classify_iterable(w, facts__positional_arg(args, 1), 0);
    }
  } else if (facts__is(x, KIND_identifier)) {
    return name_items(w, x, site_byte, depth, it);
  } else if (facts__is(x, KIND_subscript) &&
             facts__is(facts__field(x, FIELD_subscript), KIND_slice)) {
    it.is_list = true; /* tasks[i:i + size] */
    it.width = facts__classify_slice(w, x);
  }
  return it;
}

/* Append the identifiers bound by a loop target pattern (`x`, `i, (a, b)`). */
static void loop_vars(Walker *w, TSNode pattern, StrArray *vars) {
  if (facts__is(pattern, KIND_identifier)) {
    array_push(vars, (char *)facts__text_of(w, pattern, 0));
    return;
  }
  for (uint32_t i = 0, n = ts_node_named_child_count(pattern); i < n && vars->len < 16; i++)
    loop_vars(w, ts_node_named_child(pattern, i), vars);
}

static bool mentions(const Walker *w, TSNode n, const StrArray *vars, unsigned depth) {
  if (depth > SEARCH_DEPTH) return true;
  if (facts__is(n, KIND_identifier)) {
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
  if (!facts__is(task_call, KIND_call) || ts_node_is_null(loop)) return;
  StrArray vars = {0};
  if (facts__is(loop, KIND_for_statement)) {
    loop_vars(w, facts__field(loop, FIELD_left), &vars);
  } else if (!facts__is(loop, KIND_while_statement)) {
    for (uint32_t i = 0, n = ts_node_named_child_count(loop); i < n; i++)
      if (facts__is(ts_node_named_child(loop, i), KIND_for_in_clause))
        loop_vars(w, facts__field(ts_node_named_child(loop, i), FIELD_left), &vars);
  }
  /* names bound inside the loop (`url = base + str(n)`) vary with it too */
  uint32_t lo = ts_node_start_byte(loop), hi = ts_node_end_byte(loop);
  facts__index_bindings(w);
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
    if (facts__is(a, KIND_comment) || facts__is(a, KIND_list_splat) ||
        facts__is(a, KIND_dictionary_splat))
      continue;
    if (facts__is(a, KIND_keyword_argument)) {
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
  s.buffered =
      kind == SITE_GATHER || kind == SITE_WAIT ||
      (kind == SITE_BATCH && !str_ends_with(w->f->calls.items[ci].callee, "_as_completed"));
  task_invariants(w, &s, task_call, loop, first_task_arg);
  s.pos = facts__pos_of(facts__field(call, FIELD_function));
  if (facts__is(facts__field(call, FIELD_function), KIND_attribute))
    s.pos = facts__pos_of(facts__field(facts__field(call, FIELD_function), FIELD_attribute));
  array_push(&w->f->sites, s);
}

static const char *site_kind_names[SITE_KIND_COUNT] = {
    "gather",          "create_task", "ensure_future", "as_completed", "wait",
    "run_in_executor", "start_soon",  "abatch",        "helper"};

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
  if (facts__is(n, KIND_await)) {
    TSNode inner = ts_node_named_child(n, 0);
    if (facts__is(inner, KIND_identifier) &&
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
  facts__ancestors_of(w, call, &a);
  TSNode parent = facts__ancestor(&a, 0);
  if (facts__is(parent, KIND_await)) return true;
  if (facts__is(parent, KIND_assignment) &&
      facts__is(facts__field(parent, FIELD_left), KIND_identifier)) {
    TSNode body = facts__is(loop, KIND_for_statement) || facts__is(loop, KIND_while_statement)
                      ? facts__field(loop, FIELD_body)
                      : loop;
    return awaits_name(w, body, facts__field(parent, FIELD_left), 0);
  }
  return false;
}

/* The items of a site's list, kept for record_list_args, which asks again
 * about the same list argument of the same call. */
typedef struct {
  uint32_t call, site_byte;
  TSNode x;
  Items items;
} ItemsMemo;
typedef Array(ItemsMemo) ItemsMemos;

static Items site_list_items(Walker *w, uint32_t ci, TSNode x, uint32_t site_byte,
                             ItemsMemos *memo) {
  Items it = list_items(w, x, site_byte, 0);
  array_push(memo, ((ItemsMemo){ci, site_byte, x, it}));
  return it;
}

/* Call `ci` of the walk (its node `call`, its function `fn`), a candidate:
 * a site when its callee is a fan-out of rules/api.txt. */
static void site_candidate(Walker *w, uint32_t ci, TSNode call, TSNode fn, ItemsMemos *memo) {
  const Fact *f = site_fact(w, facts__dotted(w, fn));
  SiteKind kind;
  if (!fact_get(f, ATTR_KIND) || !site_kind_from_name(fact_get(f, ATTR_KIND), &kind)) return;
  bool needs_loop = fact_yes(f, ATTR_LOOP);
  w->def = w->f->calls.items[ci].def; /* the walk is over: its scope again */
  TSNode args = facts__field(call, FIELD_arguments);
  if (needs_loop) {
    TSNode loop = facts__enclosing_loop(w, call);
    if (ts_node_is_null(loop)) return;
    uint32_t target_arg = (uint32_t)fact_number(f, ATTR_TARGET, 0);
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
    add_site(w, kind, facts__loop_width(w, loop), task.targets, task.ntargets, ci, call,
             by_reference ? call : t, loop, by_reference ? target_arg + 1 : 0);
    return;
  }
  /* gather / wait / as_completed: what list of awaitables is it given? */
  if (!facts__is(args, KIND_argument_list)) return;
  if (kind == SITE_BATCH) { /* llm.abatch(inputs): the model called once per input */
    TSNode inputs = facts__positional_arg(args, 0);
    if (ts_node_is_null(inputs)) return;
    Items in = site_list_items(w, ci, inputs, ts_node_start_byte(call), memo);
    if (!in.is_list) in.width = facts__width_make(w, WIDTH_UNKNOWN, inputs, -1);
    const char *self = w->f->calls.items[ci].callee;
    add_site(w, kind, in.width, &self, 1, ci, call, (TSNode){0}, (TSNode){0}, 0);
    return;
  }
  Items items = {0};
  TSNode first = facts__positional_arg(args, 0);
  if (kind == SITE_GATHER && !fact_get(f, ATTR_SIZE)) { /* a bounded helper takes one list */
    uint32_t fixed = 0;
    const char *targets[8];
    uint32_t nt = 0;
    for (uint32_t i = 0, n = ts_node_named_child_count(args); i < n; i++) {
      TSNode a = ts_node_named_child(args, i);
      if (facts__is(a, KIND_keyword_argument) || facts__is(a, KIND_comment)) continue;
      if (facts__is(a, KIND_list_splat)) {
        items = site_list_items(w, ci, ts_node_named_child(a, 0), ts_node_start_byte(call), memo);
        if (!items.is_list)
          items.width = facts__width_make(w, WIDTH_UNKNOWN, ts_node_named_child(a, 0), -1);
        items.is_list = true;
      } else {
        fixed++;
        if (nt < 8) targets[nt++] = listed_target(w, a);
      }
    }
    if (!items.is_list) {
      if (fixed == 0) return;
      add_site(w, kind, facts__width_fixed(w, NULL, fixed), targets, nt, ci, call, (TSNode){0},
               (TSNode){0}, 0);
      return;
    }
  } else {
    items = site_list_items(w, ci, first, ts_node_start_byte(call), memo);
    if (!items.is_list) items.width = facts__width_make(w, WIDTH_UNKNOWN, first, -1);
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
typedef struct {
  const ItemsMemos *memo;
  uint32_t m; /* memo entries are in call order: the first not before the call */
} ListArgsRun;

static void list_args_of_calls(Walker *w, uint32_t first, uint32_t end, void *state) {
  ListArgsRun *r = state;
  const ItemsMemos *memo = r->memo;
  for (uint32_t i = first; i < end; i++) {
    Call *c = &w->f->calls.items[i];
    if (c->nargs == 0 || (c->flags & CALL_REFERENCE) || strpbrk(c->callee, "?(")) continue;
    TSNode call = w->call_nodes.items[i];
    TSNode args = facts__field(call, FIELD_arguments);
    if (!facts__is(args, KIND_argument_list)) continue;
    w->def = c->def;
    for (uint32_t a = 0, n = ts_node_named_child_count(args), pos = 0; a < n && a < 8; a++) {
      TSNode arg = ts_node_named_child(args, a);
      if (facts__is(arg, KIND_keyword_argument) || facts__is(arg, KIND_comment)) continue;
      TSNode x = facts__is(arg, KIND_list_splat) ? ts_node_named_child(arg, 0) : arg;
      if (facts__is(x, KIND_list_comprehension) || facts__is(x, KIND_generator_expression) ||
          facts__is(x, KIND_identifier) || facts__is(x, KIND_subscript) ||
          (facts__is(x, KIND_call) &&
           facts__node_text_eq(w, facts__field(x, FIELD_function), "map"))) {
        while (r->m < memo->len && memo->items[r->m].call < i) r->m++;
        const ItemsMemo *known = NULL;
        for (uint32_t k = r->m; k < memo->len && memo->items[k].call == i && !known; k++)
          if (memo->items[k].site_byte == c->start_byte && ts_node_eq(memo->items[k].x, x))
            known = &memo->items[k];
        Items it = known ? known->items : list_items(w, x, c->start_byte, 0);
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

typedef struct {
  bool may_match; /* the file has a word of the patterns */
  QueryRun run;
  ItemsMemos memo;
} SitesRun;

static void sites_of_calls(Walker *w, uint32_t first, uint32_t end, void *state) {
  SitesRun *r = state;
  const Query *q = w->ctx->sites;
  if (!r->may_match) return;
  for (uint32_t i = first; i < end; i++) {
    const Call *c = &w->f->calls.items[i];
    if ((c->flags & CALL_REFERENCE) || !query_may_match(q, c->callee))
      continue; /* a reference shares its outer call's node: that call is the candidate */
    TSNode node = w->call_nodes.items[i], callee = facts__field(node, FIELD_function);
    if (!r->run.cursor) query_run_begin(&r->run, q, node, w->src->text);
    /* the patterns are about the call and its callee, not its arguments' nodes */
    query_run_head(&r->run, node,
                   ts_node_is_null(callee) ? ts_node_end_byte(node) : ts_node_end_byte(callee));
    TSQueryMatch m;
    while (query_run_next(&r->run, &m)) {
      TSNode call, fn;
      if (query_match_capture(&m, w->ctx->cap_site, &call) && ts_node_eq(call, node) &&
          query_match_capture(&m, w->ctx->cap_fn, &fn))
        site_candidate(w, i, call, fn, &r->memo);
    }
  }
}

/* The site patterns run on each call the walk recorded (in source order, as
 * one run over the tree would find them) whose callee text has one of their
 * words: a pass of the query over the whole tree costs a fifth of parsing it.
 * Calls in branches the walk skipped (dead on CPython 3) are not sites. An
 * editor's statements taken from the last extraction keep their sites. */
void facts__find_sites(Walker *w) {
  SitesRun r = {query_may_match(w->ctx->sites, w->src->text), {0}, {0}};
  facts__by_statement(w, 0, sites_of_calls, &r);
  if (r.run.cursor) query_run_end(&r.run);
  for (uint32_t i = 0; i < w->f->sites.len; i++) {
    Site *site = &w->f->sites.items[i];
    for (uint32_t k = 0; k < w->absorbed.len; k++)
      if (w->f->calls.items[site->call].start_byte == w->absorbed.items[k]) site->buffered = true;
  }
  array_free(&w->absorbed);
  ListArgsRun l = {&r.memo, 0};
  facts__by_statement(w, 1, list_args_of_calls, &l);
  array_free(&r.memo);
}
