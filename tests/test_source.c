#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source.h"
#include "test_main.h"
#include "util.h"

static const struct {
  const char *bytes;
  size_t len;
  size_t invalid_at;
} utf8_cases[] = {
    {"plain ascii", 11, 11},
    {"caf\xc3\xa9", 5, 5},
    {"\xe2\x82\xac euro", 8, 8},
    {"\xf0\x9f\x98\x80", 4, 4},
    {"bad \xff", 5, 4},
    {"overlong \xc0\xaf", 11, 9},
    {"surrogate \xed\xa0\x80", 13, 10},
    {"truncated \xe2\x82", 12, 10},
    {"too big \xf4\x90\x80\x80", 12, 8},
};

START_TEST(utf8_validation) {
  ck_assert_uint_eq(source_utf8_invalid_at(utf8_cases[_i].bytes, utf8_cases[_i].len),
                    utf8_cases[_i].invalid_at);
}
END_TEST

START_TEST(buffer_bom_and_lone_cr) {
  SourceFile f;
  Diags d = {0};
  const char text[] = "\xef\xbb\xbfx = 1\ry = 2\r\nz = 3";
  ck_assert(source_from_buffer("t.py", text, sizeof text - 1, &f, &d));
  ck_assert_str_eq(f.text, "x = 1\ny = 2\r\nz = 3");
  ck_assert_uint_eq(d.len, 0);
  source_free(&f);
  diags_free(&d);
}
END_TEST

/* The first invalid offset, one code point at a time (RFC 3629): the oracle
 * for the validator's eight-bytes-at-a-time ASCII path. */
static size_t utf8_invalid_slow(const unsigned char *u, size_t n) {
  for (size_t i = 0; i < n;) {
    size_t len = u[i] < 0x80                    ? 1
                 : u[i] >= 0xC2 && u[i] <= 0xDF ? 2
                 : u[i] >= 0xE0 && u[i] <= 0xEF ? 3
                 : u[i] >= 0xF0 && u[i] <= 0xF4 ? 4
                                                : 0;
    if (!len || i + len > n) return i;
    uint32_t cp = len == 1 ? u[i] : u[i] & (0x7Fu >> len);
    for (size_t k = 1; k < len; k++) {
      if ((u[i + k] & 0xC0) != 0x80) return i;
      cp = cp << 6 | (u[i + k] & 0x3Fu);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
      return i;
    i += len;
  }
  return n;
}

START_TEST(utf8_validation_agrees_with_the_slow_way) {
  /* ASCII runs of every length around 8 with sequences, valid and broken, between */
  static const char *const pieces[] = {
      "a",    "bcdefgh", "ijklmnopq",    "\xc3\xa9",         "\xe2\x82\xac", "\xf0\x9f\x98\x80",
      "\xc3", "\x80",    "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82"};
  uint64_t x = 7;
  unsigned char buf[64];
  for (int round = 0; round < 20000; round++) {
    size_t n = 0;
    while (n < 40) {
      x = x * 6364136223846793005ull + 1442695040888963407ull;
      const char *p = pieces[(x >> 33) % (sizeof pieces / sizeof *pieces)];
      if ((x >> 20) % 4 && p[0] & 0x80 && !((x >> 40) % 3 == 0)) continue; /* mostly ASCII */
      size_t k = strlen(p);
      memcpy(buf + n, p, k);
      n += k;
    }
    ck_assert_uint_eq(source_utf8_invalid_at((const char *)buf, n), utf8_invalid_slow(buf, n));
  }
}
END_TEST

START_TEST(buffer_rejects_binary_and_bad_utf8) {
  SourceFile f;
  Diags d = {0};
  ck_assert(!source_from_buffer("bin.py", "a\nb\0c", 5, &f, &d));
  ck_assert(!source_from_buffer("l1.py", "x = '\xe9'\n", 8, &f, &d));
  ck_assert_uint_eq(d.len, 2);
  ck_assert_str_eq(d.items[0].path, "bin.py");
  ck_assert_uint_eq(d.items[0].line, 2);
  ck_assert_ptr_nonnull(strstr(d.items[0].message, "binary"));
  ck_assert_ptr_nonnull(strstr(d.items[1].message, "UTF-8"));
  diags_free(&d);
}
END_TEST

static void touch(const char *path) {
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  fputs("x = 1\n", f);
  fclose(f);
}

START_TEST(walk_skips_and_module_names) {
  char root[] = "/tmp/fanout-walk-XXXXXX";
  ck_assert_ptr_nonnull(mkdtemp(root));
  const char *dirs[] = {"src", "src/pkg",      "src/pkg/sub", ".git",   "__pycache__",
                        "env", "node_modules", "build",       "scripts"};
  char path[512];
  for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
    snprintf(path, sizeof path, "%s/%s", root, dirs[i]);
    ck_assert_int_eq(mkdir(path, 0755), 0);
  }
  const char *files[] = {"src/pkg/__init__.py", "src/pkg/sub/__init__.py",
                         "src/pkg/sub/mod.py",  "src/pkg/stub.pyi",
                         ".git/x.py",           "__pycache__/y.py",
                         "env/pyvenv.cfg",      "env/z.py",
                         "node_modules/n.py",   "build/b.py",
                         "scripts/run.py",      "scripts/notes.txt"};
  for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
    snprintf(path, sizeof path, "%s/%s", root, files[i]);
    touch(path);
  }
  StrArray out = {0};
  Diags d = {0};
  WalkOptions opts = {0};
  const char *paths[] = {root};
  source_walk(paths, 1, &opts, &out, &d);
  ck_assert_uint_eq(d.len, 0);
  ck_assert_uint_eq(out.len, 4);
  const char *want[] = {"scripts/run.py", "src/pkg/__init__.py", "src/pkg/sub/__init__.py",
                        "src/pkg/sub/mod.py"};
  for (uint32_t i = 0; i < out.len; i++) {
    snprintf(path, sizeof path, "%s/%s", root, want[i]);
    ck_assert_str_eq(out.items[i], path);
  }
  bool pkg;
  char *m = source_module_name(out.items[3], &pkg);
  ck_assert_str_eq(m, "pkg.sub.mod");
  ck_assert(!pkg);
  free(m);
  m = source_module_name(out.items[2], &pkg);
  ck_assert_str_eq(m, "pkg.sub");
  ck_assert(pkg);
  free(m);
  m = source_module_name(out.items[0], &pkg);
  ck_assert_str_eq(m, "run");
  free(m);
  for (uint32_t i = 0; i < out.len; i++) free(out.items[i]);
  array_free(&out);

  opts.include_pyi = true;
  source_walk(paths, 1, &opts, &out, &d);
  ck_assert_uint_eq(out.len, 5);
  for (uint32_t i = 0; i < out.len; i++) free(out.items[i]);
  array_free(&out);

  const char *missing[] = {"/nonexistent/fanout/path"};
  source_walk(missing, 1, &opts, &out, &d);
  ck_assert_uint_eq(out.len, 0);
  ck_assert_uint_eq(d.len, 1);
  ck_assert_uint_eq(diags_errors(&d), 1);
  diags_free(&d);
  array_free(&out);
  snprintf(path, sizeof path, "rm -rf '%s'", root);
  ck_assert_int_eq(system(path), 0);
}
END_TEST

