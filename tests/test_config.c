#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "test_main.h"
#include "where.h"

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
                         "\n[tool.fanout.per-file-ignores]\n\"tests/*\" = [\"FAN5\"]\n"
                         "\"scripts/*.py\" = [\"FAN101\"]\n"
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
  ck_assert_int_eq(c.retry_max_attempts, 6); /* a setting, not a fact */
  ck_assert_ptr_null(strstr(k, "retry.max-attempts"));
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
    /* TOML forbids a key twice; a setting would silently take one of them */
    {"[tool.fanout]\nselect = [\"FAN1\"]\nselect = [\"FAN2\"]\n", 3,
     "duplicate key `tool.fanout.select`"},
    {"[tool.fanout]\nper-file-ignores = { \"a\" = [\"FAN5\"] }\n[tool.fanout.per-file-ignores]\n",
     3, "duplicate table `tool.fanout.per-file-ignores`"},
    /* a newline in a string would add a line to the rule data */
    {"[tool.fanout]\nlimiters = [\"a.B\\nblocking x code=FAN505\"]\n", 2,
     "holds a control character"},
    {"[tool.fanout]\nmin-width = 1_0x\n", 0, ""},
    /* escapes as TOML defines them, not as Python does (the grammar refuses
     * the unknown ones; a \\u escape must be a Unicode scalar value) */
    {"[tool.fanout]\n\nlimiters = [\"a\\qb\"]\n", 0, "TOML syntax error"},
    {"[tool.fanout]\nlimiters = [\"a\\N{DASH}\"]\n", 0, "TOML syntax error"},
    {"[tool.fanout]\nlimiters = [\"\\ud800\"]\n", 2, "no Unicode scalar value"},
    {"[tool.fanout]\n\"\\uDFFF\" = 1\n", 2, "no Unicode scalar value"},
};

/* Every TOML spelling of the table means it; numbers as TOML writes them;
 * a key of 200 000 dotted parts (recursion on it overflowed the stack) is
 * refused with a line. */
START_TEST(toml_spellings) {
  static const char *const texts[] = {
      "[ tool.fanout ]\nselect = [\"FAN1\"]\nmin-width = 1_000\n",
      "[\"tool\".fanout]\nselect = [\"FAN1\"]\nmin-width = 0x3e8\n",
      "[tool]\nfanout.select = [\"FAN1\"]\nfanout.min-width = 1000\n",
      "tool.fanout.select = [\"FAN1\"]\ntool.fanout.min-width = 1000\n",
      "[tool]\nfanout = { select = [\"FAN1\"], min-width = 1000 }\n",
      "tool = { fanout = { select = [\"FAN1\"], min-width = 0b1111101000 } }\n",
  };
  for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
    Config c = {0};
    Diags d = {0};
    ck_assert_msg(config_parse("pyproject.toml", texts[i], &c, &d), "text %zu refused", i);
    ck_assert_msg(c.found && c.select.len == 1 && c.min_width == 1000,
                  "text %zu: select %u, min-width %ld", i, c.select.len, c.min_width);
    config_free(&c);
    diags_free(&d);
  }
  Config c = {0};
  Diags d = {0};
  ck_assert(config_parse("pyproject.toml",
                         "[project]\nname = \"x\"\n[tool.black]\nline-length = 99\n", &c, &d));
  ck_assert(!c.found);
  config_free(&c);
  StrBuf deep = {0};
  sb_puts(&deep, "[tool.fanout]\n");
  for (int i = 0; i < 200000; i++) sb_puts(&deep, i ? ".a" : "a");
  sb_puts(&deep, " = 1\n");
  memset(&c, 0, sizeof c);
  ck_assert(!config_parse("pyproject.toml", sb_str(&deep), &c, &d));
  ck_assert_uint_ge(d.len, 1);
  ck_assert_uint_eq(d.items[0].line, 2);
  sb_free(&deep);
  config_free(&c);
  diags_free(&d);
}
END_TEST

/* TOML's strings: basic ones unescaped as TOML says, literal ones raw, a
 * multi-line string's first newline and line-ending backslashes dropped. */
START_TEST(toml_strings) {
  Config c = {0};
  Diags d = {0};
  ck_assert(config_parse("pyproject.toml",
                         "[tool.fanout]\n"
                         "limiters = [\"caf\\u00e9.Sem\", 'raw\\d.L', \"\\u0041.B\",\n"
                         "            \"\"\"\nmulti.\\\n   Line\"\"\"]\n",
                         &c, &d));
  ck_assert_uint_eq(c.limiters.len, 4);
  ck_assert_str_eq(c.limiters.items[0], "caf\xc3\xa9.Sem");
  ck_assert_str_eq(c.limiters.items[1], "raw\\d.L");
  ck_assert_str_eq(c.limiters.items[2], "A.B");
  ck_assert_str_eq(c.limiters.items[3], "multi.Line");
  config_free(&c);
  diags_free(&d);
}
END_TEST

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

/* where.h: what a file is for, from its path */
static const struct {
  const char *path;
  CodeKind want;
} where_cases[] = {
    {"app/pipeline.py", CODE_PRODUCTION},
    {"tests/test_pipeline.py", CODE_TEST},
    {"pkg/test/helpers.py", CODE_TEST},
    {"pkg/testing/fakes.py", CODE_TEST},
    {"src/test_utils.py", CODE_TEST},
    {"src/io_test.py", CODE_TEST},
    {"conftest.py", CODE_TEST},
    {"examples/quickstart.py", CODE_EXAMPLE},
    {"docs/snippets/a.py", CODE_DOCS},
    {"scripts/backfill.py", CODE_SCRIPT},
    {"examples/tests/t.py", CODE_TEST}, /* test first */
    {"pkg/latest.py", CODE_PRODUCTION}, /* names are whole components */
    {"pkg/testsuite_runner.py", CODE_PRODUCTION},
    {"docs.py", CODE_PRODUCTION}, /* a file name is no directory */
    {"pkg/scripts.py", CODE_PRODUCTION},
};

START_TEST(where_code_kinds) {
  ck_assert_int_eq(where_code(where_cases[_i].path), where_cases[_i].want);
}
END_TEST

START_TEST(where_kind_names) {
  ck_assert_int_eq(where_kind_named("tests"), CODE_TEST);
  ck_assert_int_eq(where_kind_named("all"), CODE_ALL_SUPPORT);
  ck_assert_int_eq(where_kind_named("benchmarks"), -1);
  Config c = {0};
  Diags d = {0};
  ck_assert(
      !config_parse("pyproject.toml", "[tool.fanout]\ninclude = [\"tests\", \"bench\"]\n", &c, &d));
  ck_assert_uint_eq(d.len, 1);
  ck_assert_uint_eq(d.items[0].line, 2);
  config_free(&c);
  diags_free(&d);
}
END_TEST

Suite *config_suite(void) {
  Suite *s = suite_create("config");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, full_config);
  tcase_add_test(tc, toml_spellings);
  tcase_add_test(tc, toml_strings);
  tcase_add_loop_test(tc, bad_config, 0, sizeof bad_cases / sizeof *bad_cases);
  tcase_add_loop_test(tc, where_code_kinds, 0, sizeof where_cases / sizeof *where_cases);
  tcase_add_test(tc, where_kind_names);
  suite_add_tcase(s, tc);
  return s;
}
