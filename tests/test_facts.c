#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "facts_walk.h"
#include "index.h"
#include "parse.h"
#include "template.h"
#include "test_main.h"

static const Def *def_named(const Facts *f, const char *qualname) {
  for (uint32_t i = 0; i < f->defs.len; i++)
    if (strcmp(f->defs.items[i].qualname, qualname) == 0) return &f->defs.items[i];
  ck_abort_msg("no def %s", qualname);
  return NULL;
}

static const Call *call_named(const Facts *f, const char *callee, uint32_t nth) {
  for (uint32_t i = 0; i < f->calls.len; i++)
    if (strcmp(f->calls.items[i].callee, callee) == 0 && nth-- == 0) return &f->calls.items[i];
  ck_abort_msg("no call %s", callee);
  return NULL;
}

START_TEST(definitions) {
  Facts f;
  test_facts("import functools\n"
             "class A(Base, metaclass=M):\n"
             "    @functools.cache\n"
             "    @retry(stop=stop_after_attempt(3))\n"
             "    async def run(self, x, *rest, k=1, **kw):\n"
             "        def inner(): pass\n"
             "        return inner\n"
             "def top(): pass\n",
             &f);
  ck_assert_uint_eq(f.defs.len, 5);
  const Def *a = def_named(&f, "A");
  ck_assert_int_eq(a->kind, DEF_CLASS);
  ck_assert_uint_eq(a->bases.count, 1);
  ck_assert_str_eq(f.names.items[a->bases.first], "Base");
  const Def *run = def_named(&f, "A.run");
  ck_assert(run->is_async);
  ck_assert_uint_eq(run->pos.line, 5);
  ck_assert_uint_eq(run->decorators.count, 2);
  ck_assert_str_eq(f.names.items[run->decorators.first + 1], "retry(stop=stop_after_attempt(3))");
  ck_assert_uint_eq(run->params.count, 5);
  ck_assert_str_eq(f.names.items[run->params.first + 2], "*rest");
  ck_assert(!def_named(&f, "A.run.inner")->is_async);
  ck_assert_int_eq(def_named(&f, "top")->parent, 0);
  /* decorator calls belong to the function they decorate */
  const Call *retry = call_named(&f, "retry", 0);
  ck_assert(retry->flags & CALL_DECORATOR);
  ck_assert_str_eq(f.defs.items[retry->def].qualname, "A.run");
  ck_assert_uint_eq(retry->nkwargs, 1);
  ck_assert_str_eq(f.kwargs.items[retry->first_kwarg].value, "stop_after_attempt(3)");
  facts_free(&f);
}
END_TEST

/* Module constants read as Python reads them: underscores and prefixes in
 * integers; comments in a list are no elements. */
START_TEST(literals_as_python_reads_them) {
  Facts f;
  test_facts("N = 1_000\nM = 0o1750\nH = 0x_ff\nB = 0b101\nD = 10\n"
             "ITEMS = [\n    'a',  # first\n    'b',  # second\n]\n"
             "async def go(fetch):\n"
             "    await asyncio.gather(*[fetch(i) for i in range(1_000)])\n"
             "    await asyncio.gather(*[fetch(x) for x in ['a',  # one\n 'b']])\n",
             &f);
  ck_assert_int_eq(facts_module_const(&f, "N")->value, 1000);
  ck_assert_int_eq(facts_module_const(&f, "M")->value, 1000);
  ck_assert_int_eq(facts_module_const(&f, "H")->value, 255);
  ck_assert_int_eq(facts_module_const(&f, "B")->value, 5);
  ck_assert_int_eq(facts_module_const(&f, "D")->value, 10);
  ck_assert_int_eq(facts_module_const(&f, "ITEMS")->value, 2);
  ck_assert_uint_eq(f.sites.len, 2);
  ck_assert_int_eq(f.sites.items[0].width.count, 1000);
  ck_assert_int_eq(f.sites.items[1].width.count, 2);
  facts_free(&f);
}
END_TEST

