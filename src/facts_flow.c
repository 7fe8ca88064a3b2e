/* facts_flow: control flow the checks read: loops (and whether they test a
 * retryable status), try statements and their handlers (trivial, exiting,
 * filtering), comprehensions, `if` branches and the flags they test, dead
 * conditions (`if is_jython:`), and `# noqa` comments. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "facts_walk.h"

static void add_loop(Walker *w, TSNode n) {
  Loop l = {0};
  l.is_while = facts__is(n, KIND_while_statement);
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
  if (facts__is(n, KIND_raise_statement)) return true;
  if (depth > 12 || facts__is(n, KIND_function_definition) || facts__is(n, KIND_lambda) ||
      facts__is(n, KIND_class_definition))
    return false;
  for (uint32_t i = 0, c = ts_node_named_child_count(n); i < c; i++)
    if (raises(ts_node_named_child(n, i), depth + 1)) return true;
  return false;
}

/* Whether running `n` can leave the loop around it: a raise, an assert (a
 * deadline: `assert time() < start + 20`) or a return (not in a nested def,
 * lambda or class), or a break not in a nested loop. */
static bool exits_loop(TSNode n, bool nested_loop, unsigned depth) {
  if (facts__is(n, KIND_raise_statement) || facts__is(n, KIND_return_statement) ||
      facts__is(n, KIND_assert_statement) || (!nested_loop && facts__is(n, KIND_break_statement)))
    return true;
  if (depth > 12 || facts__is(n, KIND_function_definition) || facts__is(n, KIND_lambda) ||
      facts__is(n, KIND_class_definition))
    return false;
  nested_loop |= facts__is(n, KIND_for_statement) || facts__is(n, KIND_while_statement);
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
    if (facts__is(st, KIND_comment)) continue;
    return !(facts__is(st, KIND_return_statement) || facts__is(st, KIND_raise_statement) ||
             facts__is(st, KIND_break_statement) || facts__is(st, KIND_continue_statement));
  }
  return true;
}

void facts__walk_try(Walker *w, TSNode n) {
  bool falls = block_falls(facts__field(n, FIELD_body));
  for (uint32_t i = 0, c = ts_node_named_child_count(n); i < c; i++) {
    TSNode clause = ts_node_named_child(n, i);
    if (!facts__is(clause, KIND_except_clause)) continue;
    Handler h = {0};
    h.types = "";
    TSNode block = {0};
    TSNode alias = {0}; /* `as e` */
    for (uint32_t k = 0, kc = ts_node_named_child_count(clause); k < kc; k++) {
      TSNode part = ts_node_named_child(clause, k);
      if (facts__is(part, KIND_as_pattern)) alias = facts__field(part, FIELD_alias);
      if (facts__is(part, KIND_block))
        block = part;
      else if (!*h.types && !facts__is(part, KIND_comment))
        h.types = facts__text_of(
            w, facts__is(part, KIND_as_pattern) ? ts_node_named_child(part, 0) : part,
            VALUE_TEXT_MAX);
    }
    h.trivial = !ts_node_is_null(block);
    for (uint32_t k = 0, kc = ts_node_is_null(block) ? 0 : ts_node_named_child_count(block); k < kc;
         k++) {
      TSNode st = ts_node_named_child(block, k);
      bool passes = facts__is(st, KIND_pass_statement) || facts__is(st, KIND_continue_statement) ||
                    facts__is(st, KIND_comment) ||
                    (facts__is(st, KIND_expression_statement) &&
                     facts__is(ts_node_named_child(st, 0), KIND_ellipsis));
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
  facts__walk_children(w, n);
}

static bool has_retryable_status(const Walker *w, TSNode n, unsigned depth) {
  static const long retryable[] = {408, 425, 429, 500, 502, 503, 504, 529};
  if (facts__is(n, KIND_integer)) {
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
void facts__note_status_check(Walker *w, TSNode cmp) {
  if (w->loop_index < 0) return;
  if (has_retryable_status(w, cmp, 0)) w->f->loops.items[w->loop_index].checks_status = true;
}

void facts__walk_loop(Walker *w, TSNode n) {
  add_loop(w, n);
  int32_t saved_index = w->loop_index;
  w->loop_index = (int32_t)w->f->loops.len - 1;
  if (facts__is(n, KIND_for_statement)) {
    facts__walk(w, facts__field(n, FIELD_right));
    w->loop_depth++;
    facts__walk(w, facts__field(n, FIELD_left));
    facts__walk(w, facts__field(n, FIELD_body));
    w->loop_depth--;
    facts__walk(w, facts__field(n, FIELD_alternative));
  } else { /* while */
    w->loop_depth++;
    facts__walk(w, facts__field(n, FIELD_condition));
    facts__walk(w, facts__field(n, FIELD_body));
    w->loop_depth--;
    facts__walk(w, facts__field(n, FIELD_alternative));
  }
  w->loop_index = saved_index;
}

void facts__walk_comprehension(Walker *w, TSNode n) {
  /* The first iterable is evaluated once, outside the comprehension's loop. */
  bool first = true;
  uint32_t count = ts_node_named_child_count(n);
  for (uint32_t i = 0; i < count; i++) {
    TSNode c = ts_node_named_child(n, i);
    if (first && facts__is(c, KIND_for_in_clause)) {
      facts__walk(w, facts__field(c, FIELD_right));
      first = false;
      w->loop_depth++;
      facts__walk(w, facts__field(c, FIELD_left));
      w->loop_depth--;
      continue;
    }
    w->loop_depth++;
    facts__walk(w, c);
    w->loop_depth--;
  }
}

/* `# noqa`, `# noqa: FAN101, FAN301` (flake8's syntax, any case). */
void facts__note_noqa(Walker *w, TSNode comment) {
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
bool facts__dead_condition(Walker *w, TSNode cond) {
  while (facts__is(cond, KIND_parenthesized_expression)) cond = ts_node_named_child(cond, 0);
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

/* The name a condition tests for being set: `if path:`, `if path is not
 * None:`; NULL for any other condition. */
static const char *flag_test(Walker *w, TSNode cond) {
  if (facts__is(cond, KIND_identifier)) return facts__text_of(w, cond, 0);
  if (!facts__is(cond, KIND_comparison_operator) || ts_node_named_child_count(cond) != 2)
    return NULL;
  TSNode left = ts_node_named_child(cond, 0), right = ts_node_named_child(cond, 1);
  bool is_not = false;
  for (uint32_t i = 0, n = ts_node_child_count(cond); i < n; i++)
    is_not |= facts__is_token(ts_node_child(cond, i), "is not");
  return is_not && facts__is(left, KIND_identifier) && facts__is(right, KIND_none)
             ? facts__text_of(w, left, 0)
             : NULL;
}

/* if/elif: the condition, then the branch only when it can run, then the
 * clauses after it. */
void facts__walk_if(Walker *w, TSNode n) {
  TSNode cond = facts__field(n, FIELD_condition), body = facts__field(n, FIELD_consequence);
  bool dead = facts__dead_condition(w, cond);
  const char *outer = w->guard, *flag = flag_test(w, cond);
  for (uint32_t i = 0, c = ts_node_named_child_count(n); i < c; i++) {
    TSNode ch = ts_node_named_child(n, i);
    if (dead && ts_node_eq(ch, body)) continue;
    bool guarded = flag && ts_node_eq(ch, body);
    if (guarded) w->guard = flag;
    facts__walk(w, ch);
    w->guard = outer;
  }
}
