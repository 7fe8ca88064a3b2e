#include "facts.h"

#include <ctype.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "facts_walk.h"
#include "parse.h"
#include "template.h"

/* Nesting deeper than this is not walked (a diagnostic says so): the walk is
 * recursive, and generated code can nest expressions thousands deep. */
#define MAX_DEPTH 1500

/* ---- small helpers ------------------------------------------------------ */

bool facts__is(TSNode n, const char *type) {
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

TSNode facts__field(TSNode n, FieldName f) { return ts_node_child_by_field_id(n, field_ids[f]); }

NodeKind facts__kind(TSNode n) {
  TSSymbol sym = ts_node_symbol(n);
  return ts_node_is_named(n) && sym < node_kinds_len ? (NodeKind)node_kinds[sym] : KIND_OTHER;
}

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
  if (facts__is(n, "identifier")) {
    uint32_t a = ts_node_start_byte(n);
    sb_putn(sb, w->src->text + a, ts_node_end_byte(n) - a);
  } else if (facts__is(n, "dotted_name")) {
    for (uint32_t i = 0, count = ts_node_named_child_count(n); i < count; i++) {
      if (i) sb_putc(sb, '.');
      dotted_into(w, ts_node_named_child(n, i), sb);
    }
  } else if (facts__is(n, "attribute")) {
    dotted_into(w, facts__field(n, FIELD_object), sb);
    sb_putc(sb, '.');
    TSNode attr = facts__field(n, FIELD_attribute);
    uint32_t a = ts_node_start_byte(attr);
    sb_putn(sb, w->src->text + a, ts_node_end_byte(attr) - a);
  } else if (facts__is(n, "subscript") && sb->len < 200) {
    /* `self.agents[name].run` -> "self.agents[].run": an element of the collection */
    dotted_into(w, facts__field(n, FIELD_value), sb);
    sb_puts(sb, "[]");
  } else if (facts__is(n, "call") && sb->len < 200) {
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

/* ---- templates ------------------------------------------------------------ */

/* The parameter a local name was made from, when its last assignment in
 * this function is that parameter, formatted or not (`text =
 * message.format(**params)`, `text = message % args`): a log helper's
 * message on its way to the logger. -1 otherwise. */
static int32_t formatted_param(Walker *w, const char *name, size_t n) {
  const Def *d = facts__cur_def(w);
  if (d->kind != DEF_FUNCTION) return -1;
  int32_t def = (int32_t)(d - w->f->defs.items);
  for (uint32_t i = w->f->assigns.len; i-- > 0;) {
    const Assign *as = &w->f->assigns.items[i];
    if (as->def != def) continue;
    if (strlen(as->target) != n || memcmp(as->target, name, n) != 0) continue;
    const char *v = as->value;
    size_t k = strcspn(v, ".% ");
    bool formatted = !v[k] || strncmp(v + k, ".format(", 8) == 0 || strncmp(v + k, " % ", 3) == 0;
    return formatted ? facts__param_index(w, v, k) : -1;
  }
  return -1;
}

static void hole_for_expr(Walker *w, TSNode expr, char type, StrBuf *out) {
  sb_putc(out, TEMPLATE_HOLE);
  /* logger.exception(*args): the wrapper's first argument is the message */
  if (facts__is(expr, "list_splat")) expr = ts_node_named_child(expr, 0);
  if (type == 'a' && facts__is(expr, "identifier")) {
    uint32_t a = ts_node_start_byte(expr);
    size_t n = ts_node_end_byte(expr) - a;
    int32_t p = facts__param_index(w, w->src->text + a, n);
    if (p < 0) p = formatted_param(w, w->src->text + a, n);
    if (p >= 0 && p < 40) type = (char)('0' + p);
  }
  sb_putc(out, type);
}

static void string_into(Walker *w, TSNode s, StrBuf *out, bool *fstring) {
  TSNode start = ts_node_child(s, 0);
  uint32_t a = ts_node_start_byte(start), b = ts_node_end_byte(start);
  bool raw = false, f = false;
  for (uint32_t i = a; i < b; i++) {
    char c = w->src->text[i];
    raw |= c == 'r' || c == 'R';
    f |= c == 'f' || c == 'F';
  }
  if (fstring) *fstring = f;
  uint32_t n = ts_node_child_count(s);
  for (uint32_t i = 0; i < n; i++) {
    TSNode c = ts_node_child(s, i);
    if (facts__is(c, "string_content")) {
      uint32_t ca = ts_node_start_byte(c);
      template_unescape(w->src->text + ca, ts_node_end_byte(c) - ca, raw, f, out);
    } else if (facts__is(c, "interpolation")) {
      TSNode spec = facts__field(c, FIELD_format_specifier);
      for (uint32_t k = 0, kn = ts_node_child_count(c); k < kn; k++) {
        TSNode eq = ts_node_child(c, k); /* `{count=}` writes "count=" before the value */
        if (!ts_node_is_named(eq) && facts__node_text_eq(w, eq, "=")) {
          uint32_t ea = ts_node_start_byte(c) + 1;
          sb_putn(out, w->src->text + ea, ts_node_end_byte(eq) - ea);
          break;
        }
      }
      char type = 'a';
      if (!ts_node_is_null(spec))
        type = template_spec_type(w->src->text + ts_node_start_byte(spec),
                                  ts_node_end_byte(spec) - ts_node_start_byte(spec));
      hole_for_expr(w, facts__field(c, FIELD_expression), type, out);
    } else if (facts__is(c, "escape_sequence") && !raw) {
      uint32_t ca = ts_node_start_byte(c);
      template_unescape(w->src->text + ca, ts_node_end_byte(c) - ca, raw, f, out);
    }
  }
}

/* A template for an expression used as a message. `percent` converts
 * %-specs (logging with arguments); `format` converts {} fields. */
static void template_into(Walker *w, TSNode e, StrBuf *out, unsigned depth) {
  if (depth > 20) {
    hole_for_expr(w, e, 'a', out);
    return;
  }
  if (facts__is(e, "string")) {
    string_into(w, e, out, NULL);
  } else if (facts__is(e, "concatenated_string")) {
    uint32_t n = ts_node_named_child_count(e);
    for (uint32_t i = 0; i < n; i++) template_into(w, ts_node_named_child(e, i), out, depth + 1);
  } else if (facts__is(e, "parenthesized_expression") && ts_node_named_child_count(e) == 1) {
    template_into(w, ts_node_named_child(e, 0), out, depth + 1);
  } else if (facts__is(e, "binary_operator")) {
    TSNode op = facts__field(e, FIELD_operator);
    TSNode left = facts__field(e, FIELD_left);
    if (facts__node_text_eq(w, op, "+")) {
      template_into(w, left, out, depth + 1);
      template_into(w, facts__field(e, FIELD_right), out, depth + 1);
    } else if (facts__node_text_eq(w, op, "%") &&
               (facts__is(left, "string") || facts__is(left, "concatenated_string"))) {
      StrBuf inner = {0};
      template_into(w, left, &inner, depth + 1);
      template_convert_percent(sb_str(&inner), out);
      sb_free(&inner);
    } else {
      hole_for_expr(w, e, 'a', out);
    }
  } else if (facts__is(e, "call")) {
    TSNode fn = facts__field(e, FIELD_function);
    TSNode obj = facts__is(fn, "attribute") ? facts__field(fn, FIELD_object) : fn;
    if (facts__is(fn, "attribute") &&
        facts__node_text_eq(w, facts__field(fn, FIELD_attribute), "format") &&
        (facts__is(obj, "string") || facts__is(obj, "concatenated_string"))) {
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
  if (facts__is(e, "string") || facts__is(e, "concatenated_string")) return true;
  if (facts__is(e, "binary_operator"))
    return is_stringish(facts__field(e, FIELD_left)) || is_stringish(facts__field(e, FIELD_right));
  if (facts__is(e, "call")) {
    TSNode fn = facts__field(e, FIELD_function);
    return facts__is(fn, "attribute") && is_stringish(facts__field(fn, FIELD_object));
  }
  return false;
}

static const char *message_template(Walker *w, TSNode e) {
  StrBuf sb = {0};
  template_into(w, e, &sb, 0);
  const char *s = arena_strndup(&w->f->arena, sb_str(&sb), sb.len);
  sb_free(&sb);
  return s;
}

/* ---- definitions ------------------------------------------------------------ */

static void walk(Walker *w, TSNode n);
static bool dead_condition(Walker *w, TSNode cond);

static void walk_children(Walker *w, TSNode n) {
  /* A cursor: ts_node_child(n, i) rescans the siblings before i each time,
   * which makes a module of thousands of statements quadratic. The one of
   * this depth is free: the walks below it use deeper ones. */
  uint32_t d = w->depth; /* an index: deeper walks may move the array */
  while (w->cursors.len <= d) array_push(&w->cursors, ts_tree_cursor_new(n));
  ts_tree_cursor_reset(&w->cursors.items[d], n);
  if (ts_tree_cursor_goto_first_child(&w->cursors.items[d])) {
    do walk(w, ts_tree_cursor_current_node(&w->cursors.items[d]));
    while (ts_tree_cursor_goto_next_sibling(&w->cursors.items[d]));
  }
}

typedef enum { PARAM_NAMES, PARAM_TYPES, PARAM_DEFAULTS } ParamPart;

/* Parameter names, their annotations or their defaults' text ("" when
 * absent), in order. */
static NameList collect_params(Walker *w, TSNode params, ParamPart part) {
  NameList list = {w->f->names.len, 0};
  uint32_t n = ts_node_named_child_count(params);
  for (uint32_t i = 0; i < n; i++) {
    TSNode p = ts_node_named_child(params, i), name = p;
    if (facts__is(p, "default_parameter") || facts__is(p, "typed_default_parameter"))
      name = facts__field(p, FIELD_name);
    else if (facts__is(p, "typed_parameter"))
      name = ts_node_named_child(p, 0);
    if (facts__is(name, "list_splat_pattern") || facts__is(name, "dictionary_splat_pattern") ||
        facts__is(name, "identifier")) {
      TSNode type = facts__field(p, FIELD_type);
      TSNode dflt = facts__is(p, "default_parameter") || facts__is(p, "typed_default_parameter")
                        ? facts__field(p, FIELD_value)
                        : (TSNode){0};
      TSNode of = part == PARAM_TYPES ? type : dflt;
      facts__add_name(w, part == PARAM_NAMES   ? facts__text_of(w, name, 0)
                         : ts_node_is_null(of) ? ""
                                               : facts__text_of(w, of, VALUE_TEXT_MAX));
      list.count++;
    }
  }
  return list;
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
  for (uint32_t i = 0, n = ts_node_child_count(node); i < n; i++)
    if (facts__is(ts_node_child(node, i), "async")) d.is_async = true;
  array_push(&w->f->defs, d);
  array_push(&w->def_nodes, node);
  return (int32_t)w->f->defs.len - 1;
}

static void walk_definition(Walker *w, TSNode node, TSNode decorated) {
  bool is_class = facts__is(node, "class_definition");
  int32_t id =
      add_def(w, is_class ? DEF_CLASS : DEF_FUNCTION, node, facts__field(node, FIELD_name));
  Def *d = &w->f->defs.items[id];
  if (is_class) {
    TSNode sup = facts__field(node, FIELD_superclasses);
    d->bases.first = w->f->names.len;
    for (uint32_t i = 0, n = ts_node_is_null(sup) ? 0 : ts_node_named_child_count(sup); i < n;
         i++) {
      TSNode b = ts_node_named_child(sup, i);
      if (facts__is(b, "keyword_argument")) continue;
      if (facts__is(b, "subscript")) b = facts__field(b, FIELD_value); /* Base[In, Out] */
      facts__add_name(w, facts__dotted(w, b));
      w->f->defs.items[id].bases.count++;
    }
  } else {
    NameList params = collect_params(w, facts__field(node, FIELD_parameters), PARAM_NAMES);
    w->f->defs.items[id].params = params;
    NameList types = collect_params(w, facts__field(node, FIELD_parameters), PARAM_TYPES);
    w->f->defs.items[id].param_types = types;
    NameList defaults = collect_params(w, facts__field(node, FIELD_parameters), PARAM_DEFAULTS);
    w->f->defs.items[id].param_defaults = defaults;
    TSNode ret = facts__field(node, FIELD_return_type);
    if (!ts_node_is_null(ret))
      w->f->defs.items[id].returns = facts__text_of(w, ret, VALUE_TEXT_MAX);
    /* Defaults are evaluated in the enclosing scope. */
    walk(w, facts__field(node, FIELD_parameters));
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
      if (!facts__is(dec, "decorator")) continue;
      facts__add_name(w, facts__text_of(w, ts_node_named_child(dec, 0), VALUE_TEXT_MAX));
      array_push(&w->f->positions, facts__pos_of(dec));
      w->f->defs.items[id].decorators.count++;
    }
    for (uint32_t i = 0, n = ts_node_named_child_count(decorated); i < n; i++) {
      TSNode dec = ts_node_named_child(decorated, i);
      if (!facts__is(dec, "decorator")) continue;
      uint32_t before = w->f->calls.len;
      walk(w, ts_node_named_child(dec, 0));
      for (uint32_t c = before; c < w->f->calls.len; c++)
        w->f->calls.items[c].flags |= CALL_DECORATOR;
    }
  }
  walk(w, facts__field(node, FIELD_body));
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

static void walk_import(Walker *w, TSNode n) {
  bool from = facts__is(n, "import_from_statement");
  char *module = NULL;
  if (from) {
    TSNode m = facts__field(n, FIELD_module_name);
    if (facts__is(m, "relative_import")) {
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
    if (facts__is(c, "aliased_import")) {
      name = facts__field(c, FIELD_name);
      alias = facts__field(c, FIELD_alias);
    } else if (facts__is(c, "wildcard_import")) { /* from m import *: bound "*", target m */
      if (from && module[0]) add_import(w, c, "*", arena_strdup(&w->f->arena, module), true);
      continue;
    } else if (!facts__is(c, "dotted_name")) {
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
  if (knowledge_has(k, FACT_LOGGER_RECEIVER, recv)) return true;
  const char *last = str_last_component(recv);
  if (str_ends_with(last, "logger") || str_ends_with(last, "LOGGER")) return true;
  /* A name assigned from a logger factory in this file (`log = logging.getLogger()`). */
  for (uint32_t i = w->f->assigns.len; i-- > 0;) {
    const Assign *a = &w->f->assigns.items[i];
    if (strcmp(a->target, recv) != 0 || a->call < 0) continue;
    const char *callee = w->f->calls.items[a->call].callee;
    return knowledge_has(k, FACT_LOGGER_FACTORY, callee) ||
           knowledge_has(k, FACT_LOGGER_FACTORY, str_last_component(callee));
  }
  return false;
}

/* A level's name as a string literal ("info", 'WARNING'): what a project's
 * log helper takes before the message (`self._log("info", "Found {n}")`). */
static bool level_literal(Walker *w, TSNode a) {
  if (!facts__is(a, "string")) return false;
  uint32_t s = ts_node_start_byte(a), e = ts_node_end_byte(a);
  if (e - s < 6 || e - s > 12) return false;
  char buf[16];
  size_t n = 0;
  for (uint32_t i = s + 1; i + 1 < e && n + 1 < sizeof buf; i++)
    buf[n++] = (char)(w->src->text[i] | 0x20);
  buf[n] = '\0';
  static const char *const names[] = {"debug", "info", "warning", "warn", "error", "critical"};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++)
    if (strcmp(buf, names[i]) == 0) return true;
  return false;
}

/* Keyword arguments of a logging call that are no values of its message. */
static bool logging_option(Walker *w, TSNode kw) {
  static const char *const opts[] = {"exc_info", "stack_info", "stacklevel", "extra"};
  TSNode name = facts__field(kw, FIELD_name);
  for (size_t i = 0; i < sizeof opts / sizeof *opts; i++)
    if (facts__node_text_eq(w, name, opts[i])) return true;
  return false;
}

/* Whether `value` (an assignment's text) is `getattr(LOGGER, ...)`. */
static bool getattr_of_logger(Walker *w, const char *value) {
  if (strncmp(value, "getattr(", 8) != 0) return false;
  const char *recv = value + 8;
  size_t n = strcspn(recv, ",)");
  char *name = xstrndup(recv, n);
  bool ok = recv[n] == ',' && is_logger_receiver(w, name);
  free(name);
  return ok;
}

/* `getattr(logger, level)(msg)`, or `fn = getattr(logger, level, None)` then
 * `fn(msg)`: a logger's method chosen by name. */
static bool dynamic_logger_call(Walker *w, const char *callee, TSNode call) {
  if (!strchr(callee, '.') && !strchr(callee, '(')) { /* a local bound to a logger's method */
    if (!strmap_get(&w->assigned, callee, NULL)) return false;
    const Def *d = facts__cur_def(w);
    int32_t def = (int32_t)(d - w->f->defs.items);
    for (uint32_t i = w->f->assigns.len; i-- > 0;) {
      const Assign *a = &w->f->assigns.items[i];
      if (a->def == def && strcmp(a->target, callee) == 0) return getattr_of_logger(w, a->value);
    }
    return false;
  }
  if (strcmp(callee, "getattr()") != 0) return false;
  TSNode inner = facts__field(call, FIELD_function);
  TSNode args = facts__is(inner, "call") ? facts__field(inner, FIELD_arguments) : (TSNode){0};
  if (ts_node_is_null(args) || ts_node_named_child_count(args) < 2) return false;
  TSNode obj = ts_node_named_child(args, 0);
  if (!facts__is(obj, "identifier") && !facts__is(obj, "attribute")) return false;
  uint32_t a = ts_node_start_byte(obj);
  char *recv = xstrndup(w->src->text + a, ts_node_end_byte(obj) - a);
  bool ok = is_logger_receiver(w, recv);
  free(recv);
  return ok;
}

/* Record a log callsite for call `ci` at node `call` if it is one. Not
 * inlined: the walk recurses through the call that makes it, and its frame
 * would ride along at every level of nesting. */
__attribute__((noinline)) static void maybe_log_site(Walker *w, uint32_t ci, TSNode call) {
  const Call *c = &w->f->calls.items[ci];
  const Knowledge *k = w->ctx->knowledge;
  const char *callee = c->callee;
  const char *level = NULL;
  uint32_t msg_arg = 0;
  const Fact *fn = knowledge_get(k, FACT_LOGGER_FUNCTION, callee);
  bool helper = false; /* a project's own log helper, named in the configuration */
  if (fn) {
    char buf[32];
    level = fact_attr(fn, "level", buf, sizeof buf) ? arena_strdup(&w->f->arena, buf) : callee;
    helper = fact_attr(fn, "helper", buf, sizeof buf);
  } else if (dynamic_logger_call(w, callee, call)) {
    level = "log";
  } else {
    const char *last = str_last_component(callee);
    if (last == callee || !knowledge_has(k, FACT_LOGGER_METHOD, last)) return;
    char *recv = xstrndup(callee, (size_t)(last - callee - 1));
    bool ok = is_logger_receiver(w, recv);
    free(recv);
    if (!ok) return;
    level = last;
    if (strcmp(last, "log") == 0) msg_arg = 1;
  }
  TSNode args = facts__field(call, FIELD_arguments);
  if (!facts__is(args, "argument_list")) return;
  StrBuf sb = {0};
  uint32_t positional = 0, seen = 0, values = 0;
  bool is_print = strcmp(callee, "print") == 0;
  for (uint32_t i = 0, n = ts_node_named_child_count(args); i < n; i++) {
    TSNode a = ts_node_named_child(args, i);
    if (facts__is(a, "keyword_argument")) values += !logging_option(w, a);
    if (facts__is(a, "dictionary_splat")) values++;
    if (facts__is(a, "keyword_argument") || facts__is(a, "comment") ||
        facts__is(a, "dictionary_splat"))
      continue;
    if (helper && positional == msg_arg && level_literal(w, a)) msg_arg++; /* its level first */
    positional++;
    if (is_print) { /* print joins its arguments with spaces */
      if (seen++) sb_putc(&sb, ' ');
      template_into(w, a, &sb, 0);
    } else if (positional == msg_arg + 1) {
      template_into(w, a, &sb, 0);
      seen = 1;
    }
  }
  for (uint32_t i = 0, n = ts_node_named_child_count(args); !seen && i < n; i++) {
    TSNode a = ts_node_named_child(args, i); /* `fn(message=message, tag=tag)` */
    TSNode name = facts__is(a, "keyword_argument") ? facts__field(a, FIELD_name) : (TSNode){0};
    if (!ts_node_is_null(name) &&
        (facts__node_text_eq(w, name, "message") || facts__node_text_eq(w, name, "msg"))) {
      template_into(w, facts__field(a, FIELD_value), &sb, 0);
      seen = 1;
      values--;
    }
  }
  if (!seen) {
    sb_free(&sb);
    return;
  }
  const char *msg;
  bool percent = !is_print && positional > msg_arg + 1 && strchr(sb_str(&sb), '%');
  if (!is_print && (positional > msg_arg + 1 || values) && !percent &&
      strchr(sb_str(&sb), '{')) {
    /* loguru, structlog, logfire and helpers that call str.format: brace
     * fields filled from the arguments (`logger.info("got {n}", n=3)`) */
    StrBuf conv = {0};
    template_convert_format(sb_str(&sb), &conv);
    msg = arena_strndup(&w->f->arena, sb_str(&conv), conv.len);
    sb_free(&conv);
  } else if (percent) { /* logging formats %-args lazily */
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
    if (facts__is(a, "keyword_argument") || facts__is(a, "comment")) continue;
    if (k++ == index) return a;
  }
  return (TSNode){0};
}

/* map(f, xs), partial(f, ...), start_soon(f, ...): f is called later, so the
 * call graph gets an edge to it as a reference call. */
static void add_reference_call(Walker *w, uint32_t ci, TSNode args) {
  const Fact *f =
      facts__callee_fact(w->ctx->knowledge, FACT_REFERENCE, w->f->calls.items[ci].callee);
  char buf[8];
  if (!f || !facts__is(args, "argument_list") || !fact_attr(f, "arg", buf, sizeof buf)) return;
  TSNode a = facts__positional_arg(args, (uint32_t)atoi(buf));
  if (!facts__is(a, "identifier") && !facts__is(a, "attribute")) return;
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

static void walk_call(Walker *w, TSNode n) {
  Call c = {0};
  TSNode fn = facts__field(n, FIELD_function);
  c.callee = facts__dotted(w, fn);
  c.pos = facts__pos_of(n);
  TSPoint e = ts_node_end_point(n);
  c.end = (Pos){e.row + 1, e.column + 1};
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
  if (facts__is(args, "argument_list")) {
    for (uint32_t i = 0, count = ts_node_named_child_count(args); i < count; i++) {
      TSNode a = ts_node_named_child(args, i);
      if (facts__is(a, "keyword_argument")) {
        Kwarg kw = {facts__text_of(w, facts__field(a, FIELD_name), 0),
                    facts__text_of(w, facts__field(a, FIELD_value), VALUE_TEXT_MAX)};
        array_push(&w->f->kwargs, kw);
        c.nkwargs++;
      } else if (facts__is(a, "list_splat")) {
        c.flags |= CALL_STAR_ARGS;
        if (c.nargs == 0) c.arg0 = facts__text_of(w, a, VALUE_TEXT_MAX); /* "*tasks" */
        c.nargs++;
      } else if (facts__is(a, "dictionary_splat")) {
        c.flags |= CALL_KW_SPLAT;
      } else if (!facts__is(a, "comment")) {
        if (c.nargs == 0 && is_stringish(a)) c.message = message_template(w, a);
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
  maybe_log_site(w, ci, n);
  add_reference_call(w, ci, args);

  walk(w, fn);
  int32_t saved = w->outer_call;
  w->outer_call = (int32_t)ci;
  walk(w, args);
  w->outer_call = saved;
}

static void add_loop(Walker *w, TSNode n) {
  Loop l = {0};
  l.is_while = facts__is(n, "while_statement");
  TSNode head = facts__field(n, l.is_while ? FIELD_condition : FIELD_right);
  l.iter = ts_node_is_null(head) ? "" : facts__text_of(w, head, VALUE_TEXT_MAX);
  l.while_true = l.is_while && (strcmp(l.iter, "True") == 0 || strcmp(l.iter, "1") == 0);
  TSNode left = facts__field(n, FIELD_left);
  l.target = ts_node_is_null(left) ? NULL : facts__text_of(w, left, VALUE_TEXT_MAX);
  l.def = w->def;
  l.pos = facts__pos_of(n);
  l.end_line = ts_node_end_point(n).row + 1;
  array_push(&w->f->loops, l);
}

/* Whether `n` has a raise statement (not in a nested def, lambda or class). */
static bool raises(TSNode n, unsigned depth) {
  if (facts__is(n, "raise_statement")) return true;
  if (depth > 12 || facts__is(n, "function_definition") || facts__is(n, "lambda") ||
      facts__is(n, "class_definition"))
    return false;
  for (uint32_t i = 0, c = ts_node_named_child_count(n); i < c; i++)
    if (raises(ts_node_named_child(n, i), depth + 1)) return true;
  return false;
}

/* Whether running `n` can leave the loop around it: a raise, an assert (a
 * deadline: `assert time() < start + 20`) or a return (not in a nested def,
 * lambda or class), or a break not in a nested loop. */
static bool exits_loop(TSNode n, bool nested_loop, unsigned depth) {
  if (facts__is(n, "raise_statement") || facts__is(n, "return_statement") ||
      facts__is(n, "assert_statement") || (!nested_loop && facts__is(n, "break_statement")))
    return true;
  if (depth > 12 || facts__is(n, "function_definition") || facts__is(n, "lambda") ||
      facts__is(n, "class_definition"))
    return false;
  nested_loop |= facts__is(n, "for_statement") || facts__is(n, "while_statement");
  for (uint32_t i = 0, c = ts_node_named_child_count(n); i < c; i++)
    if (exits_loop(ts_node_named_child(n, i), nested_loop, depth + 1)) return true;
  return false;
}

/* Whether a handler's block re-raises after testing the type of the caught
 * exception `alias`: `isinstance(e, ...)`, or `type(e)` compared (`in`, `is`,
 * `==`, `!=`). Printing `e.__class__.__name__` is no test. */
static bool tests_type(const Walker *w, TSNode block, TSNode alias) {
  if (!raises(block, 0)) return false;
  uint32_t a = ts_node_start_byte(alias), n = ts_node_end_byte(alias) - a;
  const char *name = w->src->text + a;
  const char *from = w->src->text + ts_node_start_byte(block);
  const char *to = w->src->text + ts_node_end_byte(block);
  static const char *const compare[] = {" in ", " not in ", " is ", " == ", " != "};
  for (const char *p = from; p + n <= to; p++) {
    if (memcmp(p, name, n) != 0 || (p > from && (isalnum((unsigned char)p[-1]) || p[-1] == '_')))
      continue;
    const char *after = p + n;
    if (p - from >= 11 && memcmp(p - 11, "isinstance(", 11) == 0 && after < to &&
        (*after == ',' || *after == ' '))
      return true;
    if (p - from >= 5 && memcmp(p - 5, "type(", 5) == 0 && after < to && *after == ')')
      for (size_t k = 0; k < sizeof compare / sizeof *compare; k++)
        if ((size_t)(to - after - 1) >= strlen(compare[k]) &&
            memcmp(after + 1, compare[k], strlen(compare[k])) == 0)
          return true;
  }
  return false;
}

/* Whether a block can end normally: its last statement is no return, raise,
 * break or continue. */
static bool block_falls(TSNode block) {
  if (ts_node_is_null(block)) return true;
  for (uint32_t k = ts_node_named_child_count(block); k-- > 0;) {
    TSNode st = ts_node_named_child(block, k);
    if (facts__is(st, "comment")) continue;
    return !(facts__is(st, "return_statement") || facts__is(st, "raise_statement") ||
             facts__is(st, "break_statement") || facts__is(st, "continue_statement"));
  }
  return true;
}

static void walk_try(Walker *w, TSNode n) {
  bool falls = block_falls(facts__field(n, FIELD_body));
  for (uint32_t i = 0, c = ts_node_named_child_count(n); i < c; i++) {
    TSNode clause = ts_node_named_child(n, i);
    if (!facts__is(clause, "except_clause")) continue;
    Handler h = {0};
    h.types = "";
    TSNode block = {0};
    TSNode alias = {0}; /* `as e` */
    for (uint32_t k = 0, kc = ts_node_named_child_count(clause); k < kc; k++) {
      TSNode part = ts_node_named_child(clause, k);
      if (facts__is(part, "as_pattern")) alias = facts__field(part, FIELD_alias);
      if (facts__is(part, "block"))
        block = part;
      else if (!*h.types && !facts__is(part, "comment"))
        h.types = facts__text_of(
            w, facts__is(part, "as_pattern") ? ts_node_named_child(part, 0) : part, VALUE_TEXT_MAX);
    }
    h.trivial = !ts_node_is_null(block);
    for (uint32_t k = 0, kc = ts_node_is_null(block) ? 0 : ts_node_named_child_count(block); k < kc;
         k++) {
      TSNode st = ts_node_named_child(block, k);
      bool passes = facts__is(st, "pass_statement") || facts__is(st, "continue_statement") ||
                    facts__is(st, "comment") ||
                    (facts__is(st, "expression_statement") &&
                     facts__is(ts_node_named_child(st, 0), "ellipsis"));
      h.trivial &= passes;
    }
    h.exits = !ts_node_is_null(block) && exits_loop(block, false, 0);
    h.filters = !ts_node_is_null(block) && !ts_node_is_null(alias) && tests_type(w, block, alias);
    h.try_falls = falls;
    h.def = w->def;
    h.pos = facts__pos_of(clause);
    h.try_line = ts_node_start_point(n).row + 1;
    h.end_line = ts_node_end_point(n).row + 1;
    array_push(&w->f->handlers, h);
  }
  walk_children(w, n);
}

static bool has_retryable_status(const Walker *w, TSNode n, unsigned depth) {
  static const long retryable[] = {408, 425, 429, 500, 502, 503, 504, 529};
  if (facts__is(n, "integer")) {
    long v = strtol(w->src->text + ts_node_start_byte(n), NULL, 10);
    for (size_t k = 0; k < sizeof retryable / sizeof *retryable; k++)
      if (v == retryable[k]) return true;
    return false;
  }
  for (uint32_t i = 0, c = ts_node_named_child_count(n); i < c && depth < 3; i++)
    if (has_retryable_status(w, ts_node_named_child(n, i), depth + 1)) return true;
  return false;
}

/* `status == 429`, `resp.status_code in (429, 503)`: a loop checking these retries. */
static void note_status_check(Walker *w, TSNode cmp) {
  if (w->loop_index < 0) return;
  if (has_retryable_status(w, cmp, 0)) w->f->loops.items[w->loop_index].checks_status = true;
}

static void walk_loop(Walker *w, TSNode n) {
  add_loop(w, n);
  int32_t saved_index = w->loop_index;
  w->loop_index = (int32_t)w->f->loops.len - 1;
  if (facts__is(n, "for_statement")) {
    walk(w, facts__field(n, FIELD_right));
    w->loop_depth++;
    walk(w, facts__field(n, FIELD_left));
    walk(w, facts__field(n, FIELD_body));
    w->loop_depth--;
    walk(w, facts__field(n, FIELD_alternative));
  } else { /* while */
    w->loop_depth++;
    walk(w, facts__field(n, FIELD_condition));
    walk(w, facts__field(n, FIELD_body));
    w->loop_depth--;
    walk(w, facts__field(n, FIELD_alternative));
  }
  w->loop_index = saved_index;
}

static void walk_comprehension(Walker *w, TSNode n) {
  /* The first iterable is evaluated once, outside the comprehension's loop. */
  bool first = true;
  uint32_t count = ts_node_named_child_count(n);
  for (uint32_t i = 0; i < count; i++) {
    TSNode c = ts_node_named_child(n, i);
    if (first && facts__is(c, "for_in_clause")) {
      walk(w, facts__field(c, FIELD_right));
      first = false;
      w->loop_depth++;
      walk(w, facts__field(c, FIELD_left));
      w->loop_depth--;
      continue;
    }
    w->loop_depth++;
    walk(w, c);
    w->loop_depth--;
  }
}

/* A list or tuple written out, or a sum of them: `[A, B]`, `(A,)`, `[A] + [B]`
 * (a comprehension is none). */
static bool literal_list_at(Walker *w, TSNode n, unsigned depth) {
  while (facts__is(n, "parenthesized_expression")) n = ts_node_named_child(n, 0); /* no recursion */
  if (facts__is(n, "list") || facts__is(n, "tuple")) return true;
  if (depth > 8) return false; /* `[a] + [b] + ...` this long is no schema list */
  if (facts__is(n, "call")) { /* `cast(list[str], [...])`: typing.cast returns its value */
    TSNode fn = facts__field(n, FIELD_function), args = facts__field(n, FIELD_arguments);
    return (facts__node_text_eq(w, fn, "cast") || facts__node_text_eq(w, fn, "typing.cast") ||
            facts__node_text_eq(w, fn, "t.cast")) &&
           ts_node_named_child_count(args) == 2 &&
           literal_list_at(w, ts_node_named_child(args, 1), depth + 1);
  }
  return facts__is(n, "binary_operator") &&
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
    walk_children(w, n);
    return;
  }
  uint32_t call_index = w->f->calls.len;
  walk(w, value);
  Assign a = {facts__dotted(w, name), facts__text_of(w, value, VALUE_TEXT_MAX), -1, w->def,
              facts__pos_of(n)};
  if (facts__is(value, "call") && call_index < w->f->calls.len) a.call = (int32_t)call_index;
  record_assign(w, &a, value);
}

static void walk_assignment(Walker *w, TSNode n) {
  TSNode left = facts__field(n, FIELD_left), right = facts__field(n, FIELD_right);
  if (ts_node_is_null(right)) { /* annotation only */
    walk_children(w, n);
    return;
  }
  uint32_t call_index = w->f->calls.len;
  walk(w, right);
  if (facts__is(left, "subscript")) { /* tasks[key] = fetch(key): recorded as "tasks[]" */
    char *target = xasprintf("%s[]", facts__dotted(w, facts__field(left, FIELD_value)));
    Assign a = {arena_strdup(&w->f->arena, target), facts__text_of(w, right, VALUE_TEXT_MAX), -1,
                w->def, facts__pos_of(n)};
    free(target);
    if (facts__is(right, "call") && call_index < w->f->calls.len) a.call = (int32_t)call_index;
    record_assign(w, &a, right);
  } else if (facts__is(left, "identifier") || facts__is(left, "attribute")) {
    Assign a = {facts__dotted(w, left), facts__text_of(w, right, VALUE_TEXT_MAX), -1, w->def,
                facts__pos_of(n)};
    if (facts__is(right, "call") && call_index < w->f->calls.len)
      a.call = (int32_t)call_index;
    else if (facts__is(right, "await") && facts__is(ts_node_named_child(right, 0), "call") &&
             call_index < w->f->calls.len)
      a.call = (int32_t)call_index;
    record_assign(w, &a, right);
    if (w->def == 0 && facts__is(left, "identifier") && dead_condition(w, right))
      array_push(&w->dead_flags, xstrdup(a.target));
    if (w->def == 0 && facts__is(left, "identifier")) { /* module constants */
      /* A literal bound at module level; whether it stays constant (bound
       * once, never grown) is judged where it is used. */
      const char *name = a.target;
      if (facts__is(right, "integer")) {
        Const k = {name, strtoll(a.value, NULL, 0)};
        array_push(&w->f->consts, k);
      } else if (facts__is(right, "list") || facts__is(right, "tuple")) {
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
    if (facts__is(ts_node_child(n, i), "async")) async = true;
  TSNode clause = {0};
  for (uint32_t i = 0, count = ts_node_named_child_count(n); i < count; i++)
    if (facts__is(ts_node_named_child(n, i), "with_clause")) clause = ts_node_named_child(n, i);
  for (uint32_t i = 0, count = ts_node_is_null(clause) ? 0 : ts_node_named_child_count(clause);
       i < count; i++) {
    TSNode item = ts_node_named_child(clause, i);
    if (!facts__is(item, "with_item")) continue;
    TSNode value = facts__field(item, FIELD_value), alias = {0};
    if (facts__is(value, "as_pattern")) {
      alias = facts__field(value, FIELD_alias);
      value = ts_node_named_child(value, 0);
    }
    if (facts__is(value, "await")) value = ts_node_named_child(value, 0);
    WithItem wi = {facts__text_of(w, value, VALUE_TEXT_MAX),
                   facts__is(value, "call") ? facts__dotted(w, facts__field(value, FIELD_function))
                                            : NULL,
                   ts_node_is_null(alias) ? NULL : facts__text_of(w, alias, 0),
                   async,
                   w->def,
                   facts__pos_of(item),
                   ts_node_end_point(n).row + 1};
    array_push(&w->f->withs, wi);
  }
  walk_children(w, n);
}

/* `# noqa`, `# noqa: FAN101, FAN301` (flake8's syntax, any case). */
static void note_noqa(Walker *w, TSNode comment) {
  uint32_t a = ts_node_start_byte(comment), b = ts_node_end_byte(comment);
  const char *text = w->src->text;
  for (uint32_t i = a; i + 4 <= b; i++) {
    if (strncasecmp(text + i, "noqa", 4) != 0) continue;
    uint32_t j = i + 4;
    while (j < b && text[j] == ' ') j++;
    StrBuf codes = {0};
    if (j < b && text[j] == ':') {
      for (j++; j < b;) {
        while (j < b && (text[j] == ' ' || text[j] == ',')) j++;
        uint32_t start = j;
        while (j < b && ((text[j] >= 'A' && text[j] <= 'Z') || (text[j] >= '0' && text[j] <= '9')))
          j++;
        if (j == start) break;
        if (codes.len) sb_putc(&codes, ',');
        sb_putn(&codes, text + start, j - start);
      }
    }
    Noqa q = {arena_strndup(&w->f->arena, sb_str(&codes), codes.len), facts__pos_of(comment)};
    q.pos.col += i - a;
    array_push(&w->f->noqas, q);
    sb_free(&codes);
    return;
  }
}

/* Whether a condition is false on the CPython 3 that runs an asyncio
 * pipeline: `False`, `0`, a Jython/IronPython platform test, a Python 2
 * version test, or a module name bound to one (`is_jython`). The branch
 * under it never runs, and what it calls is no finding. */
static bool dead_condition(Walker *w, TSNode cond) {
  while (facts__is(cond, "parenthesized_expression")) cond = ts_node_named_child(cond, 0);
  if (ts_node_is_null(cond)) return false;
  char text[VALUE_TEXT_MAX + 8];
  uint32_t a = ts_node_start_byte(cond), b = ts_node_end_byte(cond), n = 0;
  for (uint32_t i = a; i < b && n + 1 < sizeof text; i++) /* without spaces or quotes */
    if (w->src->text[i] != ' ' && w->src->text[i] != '\n' && w->src->text[i] != '"' &&
        w->src->text[i] != '\'')
      text[n++] = w->src->text[i];
  text[n] = '\0';
  static const char *const dead[] = {"False",
                                     "0",
                                     "sys.platform.startswith(java)",
                                     "sys.platform==java",
                                     "sys.platform.startswith(cli)",
                                     "sys.platform==cli",
                                     "os.name==java",
                                     "platform.python_implementation()==Jython",
                                     "platform.python_implementation()==IronPython",
                                     "sys.version_info<(3,)",
                                     "sys.version_info<(3,0)",
                                     "sys.version_info[0]==2",
                                     "sys.version_info[0]<3",
                                     "sys.version_info.major==2",
                                     "sys.version_info.major<3"};
  for (size_t i = 0; i < sizeof dead / sizeof *dead; i++)
    if (strcmp(text, dead[i]) == 0) return true;
  for (uint32_t i = 0; i < w->dead_flags.len; i++)
    if (strcmp(text, w->dead_flags.items[i]) == 0) return true;
  return false;
}

/* if/elif: the condition, then the branch only when it can run, then the
 * clauses after it. */
/* The name a condition tests for being set: `if path:`, `if path is not
 * None:`; NULL for any other condition. */
static const char *flag_test(Walker *w, TSNode cond) {
  if (facts__is(cond, "identifier")) return facts__text_of(w, cond, 0);
  if (!facts__is(cond, "comparison_operator") || ts_node_named_child_count(cond) != 2) return NULL;
  TSNode left = ts_node_named_child(cond, 0), right = ts_node_named_child(cond, 1);
  bool is_not = false;
  for (uint32_t i = 0, n = ts_node_child_count(cond); i < n; i++)
    is_not |= facts__is(ts_node_child(cond, i), "is not");
  return is_not && facts__is(left, "identifier") && facts__is(right, "none")
             ? facts__text_of(w, left, 0)
             : NULL;
}

static void walk_if(Walker *w, TSNode n) {
  TSNode cond = facts__field(n, FIELD_condition), body = facts__field(n, FIELD_consequence);
  bool dead = dead_condition(w, cond);
  const char *outer = w->guard, *flag = flag_test(w, cond);
  for (uint32_t i = 0, c = ts_node_named_child_count(n); i < c; i++) {
    TSNode ch = ts_node_named_child(n, i);
    if (dead && ts_node_eq(ch, body)) continue;
    bool guarded = flag && ts_node_eq(ch, body);
    if (guarded) w->guard = flag;
    walk(w, ch);
    w->guard = outer;
  }
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
  switch (facts__kind(n)) {
  case KIND_comment: note_noqa(w, n); break;
  case KIND_string: walk_children(w, n); break; /* f-string interpolations */
  case KIND_call: walk_call(w, n); break;
  case KIND_await: {
    uint32_t sa = w->awaited_start, se = w->awaited_end;
    TSNode inner = ts_node_named_child(n, 0);
    w->awaited_start = ts_node_start_byte(inner);
    w->awaited_end = ts_node_end_byte(inner);
    walk_children(w, n);
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
    walk_children(w, n);
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
    walk_children(w, n);
    break;
  case KIND_comparison_operator:
    note_status_check(w, n);
    walk_children(w, n);
    break;
  case KIND_lambda:
    w->lambda_depth++;
    walk_children(w, n);
    w->lambda_depth--;
    break;
  case KIND_try_statement: walk_try(w, n); break;
  case KIND_function_definition:
  case KIND_class_definition: walk_definition(w, n, (TSNode){0}); break;
  case KIND_decorated_definition: walk_definition(w, facts__field(n, FIELD_definition), n); break;
  case KIND_for_statement:
  case KIND_while_statement: walk_loop(w, n); break;
  case KIND_list_comprehension:
  case KIND_generator_expression:
  case KIND_set_comprehension:
  case KIND_dictionary_comprehension: walk_comprehension(w, n); break;
  case KIND_import_statement:
  case KIND_import_from_statement: walk_import(w, n); break;
  case KIND_assignment: walk_assignment(w, n); break;
  case KIND_named_expression: walk_walrus(w, n); break;
  case KIND_with_statement: walk_with(w, n); break;
  case KIND_if_statement:
  case KIND_elif_clause: walk_if(w, n); break;
  default:
    if (ts_node_is_named(n)) walk_children(w, n); /* anonymous tokens hold nothing */
  }
  w->depth--;
}

/* ---- entry points ------------------------------------------------------------------ */

static void span_add(Span *s, uint32_t i) {
  if (s->first >= s->end) s->first = i;
  s->end = i + 1;
}

static void span_union(Span *into, Span s) {
  if (s.first >= s.end) return;
  if (into->first >= into->end || s.first < into->first) into->first = s.first;
  if (s.end > into->end) into->end = s.end;
}

/* Counting sort of items by def: `order` lists item indices def by def, in
 * item order within a def; the Span at `own_off` in each Def says where. */
static void group_by_def(Facts *f, const int32_t *item_def, uint32_t n, size_t own_off,
                         uint32_t *order) {
#define OWN(d) ((Span *)((char *)&f->defs.items[d] + own_off))
  for (uint32_t i = 0; i < n; i++) OWN(item_def[i])->end++;
  uint32_t at = 0;
  for (uint32_t d = 0; d < f->defs.len; d++) {
    Span *s = OWN(d);
    s->first = at;
    at += s->end;
    s->end = s->first;
  }
  for (uint32_t i = 0; i < n; i++) order[OWN(item_def[i])->end++] = i;
#undef OWN
}

static void def_spans(Facts *f) {
  uint32_t n = f->calls.len > f->assigns.len ? f->calls.len : f->assigns.len;
  int32_t *item_def = xcalloc(n ? n : 1, sizeof *item_def);
  array_reserve(&f->call_order, f->calls.len);
  f->call_order.len = f->calls.len;
  for (uint32_t i = 0; i < f->calls.len; i++) item_def[i] = f->calls.items[i].def;
  group_by_def(f, item_def, f->calls.len, offsetof(Def, own_calls), f->call_order.items);
  array_reserve(&f->assign_order, f->assigns.len);
  f->assign_order.len = f->assigns.len;
  for (uint32_t i = 0; i < f->assigns.len; i++) item_def[i] = f->assigns.items[i].def;
  group_by_def(f, item_def, f->assigns.len, offsetof(Def, own_assigns), f->assign_order.items);
  free(item_def);
  for (uint32_t i = 0; i < f->calls.len; i++)
    span_add(&f->defs.items[f->calls.items[i].def].calls_span, i);
  for (uint32_t i = 0; i < f->assigns.len; i++)
    span_add(&f->defs.items[f->assigns.items[i].def].assigns_span, i);
  for (uint32_t d = f->defs.len; d-- > 1;) {
    Def *x = &f->defs.items[d], *up = &f->defs.items[x->parent];
    span_union(&up->calls_span, x->calls_span);
    span_union(&up->assigns_span, x->assigns_span);
  }
}

FactsContext *facts_context_new(const Knowledge *k, Diags *diags) {
  const EmbeddedFile *f = rules_file("rules/sites.scm");
  if (!f) {
    diags_add(diags, DIAG_ERROR, "rules/sites.scm", 0, "missing from the build");
    return NULL;
  }
  Query *q = query_new(parse_language(), f->name, f->data, diags);
  if (!q) return NULL;
  pthread_once(&field_ids_once, field_ids_init);
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

bool facts_may_matter(const FactsContext *ctx, const char *text) {
  /* Every rule starts from one of these: an async def or await (FAN1, FAN2,
   * FAN5, FAN6, FAN7 live in async code or fan-outs), a sleep in a retry loop
   * (FAN4 in sync code), a retry library's decorator, a noqa naming a code. */
  static const char *const words[] = {"async", "await", "anyio",   "trio",    "sleep",
                                      "retry", "Retry", "backoff", "stamina", "FAN"};
  for (size_t i = 0; i < sizeof words / sizeof *words; i++)
    if (strstr(text, words[i])) return true;
  return query_may_match(ctx->sites, text);
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

void facts_extract_tree(const FactsContext *ctx, const SourceFile *src, TSTree *tree, Facts *out,
                        Diags *diags) {
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
  walk_children(&w, w.root);
  def_spans(out);
  facts__find_sites(&w);
  array_free(&w.assign_values);
  array_free(&w.call_nodes);
  array_free(&w.def_nodes);
  strmap_free(&w.bound_first);
  strmap_free(&w.grown);
  strmap_free(&w.assigned);
  array_free(&w.bound_next);
  array_free(&w.by_start);
  for (uint32_t i = 0; i < w.cursors.len; i++) ts_tree_cursor_delete(&w.cursors.items[i]);
  array_free(&w.cursors);
  for (uint32_t i = 0; i < w.dead_flags.len; i++) free(w.dead_flags.items[i]);
  array_free(&w.dead_flags);
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
}
