#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analysis.h"
#include "policy.h"
#include "test_main.h"

static const struct {
  const char *select, *ignore, *extend, *code;
  bool default_on, want;
} selection_cases[] = {
    {"", "", "", "FAN101", true, true},
    {"", "", "", "FAN901", false, false},
    {"FAN9", "", "", "FAN901", false, true},
    {"FAN1", "", "", "FAN201", true, false},
    {"FAN1", "FAN102", "", "FAN102", true, false},
    {"FAN1", "FAN102", "", "FAN101", true, true},
    {"FAN102", "FAN1", "", "FAN102", true, true}, /* the more specific wins */
    {"", "FAN5", "", "FAN501", true, false},
    {"", "", "FAN903", "FAN903", false, true},
};

static void split_into(StrArray *a, const char *codes) {
  char *copy = xstrdup(codes);
  for (char *t = strtok(copy, ","); t; t = strtok(NULL, ",")) array_push(a, xstrdup(t));
  free(copy);
}

START_TEST(selection) {
  Policy s = {0};
  split_into(&s.select, selection_cases[_i].select);
  split_into(&s.ignore, selection_cases[_i].ignore);
  split_into(&s.extend_select, selection_cases[_i].extend);
  ck_assert_int_eq(policy_enabled(&s, selection_cases[_i].code, selection_cases[_i].default_on),
                   selection_cases[_i].want);
  policy_free(&s);
}
END_TEST

START_TEST(rule_table) {
  ck_assert_int_ge(RULE_COUNT, 20);
  const RuleInfo *r = rule_info(RULE_FAN101);
  ck_assert_str_eq(r->code, "FAN101");
  ck_assert_str_eq(r->name, "unbounded-fan-out");
  ck_assert(r->default_on && r->error_when_data);
  ck_assert_int_eq(r->severity, SEVERITY_WARNING);
  ck_assert_int_eq(r->family, FAMILY_CONCURRENCY);
  ck_assert(!rule_info(RULE_FAN901)->default_on);
  ck_assert_int_eq(rule_info(RULE_FAN900)->severity, SEVERITY_INFO);
  Rule named;
  ck_assert(rule_named("FAN702", &named) && named == RULE_FAN702);
  ck_assert(!rule_named("FAN799", &named));
  char *example = rule_doc_block(RULE_FAN101, "Example");
  ck_assert_ptr_nonnull(example);
  ck_assert_ptr_nonnull(strstr(example, "gather"));
  free(example);
  ck_assert_ptr_null(rule_doc_block(RULE_FAN101, "No such section"));
  for (int i = 0; i < RULE_COUNT; i++) { /* every doc has every section, and a metric */
    const RuleInfo *ri = rule_info((Rule)i);
    const char *doc = rule_doc((Rule)i);
    ck_assert_msg(strncmp(doc, "## What it does", 15) == 0, "%s: body starts after front matter",
                  ri->code);
    const char *sections[] = {"## What it does", "## Why is this bad?", "## Example",
                              "## Use instead", "## What to measure"};
    for (size_t k = 0; k < 5; k++)
      ck_assert_msg(strstr(doc, sections[k]), "%s lacks %s", ri->code, sections[k]);
    ck_assert_msg(ri->improves[0] && ri->summary[0], "%s lacks improves or summary", ri->code);
    ck_assert_int_eq(ri->code[3] - '0', (int)ri->family + 1 + (ri->family >= FAMILY_OBSERVABILITY));
  }
}
END_TEST

/* ---- the model on a small project ---- */

static const char *const model_code =
    "import asyncio, httpx, openai\n"
    "from tenacity import retry, stop_after_attempt\n"
    "LLM = openai.AsyncOpenAI()\n"
    "class Crawler:\n"
    "    def __init__(self, sem):\n"
    "        self.client = httpx.AsyncClient(timeout=None)\n"
    "        self.sem = sem\n"
    "    async def fetch(self, url):\n"
    "        return await self.client.get(url)\n"
    "    async def bounded(self, url):\n"
    "        async with self.sem:\n"
    "            return await self.fetch(url)\n"
    "    async def crawl(self, urls):\n"
    "        return await asyncio.gather(*[self.fetch(u) for u in urls])\n"
    "    async def crawl_bounded(self, urls):\n"
    "        return await asyncio.gather(*[self.bounded(u) for u in urls])\n"
    "async def ask(q: str, client: httpx.AsyncClient):\n"
    "    r = await LLM.chat.completions.create(messages=[q])\n"
    "    s = await client.get(q)\n"
    "    return r, s\n";

static Facts model_facts;
static Index model_index;
static Model model;

static void model_setup(void) {
  test_facts_in("crawl.py", "crawl", false, model_code, &model_facts);
  index_build(&model_index, &model_facts, 1, NULL);
  model_init(&model, &model_index, test_knowledge(), NULL);
}

