/* The rule data's schema: a line that does not fit it is an error naming its
 * file and line, and the fact is not used. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"
#include "test_main.h"

/* Load `text` as one more rules file; returns whether it loaded, with the
 * first diagnostic's message and line in msg / line. */
static bool load(const char *text, char *msg, size_t size, uint32_t *line, Knowledge *k) {
  Diags d = {0};
  bool ok = knowledge_add_text(k, "rules/extra.txt", text, &d);
  msg[0] = '\0';
  *line = 0;
  if (d.len) {
    snprintf(msg, size, "%s", d.items[0].message);
    *line = d.items[0].line;
  }
  diags_free(&d);
  return ok;
}

START_TEST(schema_accepts_the_shipped_data) {
  Knowledge k = {0};
  Diags d = {0};
  ck_assert(knowledge_load(&k, &d));
  ck_assert_uint_eq(d.len, 0);
  const Fact *f = knowledge_get(&k, FACT_CLIENT, "httpx.AsyncClient");
  ck_assert_ptr_nonnull(f);
  ck_assert_int_eq(f->kind, FACT_CLIENT);
  ck_assert_str_eq(fact_kind_name(f->kind), "client");
  knowledge_free(&k);
}
END_TEST

START_TEST(schema_refuses_what_does_not_fit) {
  static const struct {
    const char *text, *message;
  } cases[] = {
      {"clinet httpx.Client kind=http\n", "unknown kind of fact `clinet`"},
      {"client x.C kind=http timeuot=5\n", "`client` takes no key `timeuot`"},
      {"client x.C kind=htp\n",
       "`kind` of `client` must be aws db http llm net rpc subprocess, not `htp`"},
      {"client x.C timeout=5s\n",
       "`timeout` of `client` must be a number of seconds or none, not `5s`"},
      {"blocking x.f code=FAN5\n",
       "`code` of `blocking` must be the code of a rule (fanout rules lists them), not `FAN5`"},
      {"blocking x.f code=FAN599\n",
       "`code` of `blocking` must be the code of a rule (fanout rules lists them), not `FAN599`"},
      {"limiter x.L rate=true\n", "`rate` of `limiter` must be yes, not `true`"},
      {"timeout.call x.f seconds=3\n", "`timeout.call` takes no key `seconds`"},
      {"client x.C kind\n", "attribute `kind` is not key=value"},
      {"client x.C kind=http kind=llm\n", "`kind` is given twice"},
      {"site x.w kind=wait early=a;b\n",
       "`early` of `site` must be names separated by commas, not `a;b`"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    Knowledge k = {0};
    char msg[256];
    uint32_t line;
    char *text = xasprintf("# a comment\n%s", cases[i].text);
    ck_assert_msg(!load(text, msg, sizeof msg, &line, &k), "%s loaded", cases[i].text);
    ck_assert_str_eq(msg, cases[i].message);
    ck_assert_uint_eq(line, 2);
    const char *name = strchr(cases[i].text, ' ') + 1;
    char *n = xstrndup(name, strcspn(name, " \n"));
    for (int kind = 0; kind < FACT_COUNT; kind++) /* the line is not used */
      ck_assert_ptr_null(knowledge_get(&k, (FactKind)kind, n));
    free(n);
    free(text);
    knowledge_free(&k);
  }
}
END_TEST

/* Attributes are parsed once at load: values by key, typed on access. */
START_TEST(attributes_by_key) {
  Knowledge k = {0};
  Diags d = {0};
  ck_assert(knowledge_add_text(&k, "rules/extra.txt",
                               "client x.C  kind=http timeout=none pool=20 io=get,post  # c\n"
                               "blocking x.f code=FAN502\n"
                               "site x.w kind=wait early=return_when\n",
                               &d));
  ck_assert_uint_eq(d.len, 0);
  const Fact *c = knowledge_get(&k, FACT_CLIENT, "x.C");
  ck_assert_str_eq(c->name, "x.C");
  ck_assert_str_eq(fact_get(c, ATTR_KIND), "http");
  ck_assert_str_eq(fact_get(c, ATTR_TIMEOUT), "none");
  ck_assert_int_eq(fact_number(c, ATTR_TIMEOUT, -7), -7); /* none: the default */
  ck_assert_int_eq(fact_number(c, ATTR_POOL, -1), 20);
  ck_assert_int_eq(fact_number(c, ATTR_RETRIES, -1), -1); /* not given */
  ck_assert_ptr_null(fact_get(c, ATTR_ASYNC));
  ck_assert(fact_lists(c, ATTR_IO, "get") && fact_lists(c, ATTR_IO, "post"));
  ck_assert(!fact_lists(c, ATTR_IO, "ge") && !fact_lists(c, ATTR_IO, "posts"));
  /* the same of any fact of a kind, looked up */
  ck_assert(knowledge_lists(&k, FACT_CLIENT, ATTR_IO, "get") &&
            knowledge_lists(&k, FACT_CLIENT, ATTR_IO, "post"));
  ck_assert(!knowledge_lists(&k, FACT_CLIENT, ATTR_IO, "ge") &&
            !knowledge_lists(&k, FACT_CLIENT, ATTR_POOL, "get") &&
            !knowledge_lists(&k, FACT_BLOCKING, ATTR_IO, "get"));
  ck_assert(!fact_yes(c, ATTR_ONESHOT));
  Rule r;
  ck_assert(fact_rule(knowledge_get(&k, FACT_BLOCKING, "x.f"), ATTR_CODE, &r));
  ck_assert_int_eq(r, RULE_FAN502);
  ck_assert(!fact_rule(c, ATTR_CODE, &r));
  ck_assert(fact_lists(knowledge_get(&k, FACT_SITE, "x.w"), ATTR_EARLY, "return_when"));
  ck_assert_ptr_null(fact_get(NULL, ATTR_KIND)); /* no fact: nothing given */
  diags_free(&d);
  knowledge_free(&k);
}
END_TEST

START_TEST(setting_from_configuration_overrides_the_rules) {
  Knowledge k = {0};
  Diags d = {0};
  ck_assert(knowledge_load(&k, &d));
  ck_assert(knowledge_add_text(&k, "pyproject.toml", "retry.max-attempts 3\n", &d));
  ck_assert_str_eq(knowledge_last(&k, FACT_RETRY_MAX_ATTEMPTS)->name, "3");
  ck_assert_str_ne(knowledge_first(&k, FACT_RETRY_MAX_ATTEMPTS)->name, "3");
  /* settings: the rule data's, then what the configuration sets */
  Settings s = settings_make(&k, NULL);
  ck_assert_int_eq(s.retry_max_attempts, 3);
  ck_assert_uint_eq(s.short_timeout, 30);
  ck_assert_int_eq(s.min_width, 50);
  Settings given = {0, 20, 4};
  s = settings_make(&k, &given);
  ck_assert_int_eq(s.retry_max_attempts, 4);
  ck_assert_int_eq(s.min_width, 20);
  ck_assert_uint_eq(s.short_timeout, 30);
  diags_free(&d);
  knowledge_free(&k);
}
END_TEST

Suite *rules_suite(void) {
  Suite *s = suite_create("rules");
  TCase *tc = tcase_create("schema");
  tcase_add_test(tc, schema_accepts_the_shipped_data);
  tcase_add_test(tc, attributes_by_key);
  tcase_add_test(tc, schema_refuses_what_does_not_fit);
  tcase_add_test(tc, setting_from_configuration_overrides_the_rules);
  suite_add_tcase(s, tc);
  return s;
}
