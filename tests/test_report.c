/* report: a run's log read against a project, ranked and written. A phase
 * whose last task lands long after the rest is the straggler FAN301 is
 * about: it comes first, with the time it held the phase; the Markdown and
 * HTML writers show the same phases as the JSON one. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy.h"
#include "report.h"
#include "test_main.h"

static const char *const app = "import asyncio\n"
                               "import logging\n"
                               "\n"
                               "import httpx\n"
                               "\n"
                               "log = logging.getLogger(__name__)\n"
                               "client = httpx.AsyncClient(timeout=None)\n"
                               "\n"
                               "\n"
                               "async def fetch(url):\n"
                               "    log.info(\"fetched %s\", url)\n"
                               "    return await client.get(url)\n"
                               "\n"
                               "\n"
                               "async def crawl(urls):\n"
                               "    log.info(\"crawling %d urls\", len(urls))\n"
                               "    return await asyncio.gather(*[fetch(u) for u in urls])\n";

typedef struct {
  TestProject tp;
  Timeline t;
} Run;

/* The project, its findings as the default policy shows them, and a log of
 * one crawl of 20 URLs: 19 fetched within a second, the last after 9 s. */
static void run_make(Run *r) {
  memset(r, 0, sizeof *r);
  test_project_make(&r->tp, "report", app);
  TimelineReader *tr = timeline_begin(&r->tp.p.index, &r->t);
  char line[160];
  snprintf(line, sizeof line, "2026-12-01 10:00:00,000 INFO app: crawling 20 urls\n");
  timeline_feed(tr, line, strlen(line));
  for (int i = 1; i <= 20; i++) {
    int ms = i < 20 ? 40 * i : 9000;
    snprintf(line, sizeof line, "2026-12-01 10:00:%02d,%03d INFO app: fetched https://x/%d\n",
             ms / 1000, ms % 1000, i);
    timeline_feed(tr, line, strlen(line));
  }
  timeline_end(tr);
}

static void run_free(Run *r) {
  timeline_free(&r->t);
  test_project_free(&r->tp);
}

START_TEST(straggler_ranked_first) {
  Run r;
  run_make(&r);
  StrBuf out = {0};
  report_write(&r.tp.p, &r.tp.fs, &r.t, "run.log", NULL, "json", &out);
  json_error_t err;
  json_t *doc = json_loads(sb_str(&out), 0, &err);
  ck_assert_msg(doc != NULL, "report JSON does not parse: %s", err.text);
  json_t *phases = json_object_get(doc, "phases");
  ck_assert_uint_eq(json_array_size(phases), 1);
  json_t *ph = json_array_get(phases, 0);
  ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(ph, "name")), ":crawl"));
  ck_assert_int_eq(json_integer_value(json_object_get(ph, "tasks")), 20);
  ck_assert(json_real_value(json_object_get(ph, "duration")) > 8.9);
  /* the straggler is what cost the run: FAN301 first, with the time it held the phase */
  json_t *top = json_array_get(json_object_get(doc, "top"), 0);
  ck_assert_str_eq(json_string_value(json_object_get(top, "code")), "FAN301");
  double lost = json_real_value(json_object_get(top, "lost_seconds"));
  ck_assert_msg(lost > 8.0 && lost < 9.0, "lost %.3f s", lost);
  ck_assert_ptr_nonnull(
      strstr(json_string_value(json_object_get(top, "evidence")), "the slowest task held"));
  json_decref(doc);
  sb_free(&out);
  run_free(&r);
}
END_TEST

START_TEST(writers_agree) {
  Run r;
  run_make(&r);
  StrBuf md = {0}, html = {0};
  report_write(&r.tp.p, &r.tp.fs, &r.t, "run.log", NULL, "markdown", &md);
  report_write(&r.tp.p, &r.tp.fs, &r.t, "run.log", NULL, "html", &html);
  ck_assert_ptr_nonnull(strstr(sb_str(&md), "## Phases\n"));
  ck_assert_ptr_nonnull(strstr(sb_str(&md), "### 1. FAN301"));
  ck_assert_ptr_nonnull(strstr(sb_str(&html), "<h2>Phases</h2>"));
  ck_assert_ptr_nonnull(strstr(sb_str(&html), "<h3>1. FAN301"));
  /* one phase row each, with its 20 tasks */
  ck_assert_ptr_nonnull(strstr(sb_str(&md), " | 21 | 20 | "));
  ck_assert_ptr_nonnull(strstr(sb_str(&html), "<td>21</td><td>20</td>"));
  ck_assert_ptr_nonnull(strstr(sb_str(&html), "</body></html>\n"));
  sb_free(&md);
  sb_free(&html);
  run_free(&r);
}
END_TEST

Suite *report_suite(void) {
  Suite *s = suite_create("report");
  TCase *tc = tcase_create("ranking");
  tcase_set_timeout(tc, 30);
  tcase_add_test(tc, straggler_ranked_first);
  tcase_add_test(tc, writers_agree);
  suite_add_tcase(s, tc);
  return s;
}