START_TEST(imports) {
  Facts f;
  test_facts_in("pkg/sub/mod.py", "pkg.sub.mod", false,
                "import a.b.c\nimport a.b as ab\nfrom .x import f as g, h\nfrom .. import up\n"
                "from ...too.far import nope\nfrom os import path\n"
                "def fn():\n    from .lazy import thing\n",
                &f);
  const char *want[][2] = {
      {"a", "a"},       {"ab", "a.b"},       {"g", "pkg.sub.x.f"},           {"h", "pkg.sub.x.h"},
      {"up", "pkg.up"}, {"path", "os.path"}, {"thing", "pkg.sub.lazy.thing"}};
  ck_assert_uint_eq(f.imports.len, 7);
  for (uint32_t i = 0; i < 7; i++) {
    ck_assert_str_eq(f.imports.items[i].bound, want[i][0]);
    ck_assert_str_eq(f.imports.items[i].target, want[i][1]);
  }
  ck_assert_int_eq(f.imports.items[6].def, 1);
  facts_free(&f);

  test_facts_in("pkg/__init__.py", "pkg", true, "from .core import run\n", &f);
  ck_assert_str_eq(f.imports.items[0].target, "pkg.core.run");
  facts_free(&f);
}
END_TEST

/* A file's lookups: the import binding a name in a def is the last one
 * there (not one of another def); star imports in order; a target's
 * assignments in order whether its chain is walked or a span scanned. */
START_TEST(lookup_tables) {
  Facts f;
  test_facts("import a as x\nimport b as x\nfrom m import *\nfrom n import *\n"
             "def g():\n    import c as x\n    y = 1\n    y = 2\n\n"
             "import d as x\ny = 3\nz = 4\n",
             &f);
  facts_tables_build(&f);
  uint32_t at = facts_import(&f, 0, "x.attr", 1);
  ck_assert_uint_ne(at, UINT32_MAX);
  ck_assert_str_eq(f.imports.items[at].target, "d");
  at = facts_import(&f, 1, "x", 1);
  ck_assert_uint_ne(at, UINT32_MAX);
  ck_assert_str_eq(f.imports.items[at].target, "c");
  ck_assert_uint_eq(facts_import(&f, 1, "y", 1), UINT32_MAX);
  ck_assert_uint_eq(f.tables.stars.len, 2);
  ck_assert_str_eq(f.imports.items[f.tables.stars.items[1]].target, "n");
  Index ix = {0};
  ix.files = &f;
  ix.nfiles = 1;
  Span all = {0, f.assigns.len}, first_two = {0, 2};
  uint32_t seen[4], n = 0;
  AssignIter it = index_assigns_in(&ix, 0, "y", 1, all); /* 3 of them, 4 in the span: the chain */
  ck_assert(it.chained);
  for (uint32_t i; n < 4 && (i = index_assign_iter_next(&it)) != UINT32_MAX;) seen[n++] = i;
  ck_assert_uint_eq(n, 3);
  ck_assert(seen[0] < seen[1] && seen[1] < seen[2]);
  ck_assert_str_eq(f.assigns.items[seen[2]].value, "3");
  it = index_assigns_in(&ix, 0, "y", 1, first_two); /* a span shorter than the chain: scanned */
  ck_assert(!it.chained);
  n = 0;
  for (uint32_t i; n < 4 && (i = index_assign_iter_next(&it)) != UINT32_MAX;) seen[n++] = i;
  ck_assert_uint_eq(n, 2);
  ck_assert_str_eq(f.assigns.items[seen[1]].value, "2");
  it = index_assigns_in(&ix, 0, "w", 1, all);
  ck_assert_uint_eq(index_assign_iter_next(&it), UINT32_MAX);
  facts_free(&f);
}
END_TEST

START_TEST(calls_awaited_and_loops) {
  Facts f;
  test_facts("async def f(xs):\n"
             "    await client.get(url)\n"
             "    for x in await load(xs):\n"
             "        go(x)\n"
             "    ys = [h(y) for y in src(xs)]\n"
             "    get_client().post(1)\n",
             &f);
  ck_assert(call_named(&f, "client.get", 0)->flags & CALL_AWAITED);
  const Call *load = call_named(&f, "load", 0);
  ck_assert(load->flags & CALL_AWAITED);
  ck_assert(!(load->flags & CALL_IN_LOOP));
  ck_assert(call_named(&f, "go", 0)->flags & CALL_IN_LOOP);
  ck_assert(call_named(&f, "h", 0)->flags & CALL_IN_LOOP);
  ck_assert(!(call_named(&f, "src", 0)->flags & CALL_IN_LOOP));
  ck_assert_uint_eq(call_named(&f, "get_client().post", 0)->nargs, 1);
  ck_assert_str_eq(f.assigns.items[0].target, "ys");
  facts_free(&f);
}
END_TEST

