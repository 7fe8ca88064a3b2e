#include <stdio.h>
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

/* ---- dispatch: a call's several targets, and how they were found -------- */

static const struct {
  const char *path, *module, *code;
} dispatch_files[] = {
    {"llm.py", "llm",
     "import abc\n"
     "class Model(abc.ABC):\n"
     "    @abc.abstractmethod\n    async def complete(self, p): ...\n"
     "    async def ask(self, p):\n        return await self.complete(p)\n"
     "class Remote(Model):\n    async def complete(self, p):\n        return p\n"
     "class Local(Model):\n    async def complete(self, p):\n        return p\n"
     "class Cache:\n    def get(self, k):\n        return k\n"},
    {"svc.py", "svc",
     "from llm import Model\n"
     "def run(fn, xs):\n    return [fn(x) for x in xs]\n"
     "def double(x):\n    return 2 * x\n"
     "def main(xs):\n    return run(double, xs)\n"
     "HANDLERS = {'a': double, 'b': run}\n"
     "def dispatch(kind, x):\n    return HANDLERS[kind](x)\n"
     "class Svc:\n"
     "    def __init__(self, providers, models: dict[str, Model]):\n"
     "        self.providers = providers\n        self.models = models\n"
     "    async def go(self, p):\n        return await self.providers.llm.complete(p)\n"
     "    async def pick(self, k, p):\n        return await self.models[k].complete(p)\n"
     "    def read(self, row):\n        return row.get('x')\n"
     "    async def first(self, p):\n"
     "        if m := next(iter(self.models.values()), None):\n"
     "            return await m.complete(p)\n"},
};
#define NDISPATCH (sizeof dispatch_files / sizeof *dispatch_files)

static Facts dfiles[NDISPATCH];
static Index dix;
static Knowledge dk;

static void dispatch_setup(void) {
  Diags d = {0};
  ck_assert(knowledge_load(&dk, &d));
  diags_free(&d);
  for (size_t i = 0; i < NDISPATCH; i++)
    test_facts_in(dispatch_files[i].path, dispatch_files[i].module, false, dispatch_files[i].code,
                  &dfiles[i]);
  index_build(&dix, dfiles, NDISPATCH, &dk);
}

static void dispatch_teardown(void) {
  index_free(&dix);
  for (size_t i = 0; i < NDISPATCH; i++) facts_free(&dfiles[i]);
  knowledge_free(&dk);
}

static const struct {
  uint32_t file;
  const char *callee;
  ResolvedHow how;
  const char *want; /* the targets' qualnames, sorted, comma separated */
} dispatch_cases[] = {
    {0, "self.complete", RESOLVED_OVERRIDES, "Local.complete,Model.complete,Remote.complete"},
    {1, "fn", RESOLVED_CALLABLE, "double"},             /* what the caller passes */
    {1, "HANDLERS[]", RESOLVED_CALLABLE, "double,run"}, /* a registry of functions */
    {1, "self.providers.llm.complete", RESOLVED_NAME,   /* injected, untyped */
     "Local.complete,Model.complete,Remote.complete"},
    {1, "self.models[].complete", RESOLVED_OVERRIDES, /* dict[str, Model] element */
     "Local.complete,Model.complete,Remote.complete"},
    {1, "m.complete", RESOLVED_NAME, "Local.complete,Model.complete,Remote.complete"}, /* walrus */
    {1, "row.get", RESOLVED_NONE, ""}, /* a builtin type's method is never matched by name */
};

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

START_TEST(dispatch) {
  uint32_t fi = dispatch_cases[_i].file;
  uint32_t c = 0;
  while (c < dfiles[fi].calls.len &&
         strcmp(dfiles[fi].calls.items[c].callee, dispatch_cases[_i].callee))
    c++;
  ck_assert_msg(c < dfiles[fi].calls.len, "no call %s", dispatch_cases[_i].callee);
  Targets t = index_call_targets(&dix, fi, c);
  ck_assert_int_eq(t.how, dispatch_cases[_i].how);
  const char *names[16];
  ck_assert_uint_le(t.len, 16);
  for (uint32_t k = 0; k < t.len; k++) names[k] = index_def(&dix, t.items[k])->qualname;
  qsort(names, t.len, sizeof *names, cmp_str);
  StrBuf got = {0};
  for (uint32_t k = 0; k < t.len; k++) sb_printf(&got, "%s%s", k ? "," : "", names[k]);
  ck_assert_str_eq(sb_str(&got), dispatch_cases[_i].want);
  sb_free(&got);
}
END_TEST

START_TEST(dispatch_callers) {
  /* the overrides are called from Model.ask through self.complete */
  for (int32_t d = 1; d < (int32_t)dfiles[0].defs.len; d++) {
    if (strcmp(dfiles[0].defs.items[d].qualname, "Remote.complete") != 0) continue;
    uint32_t n;
    index_callers(&dix, (DefRef){0, d}, &n);
    ck_assert_uint_ge(n, 2); /* Model.ask and Svc's calls on an injected or typed model */
    return;
  }
  ck_abort_msg("no Remote.complete");
}
END_TEST

