/* One runner for every suite; `make unit` runs it from tests/. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_main.h"

static Knowledge knowledge;
static FactsContext *context;

static void load_env(void) {
  if (context) return;
  Diags d = {0};
  ck_assert(knowledge_load(&knowledge, &d));
  context = facts_context_new(&knowledge, &d);
  ck_assert_ptr_nonnull(context);
  ck_assert_uint_eq(d.len, 0);
  diags_free(&d);
}

const Knowledge *test_knowledge(void) {
  load_env();
  return &knowledge;
}

const FactsContext *test_context(void) {
  load_env();
  return context;
}

void test_project_make(TestProject *t, const char *tag, const char *code) {
  memset(t, 0, sizeof *t);
  snprintf(t->dir, sizeof t->dir, "/tmp/fanout-%s-%ld", tag, (long)getpid());
  mkdir(t->dir, 0700);
  snprintf(t->path, sizeof t->path, "%s/app.py", t->dir);
  FILE *f = fopen(t->path, "wb");
  ck_assert_ptr_nonnull(f);
  fputs(code, f);
  fclose(f);
  Diags d = {0};
  const char *paths[] = {t->dir};
  ProjectOptions opts = {0};
  ck_assert(project_load(&t->p, paths, 1, &opts, &d));
  Policy pol = {0};
  Config cfg = {0};
  policy_configure(&pol, &cfg);
  policy_run(&pol, &t->p, &t->fs, &t->run);
  policy_free(&pol);
  diags_free(&d);
}

void test_project_free(TestProject *t) {
  policy_run_free(&t->run);
  findings_free(&t->fs);
  project_free(&t->p);
  unlink(t->path);
  rmdir(t->dir);
}

void test_facts(const char *code, Facts *out) { test_facts_in("m.py", "m", false, code, out); }

void test_facts_in(const char *path, const char *module, bool is_package, const char *code,
                   Facts *out) {
  memset(out, 0, sizeof *out);
  SourceFile src = {0};
  Diags d = {0};
  ck_assert(source_from_buffer(path, code, strlen(code), &src, &d));
  free(src.module);
  src.module = xstrdup(module);
  src.is_package = is_package;
  ck_assert(facts_extract(test_context(), &src, out, &d));
  source_free(&src);
  diags_free(&d);
}

int main(void) {
  SRunner *sr = srunner_create(source_suite());
  srunner_add_suite(sr, template_suite());
  srunner_add_suite(sr, query_suite());
  srunner_add_suite(sr, facts_suite());
  srunner_add_suite(sr, index_suite());
  srunner_add_suite(sr, trace_suite());
  srunner_add_suite(sr, checks_suite());
  srunner_add_suite(sr, config_suite());
  srunner_add_suite(sr, timeline_suite());
  srunner_add_suite(sr, cache_suite());
  srunner_add_suite(sr, rules_suite());
  srunner_add_suite(sr, emit_suite());
  srunner_add_suite(sr, report_suite());
  srunner_add_suite(sr, lsp_suite());
  srunner_add_suite(sr, map_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  if (context) {
    facts_context_free(context);
    knowledge_free(&knowledge);
  }
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
