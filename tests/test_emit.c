/* emit and map: every document parses (whatever bytes a file name holds),
 * SARIF fingerprints follow a line's text and not its number, text output
 * shows no control character, and map's JSON lists each site. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "emit.h"
#include "map.h"
#include "test_main.h"

/* Two functions with the same gather line, and one line written twice in
 * one of them (what occurrence numbers tell apart). */
static const char *const code = "import asyncio\n"
                                "\n"
                                "async def a(xs):\n"
                                "    await asyncio.gather(*[f(x) for x in xs])\n"
                                "    await asyncio.gather(*[f(x) for x in xs])\n"
                                "\n"
                                "async def b(xs):\n"
                                "    await asyncio.gather(*[f(x) for x in xs])\n";

typedef struct {
  char dir[64], path[128];
  Facts facts;
  Index ix;
  Findings fs;
} Fixture;

/* The snippet written to a file named `name` (read back for fingerprints),
 * indexed, with a FAN201 finding at each gather. `shift` blank lines go
 * first: the same code further down the file. */
static void fixture_make(Fixture *x, const char *name, unsigned shift) {
  memset(x, 0, sizeof *x);
  snprintf(x->dir, sizeof x->dir, "/tmp/fanout-emit-%ld", (long)getpid());
  mkdir(x->dir, 0700);
  snprintf(x->path, sizeof x->path, "%s/%s", x->dir, name);
  StrBuf text = {0};
  for (unsigned i = 0; i < shift; i++) sb_putc(&text, '\n');
  sb_puts(&text, code);
  FILE *f = fopen(x->path, "wb");
  ck_assert_ptr_nonnull(f);
  fputs(sb_str(&text), f);
  fclose(f);
  test_facts_in(x->path, "m", false, sb_str(&text), &x->facts);
  sb_free(&text);
  index_build(&x->ix, &x->facts, 1, NULL);
  ck_assert_uint_eq(x->facts.sites.len, 3);
  for (uint32_t i = 0; i < x->facts.sites.len; i++) {
    const Site *s = &x->facts.sites.items[i];
    Finding *fd = findings_add(&x->fs, &x->ix, RULE_FAN201, 0, s->def, s->pos,
                               xstrdup("all results held\n\x1b[31m"), xstrdup("evidence"),
                               xstrdup("batch it"), xstrdup("peak RSS drops"));
    fd->severity = SEVERITY_WARNING;
  }
}

static void fixture_free(Fixture *x) {
  findings_free(&x->fs);
  index_free(&x->ix);
  facts_free(&x->facts);
  unlink(x->path);
  rmdir(x->dir);
}

static json_t *parsed(const StrBuf *b) {
  json_error_t err;
  json_t *doc = json_loads(b->s ? b->s : "", 0, &err);
  ck_assert_msg(doc != NULL, "does not parse: %s (line %d)", err.text, err.line);
  return doc;
}

/* The SARIF document of the fixture's findings. */
static json_t *sarif_of(Fixture *x) {
  StrBuf out = {0};
  findings_read_lines(&x->fs, &x->ix);
  emit_sarif(&x->fs, &x->ix, "https://example.invalid/", "/", &out);
  json_t *doc = parsed(&out);
  sb_free(&out);
  return doc;
}

static const char *fingerprint(json_t *sarif, size_t i) {
  json_t *r = json_array_get(
      json_object_get(json_array_get(json_object_get(sarif, "runs"), 0), "results"), i);
  ck_assert_ptr_nonnull(r);
  return json_string_value(
      json_object_get(json_object_get(r, "partialFingerprints"), "primaryLocationLineHash"));
}

