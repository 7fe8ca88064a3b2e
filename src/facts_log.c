/* facts_log: logging callsites: a log call's message as a template (string
 * literals, f-strings, %-format and str.format, with holes for the values
 * and for a thin wrapper's parameters), and which calls log at all (logger
 * receivers, loggers made by factories, getattr(logger, level), helpers
 * named in the configuration). O(the call's arguments) per call. */
#include <string.h>

#include "facts_walk.h"
#include "template.h"

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
  if (facts__is(expr, KIND_list_splat)) expr = ts_node_named_child(expr, 0);
  if (type == 'a' && facts__is(expr, KIND_identifier)) {
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
    if (facts__is(c, KIND_string_content)) {
      uint32_t ca = ts_node_start_byte(c);
      template_unescape(w->src->text + ca, ts_node_end_byte(c) - ca, raw, f, out);
    } else if (facts__is(c, KIND_interpolation)) {
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
    } else if (facts__is(c, KIND_escape_sequence) && !raw) {
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
  if (facts__is(e, KIND_string)) {
    string_into(w, e, out, NULL);
  } else if (facts__is(e, KIND_concatenated_string)) {
    uint32_t n = ts_node_named_child_count(e);
    for (uint32_t i = 0; i < n; i++) template_into(w, ts_node_named_child(e, i), out, depth + 1);
  } else if (facts__is(e, KIND_parenthesized_expression) && ts_node_named_child_count(e) == 1) {
    template_into(w, ts_node_named_child(e, 0), out, depth + 1);
  } else if (facts__is(e, KIND_binary_operator)) {
    TSNode op = facts__field(e, FIELD_operator);
    TSNode left = facts__field(e, FIELD_left);
    if (facts__node_text_eq(w, op, "+")) {
      template_into(w, left, out, depth + 1);
      template_into(w, facts__field(e, FIELD_right), out, depth + 1);
    } else if (facts__node_text_eq(w, op, "%") &&
               (facts__is(left, KIND_string) || facts__is(left, KIND_concatenated_string))) {
      StrBuf inner = {0};
      template_into(w, left, &inner, depth + 1);
      template_convert_percent(sb_str(&inner), out);
      sb_free(&inner);
    } else {
      hole_for_expr(w, e, 'a', out);
    }
  } else if (facts__is(e, KIND_call)) {
    TSNode fn = facts__field(e, FIELD_function);
    TSNode obj = facts__is(fn, KIND_attribute) ? facts__field(fn, FIELD_object) : fn;
    if (facts__is(fn, KIND_attribute) &&
        facts__node_text_eq(w, facts__field(fn, FIELD_attribute), "format") &&
        (facts__is(obj, KIND_string) || facts__is(obj, KIND_concatenated_string))) {
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

bool facts__is_stringish(TSNode e) {
  if (facts__is(e, KIND_string) || facts__is(e, KIND_concatenated_string)) return true;
  if (facts__is(e, KIND_binary_operator))
    return facts__is_stringish(facts__field(e, FIELD_left)) ||
           facts__is_stringish(facts__field(e, FIELD_right));
  if (facts__is(e, KIND_call)) {
    TSNode fn = facts__field(e, FIELD_function);
    return facts__is(fn, KIND_attribute) && facts__is_stringish(facts__field(fn, FIELD_object));
  }
  return false;
}

const char *facts__message_template(Walker *w, TSNode e) {
  StrBuf sb = {0};
  template_into(w, e, &sb, 0);
  const char *s = arena_strndup(&w->f->arena, sb_str(&sb), sb.len);
  sb_free(&sb);
  return s;
}

/* ---- logging ------------------------------------------------------------------ */

int facts__logger_assign(const Walker *w, const char *recv, uint32_t lo, uint32_t hi) {
  const Knowledge *k = w->ctx->knowledge;
  for (uint32_t i = hi; i-- > lo;) {
    const Assign *a = &w->f->assigns.items[i];
    if (strcmp(a->target, recv) != 0 || a->call < 0) continue;
    const char *callee = w->f->calls.items[a->call].callee;
    return knowledge_has(k, FACT_LOGGER_FACTORY, callee) ||
           knowledge_has(k, FACT_LOGGER_FACTORY, str_last_component(callee));
  }
  return -1;
}

static bool is_logger_receiver(Walker *w, const char *recv) {
  const Knowledge *k = w->ctx->knowledge;
  if (knowledge_has(k, FACT_LOGGER_RECEIVER, recv)) return true;
  const char *last = str_last_component(recv);
  if (str_ends_with(last, "logger") || str_ends_with(last, "LOGGER")) return true;
  /* A name assigned from a logger factory in this file (`log = logging.getLogger()`): in the
   * statement being walked, else before it (an editor's next extraction checks that again). */
  uint32_t own = w->stmt >= 0 ? w->stmt_assigns : 0;
  int answer = facts__logger_assign(w, recv, own, w->f->assigns.len);
  if (answer < 0 && w->stmt >= 0) {
    answer = facts__logger_assign(w, recv, 0, own);
    facts__note_logger(w, recv, answer > 0);
  }
  return answer > 0;
}

/* A level's name as a string literal ("info", 'WARNING'): what a project's
 * log helper takes before the message (`self._log("info", "Found {n}")`). */
static bool level_literal(Walker *w, TSNode a) {
  if (!facts__is(a, KIND_string)) return false;
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
  TSNode args = facts__is(inner, KIND_call) ? facts__field(inner, FIELD_arguments) : (TSNode){0};
  if (ts_node_is_null(args) || ts_node_named_child_count(args) < 2) return false;
  TSNode obj = ts_node_named_child(args, 0);
  if (!facts__is(obj, KIND_identifier) && !facts__is(obj, KIND_attribute)) return false;
  uint32_t a = ts_node_start_byte(obj);
  char *recv = xstrndup(w->src->text + a, ts_node_end_byte(obj) - a);
  bool ok = is_logger_receiver(w, recv);
  free(recv);
  return ok;
}

/* The message's template as stored: brace fields filled from the
 * arguments become holes (loguru, structlog, logfire and helpers that call
 * str.format: `logger.info("got {n}", n=3)`), as do %-specs when arguments
 * follow (logging formats them lazily). In the facts' arena. */
static const char *final_template(Walker *w, const StrBuf *sb, bool is_print, bool more_args,
                                  bool keywords) {
  const char *text = sb->s ? sb->s : "";
  bool percent = !is_print && more_args && strchr(text, '%');
  if (!is_print && (more_args || keywords) && !percent && strchr(text, '{')) {
    StrBuf conv = {0};
    template_convert_format(text, &conv);
    const char *msg = arena_strndup(&w->f->arena, sb_str(&conv), conv.len);
    sb_free(&conv);
    return msg;
  }
  if (percent) {
    StrBuf conv = {0};
    template_convert_percent(text, &conv);
    const char *msg = arena_strndup(&w->f->arena, sb_str(&conv), conv.len);
    sb_free(&conv);
    return msg;
  }
  return arena_strndup(&w->f->arena, text, sb->len);
}

/* Record a log callsite for call `ci` at node `call` if it is one. Not
 * inlined: the walk recurses through the call that makes it, and its frame
 * would ride along at every level of nesting. */
__attribute__((noinline)) void facts__maybe_log_site(Walker *w, uint32_t ci, TSNode call) {
  const Call *c = &w->f->calls.items[ci];
  const Knowledge *k = w->ctx->knowledge;
  const char *callee = c->callee;
  const char *level = NULL;
  uint32_t msg_arg = 0;
  const Fact *fn = knowledge_get(k, FACT_LOGGER_FUNCTION, callee);
  bool helper = false; /* a project's own log helper, named in the configuration */
  if (fn) {
    level =
        fact_get(fn, ATTR_LEVEL) ? arena_strdup(&w->f->arena, fact_get(fn, ATTR_LEVEL)) : callee;
    helper = fact_yes(fn, ATTR_HELPER);
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
  if (!facts__is(args, KIND_argument_list)) return;
  StrBuf sb = {0};
  uint32_t positional = 0, seen = 0, values = 0;
  bool is_print = strcmp(callee, "print") == 0;
  for (uint32_t i = 0, n = ts_node_named_child_count(args); i < n; i++) {
    TSNode a = ts_node_named_child(args, i);
    if (facts__is(a, KIND_keyword_argument)) values += !logging_option(w, a);
    if (facts__is(a, KIND_dictionary_splat)) values++;
    if (facts__is(a, KIND_keyword_argument) || facts__is(a, KIND_comment) ||
        facts__is(a, KIND_dictionary_splat))
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
    TSNode name = facts__is(a, KIND_keyword_argument) ? facts__field(a, FIELD_name) : (TSNode){0};
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
  const char *msg = final_template(w, &sb, is_print, positional > msg_arg + 1, values > 0);
  sb_free(&sb);
  LogSite site = {callee, level, msg, c->def, (int32_t)ci, c->pos};
  array_push(&w->f->logs, site);
}
