#include "facts.h"

#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "query.h"
#include "template.h"

/* Nesting deeper than this is not walked (a diagnostic says so): the walk is
 * recursive, and generated code can nest expressions thousands deep. */
#define MAX_DEPTH 1500
#define VALUE_TEXT_MAX 160

struct FactsContext {
  const Knowledge *knowledge;
  Query *sites;
  int cap_site, cap_fn;
};

typedef struct {
  const FactsContext *ctx;
  const SourceFile *src;
  Facts *f;
  Diags *diags;
  TSNode root;
  int32_t def;
  uint32_t loop_depth;
  int32_t outer_call;
  uint32_t depth;
  bool depth_reported;
  uint32_t awaited_start, awaited_end; /* byte range of the expression under the nearest await */
  Array(TSNode) assign_values;         /* parallel to f->assigns: the value nodes */
} Walker;

/* ---- small helpers ------------------------------------------------------ */

static bool is(TSNode n, const char *type) {
  return !ts_node_is_null(n) && strcmp(ts_node_type(n), type) == 0;
}

static TSNode field(TSNode n, const char *name) {
  return ts_node_child_by_field_name(n, name, (uint32_t)strlen(name));
}

static Pos pos_of(TSNode n) {
  TSPoint p = ts_node_start_point(n);
  return (Pos){p.row + 1, p.column + 1};
}

static const char *text_of(Walker *w, TSNode n, size_t max) {
  uint32_t a = ts_node_start_byte(n), b = ts_node_end_byte(n);
  size_t len = b - a;
  if (max && len > max) {
    char *s = arena_alloc(&w->f->arena, max + 4);
    memcpy(s, w->src->text + a, max);
    memcpy(s + max, "...", 4);
    return s;
  }
  return arena_strndup(&w->f->arena, w->src->text + a, len);
}

/* Dotted text of a name or attribute chain, without whitespace; a part that
 * is not a name (a call, a subscript) is written "?". */
static void dotted_into(Walker *w, TSNode n, StrBuf *sb) {
  if (is(n, "identifier")) {
    uint32_t a = ts_node_start_byte(n);
    sb_putn(sb, w->src->text + a, ts_node_end_byte(n) - a);
  } else if (is(n, "dotted_name")) {
    for (uint32_t i = 0, count = ts_node_named_child_count(n); i < count; i++) {
      if (i) sb_putc(sb, '.');
      dotted_into(w, ts_node_named_child(n, i), sb);
    }
  } else if (is(n, "attribute")) {
    dotted_into(w, field(n, "object"), sb);
    sb_putc(sb, '.');
    TSNode attr = field(n, "attribute");
    uint32_t a = ts_node_start_byte(attr);
    sb_putn(sb, w->src->text + a, ts_node_end_byte(attr) - a);
  } else {
    sb_putc(sb, '?');
  }
}

static const char *dotted(Walker *w, TSNode n) {
  StrBuf sb = {0};
  dotted_into(w, n, &sb);
  const char *s = arena_strndup(&w->f->arena, sb_str(&sb), sb.len);
  sb_free(&sb);
  return s;
}

static uint32_t add_name(Walker *w, const char *s) {
  array_push(&w->f->names, s);
  return w->f->names.len - 1;
}

static const Def *cur_def(const Walker *w) { return &w->f->defs.items[w->def]; }

/* Index of parameter `name` of the current function, or -1. */
static int32_t param_index(const Walker *w, const char *name, size_t n) {
  const Def *d = cur_def(w);
  if (d->kind != DEF_FUNCTION) return -1;
  for (uint32_t i = 0; i < d->params.count; i++) {
    const char *p = w->f->names.items[d->params.first + i];
    while (*p == '*') p++;
    if (strlen(p) == n && memcmp(p, name, n) == 0) return (int32_t)i;
  }
  return -1;
}

static bool node_text_eq(const Walker *w, TSNode n, const char *s) {
  uint32_t a = ts_node_start_byte(n), b = ts_node_end_byte(n);
  return strlen(s) == b - a && memcmp(w->src->text + a, s, b - a) == 0;
}

/* ---- templates ------------------------------------------------------------ */

static void hole_for_expr(Walker *w, TSNode expr, char type, StrBuf *out) {
  sb_putc(out, TEMPLATE_HOLE);
  if (type == 'a' && is(expr, "identifier")) {
    uint32_t a = ts_node_start_byte(expr);
    int32_t p = param_index(w, w->src->text + a, ts_node_end_byte(expr) - a);
    if (p >= 0 && p < 40) type = (char)('0' + p);
  }
  sb_putc(out, type);
}

static void string_into(Walker *w, TSNode s, StrBuf *out, bool *fstring) {
  TSNode start = ts_node_child(s, 0);
  uint32_t a = ts_node_start_byte(start), b = ts_node_end_byte(start);
  bool raw = false, f = false, bytes = false;
  for (uint32_t i = a; i < b; i++) {
    char c = w->src->text[i];
    raw |= c == 'r' || c == 'R';
    f |= c == 'f' || c == 'F';
    bytes |= c == 'b' || c == 'B';
  }
  if (fstring) *fstring = f;
  uint32_t n = ts_node_child_count(s);
  for (uint32_t i = 0; i < n; i++) {
    TSNode c = ts_node_child(s, i);
    if (is(c, "string_content")) {
      uint32_t ca = ts_node_start_byte(c);
      template_unescape(w->src->text + ca, ts_node_end_byte(c) - ca, raw, f, out);
    } else if (is(c, "interpolation")) {
      TSNode spec = field(c, "format_specifier");
      char type = 'a';
      if (!ts_node_is_null(spec))
        type = template_spec_type(w->src->text + ts_node_start_byte(spec),
                                  ts_node_end_byte(spec) - ts_node_start_byte(spec));
      hole_for_expr(w, field(c, "expression"), type, out);
    } else if (is(c, "escape_sequence") && !raw) {
      uint32_t ca = ts_node_start_byte(c);
      template_unescape(w->src->text + ca, ts_node_end_byte(c) - ca, raw, f, out);
    }
  }
  (void)bytes;
}

/* A template for an expression used as a message. `percent` converts
 * %-specs (logging with arguments); `format` converts {} fields. */
