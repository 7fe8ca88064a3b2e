#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "template.h"
#include "test_main.h"

/* Templates are written here with '{a}', '{d}', '{f}' for holes. */
static char *holes(const char *s) {
  StrBuf b = {0};
  for (; *s; s++) {
    if (s[0] == '{' && s[1] && s[2] == '}' && strchr("adf0123", s[1])) {
      sb_putc(&b, TEMPLATE_HOLE);
      sb_putc(&b, s[1]);
      s += 2;
    } else {
      sb_putc(&b, *s);
    }
  }
  return sb_take(&b);
}

static const struct {
  const char *in, *out;
} percent_cases[] = {
    {"Searching %d queries", "Searching {d} queries"},
    {"done %s in %.2fs (%r)", "done {a} in {f}s ({a})"},
    {"100%% sure, %(name)s", "100% sure, {a}"},
    {"width %5d|%-8s|", "width {d}|{a}|"},
    {"a trailing %", "a trailing %"},
};

START_TEST(percent_conversion) {
  StrBuf out = {0};
  template_convert_percent(percent_cases[_i].in, &out);
  char *want = holes(percent_cases[_i].out);
  ck_assert_str_eq(sb_str(&out), want);
  free(want);
  sb_free(&out);
}
END_TEST

static const struct {
  const char *in, *out;
} format_cases[] = {
    {"Summarizing {} chunks from {n} documents", "Summarizing {a} chunks from {a} documents"},
    {"{0:>5d} rows, {ratio:.1%}", "{d} rows, {f}"},
    {"literal {{braces}} stay", "literal {braces} stay"},
    {"nested {x:{width}}", "nested {a}"},
};

START_TEST(format_conversion) {
  StrBuf out = {0};
  template_convert_format(format_cases[_i].in, &out);
  char *want = holes(format_cases[_i].out);
  ck_assert_str_eq(sb_str(&out), want);
  free(want);
  sb_free(&out);
}
END_TEST

START_TEST(unescape) {
  StrBuf out = {0};
  template_unescape("a\\tb\\n\\x41\\u00e9\\\\ {{x}}", 25, false, true, &out);
  ck_assert_str_eq(sb_str(&out), "a\tb\nA\xc3\xa9\\ {x}");
  sb_free(&out);
  template_unescape("raw\\n", 5, true, false, &out);
  ck_assert_str_eq(sb_str(&out), "raw\\n");
  sb_free(&out);
}
END_TEST

static const struct {
  const char *tmpl, *line;
  bool match;
} regex_cases[] = {
    {"search done: query={a} docs={d}",
     "2026-11-25 12:58:31,812 INFO pipeline.search: search done: query='x y' docs=4", true},
    {"search done: query={a} docs={d}", "search done: query='x' docs=many", false},
    {"Finished {a} phase in {f}s", "12:00:01 Finished search phase in 0.26s", true},
    {"Finished {a} phase in {f}s", "Finished search phase in 1e-3s", true},
    {"Finished {a} phase in {f}s", "Finished search phase", false},
    {"rate limited (429), retrying in {f}s (attempt {d})",
     "WARNING rate limited (429), retrying in 0.2s (attempt 1)", true},
    {"Plan ready: {d} queries, {d} sections", "[planner] Plan ready: 13 queries,   5 sections",
     true},
    {"price $5.00 [approx]", "the price $5.00 [approx] today", true},
    {"price $5.00 [approx]", "the price $5x00 [approx] today", false},
    {"first line {a}\nsecond line", "first line of two", true},
};

START_TEST(regex_matching) {
  char *t = holes(regex_cases[_i].tmpl);
  TemplateRegex *re = template_regex_new(t);
  ck_assert_ptr_nonnull(re);
  ck_assert_msg(template_regex_match(re, regex_cases[_i].line, strlen(regex_cases[_i].line)) ==
                    regex_cases[_i].match,
                "pattern %s on '%s'", template_regex_pattern(re), regex_cases[_i].line);
  template_regex_free(re);
  free(t);
}
END_TEST

START_TEST(too_little_literal_text) {
  char *t = holes("{a}: {a}");
  ck_assert_ptr_null(template_regex_new(t));
  ck_assert_uint_eq(template_literal_len(t), 1);
  free(t);
}
END_TEST

/* Found by fuzz_template: a template that is not UTF-8 (bytes a file or an
 * editor may hold) crashed PCRE2, which was told not to check the pattern.
 * It is refused now; a valid non-ASCII one still compiles and matches. */
START_TEST(invalid_utf8_template_refused) {
  static const unsigned char crash[] = {
      0xff, 0xff, 0x01, 0xff, 0x01, 'd',  0xff, 0x01, 'd',  0xa7, 0xa7, 0xa7, 0xa7,
      0xa7, 0xa7, 0xa7, 0xa7, 0xa7, 0xa7, 0xa7, 0xa7, 0xa7, 0xa7, 0xa7, 0xa7, 0xa7,
      0xa7, 0xa7, 0xa7, 0xa7, 0x01, '!',  0xcb, '[',  0xff, 0x01, 'd',  0xff, 0x01,
      0xff, 0x85, 'd',  '%',  0x01, '!',  0xcb, 0xff, 0x01, 'd',  0xff, 0x01, 0xff,
      0x01, 'd',  0xff, 0x01, 'd',  0x01, 'd',  0x01, 'd',  0xff, 0x01, '%',  0};
  ck_assert_ptr_null(template_regex_new((const char *)crash));
  char *t = holes("r\xc3\xa9sum\xc3\xa9 of {a} ready");
  TemplateRegex *re = template_regex_new(t);
  ck_assert_ptr_nonnull(re);
  const char *line = "r\xc3\xa9sum\xc3\xa9 of doc-7 ready";
  ck_assert(template_regex_match(re, line, strlen(line)));
  template_regex_free(re);
  free(t);
}
END_TEST

START_TEST(substitute_wrapper_param) {
  char *t = holes("[phase] {1} ({d} items)");
  char *arg = holes("loading {a}");
  char *got = template_substitute(t, 1, arg);
  char *want = holes("[phase] loading {a} ({d} items)");
  ck_assert_str_eq(got, want);
  free(t);
  free(arg);
  free(got);
  free(want);
}
END_TEST

Suite *template_suite(void) {
  Suite *s = suite_create("template");
  TCase *tc = tcase_create("core");
  tcase_add_loop_test(tc, percent_conversion, 0, sizeof percent_cases / sizeof *percent_cases);
  tcase_add_loop_test(tc, format_conversion, 0, sizeof format_cases / sizeof *format_cases);
  tcase_add_test(tc, unescape);
  tcase_add_loop_test(tc, regex_matching, 0, sizeof regex_cases / sizeof *regex_cases);
  tcase_add_test(tc, too_little_literal_text);
  tcase_add_test(tc, substitute_wrapper_param);
  tcase_add_test(tc, invalid_utf8_template_refused);
  suite_add_tcase(s, tc);
  return s;
}
