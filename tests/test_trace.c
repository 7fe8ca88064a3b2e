#include <stdlib.h>
#include <string.h>

#include "test_main.h"
#include "trace.h"

static const struct {
  const char *path, *module, *code;
} trace_files[] = {
    {
        "svc/search.py",
        "svc.search",
        "import asyncio, logging\n"
        "logger = logging.getLogger(__name__)\n"
        "def note(msg):\n    logger.info(f'[svc] {msg}')\n"
        "class Searcher:\n"
        "    async def one(self, q):\n"
        "        r = await self.client.get(q)\n"
        "        logger.info('search done: query=%r docs=%d', q, len(r))\n"
        "        return r\n"
        "    async def all(self, qs):\n"
        "        logger.info('Searching %d queries', len(qs))\n"
        "        return await asyncio.gather(*[self.one(q) for q in qs])\n"
        "    async def lonely(self):\n"
        "        logger.info('search done: nothing')\n"
        "async def phase(s, qs):\n"
        "    note('loading the search index')\n"
        "    await search_everything(qs)\n"
        "class Handler:\n"
        "    def log_exception(self, *args, **kw):\n"
        "        self.logger.exception(*args, **kw)\n"
        "    def handle(self):\n"
        "        self.log_exception('Error handling request', exc_info=True)\n"
        "async def search_everything(qs):\n"
        "    return await asyncio.gather(*[fetch(q) for q in qs])\n",
    },
};
#define NFILES (sizeof trace_files / sizeof *trace_files)
static Facts files[NFILES];
static Index ix;

static void setup(void) {
  for (size_t i = 0; i < NFILES; i++)
    test_facts_in(trace_files[i].path, trace_files[i].module, false, trace_files[i].code,
                  &files[i]);
  index_build(&ix, files, NFILES, NULL);
}

static void teardown(void) {
  index_free(&ix);
  for (size_t i = 0; i < NFILES; i++) facts_free(&files[i]);
}

START_TEST(per_task_line_reaches_caller_orchestrator) {
  TraceMatches m = {0};
  trace_find(&ix, "2026-11-25 12:00:00,001 INFO svc.search: search done: query='kv' docs=3", &m);
  ck_assert_uint_eq(m.len, 1);
  ck_assert_uint_eq(m.items[0].pos.line, 8);
  ck_assert(m.items[0].exact);
  TraceChain chain = {0};
  trace_orchestrator(&ix, (DefRef){m.items[0].file, m.items[0].def}, &chain);
  ck_assert_uint_eq(chain.len, 2);
  ck_assert_str_eq(index_def(&ix, chain.items[0].def)->qualname, "Searcher.one");
  ck_assert_str_eq(index_def(&ix, chain.items[1].def)->qualname, "Searcher.all");
  ck_assert_int_eq(chain.items[1].direction, 1);
  ck_assert_uint_eq(chain.items[1].via.line, 12);
  array_free(&chain);
  trace_matches_free(&m);
}
END_TEST

START_TEST(marker_substring_ranks_after_patterns) {
  TraceMatches m = {0};
  trace_find(&ix, "search done", &m);
  ck_assert_uint_eq(m.len, 2);
  ck_assert(!m.items[0].exact);
  /* more literal text first */
  ck_assert_uint_eq(m.items[0].pos.line, 8);
  ck_assert_uint_eq(m.items[1].pos.line, 14);
  trace_matches_free(&m);
}
END_TEST

START_TEST(wrapper_call_is_a_callsite_and_callees_are_searched) {
  TraceMatches m = {0};
  trace_find(&ix, "INFO [svc] loading the search index", &m);
  ck_assert_uint_eq(m.len, 1);
  ck_assert(m.items[0].via_wrapper);
  ck_assert_uint_eq(m.items[0].pos.line, 16);
  TraceChain chain = {0};
  trace_orchestrator(&ix, (DefRef){m.items[0].file, m.items[0].def}, &chain);
  /* phase() is no orchestrator and nothing calls it: its callee all() is. */
  ck_assert_uint_eq(chain.len, 2);
  ck_assert_int_eq(chain.items[1].direction, -1);
  ck_assert_str_eq(index_def(&ix, chain.items[1].def)->qualname, "search_everything");
  array_free(&chain);
  trace_matches_free(&m);
}
END_TEST

START_TEST(star_args_wrapper) {
  TraceMatches m = {0};
  trace_find(&ix, "ERROR:aiohttp.server:Error handling request", &m);
  ck_assert_uint_eq(m.len, 1);
  ck_assert(m.items[0].via_wrapper);
  ck_assert_uint_eq(m.items[0].pos.line, 22);
  trace_matches_free(&m);
}
END_TEST

START_TEST(no_match) {
  TraceMatches m = {0};
  trace_find(&ix, "completely unrelated text", &m);
  ck_assert_uint_eq(m.len, 0);
  trace_matches_free(&m);
}
END_TEST

Suite *trace_suite(void) {
  Suite *s = suite_create("trace");
  TCase *tc = tcase_create("core");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, per_task_line_reaches_caller_orchestrator);
  tcase_add_test(tc, marker_substring_ranks_after_patterns);
  tcase_add_test(tc, wrapper_call_is_a_callsite_and_callees_are_searched);
  tcase_add_test(tc, star_args_wrapper);
  tcase_add_test(tc, no_match);
  suite_add_tcase(s, tc);
  return s;
}