static const struct {
  const char *code;
  const char *message; /* holes shown as {} */
  const char *level;
} log_cases[] = {
    {"logger.info('Searching %d queries', n)\n", "Searching {} queries", "info"},
    {"logger.info('100% done')\n", "100% done", "info"},
    {"log.warning(f'retry {n:.1f}s (attempt {i})')\n", "retry {}s (attempt {})", "warning"},
    {"self.logger.error('Summarizing {} of {n}'.format(a, n=b))\n", "Summarizing {} of {}",
     "error"},
    {"logging.debug('a ' + name + ' b')\n", "a {} b", "debug"},
    {"print('done', n, 'items')\n", "done {} items", "print"},
    {"logger.log(logging.INFO, 'phase %s', p)\n", "phase {}", "log"},
    {"warnings.warn('deprecated thing')\n", "deprecated thing", "warning"},
    {"log = logging.getLogger(__name__)\nlog.info(\"x\" \"y\" 'tab\\there')\n", "xytab\there",
     "info"},
    {"_l = structlog.get_logger()\n_l.info('event happened')\n", "event happened", "info"},
};

START_TEST(log_templates) {
  Facts f;
  test_facts(log_cases[_i].code, &f);
  ck_assert_uint_eq(f.logs.len, 1);
  char *shown = template_display(f.logs.items[0].message);
  ck_assert_str_eq(shown, log_cases[_i].message);
  ck_assert_str_eq(f.logs.items[0].level, log_cases[_i].level);
  free(shown);
  facts_free(&f);
}
END_TEST

START_TEST(not_loggers) {
  Facts f;
  test_facts("results.info('x y z')\nself.catalog.error('x y z')\ndf.log(2)\n", &f);
  ck_assert_uint_eq(f.logs.len, 0);
  facts_free(&f);
}
END_TEST

START_TEST(wrapper_param_hole) {
  Facts f;
  test_facts("def step(msg):\n    logger.info(f'[step] {msg}')\n", &f);
  ck_assert_uint_eq(f.logs.len, 1);
  ck_assert_str_eq(f.logs.items[0].message, "[step] \x01"
                                            "0");
  facts_free(&f);
}
END_TEST

static const struct {
  const char *code;
  const char *kind, *width; /* NULL kind: no site */
} site_cases[] = {
    {"async def f(xs):\n    await asyncio.gather(*[g(x) for x in xs])\n", "gather",
     "data (from xs)"},
    {"from asyncio import gather\nasync def f():\n    await gather(a(), b())\n", "gather",
     "fixed 2"},
    {"import asyncio as aio\nasync def f(xs):\n    await aio.gather(*map(g, xs))\n", "gather",
     "data (from xs)"},
    {"async def f():\n    await asyncio.gather(*[g(i) for i in range(4)])\n", "gather", "fixed 4"},
    {"N = 8\nasync def f():\n    await asyncio.gather(*(g(i) for i in range(N)))\n", "gather",
     "fixed 8 (N)"},
    {"async def f(xs):\n    for i in range(0, len(xs), 10):\n        await asyncio.gather(*[g(x) "
     "for x in xs[i:i + 10]])\n",
     "gather", "fixed 10"},
    {"async def f(xs):\n    t = []\n    for x in xs:\n        t.append(g(x))\n    await "
     "asyncio.gather(*t)\n",
     "gather", "data (from xs)"},
    {"async def f(self):\n    t = [asyncio.create_task(g(x)) for x in self.items]\n    await "
     "asyncio.gather(*t)\n",
     "create_task", "data (from self.items)"},
    {"async def f(xs):\n    while True:\n        asyncio.create_task(g())\n", "create_task",
     "unknown"},
    {"async def f():\n    asyncio.create_task(g())\n", NULL, NULL},
    {"async def f(xs):\n    for x in xs:\n        await asyncio.sleep(1)\n", NULL, NULL},
    {"async def f(xs):\n    await self.results.gather(xs)\n", NULL, NULL},
    {"def gather(a):\n    return a\nx = gather([1])\n", NULL, NULL},
    {"async def f(p):\n    for j in json.load(p):\n        asyncio.ensure_future(g(j))\n",
     "ensure_future", "data (from json.load(p))"},
    {"async def f(xs):\n    for c in asyncio.as_completed([g(x) for x in xs]):\n        await c\n",
     "as_completed", "data (from xs)"},
    {"async def f(loop, xs):\n    for x in xs:\n        loop.run_in_executor(None, work, x)\n",
     "run_in_executor", "data (from xs)"},
    {"async def f(hosts):\n    async with anyio.create_task_group() as tg:\n        for h in "
     "hosts:\n            tg.start_soon(probe, h)\n",
     "start_soon", "data (from hosts)"},
    {"s = 'asyncio.gather(*[f(x) for x in xs])'\n", NULL, NULL},
};

