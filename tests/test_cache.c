#define _DEFAULT_SOURCE
/* The facts pack and the on-disk cache: facts survive the round trip,
 * damaged bytes are refused, entries are used only for the file they say. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache.h"
#include "test_main.h"

/* Real files of several kinds: ours and the standard library's. */
static const char *const pack_files[] = {
    "../corpus/demo/pipeline/orchestrator.py",
    "../corpus/projects/research_agent/agent/llm.py",
    "../corpus/projects/crawler/sitecrawl/crawl.py",
    "../corpus/projects/rag_ingest/ragingest/pipeline.py",
    "/usr/lib/python3.11/asyncio/base_events.py",
    "/usr/lib/python3.11/asyncio/tasks.py",
    "/usr/lib/python3.11/email/_header_value_parser.py",
};

static bool extract(const char *path, Facts *f) {
  SourceFile src;
  Diags d = {0};
  memset(f, 0, sizeof *f);
  if (!source_read(path, &src, &d)) {
    diags_free(&d);
    return false;
  }
  ck_assert(facts_extract(test_context(), &src, f, &d));
  source_free(&src);
  diags_free(&d);
  return true;
}

static void assert_same_facts(const Facts *a, const Facts *b) {
  ck_assert_uint_eq(a->defs.len, b->defs.len);
  ck_assert_uint_eq(a->calls.len, b->calls.len);
  ck_assert_uint_eq(a->sites.len, b->sites.len);
  ck_assert_uint_eq(a->names.len, b->names.len);
  ck_assert_uint_eq(a->call_order.len, b->call_order.len);
  ck_assert_int_eq(a->has_errors, b->has_errors);
  for (uint32_t i = 0; i < a->defs.len; i++) {
    const Def *x = &a->defs.items[i], *y = &b->defs.items[i];
    ck_assert_str_eq(x->qualname, y->qualname);
    ck_assert_int_eq(x->parent, y->parent);
    ck_assert_uint_eq(x->own_calls.first, y->own_calls.first);
    ck_assert_uint_eq(x->own_calls.end, y->own_calls.end);
    ck_assert_int_eq(x->returns == NULL, y->returns == NULL);
  }
  for (uint32_t i = 0; i < a->calls.len; i++) {
    const Call *x = &a->calls.items[i], *y = &b->calls.items[i];
    ck_assert_str_eq(x->callee, y->callee);
    ck_assert_uint_eq(x->pos.line, y->pos.line);
    ck_assert_uint_eq(x->end_byte, y->end_byte);
    ck_assert_uint_eq(x->flags, y->flags);
    ck_assert_int_eq(x->outer, y->outer);
    ck_assert_int_eq(x->message == NULL, y->message == NULL);
    if (x->message) ck_assert_str_eq(x->message, y->message);
  }
  for (uint32_t i = 0; i < a->sites.len; i++) {
    const Site *x = &a->sites.items[i], *y = &b->sites.items[i];
    ck_assert_int_eq(x->kind, y->kind);
    ck_assert_int_eq(x->width.kind, y->width.kind);
    ck_assert_int_eq(x->width.count, y->width.count);
    ck_assert_int_eq(x->width.expr == NULL, y->width.expr == NULL);
    if (x->width.expr) ck_assert_str_eq(x->width.expr, y->width.expr);
  }
  for (uint32_t i = 0; i < a->names.len; i++)
    ck_assert_str_eq(a->names.items[i], b->names.items[i]);
}

START_TEST(pack_round_trip) {
  Facts f, g;
  /* the standard library's files are Debian bookworm's python3.11, which the build needs */
  ck_assert_msg(extract(pack_files[_i], &f), "%s is missing", pack_files[_i]);
  StrBuf one = {0}, two = {0};
  facts_pack(&f, &one);
  ck_assert(facts_unpack(one.s, one.len, &g));
  assert_same_facts(&f, &g);
  facts_pack(&g, &two); /* every field the schema names came back */
  ck_assert_uint_eq(one.len, two.len);
  ck_assert(memcmp(one.s, two.s, one.len) == 0);
  ck_assert_ptr_null(g.path); /* where the file is, is not in the pack */
  facts_free(&f);
  facts_free(&g);
  sb_free(&one);
  sb_free(&two);
}
END_TEST

START_TEST(unpack_refuses_damage) {
  Facts f, g;
  ck_assert(extract("../corpus/demo/fakeapi.py", &f));
  StrBuf b = {0};
  facts_pack(&f, &b);
  facts_free(&f);
  for (size_t len = 0; len < b.len; len += 1 + len / 64) /* every cut is refused */
    ck_assert_msg(!facts_unpack(b.s, len, &g), "a pack cut at %zu of %zu was taken", len, b.len);
  unsigned refused = 0;
  for (size_t at = 0; at < b.len; at += 1 + b.len / 512) { /* a flipped byte: refused or sane */
    char *copy = xmalloc(b.len);
    memcpy(copy, b.s, b.len);
    copy[at] = (char)(copy[at] ^ 0x5a);
    if (facts_unpack(copy, b.len, &g)) {
      for (uint32_t i = 0; i < g.calls.len; i++) { /* indices stay in range */
        ck_assert(g.calls.items[i].def >= 0 && (uint32_t)g.calls.items[i].def < g.defs.len);
        ck_assert(strlen(g.calls.items[i].callee) < b.len);
      }
      facts_free(&g);
    } else {
      refused++;
    }
    free(copy);
  }
  ck_assert_uint_gt(refused, 0);
  sb_free(&b);
}
END_TEST

