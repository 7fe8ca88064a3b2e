/* query: tree-sitter queries from rules/NAME.scm with the predicates fanout
 * evaluates itself (#eq?, #match? with PCRE2, #any-of?, #set!, and their
 * negations); an unknown predicate is a load error naming file and line. */
#include "query.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

typedef enum { P_EQ, P_MATCH, P_ANY_OF } PredKind;

typedef struct {
  PredKind kind;
  bool negated;
  uint32_t capture;
  int other_capture; /* #eq? @a @b: the second capture, else -1 */
  StrArray strings;  /* literal arguments */
  pcre2_code *regex; /* #match? */
} Predicate;

typedef struct {
  Array(Predicate) preds;
  StrArray settings; /* key, value, key, value ... */
} PatternInfo;

struct Query {
  TSQuery *ts;
  PatternInfo *patterns;
  uint32_t pattern_count;
};

static uint32_t line_at(const char *s, uint32_t off) {
  uint32_t line = 1;
  for (uint32_t i = 0; i < off && s[i]; i++) line += s[i] == '\n';
  return line;
}

/* The line of `#name` in the pattern's text, for error messages. */
static uint32_t predicate_line(const TSQuery *ts, const char *source, uint32_t pattern,
                               const char *name) {
  uint32_t start = ts_query_start_byte_for_pattern(ts, pattern);
  const char *hit = strstr(source + start, name);
  return line_at(source, hit ? (uint32_t)(hit - source) : start);
}

/* Check one predicate of a pattern and store it: `#set!` key and value as settings, `#eq?`,
 * `#match?` (compiled) and `#any-of?` and their `not-` forms as tests. A malformed one is an error
 * diagnostic on its line. */
static bool parse_predicate(Query *q, const char *file, const char *source, uint32_t pattern,
                            const TSQueryPredicateStep *steps, uint32_t n, Diags *diags) {
  PatternInfo *info = &q->patterns[pattern];
  uint32_t len;
  const char *name = ts_query_string_value_for_id(q->ts, steps[0].value_id, &len);
  uint32_t line = predicate_line(q->ts, source, pattern, name);
  if (strcmp(name, "set!") == 0) {
    if (n != 3 || steps[1].type != TSQueryPredicateStepTypeString ||
        steps[2].type != TSQueryPredicateStepTypeString) {
      diags_add(diags, DIAG_ERROR, file, line, "#set! takes a key and a value");
      return false;
    }
    array_push(&info->settings,
               xstrdup(ts_query_string_value_for_id(q->ts, steps[1].value_id, &len)));
    array_push(&info->settings,
               xstrdup(ts_query_string_value_for_id(q->ts, steps[2].value_id, &len)));
    return true;
  }
  Predicate p = {0};
  p.other_capture = -1;
  const char *base = name;
  if (str_starts_with(base, "not-")) p.negated = true, base += 4;
  if (strcmp(base, "eq?") == 0)
    p.kind = P_EQ;
  else if (strcmp(base, "match?") == 0)
    p.kind = P_MATCH;
  else if (strcmp(base, "any-of?") == 0)
    p.kind = P_ANY_OF;
  else {
    diags_add(diags, DIAG_ERROR, file, line,
              "unknown predicate #%s (known: #eq?, #not-eq?, #match?, #not-match?, "
              "#any-of?, #not-any-of?, #set!)",
              name);
    return false;
  }
  if (n < 3 || steps[1].type != TSQueryPredicateStepTypeCapture || (p.kind != P_ANY_OF && n != 3)) {
    diags_add(diags, DIAG_ERROR, file, line, "#%s takes a capture and %s", name,
              p.kind == P_ANY_OF ? "strings" : "one argument");
    return false;
  }
  p.capture = steps[1].value_id;
  for (uint32_t i = 2; i < n; i++) {
    if (steps[i].type == TSQueryPredicateStepTypeCapture) {
      if (p.kind != P_EQ) {
        diags_add(diags, DIAG_ERROR, file, line, "#%s takes string arguments", name);
        goto fail;
      }
      p.other_capture = (int)steps[i].value_id;
    } else {
      array_push(&p.strings, xstrdup(ts_query_string_value_for_id(q->ts, steps[i].value_id, &len)));
    }
  }
  if (p.kind == P_MATCH) {
    int err;
    PCRE2_SIZE off;
    p.regex = pcre2_compile((PCRE2_SPTR)p.strings.items[0], PCRE2_ZERO_TERMINATED, PCRE2_UTF, &err,
                            &off, NULL);
    if (!p.regex) {
      PCRE2_UCHAR msg[256];
      pcre2_get_error_message(err, msg, sizeof msg);
      diags_add(diags, DIAG_ERROR, file, line, "bad regex in #%s at offset %zu: %s", name,
                (size_t)off, (char *)msg);
      goto fail;
    }
  }
  array_push(&info->preds, p);
  return true;
fail:
  for (uint32_t i = 0; i < p.strings.len; i++) free(p.strings.items[i]);
  array_free(&p.strings);
  return false;
}

