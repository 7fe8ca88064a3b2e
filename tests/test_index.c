#include <stdlib.h>
#include <string.h>

#include "index.h"
#include "test_main.h"

static const struct {
  const char *path, *module, *code;
  bool package;
} project_files[] = {
    {"pkg/__init__.py", "pkg", "from .core import run_all\n", true},
    {"pkg/base.py", "pkg.base",
     "class Base:\n"
     "    async def fetch(self, x):\n        return x\n"
     "    @classmethod\n    def make(cls):\n        return cls.build()\n"
     "    @classmethod\n    def build(cls):\n        return cls()\n",
     false},
    {"pkg/core.py", "pkg.core",
     "import asyncio, functools\n"
     "import pkg.util as u\n"
     "from .base import Base\n"
     "from . import util\n"
     "class Worker(Base):\n"
     "    async def one(self, x):\n        return await self.fetch(x)\n"
     "    async def all(self, xs):\n"
     "        tasks = [asyncio.create_task(self.one(x)) for x in xs]\n"
     "        return await asyncio.gather(*tasks)\n"
     "async def run_all(xs):\n"
     "    p = functools.partial(u.helper, 2)\n"
     "    util.helper(1)\n"
     "    missing.call()\n"
     "    return await Worker().all(xs)\n",
     false},
    {"pkg/util.py", "pkg.util", "def helper(n, x=None):\n    return n\n", false},
    {"app.py", "app", "import pkg\nasync def main(xs):\n    await pkg.run_all(xs)\n", false},
};
#define NFILES (sizeof project_files / sizeof *project_files)

static Facts files[NFILES];
static Index ix;

static void setup(void) {
  for (size_t i = 0; i < NFILES; i++)
    test_facts_in(project_files[i].path, project_files[i].module, project_files[i].package,
                  project_files[i].code, &files[i]);
  index_build(&ix, files, NFILES, NULL);
}

static void teardown(void) {
  index_free(&ix);
  for (size_t i = 0; i < NFILES; i++) facts_free(&files[i]);
}

/* Where the first call named `callee` in file `fi` resolves, as a name. */
static char *target_of(uint32_t fi, const char *callee) {
  for (uint32_t c = 0; c < files[fi].calls.len; c++)
    if (strcmp(files[fi].calls.items[c].callee, callee) == 0) {
      DefRef r = index_call_target(&ix, fi, c);
      return defref_ok(r) ? index_def_name(&ix, r) : xstrdup("unresolved");
    }
  ck_abort_msg("no call %s", callee);
  return NULL;
}

static const struct {
  uint32_t file;
  const char *callee, *want;
} resolution_cases[] = {
    {2, "self.fetch", "pkg/base.py:Base.fetch"}, /* inherited, other module */
    {2, "self.one", "pkg/core.py:Worker.one"},   /* inside create_task(...) */
    {2, "u.helper", "pkg/util.py:helper"},       /* import a.b as c; reference via partial */
    {2, "util.helper", "pkg/util.py:helper"},    /* from . import util */
    {2, "Worker", "pkg/core.py:Worker"},         /* class construction */
    {2, "missing.call", "unresolved"},
    {2, "asyncio.gather", "unresolved"}, /* outside the project */
    {1, "cls.build", "pkg/base.py:Base.build"},
    {4, "pkg.run_all", "pkg/core.py:run_all"}, /* re-exported by the package */
};

START_TEST(resolution) {
  char *got = target_of(resolution_cases[_i].file, resolution_cases[_i].callee);
  ck_assert_str_eq(got, resolution_cases[_i].want);
  free(got);
}
END_TEST

START_TEST(callers) {
  /* helper is reached twice: through partial (a reference) and directly */
  DefRef helper = {3, 1};
  ck_assert_str_eq(index_def(&ix, helper)->qualname, "helper");
  uint32_t n;
  const CallRef *c = index_callers(&ix, helper, &n);
  ck_assert_uint_eq(n, 2);
  ck_assert_uint_eq(c[0].file, 2);
  ck_assert(files[2].calls.items[c[0].call].flags & CALL_REFERENCE);
  ck_assert_uint_eq(c[1].file, 2);
}
END_TEST

START_TEST(sites_sorted_with_create_task_absorbing_gather) {
  ck_assert_uint_eq(ix.sites.len, 1);
  ck_assert_int_eq(ix.sites.items[0].site.kind, SITE_CREATE_TASK);
  ck_assert_uint_eq(ix.sites.items[0].site.pos.line, 9);
}
END_TEST

Suite *index_suite(void) {
  Suite *s = suite_create("index");
  TCase *tc = tcase_create("project");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_loop_test(tc, resolution, 0, sizeof resolution_cases / sizeof *resolution_cases);
  tcase_add_test(tc, callers);
  tcase_add_test(tc, sites_sorted_with_create_task_absorbing_gather);
  suite_add_tcase(s, tc);
  return s;
}