START_TEST(sarif_fingerprints_follow_text) {
  Fixture x, moved; /* the same file, rewritten further down */
  fixture_make(&x, "m.py", 0);
  json_t *a = sarif_of(&x);
  fixture_make(&moved, "m.py", 5);
  json_t *b = sarif_of(&moved);
  const char *a0 = fingerprint(a, 0), *a1 = fingerprint(a, 1), *a2 = fingerprint(a, 2);
  /* the same line twice in one function: one hash, occurrences 1 and 2 */
  ck_assert_str_eq(strchr(a0, ':'), ":1");
  ck_assert_str_eq(strchr(a1, ':'), ":2");
  ck_assert_int_eq(strncmp(a0, a1, (size_t)(strchr(a0, ':') - a0)), 0);
  /* the same text in another function: another hash */
  ck_assert_int_ne(strncmp(a0, a2, (size_t)(strchr(a0, ':') - a0)), 0);
  /* five lines further down: the same fingerprints */
  for (size_t i = 0; i < 3; i++) ck_assert_str_eq(fingerprint(a, i), fingerprint(b, i));
  /* each result names its rule by index into the rules */
  json_t *run = json_array_get(json_object_get(a, "runs"), 0);
  json_t *rules = json_object_get(json_object_get(json_object_get(run, "tool"), "driver"), "rules");
  json_t *r0 = json_array_get(json_object_get(run, "results"), 0);
  size_t at = (size_t)json_integer_value(json_object_get(r0, "ruleIndex"));
  ck_assert_str_eq(json_string_value(json_object_get(json_array_get(rules, at), "id")), "FAN201");
  ck_assert_str_eq(json_string_value(json_object_get(r0, "level")), "warning");
  json_decref(a);
  json_decref(b);
  fixture_free(&x);
  fixture_free(&moved);
}
END_TEST

START_TEST(documents_parse_whatever_the_name) {
  Fixture x;
  fixture_make(&x, "bad\xff\xfename.py", 0);
  StrBuf out = {0};
  emit_json(&x.fs, &x.ix, 1, &out);
  json_t *doc = parsed(&out);
  json_t *first = json_array_get(json_object_get(doc, "findings"), 0);
  ck_assert_ptr_nonnull(first);
  const char *path = json_string_value(json_object_get(first, "path"));
  ck_assert_ptr_nonnull(strstr(path, "bad\xef\xbf\xbd\xef\xbf\xbdname.py")); /* U+FFFD each */
  ck_assert_str_eq(json_string_value(json_object_get(first, "message")),
                   "all results held\n\x1b[31m");
  json_decref(doc);
  sb_free(&out);
  json_t *sarif = sarif_of(&x);
  json_t *loc = json_object_get(
      json_object_get(
          json_array_get(
              json_object_get(
                  json_array_get(
                      json_object_get(json_array_get(json_object_get(sarif, "runs"), 0), "results"),
                      0),
                  "locations"),
              0),
          "physicalLocation"),
      "artifactLocation");
  ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(loc, "uri")), "bad%FF%FEname.py"));
  json_decref(sarif);
  /* text: no raw control character or invalid byte reaches a terminal */
  emit_text(&x.fs, &x.ix, false, &out);
  for (const char *p = out.s; *p; p++)
    ck_assert_msg(*p == '\n' || (unsigned char)*p >= 0x20, "raw byte 0x%02x in text output",
                  (unsigned char)*p);
  ck_assert_ptr_nonnull(strstr(out.s, "bad\\xff\\xfename.py"));
  uint32_t lines = 0; /* one line per finding: the message's newline is escaped */
  for (const char *p = out.s; *p; p++) lines += *p == '\n';
  ck_assert_uint_eq(lines, x.fs.len);
  sb_free(&out);
  fixture_free(&x);
}
END_TEST

START_TEST(map_json_lists_each_site) {
  Fixture x;
  fixture_make(&x, "m.py", 0);
  StrBuf out = {0};
  map_format_json(&x.ix, &x.fs, NULL, &out);
  json_t *doc = parsed(&out);
  json_t *orch = json_object_get(doc, "orchestrators");
  ck_assert_uint_eq(json_array_size(orch), 3);
  json_t *o0 = json_array_get(orch, 0);
  ck_assert_str_eq(json_string_value(json_object_get(o0, "kind")), "gather");
  ck_assert_int_eq(json_integer_value(json_object_get(o0, "line")), 4);
  ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(o0, "qualname")), ":a"));
  json_decref(doc);
  sb_free(&out);
  fixture_free(&x);
}
END_TEST

Suite *emit_suite(void) {
  Suite *s = suite_create("emit");
  TCase *tc = tcase_create("documents");
  tcase_add_test(tc, sarif_fingerprints_follow_text);
  tcase_add_test(tc, documents_parse_whatever_the_name);
  tcase_add_test(tc, map_json_lists_each_site);
  suite_add_tcase(s, tc);
  return s;
}
