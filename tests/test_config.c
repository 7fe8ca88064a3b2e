#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "test_main.h"

START_TEST(full_config) {
  Config c = {0};
  Diags d = {0};
  ck_assert(config_parse("pyproject.toml",
                         "[project]\nname = \"x\"\n\n"
                         "[tool.fanout]\n"
                         "select = [\"FAN1\", \"fan3\"]  # a comment\n"
                         "ignore = ['FAN102']\n"
                         "exclude = [\"build/\", \"tests/fixtures/*\"]\n"
                         "min-width = 20\n"
                         "retry-max-attempts = 6\n"
                         "blocking-calls = [\"mylib.fetch_sync\"]\n"
                         "loggers = [\"log_step\"]\n"
                         "per-file-ignores = { \"tests/*\" = [\"FAN5\"] }\n"
                         "\n[tool.fanout.per-file-ignores]\n\"scripts/*.py\" = [\"FAN101\"]\n"
                         "\n[tool.other]\nselect = 3\n",
                         &c, &d));
  ck_assert_uint_eq(d.len, 0);
  ck_assert_uint_eq(c.select.len, 2);
  ck_assert_str_eq(c.select.items[1], "FAN3");
  ck_assert_str_eq(c.ignore.items[0], "FAN102");
  ck_assert_uint_eq(c.exclude.len, 2);
  ck_assert_int_eq(c.min_width, 20);
  ck_assert_uint_eq(c.per_file_ignores.len, 2);
  ck_assert_str_eq(c.per_file_ignores.items[0].pattern, "tests/*");
  ck_assert_str_eq(c.per_file_ignores.items[1].pattern, "scripts/*.py");
  ck_assert_str_eq(c.per_file_ignores.items[1].codes.items[0], "FAN101");
  char *k = config_knowledge(&c);
  ck_assert_ptr_nonnull(strstr(k, "blocking mylib.fetch_sync code=FAN505\n"));
  ck_assert_ptr_nonnull(strstr(k, "logger.function log_step"));
  ck_assert_ptr_nonnull(strstr(k, "retry.max-attempts 6\n"));
  free(k);
  config_free(&c);
  diags_free(&d);
}
END_TEST

static const struct {
  const char *toml;
  uint32_t line;
  const char *message;
} bad_cases[] = {
    {"[tool.fanout]\nselct = [\"FAN1\"]\n", 2, "unknown key `selct` in [tool.fanout]"},
    {"[tool.fanout]\n\nselect = \"FAN1\"\n", 3, "`select` must be an array of strings"},
    {"[tool.fanout]\nmin-width = \"big\"\n", 2, "`min-width` must be a positive integer"},
    {"[tool.fanout]\nignore = [\"E501\"]\n", 2, "`ignore` takes rule codes"},
    {"[tool.fanout]\nselect = [\"FAN1\"\n\nexclude = 3\n", 0, "TOML syntax error"},
};

START_TEST(bad_config) {
  Config c = {0};
  Diags d = {0};
  ck_assert(!config_parse("pyproject.toml", bad_cases[_i].toml, &c, &d));
  ck_assert_uint_ge(d.len, 1);
  ck_assert_str_eq(d.items[0].path, "pyproject.toml");
  if (bad_cases[_i].line) ck_assert_uint_eq(d.items[0].line, bad_cases[_i].line);
  ck_assert_msg(strstr(d.items[0].message, bad_cases[_i].message), "got: %s", d.items[0].message);
  config_free(&c);
  diags_free(&d);
}
END_TEST

Suite *config_suite(void) {
  Suite *s = suite_create("config");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, full_config);
  tcase_add_loop_test(tc, bad_config, 0, sizeof bad_cases / sizeof *bad_cases);
  suite_add_tcase(s, tc);
  return s;
}