Query *query_new(const TSLanguage *lang, const char *file, const char *source, Diags *diags) {
  uint32_t err_off;
  TSQueryError err;
  TSQuery *ts = ts_query_new(lang, source, (uint32_t)strlen(source), &err_off, &err);
  if (!ts) {
    static const char *const what[] = {"no error",      "syntax error",    "unknown node type",
                                       "unknown field", "unknown capture", "impossible pattern",
                                       "language error"};
    diags_add(diags, DIAG_ERROR, file, line_at(source, err_off), "query %s",
              what[err <= TSQueryErrorLanguage ? err : TSQueryErrorSyntax]);
    return NULL;
  }
  Query *q = xcalloc(1, sizeof *q);
  q->ts = ts;
  q->pattern_count = ts_query_pattern_count(ts);
  q->patterns = xcalloc(q->pattern_count, sizeof(PatternInfo));
  bool ok = true;
  for (uint32_t pat = 0; pat < q->pattern_count; pat++) {
    uint32_t n;
    const TSQueryPredicateStep *steps = ts_query_predicates_for_pattern(ts, pat, &n);
    for (uint32_t i = 0, start = 0; i < n; i++) {
      if (steps[i].type != TSQueryPredicateStepTypeDone) continue;
      ok &= parse_predicate(q, file, source, pat, steps + start, i - start, diags);
      start = i + 1;
    }
  }
  if (!ok) {
    query_free(q);
    return NULL;
  }
  return q;
}

void query_free(Query *q) {
  if (!q) return;
  for (uint32_t pat = 0; pat < q->pattern_count; pat++) {
    PatternInfo *info = &q->patterns[pat];
    for (uint32_t i = 0; i < info->preds.len; i++) {
      Predicate *p = &info->preds.items[i];
      for (uint32_t k = 0; k < p->strings.len; k++) free(p->strings.items[k]);
      array_free(&p->strings);
      pcre2_code_free(p->regex);
    }
    array_free(&info->preds);
    for (uint32_t k = 0; k < info->settings.len; k++) free(info->settings.items[k]);
    array_free(&info->settings);
  }
  free(q->patterns);
  ts_query_delete(q->ts);
  free(q);
}

int query_capture_index(const Query *q, const char *name) {
  uint32_t count = ts_query_capture_count(q->ts), len;
  for (uint32_t i = 0; i < count; i++)
    if (strcmp(ts_query_capture_name_for_id(q->ts, i, &len), name) == 0) return (int)i;
  return -1;
}

const char *query_setting(const Query *q, uint32_t pattern, const char *key) {
  const StrArray *s = &q->patterns[pattern].settings;
  for (uint32_t i = 0; i + 1 < s->len; i += 2)
    if (strcmp(s->items[i], key) == 0) return s->items[i + 1];
  return NULL;
}

bool query_match_capture(const TSQueryMatch *match, int index, TSNode *node) {
  for (uint16_t i = 0; i < match->capture_count; i++)
    if ((int)match->captures[i].index == index) {
      *node = match->captures[i].node;
      return true;
    }
  return false;
}

