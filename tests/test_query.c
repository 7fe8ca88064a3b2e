#include <string.h>

#include "parse.h"
#include "query.h"
#include "test_main.h"

static uint32_t count_matches(const char *query, const char *code) {
  Diags d = {0};
  Query *q = query_new(parse_language(), "t.scm", query, &d);
  ck_assert_msg(q != NULL, "query failed: %s", d.len ? d.items[0].message : "?");
  TSTree *tree = parse_source(code, (uint32_t)strlen(code), NULL);
  QueryRun run;
  query_run_begin(&run, q, ts_tree_root_node(tree), code);
  TSQueryMatch m;
  uint32_t n = 0;
  while (query_run_next(&run, &m)) n++;
  query_run_end(&run);
  ts_tree_delete(tree);
  query_free(q);
  diags_free(&d);
  return n;
}

static const char code[] = "a.gather(x)\nb.wait(y)\ngather(z)\nfoo(1)\nfoo(foo)\n";

START_TEST(predicates) {
  ck_assert_uint_eq(count_matches("((call function: (identifier) @f) (#eq? @f \"foo\"))", code), 2);
  ck_assert_uint_eq(count_matches("((call function: (identifier) @f) (#not-eq? @f \"foo\"))", code),
                    1);
  ck_assert_uint_eq(count_matches("((call function: (attribute attribute: (identifier) @a)) "
                                  "(#match? @a \"^(gather|wait)$\"))",
                                  code),
                    2);
  ck_assert_uint_eq(
      count_matches(
          "((call function: (attribute attribute: (identifier) @a)) (#not-match? @a \"^g\"))",
          code),
      1);
  ck_assert_uint_eq(count_matches("((identifier) @i (#any-of? @i \"x\" \"y\" \"z\"))", code), 3);
  ck_assert_uint_eq(count_matches("((identifier) @i (#not-any-of? @i \"x\" \"y\" \"z\"))", code),
                    8);
  /* two captures compared: foo(foo) */
  ck_assert_uint_eq(count_matches("((call function: (identifier) @f arguments: (argument_list "
                                  "(identifier) @a)) (#eq? @f @a))",
                                  code),
                    1);
}
END_TEST

START_TEST(unknown_predicate_names_file_and_line) {
  Diags d = {0};
  Query *q = query_new(parse_language(), "rules/x.scm",
                       "; comment\n((identifier) @i\n  (#is-cool? @i))\n", &d);
  ck_assert_ptr_null(q);
  ck_assert_uint_eq(d.len, 1);
  ck_assert_str_eq(d.items[0].path, "rules/x.scm");
  ck_assert_uint_eq(d.items[0].line, 3);
  ck_assert_ptr_nonnull(strstr(d.items[0].message, "unknown predicate #is-cool?"));
  diags_free(&d);
}
END_TEST

START_TEST(syntax_error_and_bad_regex) {
  Diags d = {0};
  ck_assert_ptr_null(query_new(parse_language(), "a.scm", "((identifier) @i\n(nope))", &d));
  ck_assert_ptr_null(
      query_new(parse_language(), "b.scm", "((identifier) @i (#match? @i \"(\"))", &d));
  ck_assert_uint_eq(d.len, 2);
  ck_assert_uint_eq(d.items[0].line, 2);
  ck_assert_ptr_nonnull(strstr(d.items[1].message, "bad regex"));
  diags_free(&d);
}
END_TEST

START_TEST(set_directive) {
  Diags d = {0};
  Query *q = query_new(parse_language(), "c.scm", "((identifier) @i (#set! kind \"name\"))", &d);
  ck_assert_ptr_nonnull(q);
  ck_assert_str_eq(query_setting(q, 0, "kind"), "name");
  ck_assert_ptr_null(query_setting(q, 0, "other"));
  query_free(q);
  diags_free(&d);
}
END_TEST

Suite *query_suite(void) {
  Suite *s = suite_create("query");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, predicates);
  tcase_add_test(tc, unknown_predicate_names_file_and_line);
  tcase_add_test(tc, syntax_error_and_bad_regex);
  tcase_add_test(tc, set_directive);
  suite_add_tcase(s, tc);
  return s;
}