/* A pack whose every index is in range but whose structure the walk never
 * makes is refused: a def that is its own parent (name resolution would go
 * round it forever), a parent after its child, a call outside its def's
 * stretch, a call that is its own outer call. */
START_TEST(unpack_refuses_bad_structure) {
  for (int kind = 0; kind < 4; kind++) {
    Facts f, g;
    ck_assert(extract("../corpus/demo/pipeline/client.py", &f));
    ck_assert_uint_ge(f.defs.len, 3);
    ck_assert_uint_ge(f.calls.len, 2);
    if (kind == 0) f.defs.items[2].parent = 2;
    if (kind == 1) f.defs.items[1].parent = 2;
    if (kind == 2) f.calls.items[f.calls.len - 1].def = 0, f.defs.items[0].calls_span.end = 0;
    if (kind == 3) f.calls.items[1].outer = 1;
    StrBuf b = {0};
    facts_pack(&f, &b);
    facts_free(&f);
    ck_assert_msg(!facts_unpack(b.s, b.len, &g), "bad structure %d was taken", kind);
    sb_free(&b);
  }
}
END_TEST

static char *temp_dir(void) {
  char tmpl[] = "/tmp/fanout-cache-test-XXXXXX";
  ck_assert_ptr_nonnull(mkdtemp(tmpl));
  return xstrdup(tmpl);
}

/* Remove a temporary directory and free its name. */
static void remove_dir(char *dir) {
  char *cmd = xasprintf("rm -rf '%s'", dir);
  ck_assert_int_eq(system(cmd), 0);
  free(cmd);
  free(dir);
}

static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  fputs(text, f);
  fclose(f);
}

static void lookup_and_store(const Cache *c, const char *path, CacheSlot *s) {
  cache_lookup(c, path, "m", false, s);
  SourceFile src;
  Diags d = {0};
  ck_assert(source_read(path, &src, &d));
  Facts f = {0};
  StrBuf pack = {0};
  ck_assert(facts_extract(test_context(), &src, &f, &d));
  facts_pack(&f, &pack);
  cache_store(c, s, "m", false, src.text, src.len, true, &pack, &d, 0);
  sb_free(&pack);
  facts_free(&f);
  source_free(&src);
  diags_free(&d);
}

/* A cache with the pack of slot "test" read. */
static Cache *open_pack(const char *dir, const char *extra) {
  Cache *c = cache_open(dir, extra);
  ck_assert_ptr_nonnull(c);
  cache_use_pack(c, "test");
  return c;
}

START_TEST(entry_is_for_its_file_only) {
  char *dir = temp_dir();
  char *py = xasprintf("%s/m.py", dir), *cdir = xasprintf("%s/cache", dir);
  write_file(py,
             "import asyncio\nasync def f(xs):\n    await asyncio.gather(*[g(x) for x in xs])\n");
  Cache *c = open_pack(cdir, NULL);
  CacheSlot s;
  cache_lookup(c, py, "m", false, &s);
  ck_assert(!s.found);
  cache_slot_free(&s);
  lookup_and_store(c, py, &s);
  cache_slot_free(&s);
  cache_close(c); /* the pack is written */

  c = open_pack(cdir, NULL);
  cache_lookup(c, py, "m", false, &s);
  ck_assert(s.found && s.may_matter && s.has_facts);
  ck_assert(!s.fresh); /* written just now: its status is not trusted, its text is hashed */
  ck_assert(cache_same_text(&s, "import asyncio\n", 15) == false);
  Facts f;
  Diags d = {0};
  ck_assert(cache_load_facts(&s, &f, &d));
  ck_assert_str_eq(f.path, py);
  ck_assert_str_eq(f.module, "m");
  ck_assert_uint_eq(f.sites.len, 1);
  facts_free(&f);
  cache_slot_free(&s);

  cache_lookup(c, py, "pkg.m", false, &s); /* another module name: another file */
  ck_assert(!s.found);
  cache_slot_free(&s);
  char *pack = xstrdup(cache_pack_file(c));
  cache_close(c); /* nothing stored: the pack is left as it was */
  Cache *other = open_pack(cdir, "limiter my.Gate\n"); /* other rule data */
  cache_lookup(other, py, "m", false, &s);
  ck_assert(!s.found);
  cache_slot_free(&s);
  cache_close(other);

  /* any damage to the pack makes its entry a miss */
  struct stat st;
  ck_assert_int_eq(stat(pack, &st), 0);
  for (long at = 30; at < st.st_size; at += st.st_size / 7) {
    FILE *e = fopen(pack, "r+b");
    ck_assert_ptr_nonnull(e);
    fseek(e, at, SEEK_SET);
    int was = fgetc(e);
    fseek(e, at, SEEK_SET);
    fputc(was ^ 0x40, e);
    fclose(e);
    c = open_pack(cdir, NULL);
    cache_lookup(c, py, "m", false, &s);
    ck_assert_msg(!s.found, "a pack damaged at %ld was taken", at);
    cache_slot_free(&s);
    cache_close(c);
    e = fopen(pack, "r+b");
    fseek(e, at, SEEK_SET);
    fputc(was, e);
    fclose(e);
  }
  ck_assert_int_eq(truncate(pack, st.st_size - 9), 0);
  c = open_pack(cdir, NULL);
  cache_lookup(c, py, "m", false, &s);
  ck_assert(!s.found);
  cache_slot_free(&s);
  cache_close(c);

  remove_dir(dir);
  free(pack);
  free(py);
  free(cdir);
}
END_TEST