static void template_into(Walker *w, TSNode e, StrBuf *out, unsigned depth) {
  if (depth > 20) {
    hole_for_expr(w, e, 'a', out);
    return;
  }
  if (is(e, "string")) {
    string_into(w, e, out, NULL);
  } else if (is(e, "concatenated_string")) {
    uint32_t n = ts_node_named_child_count(e);
    for (uint32_t i = 0; i < n; i++) template_into(w, ts_node_named_child(e, i), out, depth + 1);
  } else if (is(e, "parenthesized_expression") && ts_node_named_child_count(e) == 1) {
    template_into(w, ts_node_named_child(e, 0), out, depth + 1);
  } else if (is(e, "binary_operator")) {
    TSNode op = field(e, "operator");
    TSNode left = field(e, "left");
    if (node_text_eq(w, op, "+")) {
      template_into(w, left, out, depth + 1);
      template_into(w, field(e, "right"), out, depth + 1);
    } else if (node_text_eq(w, op, "%") &&
               (is(left, "string") || is(left, "concatenated_string"))) {
      StrBuf inner = {0};
      template_into(w, left, &inner, depth + 1);
      template_convert_percent(sb_str(&inner), out);
      sb_free(&inner);
    } else {
      hole_for_expr(w, e, 'a', out);
    }
  } else if (is(e, "call")) {
    TSNode fn = field(e, "function");
    TSNode obj = is(fn, "attribute") ? field(fn, "object") : fn;
    if (is(fn, "attribute") && node_text_eq(w, field(fn, "attribute"), "format") &&
        (is(obj, "string") || is(obj, "concatenated_string"))) {
      StrBuf inner = {0};
      template_into(w, obj, &inner, depth + 1);
      template_convert_format(sb_str(&inner), out);
      sb_free(&inner);
    } else {
      hole_for_expr(w, e, 'a', out);
    }
  } else {
    hole_for_expr(w, e, 'a', out);
  }
}

static bool is_stringish(TSNode e) {
  if (is(e, "string") || is(e, "concatenated_string")) return true;
  if (is(e, "binary_operator"))
    return is_stringish(field(e, "left")) || is_stringish(field(e, "right"));
  if (is(e, "call")) {
    TSNode fn = field(e, "function");
    return is(fn, "attribute") && is_stringish(field(fn, "object"));
  }
  return false;
}

static const char *message_template(Walker *w, TSNode e, bool percent_args) {
  StrBuf sb = {0};
  template_into(w, e, &sb, 0);
  const char *s;
  if (percent_args) {
    StrBuf conv = {0};
    template_convert_percent(sb_str(&sb), &conv);
    s = arena_strndup(&w->f->arena, sb_str(&conv), conv.len);
    sb_free(&conv);
  } else {
    s = arena_strndup(&w->f->arena, sb_str(&sb), sb.len);
  }
  sb_free(&sb);
  return s;
}

/* ---- definitions ------------------------------------------------------------ */

static void walk(Walker *w, TSNode n);

static void walk_children(Walker *w, TSNode n) {
  /* A cursor: ts_node_child(n, i) rescans the siblings before i each time,
   * which makes a module of thousands of statements quadratic. */
  TSTreeCursor c = ts_tree_cursor_new(n);
  if (ts_tree_cursor_goto_first_child(&c)) {
    do walk(w, ts_tree_cursor_current_node(&c));
    while (ts_tree_cursor_goto_next_sibling(&c));
  }
  ts_tree_cursor_delete(&c);
}

static NameList collect_params(Walker *w, TSNode params) {
  NameList list = {w->f->names.len, 0};
  uint32_t n = ts_node_named_child_count(params);
  for (uint32_t i = 0; i < n; i++) {
    TSNode p = ts_node_named_child(params, i), name = p;
    if (is(p, "default_parameter") || is(p, "typed_default_parameter"))
      name = field(p, "name");
    else if (is(p, "typed_parameter"))
      name = ts_node_named_child(p, 0);
    if (is(name, "list_splat_pattern") || is(name, "dictionary_splat_pattern") ||
        is(name, "identifier")) {
      add_name(w, text_of(w, name, 0));
      list.count++;
    }
  }
  return list;
}

static int32_t add_def(Walker *w, DefKind kind, TSNode node, TSNode name_node) {
  Def d = {0};
  d.kind = kind;
  d.parent = w->def;
  d.name = text_of(w, name_node, 0);
  const Def *parent = cur_def(w);
  d.qualname =
      parent->kind == DEF_MODULE ? d.name : arena_strdup(&w->f->arena, "") /* replaced below */;
  if (parent->kind != DEF_MODULE) {
    char *q = xasprintf("%s.%s", parent->qualname, d.name);
    d.qualname = arena_strdup(&w->f->arena, q);
    free(q);
  }
  d.pos = pos_of(node);
  d.end_line = ts_node_end_point(node).row + 1;
  for (uint32_t i = 0, n = ts_node_child_count(node); i < n; i++)
    if (is(ts_node_child(node, i), "async")) d.is_async = true;
  array_push(&w->f->defs, d);
  return (int32_t)w->f->defs.len - 1;
}

static void walk_definition(Walker *w, TSNode node, TSNode decorated) {
  bool is_class = is(node, "class_definition");
  int32_t id = add_def(w, is_class ? DEF_CLASS : DEF_FUNCTION, node, field(node, "name"));
  Def *d = &w->f->defs.items[id];
  if (is_class) {
    TSNode sup = field(node, "superclasses");
    d->bases.first = w->f->names.len;
    for (uint32_t i = 0, n = ts_node_is_null(sup) ? 0 : ts_node_named_child_count(sup); i < n;
         i++) {
      TSNode b = ts_node_named_child(sup, i);
      if (is(b, "keyword_argument")) continue;
      add_name(w, dotted(w, b));
      w->f->defs.items[id].bases.count++;
    }
  } else {
    NameList params = collect_params(w, field(node, "parameters"));
    w->f->defs.items[id].params = params;
    /* Defaults are evaluated in the enclosing scope. */
    walk(w, field(node, "parameters"));
  }
  /* Switch into the new definition's scope. */
  int32_t saved_def = w->def, saved_outer = w->outer_call;
  uint32_t saved_loop = w->loop_depth;
  w->def = id;
  w->loop_depth = 0;
  w->outer_call = -1;
  if (!ts_node_is_null(decorated)) {
    d = &w->f->defs.items[id];
    d->decorators.first = w->f->names.len;
    for (uint32_t i = 0, n = ts_node_named_child_count(decorated); i < n; i++) {
      TSNode dec = ts_node_named_child(decorated, i);
      if (!is(dec, "decorator")) continue;
      TSNode expr = ts_node_named_child(dec, 0);
      add_name(w, text_of(w, expr, VALUE_TEXT_MAX));
      w->f->defs.items[id].decorators.count++;
      uint32_t before = w->f->calls.len;
      walk(w, expr);
      for (uint32_t c = before; c < w->f->calls.len; c++)
        w->f->calls.items[c].flags |= CALL_DECORATOR;
    }
  }
  walk(w, field(node, "body"));
  w->def = saved_def;
  w->loop_depth = saved_loop;
  w->outer_call = saved_outer;
}