START_TEST(sites) {
  Facts f;
  test_facts(site_cases[_i].code, &f);
  if (!site_cases[_i].kind) {
    ck_assert_uint_eq(f.sites.len, 0);
  } else {
    ck_assert_uint_eq(f.sites.len, 1);
    ck_assert_str_eq(site_kind_name(f.sites.items[0].kind), site_cases[_i].kind);
    char *w = width_text(&f.sites.items[0].width);
    ck_assert_str_eq(w, site_cases[_i].width);
    free(w);
  }
  facts_free(&f);
}
END_TEST

START_TEST(syntax_errors_recovered) {
  Facts f;
  test_facts(
      "def broken(:\n    pass\nasync def ok(xs):\n    await asyncio.gather(*[g(x) for x in xs])\n",
      &f);
  ck_assert(f.has_errors);
  ck_assert_uint_eq(f.sites.len, 1);
  facts_free(&f);
}
END_TEST
/* Each def's own calls and assignments, and the stretch with its nested ones. */
START_TEST(calls_grouped_by_def) {
  Facts f;
  test_facts("a = top()\n"
             "class C:\n"
             "    x = make()\n"
             "    def m(self):\n"
             "        self.y = one()\n"
             "        def inner():\n"
             "            two()\n"
             "        three()\n"
             "b = tail()\n",
             &f);
  const char *own[][3] = {{"", "top", "tail"},
                          {"C", "make", NULL},
                          {"C.m", "one", "three"},
                          {"C.m.inner", "two", NULL}};
  for (size_t k = 0; k < sizeof own / sizeof *own; k++) {
    const Def *d = def_named(&f, own[k][0]);
    ck_assert_uint_eq(d->own_calls.end - d->own_calls.first, own[k][2] ? 2 : 1);
    for (uint32_t i = 0; i < d->own_calls.end - d->own_calls.first; i++) {
      const Call *c = &f.calls.items[f.call_order.items[d->own_calls.first + i]];
      ck_assert_str_eq(c->callee, own[k][1 + i]);
      ck_assert_ptr_eq(&f.defs.items[c->def], d);
    }
  }
  /* C's stretch holds make, one, two, three, and not top or tail */
  const Def *c = def_named(&f, "C");
  ck_assert_uint_eq(c->calls_span.end - c->calls_span.first, 4);
  ck_assert_str_eq(f.calls.items[c->calls_span.first].callee, "make");
  ck_assert_uint_eq(def_named(&f, "C.m")->own_assigns.end - def_named(&f, "C.m")->own_assigns.first,
                    1);
  ck_assert_str_eq(
      f.assigns.items[f.assign_order.items[def_named(&f, "C.m")->own_assigns.first]].target,
      "self.y");
  facts_free(&f);
}
END_TEST

/* The file filter reads code: words in comments and strings do not make a
 * file one that can hold a finding, a noqa naming a code and f-strings do. */
static const struct {
  const char *text;
  bool may;
} filter_cases[] = {
    {"def f():\n    \"\"\"wait for the lock.\"\"\"\n    return 1\n", false},
    {"import asyncio\nasync def f(xs):\n    await asyncio.wait(xs)\n", true},
    {"x = 1  # sleep a little, then retry\n", false},
    {"x = g()  # noqa: FAN101\n", true},
    {"s = 'gather'\nt = rb\"async\"\nu = '''await\n sleep'''\n", false},
    {"s = f\"{wait(x)}\"\n", true},
    {"s = 'it\\'s a gather'\n", false},
    {"x = wait(1)\n", true},
    {"s = 'unterminated wait\n", true}, /* the parser's recovery decides: parsed */
    {"def f():\n    return 1\n", false},
};

START_TEST(file_filter) {
  ck_assert_msg(facts_may_matter(test_context(), filter_cases[_i].text) == filter_cases[_i].may,
                "%s", filter_cases[_i].text);
}
END_TEST

/* Every node kind the walk tests by symbol is one the grammar has: a kind
 * renamed by a grammar upgrade would otherwise never match, silently. */