static void model_teardown(void) {
  model_free(&model);
  index_free(&model_index);
  facts_free(&model_facts);
}

static int32_t def_named(const char *q) {
  for (uint32_t i = 0; i < model_facts.defs.len; i++)
    if (strcmp(model_facts.defs.items[i].qualname, q) == 0) return (int32_t)i;
  ck_abort_msg("no def %s", q);
  return -1;
}

START_TEST(origins) {
  Origin o;
  ck_assert(model_origin(&model, 0, def_named("Crawler.fetch"), "self.client", &o));
  ck_assert_str_eq(o.ctor, "httpx.AsyncClient");
  ck_assert_ptr_nonnull(o.fact);
  ck_assert_uint_eq(o.pos.line, 6);
  origin_free(&o);
  ck_assert(model_origin(&model, 0, def_named("ask"), "client", &o)); /* annotation */
  ck_assert_str_eq(o.ctor, "httpx.AsyncClient");
  ck_assert_int_eq(o.call, -1);
  origin_free(&o);
  ck_assert(model_origin(&model, 0, def_named("ask"), "LLM", &o)); /* module level */
  ck_assert_str_eq(o.ctor, "openai.AsyncOpenAI");
  origin_free(&o);
  ck_assert(model_origin(&model, 0, def_named("ask"), "q", &o)); /* annotated, not a client */
  ck_assert_str_eq(o.ctor, "str");
  ck_assert_ptr_null(o.fact);
  origin_free(&o);
  ck_assert(!model_origin(&model, 0, def_named("Crawler.crawl"), "urls", &o));
}
END_TEST

START_TEST(externals_limiters_timeouts) {
  DefRef fetch = {0, def_named("Crawler.fetch")};
  DefRef bounded = {0, def_named("Crawler.bounded")};
  DefRef ask = {0, def_named("ask")};
  ck_assert_int_gt(model_def_external(&model, fetch), 0);
  ck_assert_int_gt(model_def_external(&model, ask), 0);
  ck_assert_int_eq(model_def_external(&model, bounded), 0);  /* only through fetch */
  ck_assert_uint_eq(model_def_limiter(&model, bounded), 11); /* self.sem from a parameter */
  ck_assert_uint_eq(model_def_limiter(&model, fetch), 0);
  /* timeout=None on the client is no timeout; the default 5 s would be one */
  ck_assert_uint_eq(model_def_timeout(&model, fetch), 0);
  ck_assert_uint_eq(model_def_timeout(&model, ask), 19); /* annotated httpx client: 5 s default */
}
END_TEST

START_TEST(site_analysis) {
  SiteInfos sites = {0};
  analysis_sites(&model, &sites);
  ck_assert_uint_eq(sites.len, 2);
  ck_assert(sites.items[0].has_ext);
  ck_assert_uint_eq(sites.items[0].limiter_line, 0);  /* crawl */
  ck_assert_uint_eq(sites.items[1].limiter_line, 11); /* crawl_bounded, one call deep */
  ck_assert_uint_eq(sites.items[0].timeout_line, 0);
  Findings fs = {0};
  check_concurrency(&model, &sites, &fs);
  uint32_t fan101 = 0;
  for (uint32_t i = 0; i < fs.len; i++)
    if (strcmp(fs.items[i].code, "FAN101") == 0) {
      fan101++;
      ck_assert_uint_eq(fs.items[i].pos.line, 14);
      ck_assert_ptr_nonnull(strstr(fs.items[i].message, "httpx.AsyncClient"));
    }
  ck_assert_uint_eq(fan101, 1);
  findings_free(&fs);
  analysis_free(&sites);
}
END_TEST

/* Two threads give one thread's findings: on the bundled projects and on
 * two made here: one whose sync helpers call each other (cut: the checks
 * run again on one thread), and one whose helper blocks for the handlers of
 * many files (found by several pieces of check_blocking, reported once). */
typedef struct {
  const char *path, *code;
} MadeFile;

static const MadeFile cycle_files[] = {{"app.py", "import requests\n"
                                                  "def a(n):\n"
                                                  "    if n:\n"
                                                  "        return b(n - 1)\n"
                                                  "    return requests.get('http://x')\n"
                                                  "def b(n):\n"
                                                  "    return a(n)\n"
                                                  "async def handler(n):\n"
                                                  "    return a(n)\n"},
                                       {NULL, NULL}};