/* ---- imports ------------------------------------------------------------------ */

static void add_import(Walker *w, TSNode at, const char *bound, const char *target, bool is_from) {
  Import im = {bound, target, is_from, w->def, pos_of(at)};
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

static void walk_import(Walker *w, TSNode n) {
  bool from = is(n, "import_from_statement");
  char *module = NULL;
  if (from) {
    TSNode m = field(n, "module_name");
    if (is(m, "relative_import")) {
      TSNode prefix = ts_node_named_child(m, 0);
      uint32_t dots = ts_node_end_byte(prefix) - ts_node_start_byte(prefix);
      char *base = relative_base(w, dots);
      if (!base) return;
      TSNode rest = ts_node_named_child_count(m) > 1 ? ts_node_named_child(m, 1) : (TSNode){0};
      const char *r =
          ts_node_is_null(rest) || !ts_node_named_child_count(m) ? NULL : dotted(w, rest);
      if (r && ts_node_named_child_count(m) > 1)
        module = base[0] ? xasprintf("%s.%s", base, r) : xstrdup(r);
      else
        module = xstrdup(base);
      free(base);
    } else {
      module = xstrdup(dotted(w, m));
    }
  }
  uint32_t count = ts_node_named_child_count(n);
  for (uint32_t i = 0; i < count; i++) {
    TSNode c = ts_node_named_child(n, i);
    const char *fname = ts_node_field_name_for_child(n, i);
    (void)fname;
    if (from && ts_node_start_byte(c) == ts_node_start_byte(field(n, "module_name"))) continue;
    TSNode name = c, alias = {0};
    if (is(c, "aliased_import")) {
      name = field(c, "name");
      alias = field(c, "alias");
    } else if (!is(c, "dotted_name")) {
      continue; /* wildcard import */
    }
    const char *dn = dotted(w, name);
    if (from) {
      char *t = module[0] ? xasprintf("%s.%s", module, dn) : xstrdup(dn);
      add_import(w, c, ts_node_is_null(alias) ? dn : text_of(w, alias, 0),
                 arena_strdup(&w->f->arena, t), true);
      free(t);
    } else if (!ts_node_is_null(alias)) {
      add_import(w, c, text_of(w, alias, 0), dn, false);
    } else {
      /* `import a.b.c` binds `a`; record the full name too so a.b.c.f resolves. */
      size_t first = strcspn(dn, ".");
      add_import(w, c, arena_strndup(&w->f->arena, dn, first),
                 arena_strndup(&w->f->arena, dn, first), false);
    }
  }
  free(module);
}

/* ---- logging ------------------------------------------------------------------ */

static bool is_logger_receiver(Walker *w, const char *recv) {
  const Knowledge *k = w->ctx->knowledge;
  if (knowledge_has(k, "logger.receiver", recv)) return true;
  const char *last = str_last_component(recv);
  if (str_ends_with(last, "logger") || str_ends_with(last, "LOGGER")) return true;
  /* A name assigned from a logger factory in this file (`log = logging.getLogger()`). */
  for (uint32_t i = w->f->assigns.len; i-- > 0;) {
    const Assign *a = &w->f->assigns.items[i];
    if (strcmp(a->target, recv) != 0 || a->call < 0) continue;
    const char *callee = w->f->calls.items[a->call].callee;
    return knowledge_has(k, "logger.factory", callee) ||
           knowledge_has(k, "logger.factory", str_last_component(callee));
  }
  return false;
}

/* Record a log callsite for call `ci` at node `call` if it is one. */
static void maybe_log_site(Walker *w, uint32_t ci, TSNode call) {
  const Call *c = &w->f->calls.items[ci];
  const Knowledge *k = w->ctx->knowledge;
  const char *callee = c->callee;
  const char *level = NULL;
  uint32_t msg_arg = 0;
  const Fact *fn = knowledge_get(k, "logger.function", callee);
  if (fn) {
    char buf[32];
    level = fact_attr(fn, "level", buf, sizeof buf) ? arena_strdup(&w->f->arena, buf) : callee;
  } else {
    const char *last = str_last_component(callee);
    if (last == callee || !knowledge_has(k, "logger.method", last)) return;
    char *recv = xstrndup(callee, (size_t)(last - callee - 1));
    bool ok = is_logger_receiver(w, recv);
    free(recv);
    if (!ok) return;
    level = last;
    if (strcmp(last, "log") == 0) msg_arg = 1;
  }
  TSNode args = field(call, "arguments");
  if (!is(args, "argument_list")) return;
  StrBuf sb = {0};
  uint32_t positional = 0, seen = 0;
  bool is_print = strcmp(callee, "print") == 0;
  for (uint32_t i = 0, n = ts_node_named_child_count(args); i < n; i++) {
    TSNode a = ts_node_named_child(args, i);
    if (is(a, "keyword_argument") || is(a, "comment")) continue;
    positional++;
    if (is_print) { /* print joins its arguments with spaces */
      if (seen++) sb_putc(&sb, ' ');
      template_into(w, a, &sb, 0);
    } else if (positional == msg_arg + 1) {
      template_into(w, a, &sb, 0);
      seen = 1;
    }
  }
  if (!seen) {
    sb_free(&sb);
    return;
  }
  const char *msg;
  if (!is_print && positional > msg_arg + 1) { /* logging formats %-args lazily */
    StrBuf conv = {0};
    template_convert_percent(sb_str(&sb), &conv);
    msg = arena_strndup(&w->f->arena, sb_str(&conv), conv.len);
    sb_free(&conv);
  } else {
    msg = arena_strndup(&w->f->arena, sb_str(&sb), sb.len);
  }
  sb_free(&sb);
  LogSite site = {callee, level, msg, c->def, (int32_t)ci, c->pos};
  array_push(&w->f->logs, site);
}

/* ---- calls, loops, scopes -------------------------------------------------------- */

/* The knowledge fact of `kind` for a callee: by its full text, else by
 * ".method" for a call on any object. */
static const Fact *callee_fact(const Knowledge *k, const char *kind, const char *callee) {
  const Fact *f = knowledge_get(k, kind, callee);
  if (f) return f;
  const char *last = str_last_component(callee);
  if (last == callee) return NULL;
  char key[128];
  snprintf(key, sizeof key, ".%s", last);
  return knowledge_get(k, kind, key);
}

static TSNode positional_arg(TSNode args, uint32_t index) {
  for (uint32_t i = 0, k = 0, n = ts_node_named_child_count(args); i < n; i++) {
    TSNode a = ts_node_named_child(args, i);
    if (is(a, "keyword_argument") || is(a, "comment")) continue;
    if (k++ == index) return a;
  }
  return (TSNode){0};
}

/* map(f, xs), partial(f, ...), start_soon(f, ...): f is called later, so the
 * call graph gets an edge to it as a reference call. */
static void add_reference_call(Walker *w, uint32_t ci, TSNode args) {
  const Fact *f = callee_fact(w->ctx->knowledge, "reference", w->f->calls.items[ci].callee);
  char buf[8];
  if (!f || !is(args, "argument_list") || !fact_attr(f, "arg", buf, sizeof buf)) return;
  TSNode a = positional_arg(args, (uint32_t)atoi(buf));
  if (!is(a, "identifier") && !is(a, "attribute")) return;
  Call r = w->f->calls.items[ci];
  r.callee = dotted(w, a);
  r.flags = (r.flags & CALL_IN_LOOP) | CALL_REFERENCE;
  r.outer = (int32_t)ci;
  r.nargs = r.nkwargs = 0;
  r.message = NULL;
  r.list_arg = -1;
  r.pos = pos_of(a);
  array_push(&w->f->calls, r);
}

static void walk_call(Walker *w, TSNode n) {
  Call c = {0};
  TSNode fn = field(n, "function");
  c.callee = dotted(w, fn);
  c.pos = pos_of(n);
  TSPoint e = ts_node_end_point(n);
  c.end = (Pos){e.row + 1, e.column + 1};
  c.start_byte = ts_node_start_byte(n);
  c.end_byte = ts_node_end_byte(n);
  c.def = w->def;
  c.outer = w->outer_call;
  c.list_arg = -1;
  if (w->loop_depth) c.flags |= CALL_IN_LOOP;
  if (c.start_byte == w->awaited_start && c.end_byte == w->awaited_end) c.flags |= CALL_AWAITED;
  TSNode args = field(n, "arguments");
  c.first_kwarg = w->f->kwargs.len;
  if (is(args, "argument_list")) {
    for (uint32_t i = 0, count = ts_node_named_child_count(args); i < count; i++) {
      TSNode a = ts_node_named_child(args, i);
      if (is(a, "keyword_argument")) {
        Kwarg kw = {text_of(w, field(a, "name"), 0), text_of(w, field(a, "value"), VALUE_TEXT_MAX)};
        array_push(&w->f->kwargs, kw);
        c.nkwargs++;
      } else if (is(a, "list_splat")) {
        c.flags |= CALL_STAR_ARGS;
        c.nargs++;
      } else if (!is(a, "dictionary_splat") && !is(a, "comment")) {
        if (c.nargs == 0 && is_stringish(a)) c.message = message_template(w, a, false);
        c.nargs++;
      }
    }
  } else if (!ts_node_is_null(args)) {
    c.nargs = 1; /* f(x for x in xs) */
  }
  array_push(&w->f->calls, c);
  uint32_t ci = w->f->calls.len - 1;
  maybe_log_site(w, ci, n);
  add_reference_call(w, ci, args);

  walk(w, fn);
  int32_t saved = w->outer_call;
  w->outer_call = (int32_t)ci;
  walk(w, args);
  w->outer_call = saved;
}

static void walk_loop(Walker *w, TSNode n) {
  if (is(n, "for_statement")) {
    walk(w, field(n, "right"));
    w->loop_depth++;
    walk(w, field(n, "left"));
    walk(w, field(n, "body"));
    w->loop_depth--;
    walk(w, field(n, "alternative"));
  } else { /* while */
    w->loop_depth++;
    walk(w, field(n, "condition"));
    walk(w, field(n, "body"));
    w->loop_depth--;
    walk(w, field(n, "alternative"));
  }
}

static void walk_comprehension(Walker *w, TSNode n) {
  /* The first iterable is evaluated once, outside the comprehension's loop. */
  bool first = true;
  uint32_t count = ts_node_named_child_count(n);
  for (uint32_t i = 0; i < count; i++) {
    TSNode c = ts_node_named_child(n, i);
    if (first && is(c, "for_in_clause")) {
      walk(w, field(c, "right"));
      first = false;
      w->loop_depth++;
      walk(w, field(c, "left"));
      w->loop_depth--;
      continue;
    }
    w->loop_depth++;
    walk(w, c);
    w->loop_depth--;
  }
}

static void walk_assignment(Walker *w, TSNode n) {
  TSNode left = field(n, "left"), right = field(n, "right");
  if (ts_node_is_null(right)) { /* annotation only */
    walk_children(w, n);
    return;
  }
  uint32_t call_index = w->f->calls.len;
  walk(w, right);
  if (is(left, "identifier") || is(left, "attribute")) {
    Assign a = {dotted(w, left), text_of(w, right, VALUE_TEXT_MAX), -1, w->def, pos_of(n)};
    if (is(right, "call") && call_index < w->f->calls.len)
      a.call = (int32_t)call_index;
    else if (is(right, "await") && is(ts_node_named_child(right, 0), "call") &&
             call_index < w->f->calls.len)
      a.call = (int32_t)call_index;
    array_push(&w->f->assigns, a);
    array_push(&w->assign_values, right);
    if (w->def == 0 && is(left, "identifier")) { /* module constants */
      const char *name = a.target;
      bool upper = true;
      for (const char *p = name; *p; p++) upper &= !(*p >= 'a' && *p <= 'z');
      if (upper && is(right, "integer")) {
        Const k = {name, strtoll(a.value, NULL, 0)};
        array_push(&w->f->consts, k);
      } else if (upper && (is(right, "list") || is(right, "tuple"))) {
        Const k = {name, ts_node_named_child_count(right)};
        array_push(&w->f->consts, k);
      }
    }
  }
  walk(w, left);
}

static void walk_with(Walker *w, TSNode n) {
  bool async = false;
  for (uint32_t i = 0, count = ts_node_child_count(n); i < count; i++)
    if (is(ts_node_child(n, i), "async")) async = true;
  TSNode clause = {0};
  for (uint32_t i = 0, count = ts_node_named_child_count(n); i < count; i++)
    if (is(ts_node_named_child(n, i), "with_clause")) clause = ts_node_named_child(n, i);
  for (uint32_t i = 0, count = ts_node_is_null(clause) ? 0 : ts_node_named_child_count(clause);
       i < count; i++) {
    TSNode item = ts_node_named_child(clause, i);
    if (!is(item, "with_item")) continue;
    TSNode value = field(item, "value"), alias = {0};
    if (is(value, "as_pattern")) {
      alias = field(value, "alias");
      value = ts_node_named_child(value, 0);
    }
    if (is(value, "await")) value = ts_node_named_child(value, 0);
    WithItem wi = {text_of(w, value, VALUE_TEXT_MAX),
                   is(value, "call") ? dotted(w, field(value, "function")) : NULL,
                   ts_node_is_null(alias) ? NULL : text_of(w, alias, 0),
                   async,
                   w->def,
                   pos_of(item)};
    array_push(&w->f->withs, wi);
  }
  walk_children(w, n);
}

static void walk(Walker *w, TSNode n) {
  if (ts_node_is_null(n)) return;
  if (++w->depth > MAX_DEPTH) {
    if (!w->depth_reported)
      diags_add(w->diags, DIAG_WARNING, w->src->path, ts_node_start_point(n).row + 1,
                "nesting deeper than %d levels; the inner part is not analyzed", MAX_DEPTH);
    w->depth_reported = true;
    w->depth--;
    return;
  }
  const char *type = ts_node_type(n);
  if (!ts_node_is_named(n) || strcmp(type, "comment") == 0 || strcmp(type, "string") == 0) {
    if (strcmp(type, "string") == 0) walk_children(w, n); /* f-string interpolations */
  } else if (strcmp(type, "call") == 0) {
    walk_call(w, n);
  } else if (strcmp(type, "await") == 0) {
    uint32_t sa = w->awaited_start, se = w->awaited_end;
    TSNode inner = ts_node_named_child(n, 0);
    w->awaited_start = ts_node_start_byte(inner);
    w->awaited_end = ts_node_end_byte(inner);
    walk_children(w, n);
    w->awaited_start = sa;
    w->awaited_end = se;
  } else if (strcmp(type, "function_definition") == 0 || strcmp(type, "class_definition") == 0) {
    walk_definition(w, n, (TSNode){0});
  } else if (strcmp(type, "decorated_definition") == 0) {
    walk_definition(w, field(n, "definition"), n);
  } else if (strcmp(type, "for_statement") == 0 || strcmp(type, "while_statement") == 0) {
    walk_loop(w, n);
  } else if (strcmp(type, "list_comprehension") == 0 || strcmp(type, "generator_expression") == 0 ||
             strcmp(type, "set_comprehension") == 0 ||
             strcmp(type, "dictionary_comprehension") == 0) {
    walk_comprehension(w, n);
  } else if (strcmp(type, "import_statement") == 0 || strcmp(type, "import_from_statement") == 0) {
    walk_import(w, n);
  } else if (strcmp(type, "assignment") == 0) {
    walk_assignment(w, n);
  } else if (strcmp(type, "with_statement") == 0) {
    walk_with(w, n);
  } else {
    walk_children(w, n);
  }
  w->depth--;
}

/* ---- fan-out sites ---------------------------------------------------------------- */

#define WIDTH_TEXT_MAX 60

static Width width_make(Walker *w, WidthKind kind, TSNode expr, int32_t param) {
  Width wd = {kind, -1, ts_node_is_null(expr) ? NULL : text_of(w, expr, WIDTH_TEXT_MAX), param};
  return wd;
}

static Width width_fixed(Walker *w, const char *fmt_name, int64_t n) {
  char buf[96];
  if (fmt_name)
    snprintf(buf, sizeof buf, "%lld (%s)", (long long)n, fmt_name);
  else
    snprintf(buf, sizeof buf, "%lld", (long long)n);
  Width wd = {WIDTH_FIXED, n, arena_strdup(&w->f->arena, buf), -1};
  return wd;
}

static const Const *module_const(const Walker *w, TSNode id) {
  for (uint32_t i = 0; i < w->f->consts.len; i++)
    if (node_text_eq(w, id, w->f->consts.items[i].name)) return &w->f->consts.items[i];
  return NULL;
}

/* The value node of the last assignment to `name` in the current def before
 * byte `before`, or a null node. */
static TSNode local_binding(const Walker *w, TSNode name, uint32_t before) {
  TSNode found = {0};
  for (uint32_t i = 0; i < w->f->assigns.len; i++) {
    const Assign *a = &w->f->assigns.items[i];
    TSNode v = w->assign_values.items[i];
    if (a->def == w->def && ts_node_start_byte(v) < before && node_text_eq(w, name, a->target))
      found = v;
  }
  return found;
}

/* Whether a local name is bound once and never grown (append, extend,
 * insert, +=): only then does its one binding tell the width. */
static bool single_binding(const Walker *w, TSNode name) {
  uint32_t binds = 0;
  for (uint32_t i = 0; i < w->f->assigns.len; i++)
    binds += w->f->assigns.items[i].def == w->def &&
             node_text_eq(w, name, w->f->assigns.items[i].target);
  if (binds > 1) return false;
  uint32_t a = ts_node_start_byte(name), n = ts_node_end_byte(name) - a;
  for (uint32_t i = 0; i < w->f->calls.len; i++) {
    const Call *c = &w->f->calls.items[i];
    const char *m = c->callee + n;
    if (c->def == w->def && strncmp(c->callee, w->src->text + a, n) == 0 && *m == '.' &&
        (strcmp(m, ".append") == 0 || strcmp(m, ".extend") == 0 || strcmp(m, ".insert") == 0))
      return false;
  }
  return true;
}

static bool int_literal(const Walker *w, TSNode n, int64_t *out) {
  if (!is(n, "integer")) return false;
  *out = strtoll(w->src->text + ts_node_start_byte(n), NULL, 0);
  return true;
}

static Width classify_iterable(Walker *w, TSNode n, unsigned depth);

static Width classify_range(Walker *w, TSNode call, TSNode args) {
  uint32_t n = ts_node_named_child_count(args);
  TSNode a = positional_arg(args, 0), b = positional_arg(args, 1);
  int64_t x, y;
  if (n == 1 && int_literal(w, a, &x)) return width_fixed(w, NULL, x);
  if (n == 2 && int_literal(w, a, &x) && int_literal(w, b, &y)) return width_fixed(w, NULL, y - x);
  if (n == 1 && is(a, "identifier")) {
    const Const *k = module_const(w, a);
    if (k) return width_fixed(w, k->name, k->value);
    uint32_t s = ts_node_start_byte(a);
    return width_make(w, WIDTH_DATA, call,
                      param_index(w, w->src->text + s, ts_node_end_byte(a) - s));
  }
  return width_make(w, WIDTH_DATA, call, -1);
}

/* The count of a slice `xs[:10]`, `xs[i:i + BATCH]`, or 0. */
static Width classify_slice(Walker *w, TSNode sub) {
  TSNode slice = field(sub, "subscript");
  if (!is(slice, "slice")) return width_make(w, WIDTH_DATA, sub, -1);
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
  if (!ts_node_is_null(start) && is(stop, "binary_operator") &&
      node_text_eq(w, field(stop, "operator"), "+")) {
    TSNode l = field(stop, "left"), r = field(stop, "right");
    uint32_t a = ts_node_start_byte(start), b = ts_node_end_byte(start);
    uint32_t la = ts_node_start_byte(l), lb = ts_node_end_byte(l);
    if (b - a == lb - la && memcmp(w->src->text + a, w->src->text + la, b - a) == 0) {
      if (int_literal(w, r, &v)) return width_fixed(w, NULL, v);
      const Const *k = is(r, "identifier") ? module_const(w, r) : NULL;
      if (k) return width_fixed(w, k->name, k->value);
    }
  }
  return width_make(w, WIDTH_DATA, sub, -1);
}

static Width classify_iterable(Walker *w, TSNode n, unsigned depth) {
  if (depth > 6 || ts_node_is_null(n)) return width_make(w, WIDTH_UNKNOWN, n, -1);
  if (is(n, "parenthesized_expression"))
    return classify_iterable(w, ts_node_named_child(n, 0), depth + 1);
  if (is(n, "list") || is(n, "tuple") || is(n, "set")) {
    uint32_t count = ts_node_named_child_count(n);
    for (uint32_t i = 0; i < count; i++)
      if (is(ts_node_named_child(n, i), "list_splat")) return width_make(w, WIDTH_DATA, n, -1);
    return width_fixed(w, NULL, count);
  }
  if (is(n, "list_comprehension") || is(n, "generator_expression") || is(n, "set_comprehension")) {
    for (uint32_t i = 0, c = ts_node_named_child_count(n); i < c; i++)
      if (is(ts_node_named_child(n, i), "for_in_clause"))
        return classify_iterable(w, field(ts_node_named_child(n, i), "right"), depth + 1);
  }
  if (is(n, "identifier")) {
    uint32_t s = ts_node_start_byte(n);
    int32_t p = param_index(w, w->src->text + s, ts_node_end_byte(n) - s);
    if (p >= 0) return width_make(w, WIDTH_DATA, n, p);
    const Const *k = module_const(w, n);
    if (k) return width_fixed(w, k->name, k->value);
    TSNode bound = local_binding(w, n, ts_node_start_byte(n));
    if (!ts_node_is_null(bound) && !single_binding(w, n)) return width_make(w, WIDTH_DATA, n, -1);
    if (!ts_node_is_null(bound)) {
      Width inner = classify_iterable(w, bound, depth + 1);
      if (inner.kind == WIDTH_FIXED) return inner;
      inner.expr = text_of(w, n, WIDTH_TEXT_MAX);
      if (inner.kind == WIDTH_UNKNOWN) inner.kind = WIDTH_DATA; /* a variable holding data */
      return inner;
    }
    return width_make(w, WIDTH_DATA, n, -1);
  }
  if (is(n, "attribute")) return width_make(w, WIDTH_DATA, n, -1);
  if (is(n, "subscript")) return classify_slice(w, n);
  if (is(n, "call")) {
    TSNode fn = field(n, "function"), args = field(n, "arguments");
    const char *callee = dotted(w, fn);
    if (strcmp(callee, "range") == 0 && is(args, "argument_list"))
      return classify_range(w, n, args);
    const Fact *f = callee_fact(w->ctx->knowledge, "iterable.wrapper", callee);
    char buf[8];
    if (f && is(args, "argument_list")) {
      uint32_t arg = fact_attr(f, "arg", buf, sizeof buf) ? (uint32_t)atoi(buf) : 0;
      if (strcmp(buf, "self") == 0 && is(fn, "attribute"))
        return classify_iterable(w, field(fn, "object"), depth + 1);
      return classify_iterable(w, positional_arg(args, arg), depth + 1);
    }
    if (callee_fact(w->ctx->knowledge, "loader", callee)) return width_make(w, WIDTH_DATA, n, -1);
    return width_make(w, WIDTH_UNKNOWN, n, -1);
  }
  return width_make(w, WIDTH_DATA, n, -1);
}

static TSNode enclosing_loop(TSNode n) {
  for (TSNode p = ts_node_parent(n); !ts_node_is_null(p); p = ts_node_parent(p)) {
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
  if (is(loop, "for_statement")) return classify_iterable(w, field(loop, "right"), 0);
  if (is(loop, "while_statement"))
    return width_make(w, WIDTH_UNKNOWN, field(loop, "condition"), -1);
  return classify_iterable(w, loop, 0);
}

static bool is_spawn_call(Walker *w, TSNode call) {
  if (!is(call, "call")) return false;
  const Fact *f = callee_fact(w->ctx->knowledge, "site", dotted(w, field(call, "function")));
  char kind[32];
  return f && fact_attr(f, "kind", kind, sizeof kind) &&
         (strcmp(kind, "create_task") == 0 || strcmp(kind, "ensure_future") == 0);
}

/* The function a function reference names: `f`, `self.m`, `partial(f, ...)`. */
static const char *ref_target(Walker *w, TSNode ref);

/* The function a task item runs: `f` of `f(x)`, or NULL (a task or future
 * made elsewhere names no function). */
static const char *item_target(Walker *w, TSNode item) {
  if (!is(item, "call")) return NULL;
  return ref_target(w, item);
}

static const char *ref_target(Walker *w, TSNode item) {
  if (is(item, "identifier") || is(item, "attribute")) return dotted(w, item);
  if (!is(item, "call")) return NULL;
  const char *callee = dotted(w, field(item, "function"));
  if (strcmp(str_last_component(callee), "partial") == 0) {
    TSNode f = positional_arg(field(item, "arguments"), 0);
    return is(f, "identifier") || is(f, "attribute") ? dotted(w, f) : NULL;
  }
  return strchr(callee, '?') ? NULL : callee;
}

typedef struct {
  Width width;
  const char *targets[8];
  uint32_t ntargets;
  bool spawned; /* the items are tasks made by a create_task site (reported there) */
  bool is_list; /* recognised as a list of task items at all */
} Items;

static void items_add_target(Items *it, const char *t) {
  if (!t || it->ntargets == 8) return;
  for (uint32_t i = 0; i < it->ntargets; i++)
    if (strcmp(it->targets[i], t) == 0) return;
  it->targets[it->ntargets++] = t;
}

/* What a list of awaitables X is made of (gather(*X), wait(X), as_completed(X)). */
static Items list_items(Walker *w, TSNode x, uint32_t site_byte, unsigned depth) {
  Items it = {0};
  it.width = width_make(w, WIDTH_UNKNOWN, x, -1);
  if (depth > 4 || ts_node_is_null(x)) return it;
  if (is(x, "list_comprehension") || is(x, "generator_expression") || is(x, "set_comprehension")) {
    TSNode body = field(x, "body");
    it.is_list = true;
    it.spawned = is_spawn_call(w, body);
    items_add_target(&it, it.spawned ? item_target(w, positional_arg(field(body, "arguments"), 0))
                                     : item_target(w, body));
    it.width = classify_iterable(w, x, 0);
  } else if (is(x, "list") || is(x, "tuple") || is(x, "set")) {
    it.is_list = true;
    it.width = classify_iterable(w, x, 0);
    for (uint32_t i = 0, n = ts_node_named_child_count(x); i < n; i++) {
      TSNode e = ts_node_named_child(x, i);
      it.spawned |= is_spawn_call(w, e);
      items_add_target(&it, item_target(w, e));
    }
  } else if (is(x, "call")) {
    TSNode fn = field(x, "function"), args = field(x, "arguments");
    const char *callee = dotted(w, fn);
    if ((strcmp(callee, "list") == 0 || strcmp(callee, "tuple") == 0) && is(args, "argument_list"))
      return list_items(w, positional_arg(args, 0), site_byte, depth + 1);
    if (strcmp(callee, "map") == 0 && is(args, "argument_list")) {
      it.is_list = true;
      items_add_target(&it, ref_target(w, positional_arg(args, 0)));
      it.width = classify_iterable(w, positional_arg(args, 1), 0);
    }
  } else if (is(x, "identifier")) {
    uint32_t s = ts_node_start_byte(x);
    int32_t p = param_index(w, w->src->text + s, ts_node_end_byte(x) - s);
    if (p >= 0) {
      it.is_list = true;
      it.width = width_make(w, WIDTH_DATA, x, p);
      return it;
    }
    TSNode bound = local_binding(w, x, site_byte);
    if (is(bound, "list") && ts_node_named_child_count(bound) == 0) {
      /* tasks = []; for ...: tasks.append(f(x)) */
      char *append = xasprintf("%.*s.append", (int)(ts_node_end_byte(x) - s), w->src->text + s);
      for (uint32_t i = 0; i < w->f->calls.len; i++) {
        const Call *c = &w->f->calls.items[i];
        if (c->def != w->def || (c->flags & CALL_REFERENCE) || strcmp(c->callee, append) != 0 ||
            c->start_byte > site_byte)
          continue;
        TSNode call = ts_node_descendant_for_byte_range(w->root, c->start_byte, c->end_byte);
        TSNode item = positional_arg(field(call, "arguments"), 0);
        TSNode loop = enclosing_loop(call);
        it.is_list = true;
        it.width =
            ts_node_is_null(loop) ? width_make(w, WIDTH_UNKNOWN, x, -1) : loop_width(w, loop);
        if (is(item, "identifier")) { /* task = create_task(...); tasks.append(task) */
          TSNode b = local_binding(w, item, ts_node_start_byte(item));
          if (is_spawn_call(w, b)) item = b;
        }
        if (is_spawn_call(w, item)) {
          it.spawned = true;
          items_add_target(&it, item_target(w, positional_arg(field(item, "arguments"), 0)));
        } else {
          items_add_target(&it, item_target(w, item));
        }
      }
      free(append);
    } else if (!ts_node_is_null(bound)) {
      Items inner = list_items(w, bound, ts_node_start_byte(bound), depth + 1);
      if (inner.is_list) return inner;
      it.is_list = true; /* a name bound to something opaque: a fan-out of unknown width */
      it.width = width_make(w, WIDTH_UNKNOWN, x, -1);
    }
  }
  return it;
}

static void add_site(Walker *w, SiteKind kind, Width width, const char *const *targets,
                     uint32_t ntargets, TSNode call) {
  if (width.kind == WIDTH_FIXED && width.count <= 1) return; /* one task is no fan-out */
  Site s = {0};
  s.kind = kind;
  s.width = width;
  s.targets.first = w->f->names.len;
  for (uint32_t i = 0; i < ntargets; i++)
    if (targets[i]) add_name(w, targets[i]), s.targets.count++;
  s.call = -1;
  for (uint32_t i = 0; i < w->f->calls.len; i++) {
    const Call *c = &w->f->calls.items[i];
    if (c->start_byte == ts_node_start_byte(call) && c->end_byte == ts_node_end_byte(call) &&
        !(c->flags & CALL_REFERENCE)) {
      s.call = (int32_t)i;
      s.def = c->def;
      break;
    }
  }
  if (s.call < 0) return; /* inside a part the walk skipped */
  s.pos = pos_of(field(call, "function"));
  if (is(field(call, "function"), "attribute"))
    s.pos = pos_of(field(field(call, "function"), "attribute"));
  array_push(&w->f->sites, s);
}

static const char *site_kind_names[SITE_KIND_COUNT] = {
    "gather", "create_task",     "ensure_future", "as_completed",
    "wait",   "run_in_executor", "start_soon",    "helper"};

const char *site_kind_name(SiteKind k) { return site_kind_names[k]; }

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

static bool awaits_name(const Walker *w, TSNode n, TSNode name) {
  if (is(n, "await")) {
    TSNode inner = ts_node_named_child(n, 0);
    if (is(inner, "identifier") &&
        ts_node_end_byte(inner) - ts_node_start_byte(inner) ==
            ts_node_end_byte(name) - ts_node_start_byte(name) &&
        memcmp(w->src->text + ts_node_start_byte(inner), w->src->text + ts_node_start_byte(name),
               ts_node_end_byte(name) - ts_node_start_byte(name)) == 0)
      return true;
  }
  for (uint32_t i = 0, c = ts_node_named_child_count(n); i < c; i++)
    if (awaits_name(w, ts_node_named_child(n, i), name)) return true;
  return false;
}

/* A task started and awaited in the same iteration runs one at a time:
 * `await loop.run_in_executor(...)`, or `t = create_task(...); await t`. */
static bool sequential_spawn(Walker *w, TSNode call, TSNode loop) {
  TSNode parent = ts_node_parent(call);
  if (is(parent, "await")) return true;
  if (is(parent, "assignment") && is(field(parent, "left"), "identifier")) {
    TSNode body =
        is(loop, "for_statement") || is(loop, "while_statement") ? field(loop, "body") : loop;
    return awaits_name(w, body, field(parent, "left"));
  }
  return false;
}

static void site_candidate(Walker *w, TSNode call, TSNode fn) {
  const char *text = dotted(w, fn);
  char *canon = canonical_callee(w, text);
  const Knowledge *k = w->ctx->knowledge;
  const Fact *f = knowledge_get(k, "site", canon);
  /* ".create_task" stands for a method on any object that is not a module
   * the file imports (loop.create_task, tg.create_task). */
  if (!f && strcmp(canon, text) == 0 && strchr(text, '.')) f = callee_fact(k, "site", text);
  free(canon);
  char kind_name[32], loop_attr[8];
  SiteKind kind;
  if (!f || !fact_attr(f, "kind", kind_name, sizeof kind_name) ||
      !site_kind_from_name(kind_name, &kind))
    return;
  bool needs_loop =
      fact_attr(f, "loop", loop_attr, sizeof loop_attr) && strcmp(loop_attr, "yes") == 0;
  w->def = 0;
  /* Find the def the call belongs to (the walk is over; set the scope back). */
  for (uint32_t i = 0; i < w->f->calls.len; i++)
    if (w->f->calls.items[i].start_byte == ts_node_start_byte(call)) {
      w->def = w->f->calls.items[i].def;
      break;
    }
  TSNode args = field(call, "arguments");
  if (needs_loop) {
    TSNode loop = enclosing_loop(call);
    if (ts_node_is_null(loop)) return;
    char arg[8];
    uint32_t target_arg = fact_attr(f, "target", arg, sizeof arg) ? (uint32_t)atoi(arg) : 0;
    if (sequential_spawn(w, call, loop)) return;
    TSNode t = positional_arg(args, target_arg);
    const char *target = is(t, "call") ? item_target(w, t) : ref_target(w, t);
    add_site(w, kind, loop_width(w, loop), &target, 1, call);
    return;
  }
  /* gather / wait / as_completed: what list of awaitables is it given? */
  if (!is(args, "argument_list")) return;
  Items items = {0};
  TSNode first = positional_arg(args, 0);
  if (kind == SITE_GATHER) {
    uint32_t fixed = 0;
    const char *targets[8];
    uint32_t nt = 0;
    bool spawned = false;
    for (uint32_t i = 0, n = ts_node_named_child_count(args); i < n; i++) {
      TSNode a = ts_node_named_child(args, i);
      if (is(a, "keyword_argument") || is(a, "comment")) continue;
      if (is(a, "list_splat")) {
        items = list_items(w, ts_node_named_child(a, 0), ts_node_start_byte(call), 0);
        if (!items.is_list)
          items.width = width_make(w, WIDTH_UNKNOWN, ts_node_named_child(a, 0), -1);
        items.is_list = true;
      } else {
        fixed++;
        spawned |= is_spawn_call(w, a);
        if (nt < 8) targets[nt++] = item_target(w, a);
      }
    }
    if (!items.is_list) {
      if (fixed == 0 || spawned) return;
      add_site(w, kind, width_fixed(w, NULL, fixed), targets, nt, call);
      return;
    }
  } else {
    items = list_items(w, first, ts_node_start_byte(call), 0);
    if (!items.is_list) items.width = width_make(w, WIDTH_UNKNOWN, first, -1);
  }
  if (items.spawned) return;
  add_site(w, kind, items.width, items.targets, items.ntargets, call);
}

/* Calls whose argument is a list of task items: a project helper called like
 * this is a fan-out if the index finds that it gathers that argument. */
static void record_list_args(Walker *w) {
  for (uint32_t i = 0; i < w->f->calls.len; i++) {
    Call *c = &w->f->calls.items[i];
    if (c->nargs == 0 || (c->flags & CALL_REFERENCE) || strchr(c->callee, '?')) continue;
    TSNode call = ts_node_descendant_for_byte_range(w->root, c->start_byte, c->end_byte);
    TSNode args = field(call, "arguments");
    if (!is(args, "argument_list")) continue;
    w->def = c->def;
    for (uint32_t a = 0, n = ts_node_named_child_count(args), pos = 0; a < n && a < 8; a++) {
      TSNode arg = ts_node_named_child(args, a);
      if (is(arg, "keyword_argument") || is(arg, "comment")) continue;
      TSNode x = is(arg, "list_splat") ? ts_node_named_child(arg, 0) : arg;
      if (is(x, "list_comprehension") || is(x, "generator_expression") || is(x, "identifier") ||
          (is(x, "call") && node_text_eq(w, field(x, "function"), "map"))) {
        Items it = list_items(w, x, c->start_byte, 0);
        if (it.is_list && it.ntargets && !it.spawned) {
          ListArg la = {pos, it.width, add_name(w, it.targets[0])};
          array_push(&w->f->list_args, la);
          c->list_arg = (int32_t)w->f->list_args.len - 1;
          break;
        }
      }
      pos++;
    }
  }
}

static void find_sites(Walker *w) {
  QueryRun run;
  query_run_begin(&run, w->ctx->sites, w->root, w->src->text);
  TSQueryMatch m;
  while (query_run_next(&run, &m)) {
    TSNode call, fn;
    if (query_match_capture(&m, w->ctx->cap_site, &call) &&
        query_match_capture(&m, w->ctx->cap_fn, &fn))
      site_candidate(w, call, fn);
  }
  query_run_end(&run);
  record_list_args(w);
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
  w.awaited_start = UINT32_MAX;
  out->has_errors = ts_node_has_error(w.root);
  Def module = {0};
  module.kind = DEF_MODULE;
  module.name = out->module;
  module.qualname = "";
  module.parent = -1;
  module.pos = (Pos){1, 1};
  module.end_line = ts_node_end_point(w.root).row + 1;
  array_push(&out->defs, module);
  walk_children(&w, w.root);
  find_sites(&w);
  array_free(&w.assign_values);
  ts_tree_delete(tree);
  return true;
}

void facts_free(Facts *f) {
  array_free(&f->defs);
  array_free(&f->imports);
  array_free(&f->calls);
  array_free(&f->kwargs);
  array_free(&f->list_args);
  array_free(&f->assigns);
  array_free(&f->withs);
  array_free(&f->logs);
  array_free(&f->sites);
  array_free(&f->consts);
  array_free(&f->names);
  arena_free(&f->arena);
}