/* A run that changes few entries writes them to the delta, which a later
 * run reads over the base pack. */
START_TEST(delta_over_base) {
  char *dir = temp_dir();
  char *a = xasprintf("%s/a.py", dir), *b = xasprintf("%s/b.py", dir),
       *cdir = xasprintf("%s/cache", dir);
  write_file(a, "import asyncio\nasync def f():\n    await asyncio.sleep(1)\n");
  write_file(b, "def g():\n    return 1\n");
  Cache *c = open_pack(cdir, NULL);
  CacheSlot s;
  lookup_and_store(c, a, &s);
  cache_slot_free(&s);
  lookup_and_store(c, b, &s);
  cache_slot_free(&s);
  char *delta = xasprintf("%s.delta", cache_pack_file(c));
  cache_close(c);
  ck_assert_int_ne(access(delta, F_OK), 0); /* the first pack is a base */
  write_file(b, "def g():\n    return 2\n");
  c = open_pack(cdir, NULL);
  cache_lookup(c, a, "m", false, &s); /* used, unchanged */
  ck_assert(s.found);
  cache_slot_free(&s);
  lookup_and_store(c, b, &s);
  cache_slot_free(&s);
  cache_close(c);
  ck_assert_int_eq(access(delta, F_OK), 0);
  c = open_pack(cdir, NULL);
  cache_lookup(c, b, "m", false, &s);
  ck_assert(s.found);
  ck_assert(cache_same_text(&s, "def g():\n    return 2\n", 22));
  cache_slot_free(&s);
  cache_lookup(c, a, "m", false, &s);
  ck_assert(s.found);
  cache_slot_free(&s);
  cache_close(c);
  remove_dir(dir);
  free(delta);
  free(a);
  free(b);
  free(cdir);
}
END_TEST

START_TEST(memo_replays_only_the_same_inputs) {
  char *dir = temp_dir();
  Cache *c = cache_open(dir, NULL);
  ck_assert_ptr_nonnull(c);
  StrBuf out = {0}, err = {0};
  int rc = -1;
  ck_assert(!cache_memo_get(c, "check .", "files a b", 9, &out, &err, &rc));
  cache_memo_put(c, "check .", "files a b", 9, "m.py:1: FAN101\n", 15, "1 finding\n", 10, 1);
  ck_assert(cache_memo_get(c, "check .", "files a b", 9, &out, &err, &rc));
  ck_assert_str_eq(sb_str(&out), "m.py:1: FAN101\n");
  ck_assert_str_eq(sb_str(&err), "1 finding\n");
  ck_assert_int_eq(rc, 1);
  sb_free(&out);
  sb_free(&err);
  ck_assert(!cache_memo_get(c, "check .", "files a c", 9, &out, &err, &rc));
  ck_assert(!cache_memo_get(c, "check src", "files a b", 9, &out, &err, &rc));
  ck_assert_uint_eq(out.len + err.len, 0);
  cache_close(c);
  remove_dir(dir);
}
END_TEST

Suite *cache_suite(void) {
  Suite *s = suite_create("cache");
  TCase *tc = tcase_create("cache");
  tcase_set_timeout(tc, 60);
  tcase_add_loop_test(tc, pack_round_trip, 0, sizeof pack_files / sizeof *pack_files);
  tcase_add_test(tc, unpack_refuses_damage);
  tcase_add_test(tc, unpack_refuses_bad_structure);
  tcase_add_test(tc, entry_is_for_its_file_only);
  tcase_add_test(tc, delta_over_base);
  tcase_add_test(tc, memo_replays_only_the_same_inputs);
  suite_add_tcase(s, tc);
  return s;
}