#define HANDLER(n)                                                                                 \
  { "h" #n ".py", "from util import fetch\nasync def handler(u):\n    return fetch(u)\n" }
static const MadeFile helper_files[] = {
    {"util.py", "import requests\ndef fetch(u):\n    return requests.get(u).text\n"},
    HANDLER(1),
    HANDLER(2),
    HANDLER(3),
    HANDLER(4),
    HANDLER(5),
    HANDLER(6),
    HANDLER(7),
    HANDLER(8),
    HANDLER(9),
    {NULL, NULL}};

static const struct {
  const char *dir; /* bundled, or NULL: made from files */
  const MadeFile *files;
  bool cut;               /* the two-thread run is cut */
  const char *finding_in; /* a file that must have a finding, or NULL */
} parallel_projects[] = {
    {"../corpus/demo", NULL, false, NULL},
    {"../corpus/projects/crawler", NULL, false, NULL},
    {"../corpus/projects/rag_ingest", NULL, false, NULL},
    {"../corpus/projects/research_agent", NULL, false, NULL},
    {"../corpus/projects/support_code", NULL, false, NULL},
    {"../corpus/projects/configured", NULL, false, NULL},
    {"../corpus/sites", NULL, false, NULL},
    {NULL, cycle_files, true, NULL},
    {NULL, helper_files, false, "util.py"},
};

static void policy_with(Project *p, bool alone, Findings *fs, PolicyRun *run) {
  Policy pol = {0};
  Config cfg = {0};
  policy_configure(&pol, &cfg);
  p->checks_alone = alone;
  policy_run(&pol, p, fs, run);
  policy_free(&pol);
}

static void made_project(const char *dir, const MadeFile *files, bool make) {
  char path[160];
  if (make) mkdir(dir, 0700);
  for (const MadeFile *f = files; f->path; f++) {
    snprintf(path, sizeof path, "%s/%s", dir, f->path);
    if (!make) {
      unlink(path);
      continue;
    }
    FILE *out = fopen(path, "wb");
    ck_assert_ptr_nonnull(out);
    fputs(f->code, out);
    fclose(out);
  }
  if (!make) rmdir(dir);
}

START_TEST(parallel_checks_agree) {
  const char *dir = parallel_projects[_i].dir;
  char made[64];
  if (!dir) {
    snprintf(made, sizeof made, "/tmp/fanout-parallel-%ld", (long)getpid());
    made_project(made, parallel_projects[_i].files, true);
    dir = made;
  }
  Project p;
  Diags d = {0};
  ProjectOptions opts = {.editor = true, .jobs = 2};
  ck_assert(project_load(&p, &dir, 1, &opts, &d));
  Findings two = {0}, one = {0};
  PolicyRun run_two, run_one;
  policy_with(&p, false, &two, &run_two);
  policy_with(&p, true, &one, &run_one);
  ck_assert(two.len > 0);
  ck_assert_uint_eq(two.len, one.len);
  bool found_in = !parallel_projects[_i].finding_in;
  for (uint32_t i = 0; i < two.len; i++) {
    const Finding *a = &two.items[i], *b = &one.items[i];
    ck_assert_str_eq(a->code, b->code);
    ck_assert_uint_eq(a->file, b->file);
    ck_assert_uint_eq(a->pos.line, b->pos.line);
    ck_assert_uint_eq(a->severity, b->severity);
    ck_assert_str_eq(a->message, b->message);
    ck_assert_str_eq(a->evidence, b->evidence);
    ck_assert_str_eq(a->next_step, b->next_step);
    found_in = found_in || str_ends_with(p.files[a->file].path, parallel_projects[_i].finding_in);
  }
  ck_assert(found_in);
  ck_assert_uint_eq(run_two.by_site.len, run_one.by_site.len);
  ck_assert(run_two.cut == parallel_projects[_i].cut);
  policy_run_free(&run_two);
  policy_run_free(&run_one);
  findings_free(&two);
  findings_free(&one);
  project_free(&p);
  diags_free(&d);
  if (!parallel_projects[_i].dir) made_project(made, parallel_projects[_i].files, false);
}
END_TEST

Suite *checks_suite(void) {
  Suite *s = suite_create("checks");
  TCase *tc = tcase_create("selection");
  tcase_add_loop_test(tc, selection, 0, sizeof selection_cases / sizeof *selection_cases);
  tcase_add_test(tc, rule_table);
  suite_add_tcase(s, tc);
  TCase *m = tcase_create("model");
  tcase_add_checked_fixture(m, model_setup, model_teardown);
  tcase_add_test(m, origins);
  tcase_add_test(m, externals_limiters_timeouts);
  tcase_add_test(m, site_analysis);
  suite_add_tcase(s, m);
  TCase *par = tcase_create("parallel");
  tcase_set_timeout(par, 60);
  tcase_add_loop_test(par, parallel_checks_agree, 0,
                      sizeof parallel_projects / sizeof *parallel_projects);
  suite_add_tcase(s, par);
  return s;
}