/* A file deleted between the walk and the read: one diagnostic naming it,
 * and the file next to it still read. */
START_TEST(file_deleted_after_walk) {
  char dir[] = "/tmp/fanout-gone-XXXXXX";
  ck_assert_ptr_nonnull(mkdtemp(dir));
  char *a = xasprintf("%s/a.py", dir), *b = xasprintf("%s/b.py", dir);
  FILE *f = fopen(a, "w");
  fputs("x = 1\n", f);
  fclose(f);
  f = fopen(b, "w");
  fputs("y = 2\n", f);
  fclose(f);
  const char *roots[] = {dir};
  StrArray files = {0};
  Diags d = {0};
  WalkOptions opts = {0};
  source_walk(roots, 1, &opts, &files, &d);
  ck_assert_uint_eq(files.len, 2);
  ck_assert_int_eq(unlink(b), 0);
  SourceFile src;
  ck_assert(source_read(files.items[0], &src, &d));
  source_free(&src);
  ck_assert(!source_read(files.items[1], &src, &d));
  ck_assert_uint_eq(d.len, 1);
  ck_assert_str_eq(d.items[0].path, b);
  ck_assert(strstr(d.items[0].message, "cannot read") != NULL);
  for (uint32_t i = 0; i < files.len; i++) free(files.items[i]);
  array_free(&files);
  diags_free(&d);
  unlink(a);
  rmdir(dir);
  free(a);
  free(b);
}
END_TEST

/* xasprintf writes its common conversions itself: what snprintf writes. */
#define SAME(...)                                                                                  \
  do {                                                                                             \
    char want[1200];                                                                               \
    snprintf(want, sizeof want, __VA_ARGS__);                                                      \
    char *got = xasprintf(__VA_ARGS__);                                                            \
    ck_assert_str_eq(got, want);                                                                   \
    free(got);                                                                                     \
  } while (0)

START_TEST(formatting_as_snprintf) {
  SAME("%s:%s", "m.py", "A.run");
  SAME("%u lines, %d, %d", 4294967295u, -2147483647 - 1, 0);
  SAME("%ld %lu", -9223372036854775807l - 1, 18446744073709551615ul);
  SAME("%lld %llu %zu", -42ll, 18446744073709551615ull, (size_t)1234567);
  SAME("[%.*s] [%.*s] [%.*s]", 3, "abcdef", 10, "ab", -1, "whole");
  SAME("%c%c 100%% %s", 'x', 'y', "");
  SAME("%02x %.2f %-4s|", 5, 1.5, "ab"); /* stdio's */
  char big[1000];
  memset(big, 'a', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  SAME("<%s> %u", big, 7u); /* past the stack buffer */
}
END_TEST

Suite *source_suite(void) {
  Suite *s = suite_create("source");
  TCase *tc = tcase_create("core");
  tcase_add_loop_test(tc, utf8_validation, 0, sizeof utf8_cases / sizeof *utf8_cases);
  tcase_add_test(tc, utf8_validation_agrees_with_the_slow_way);
  tcase_add_test(tc, formatting_as_snprintf);
  tcase_add_test(tc, buffer_bom_and_lone_cr);
  tcase_add_test(tc, buffer_rejects_binary_and_bad_utf8);
  tcase_add_test(tc, walk_skips_and_module_names);
  tcase_add_test(tc, file_deleted_after_walk);
  suite_add_tcase(s, tc);
  return s;
}