/* Whether `word` occurs in `text` as a whole token: a capture whose text is
 * `word` is an identifier (or a string) delimited by bytes that are not part
 * of an identifier; a word with such bytes at its edges is searched as is. */
static bool has_token(const char *text, const char *word) {
  size_t n = strlen(word);
  if (!n) return true;
  bool open_l = str_ident_byte((unsigned char)word[0]),
       open_r = str_ident_byte((unsigned char)word[n - 1]);
  for (const char *s = strstr(text, word); s; s = strstr(s + 1, word))
    if ((!open_l || s == text || !str_ident_byte((unsigned char)s[-1])) &&
        (!open_r || !str_ident_byte((unsigned char)s[n])))
      return true;
  return false;
}

bool query_may_match(const Query *q, const char *text) {
  for (uint32_t pat = 0; pat < q->pattern_count; pat++) {
    const PatternInfo *info = &q->patterns[pat];
    bool possible = true;
    for (uint32_t i = 0; i < info->preds.len && possible; i++) {
      const Predicate *p = &info->preds.items[i];
      if (p->negated || p->kind == P_MATCH || p->other_capture >= 0) continue;
      possible = false;
      for (uint32_t k = 0; k < p->strings.len && !possible; k++)
        possible = has_token(text, p->strings.items[k]);
    }
    if (possible) return true;
  }
  return false;
}

void query_run_begin(QueryRun *run, const Query *q, TSNode root, const char *text) {
  run->query = q;
  run->text = text;
  run->cursor = ts_query_cursor_new();
  ts_query_cursor_exec(run->cursor, q->ts, root);
}

void query_run_head(QueryRun *run, TSNode node, uint32_t end) {
  ts_query_cursor_set_byte_range(run->cursor, ts_node_start_byte(node), end);
  ts_query_cursor_exec(run->cursor, run->query->ts, node);
}

static bool text_eq(const char *text, TSNode n, const char *s) {
  uint32_t a = ts_node_start_byte(n), b = ts_node_end_byte(n);
  return strlen(s) == b - a && memcmp(text + a, s, b - a) == 0;
}

static bool predicate_holds(const QueryRun *run, const TSQueryMatch *m, const Predicate *p) {
  TSNode node;
  if (!query_match_capture(m, (int)p->capture, &node)) return true; /* optional capture */
  const char *text = run->text;
  uint32_t a = ts_node_start_byte(node), b = ts_node_end_byte(node);
  bool ok = false;
  switch (p->kind) {
  case P_EQ:
    if (p->other_capture >= 0) {
      TSNode other;
      if (!query_match_capture(m, p->other_capture, &other)) return true;
      uint32_t c = ts_node_start_byte(other), d = ts_node_end_byte(other);
      ok = b - a == d - c && memcmp(text + a, text + c, b - a) == 0;
    } else {
      ok = text_eq(text, node, p->strings.items[0]);
    }
    break;
  case P_MATCH: {
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(p->regex, NULL);
    ok = pcre2_match(p->regex, (PCRE2_SPTR)(text + a), b - a, 0, 0, md, NULL) >= 0;
    pcre2_match_data_free(md);
    break;
  }
  case P_ANY_OF:
    for (uint32_t i = 0; i < p->strings.len && !ok; i++)
      ok = text_eq(text, node, p->strings.items[i]);
    break;
  }
  return ok != p->negated;
}

bool query_run_next(QueryRun *run, TSQueryMatch *match) {
  while (ts_query_cursor_next_match(run->cursor, match)) {
    const PatternInfo *info = &run->query->patterns[match->pattern_index];
    bool ok = true;
    for (uint32_t i = 0; i < info->preds.len && ok; i++)
      ok = predicate_holds(run, match, &info->preds.items[i]);
    if (ok) return true;
  }
  return false;
}

void query_run_end(QueryRun *run) {
  ts_query_cursor_delete(run->cursor);
  run->cursor = NULL;
}
