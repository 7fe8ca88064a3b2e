#ifndef FANOUT_TEST_MAIN_H
#define FANOUT_TEST_MAIN_H

#include <check.h>

#include "facts.h"
#include "policy.h"

Suite *source_suite(void);
Suite *template_suite(void);
Suite *query_suite(void);
Suite *facts_suite(void);
Suite *index_suite(void);
Suite *trace_suite(void);
Suite *checks_suite(void);
Suite *config_suite(void);
Suite *timeline_suite(void);
Suite *cache_suite(void);
Suite *rules_suite(void);
Suite *emit_suite(void);
Suite *report_suite(void);
Suite *lsp_suite(void);
Suite *map_suite(void);

/* Extract the facts of a Python snippet (module name "m", path "m.py").
 * Aborts the test on failure. Free with facts_free and test_env_free. */
void test_facts(const char *code, Facts *out);
/* The same for a file of a given path and module name. */
void test_facts_in(const char *path, const char *module, bool is_package, const char *code,
                   Facts *out);
/* A one-file project: `code` written to /tmp/fanout-TAG-PID/app.py, loaded,
 * and its findings as the default policy shows them (and ties to sites). */
typedef struct {
  char dir[64], path[128];
  Project p;
  Findings fs;
  PolicyRun run;
} TestProject;
void test_project_make(TestProject *t, const char *tag, const char *code);
void test_project_free(TestProject *t);
/* The shared rule data and site queries, loaded once per process. */
const Knowledge *test_knowledge(void);
const FactsContext *test_context(void);

#endif