/* An editor's re-extraction takes the top-level defs whose text did not
 * change, and its facts are a full extraction's, byte for byte. */
static const struct {
  const char *before, *after;
  uint32_t taken;
} again_cases[] = {
    /* one def edited: the others are taken */
    {"import asyncio\n"
     "async def a(xs):\n    return await asyncio.gather(*[f(x) for x in xs])\n"
     "async def b(xs):\n    x = 0\n    return await helper([f(x) for x in xs])\n"
     "@dec(1)\nclass C(Base):\n    async def m(self, ys):\n        for y in ys:\n"
     "            asyncio.create_task(g(y))\n",
     "import asyncio\n"
     "async def a(xs):\n    return await asyncio.gather(*[f(x) for x in xs])\n"
     "async def b(xs):\n    x = 1\n    return await helper([f(x) for x in xs])\n"
     "@dec(1)\nclass C(Base):\n    async def m(self, ys):\n        for y in ys:\n"
     "            asyncio.create_task(g(y))\n",
     2},
    /* lines put first: everything moves, all is taken */
    {"import asyncio\nasync def a(xs):\n    return await asyncio.gather(*[f(x) for x in xs])\n"
     "def b():\n    try:\n        pass\n    except Exception:\n        pass\n",
     "# a comment\n\nimport asyncio\nasync def a(xs):\n"
     "    return await asyncio.gather(*[f(x) for x in xs])\n"
     "def b():\n    try:\n        pass\n    except Exception:\n        pass\n",
     2},
    /* a default's call is in the module's scope: never taken */
    {"def a(x=make()):\n    pass\ndef b():\n    pass\n",
     "def a(x=make()):\n    pass\ndef b():\n    pass\nz = 1\n", 1},
    /* a logger bound before a def: its log call reads that */
    {"import logging\ndef a():\n    lg.info('started %s', 1)\ndef b():\n    pass\n",
     "import logging\nlg = logging.getLogger()\ndef a():\n    lg.info('started %s', 1)\n"
     "def b():\n    pass\n",
     1},
    /* a name bound to a dead condition before a def that tests it */
    {"import sys\ndef a():\n    if is_py2:\n        go()\n",
     "import sys\nis_py2 = sys.version_info[0] == 2\ndef a():\n    if is_py2:\n        go()\n", 0},
    /* the imports change what a callee is: all is walked again */
    {"import asyncio as aio\nasync def a(xs):\n    return await aio.gather(*[f(x) for x in xs])\n",
     "import trio as aio\nasync def a(xs):\n    return await aio.gather(*[f(x) for x in xs])\n", 0},
};

static void extract_text(const char *text, Facts *old, bool again, Facts *out) {
  memset(out, 0, sizeof *out);
  SourceFile src = {0};
  Diags d = {0};
  ck_assert(source_from_buffer("m.py", text, strlen(text), &src, &d));
  TSTree *tree = parse_source(src.text, src.len, NULL);
  if (again)
    facts_extract_again(test_context(), &src, tree, old, out, &d);
  else
    facts_extract_tree(test_context(), &src, tree, out, &d);
  ts_tree_delete(tree);
  source_free(&src);
  diags_free(&d);
}

START_TEST(reextraction_takes_unchanged_statements) {
  Facts before, after, full;
  extract_text(again_cases[_i].before, NULL, true, &before);
  ck_assert_uint_eq(facts_reused(&before), 0);
  extract_text(again_cases[_i].after, &before, true, &after);
  extract_text(again_cases[_i].after, NULL, false, &full);
  ck_assert_uint_eq(facts_reused(&after), again_cases[_i].taken);
  StrBuf a = {0}, b = {0};
  facts_pack(&after, &a);
  facts_pack(&full, &b);
  ck_assert_uint_eq(a.len, b.len);
  ck_assert(memcmp(a.s, b.s, a.len) == 0);
  /* and once more from the taken ones */
  Facts again;
  extract_text(again_cases[_i].after, &after, true, &again);
  StrBuf c = {0};
  facts_pack(&again, &c);
  ck_assert(c.len == b.len && memcmp(c.s, b.s, c.len) == 0);
  sb_free(&a), sb_free(&b), sb_free(&c);
  facts_free(&before), facts_free(&after), facts_free(&full), facts_free(&again);
}
END_TEST