/* A rebuild after one file changed redoes the first pass of the files that
 * read it, takes the others', and comes out as a full build. */
static uint32_t rebuilt(const char *const *codes, uint32_t changed) {
  Facts fs[NFILES];
  for (size_t i = 0; i < NFILES; i++)
    test_facts_in(project_files[i].path, project_files[i].module, project_files[i].package,
                  project_files[i].code, &fs[i]);
  Index kept, full;
  index_build_kept(&kept, fs, NFILES, NULL, NULL, UINT32_MAX);
  facts_free(&fs[changed]);
  test_facts_in(project_files[changed].path, project_files[changed].module,
                project_files[changed].package, codes[changed], &fs[changed]);
  Index prev = kept;
  index_build_kept(&kept, fs, NFILES, NULL, &prev, changed);
  index_build(&full, fs, NFILES, NULL);
  char *what = index_differs(&kept, &full);
  ck_assert_msg(!what, "rebuild differs: %s", what ? what : "");
  uint32_t taken = 0;
  for (size_t i = 0; i < NFILES; i++) taken += kept.first[i].taken;
  index_free(&kept);
  index_free(&full);
  for (size_t i = 0; i < NFILES; i++) facts_free(&fs[i]);
  return taken;
}

/* A file of more calls than one piece of resolution work resolves in pieces
 * on threads; put together, each call has its own targets, in call order. */
START_TEST(big_file_resolves_in_pieces) {
  StrBuf code = {0};
  sb_puts(&code, "class A:\n    def run(self):\n        pass\n"
                 "class B(A):\n    def run(self):\n        pass\n"
                 "def g():\n    pass\n"
                 "def f(a: A):\n");
  for (int i = 0; i < 1500; i++) sb_puts(&code, i % 3 ? "    g()\n    a.run()\n" : "    a.run()\n");
  Facts f;
  test_facts_in("big.py", "big", false, sb_str(&code), &f);
  sb_free(&code);
  ck_assert_uint_ge(f.calls.len, 2500);
  Index big;
  index_build(&big, &f, 1, NULL);
  uint32_t runs = 0;
  for (uint32_t c = 0; c < f.calls.len; c++) {
    Targets t = index_call_targets(&big, 0, c);
    if (strcmp(f.calls.items[c].callee, "g") == 0) {
      ck_assert_int_eq(t.how, RESOLVED_EXACT);
      ck_assert_uint_eq(t.len, 1);
      ck_assert_str_eq(index_def(&big, t.items[0])->qualname, "g");
      continue;
    }
    ck_assert_str_eq(f.calls.items[c].callee, "a.run");
    ck_assert_int_eq(t.how, RESOLVED_OVERRIDES);
    ck_assert_uint_eq(t.len, 2);
    ck_assert_str_eq(index_def(&big, t.items[0])->qualname, "A.run");
    ck_assert_str_eq(index_def(&big, t.items[1])->qualname, "B.run");
    runs++;
  }
  ck_assert_uint_eq(runs, 1500);
  index_free(&big);
  facts_free(&f);
}
END_TEST

START_TEST(rebuild_reuses_what_did_not_read_the_change) {
  const char *codes[NFILES];
  for (size_t i = 0; i < NFILES; i++) codes[i] = project_files[i].code;
  /* util.py gains a def before helper: core reads util (redone), app, base
   * and the package's __init__ do not (taken) */
  codes[3] = "def _probe():\n    pass\ndef helper(n, x=None):\n    return n\n";
  ck_assert_uint_eq(rebuilt(codes, 3), 3);
  /* base.py gains a class before Base: the class tables move, all is redone */
  codes[3] = project_files[3].code;
  char base[512];
  snprintf(base, sizeof base, "class First:\n    pass\n%s", project_files[1].code);
  codes[1] = base;
  ck_assert_uint_eq(rebuilt(codes, 1), 0);
}
END_TEST

Suite *index_suite(void) {
  Suite *s = suite_create("index");
  TCase *tc = tcase_create("project");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_loop_test(tc, resolution, 0, sizeof resolution_cases / sizeof *resolution_cases);
  tcase_add_test(tc, callers);
  tcase_add_test(tc, sites_sorted_with_create_task_absorbing_gather);
  tcase_add_test(tc, rebuild_reuses_what_did_not_read_the_change);
  tcase_add_test(tc, big_file_resolves_in_pieces);
  suite_add_tcase(s, tc);
  TCase *td = tcase_create("dispatch");
  tcase_add_checked_fixture(td, dispatch_setup, dispatch_teardown);
  tcase_add_loop_test(td, dispatch, 0, sizeof dispatch_cases / sizeof *dispatch_cases);
  tcase_add_test(td, dispatch_callers);
  suite_add_tcase(s, td);
  return s;
}
