/* map: one line per fan-out site, sorted by place, with the findings the
 * policy ties to it; the JSON form says the same. A site with a limiter on
 * its path has no FAN101, a fixed-width one has no finding. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "map.h"
#include "test_main.h"

static const char *const app = "import asyncio\n"
                               "\n"
                               "import httpx\n"
                               "\n"
                               "client = httpx.AsyncClient(timeout=10)\n"
                               "sem = asyncio.Semaphore(4)\n"
                               "\n"
                               "\n"
                               "async def fetch(url):\n"
                               "    return await client.get(url)\n"
                               "\n"
                               "\n"
                               "async def fetch_limited(url):\n"
                               "    async with sem:\n"
                               "        return await client.get(url)\n"
                               "\n"
                               "\n"
                               "async def pair():\n"
                               "    return await asyncio.gather(fetch('a'), fetch('b'))\n"
                               "\n"
                               "\n"
                               "async def crawl_limited(urls):\n"
                               "    tasks = []\n"
                               "    for u in urls:\n"
                               "        tasks.append(asyncio.create_task(fetch_limited(u)))\n"
                               "    return await asyncio.gather(*tasks)\n"
                               "\n"
                               "\n"
                               "async def crawl(urls):\n"
                               "    return await asyncio.gather(*[fetch(u) for u in urls])\n";

/* The text line of the site at `line`, or NULL; the caller frees. */
static char *line_of(const char *text, const char *path, const char *qual, unsigned line) {
  char *head = xasprintf("%s:%s  %u  ", path, qual, line);
  const char *s = strstr(text, head);
  char *out = s ? xstrndup(s, strcspn(s, "\n")) : NULL;
  free(head);
  return out;
}

START_TEST(one_line_per_site_with_its_findings) {
  TestProject m;
  test_project_make(&m, "map", app);
  StrBuf out = {0};
  map_format(&m.p.index, &m.fs, &m.run, &out);
  const char *text = sb_str(&out);
  unsigned lines = 0;
  for (const char *p = text; *p; p++) lines += *p == '\n';
  ck_assert_uint_eq(lines, 3);
  char *pair = line_of(text, m.path, "pair", 19);
  char *limited = line_of(text, m.path, "crawl_limited", 25);
  char *crawl = line_of(text, m.path, "crawl", 30);
  ck_assert_msg(pair && limited && crawl, "a site is missing:\n%s", text);
  /* sorted by line: pair, crawl_limited, crawl */
  ck_assert(strstr(text, pair) < strstr(text, limited));
  ck_assert(strstr(text, limited) < strstr(text, crawl));
  /* kind, width, targets resolved to the project's functions */
  ck_assert_ptr_nonnull(strstr(pair, "  gather  fixed 2  -> "));
  ck_assert_ptr_null(strchr(pair, '[')); /* fixed width: nothing to report */
  ck_assert_ptr_nonnull(strstr(limited, "  create_task  data (from urls)  -> "));
  ck_assert_ptr_nonnull(strstr(limited, ":fetch_limited"));
  ck_assert_ptr_null(strstr(limited, "FAN101")); /* the semaphore bounds it */
  ck_assert_ptr_nonnull(strstr(crawl, "  gather  data (from urls)  -> "));
  ck_assert_ptr_nonnull(strstr(crawl, ":fetch  ["));
  ck_assert_ptr_nonnull(strstr(crawl, "FAN101"));
  free(pair), free(limited), free(crawl);
  sb_free(&out);
  test_project_free(&m);
}
END_TEST

START_TEST(json_says_what_the_text_says) {
  TestProject m;
  test_project_make(&m, "map", app);
  StrBuf out = {0}, text = {0};
  map_format_json(&m.p.index, &m.fs, &m.run, &out);
  map_format(&m.p.index, &m.fs, &m.run, &text);
  json_error_t err;
  json_t *doc = json_loads(sb_str(&out), 0, &err);
  ck_assert_msg(doc != NULL, "map JSON does not parse: %s", err.text);
  json_t *orch = json_object_get(doc, "orchestrators");
  ck_assert_uint_eq(json_array_size(orch), 3);
  size_t i;
  json_t *o;
  json_array_foreach(orch, i, o) {
    const char *qual = json_string_value(json_object_get(o, "qualname"));
    unsigned line = (unsigned)json_integer_value(json_object_get(o, "line"));
    ck_assert_str_eq(json_string_value(json_object_get(o, "path")), m.path);
    char *tl = line_of(sb_str(&text), m.path, strchr(qual, ':') + 1, line);
    ck_assert_msg(tl != NULL, "%s:%u is in the JSON, not the text", qual, line);
    ck_assert_ptr_nonnull(strstr(tl, json_string_value(json_object_get(o, "kind"))));
    ck_assert_ptr_nonnull(strstr(tl, json_string_value(json_object_get(o, "width"))));
    json_t *fd;
    size_t k;
    json_array_foreach(json_object_get(o, "findings"), k, fd) /* each code the text lists */
        ck_assert_ptr_nonnull(strstr(tl, json_string_value(json_object_get(fd, "code"))));
    ck_assert_uint_eq(json_array_size(json_object_get(o, "findings")) == 0,
                      strchr(tl, '[') == NULL);
    free(tl);
  }
  json_decref(doc);
  sb_free(&out), sb_free(&text);
  test_project_free(&m);
}
END_TEST

Suite *map_suite(void) {
  Suite *s = suite_create("map");
  TCase *tc = tcase_create("map");
  tcase_add_test(tc, one_line_per_site_with_its_findings);
  tcase_add_test(tc, json_says_what_the_text_says);
  suite_add_tcase(s, tc);
  return s;
}