/* An editor's facts, each made from the last and the last freed at once, as
 * the server does: taken records keep the strings of the facts before (whose
 * arenas pass on), copied again every so many edits; a comment typed keeps
 * the last facts, which take their strings back. Each is a full
 * extraction's, and nothing points into freed memory (ASan, valgrind). */
START_TEST(reextraction_chain_keeps_strings_alive) {
  static const char *const texts[] = {
      "import httpx\nasync def a(c: httpx.AsyncClient, us):\n    return [await c.get(u) for u in "
      "us]\n"
      "def b(name):\n    return name.upper()\n",
      "import httpx\nasync def a(c: httpx.AsyncClient, us):\n    return [await c.get(u) for u in "
      "us]\n"
      "def b(name):\n    return name.lower()\n",
      "import httpx\nasync def a(c: httpx.AsyncClient, us):\n    return [await c.get(u) for u in "
      "us]\n"
      "def b(name):\n    return name.lower()  # typed\n",
  };
  Facts cur;
  extract_text(texts[0], NULL, true, &cur);
  int kept = 0;
  for (int edit = 1; edit <= 40; edit++) {
    const char *text = texts[edit % 3];
    Facts next, full;
    extract_text(text, &cur, true, &next);
    extract_text(text, NULL, false, &full);
    if (facts_same_but_call_bytes(&cur, &next)) { /* the comment: the last facts stay */
      facts_take_place(&cur, &next);
      facts_free(&next);
      kept++;
    } else {
      ck_assert_uint_eq(facts_reused(&next), 1); /* `a`, unchanged */
      facts_free(&cur);
      cur = next;
    }
    StrBuf a = {0}, b = {0};
    facts_pack(&cur, &a);
    facts_pack(&full, &b);
    ck_assert(a.len == b.len && memcmp(a.s, b.s, a.len) == 0);
    sb_free(&a), sb_free(&b);
    facts_free(&full);
  }
  ck_assert_int_ge(kept, 10);
  facts_free(&cur);
}
END_TEST

/* A comment typed on an empty line moves the calls in the bytes only: the
 * same facts to the analysis; anything else is not. */
START_TEST(same_but_call_bytes) {
  Facts a, b, c, d;
  extract_text("\nasync def f():\n    await a(b())\n", NULL, false, &a);
  extract_text("# typed\nasync def f():\n    await a(b())\n", NULL, false, &b);
  extract_text("\nasync def f():\n    await a(c())\n", NULL, false, &c);
  extract_text("\nasync def f():\n    await a(b()) \n", NULL, false, &d);
  ck_assert(facts_same_but_call_bytes(&a, &b));
  ck_assert(facts_same_but_call_bytes(&b, &a));
  ck_assert(!facts_same_but_call_bytes(&a, &c));
  ck_assert(facts_same_but_call_bytes(&a, &d));
  b.calls.items[1].start_byte = b.calls.items[0].start_byte; /* b() starting where a(...) does */
  ck_assert(!facts_same_but_call_bytes(&a, &b));
  facts_free(&a), facts_free(&b), facts_free(&c), facts_free(&d);
}
END_TEST

START_TEST(node_kinds_known) { ck_assert_ptr_null(facts__kind_unknown()); }
END_TEST

Suite *facts_suite(void) {
  Suite *s = suite_create("facts");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, definitions);
  tcase_add_test(tc, imports);
  tcase_add_test(tc, literals_as_python_reads_them);
  tcase_add_test(tc, calls_awaited_and_loops);
  tcase_add_loop_test(tc, log_templates, 0, sizeof log_cases / sizeof *log_cases);
  tcase_add_test(tc, not_loggers);
  tcase_add_test(tc, wrapper_param_hole);
  tcase_add_loop_test(tc, sites, 0, sizeof site_cases / sizeof *site_cases);
  tcase_add_test(tc, syntax_errors_recovered);
  tcase_add_test(tc, calls_grouped_by_def);
  tcase_add_test(tc, lookup_tables);
  tcase_add_test(tc, node_kinds_known);
  tcase_add_test(tc, same_but_call_bytes);
  tcase_add_loop_test(tc, reextraction_takes_unchanged_statements, 0,
                      sizeof again_cases / sizeof *again_cases);
  tcase_add_test(tc, reextraction_chain_keeps_strings_alive);
  tcase_add_loop_test(tc, file_filter, 0, sizeof filter_cases / sizeof *filter_cases);
  suite_add_tcase(s, tc);
  return s;
}
