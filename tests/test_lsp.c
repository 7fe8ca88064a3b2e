/* lsp: a session through lsp_serve on in-memory streams: diagnostics for an
 * opened document with the rule's code and severity, a change that fixes it
 * clears them, a change that changes nothing sends nothing, hover shows the
 * rule's doc, and a malformed frame gets an error response while the server
 * goes on. */
#define _GNU_SOURCE /* fmemopen, open_memstream */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsp.h"
#include "test_main.h"

static void frame(StrBuf *in, const char *json) {
  sb_printf(in, "Content-Length: %zu\r\n\r\n%s", strlen(json), json);
}

/* Each message the server wrote, parsed. */
static json_t *messages(const char *out, size_t len) {
  json_t *all = json_array();
  for (const char *p = out; p < out + len;) {
    const char *h = strstr(p, "Content-Length: ");
    if (!h) break;
    size_t n = strtoul(h + 16, NULL, 10);
    const char *body = strstr(h, "\r\n\r\n");
    ck_assert_ptr_nonnull(body);
    body += 4;
    json_error_t err;
    json_t *m = json_loadb(body, n, 0, &err);
    ck_assert_msg(m != NULL, "message does not parse: %s", err.text);
    json_array_append_new(all, m);
    p = body + n;
  }
  return all;
}

/* The diagnostics of each publishDiagnostics message, in order. */
static size_t published(json_t *all, json_t **last) {
  size_t n = 0;
  for (size_t i = 0; i < json_array_size(all); i++) {
    json_t *m = json_array_get(all, i);
    const char *method = json_string_value(json_object_get(m, "method"));
    if (!method || strcmp(method, "textDocument/publishDiagnostics") != 0) continue;
    *last = json_object_get(json_object_get(m, "params"), "diagnostics");
    n++;
  }
  return n;
}

static const char *const unbounded =
    "import asyncio\\nimport httpx\\n\\nclient = httpx.AsyncClient(timeout=10)\\n\\n"
    "async def fetch(u):\\n    return await client.get(u)\\n\\n"
    "async def crawl(urls):\\n    return await asyncio.gather(*[fetch(u) for u in urls])\\n";

/* Initialize a server on a project that is not on disk and open app.py with `unbounded` in it. */
static void open_app(StrBuf *in) {
  frame(in, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
            "{\"rootUri\":\"file:///tmp/fanout-lsp-none\",\"capabilities\":{}}}");
  char *open = xasprintf("{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didOpen\",\"params\":"
                         "{\"textDocument\":{\"uri\":\"file:///tmp/fanout-lsp-none/app.py\","
                         "\"languageId\":\"python\",\"version\":1,\"text\":\"%s\"}}}",
                         unbounded);
  frame(in, open);
  free(open);
}

/* Run a session's frames through the server: the messages it wrote. */
static json_t *serve(StrBuf *in) {
  frame(in, "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"shutdown\"}");
  frame(in, "{\"jsonrpc\":\"2.0\",\"method\":\"exit\"}");
  FILE *fin = fmemopen(in->s, in->len, "r");
  char *out = NULL, *log = NULL;
  size_t out_len = 0, log_len = 0;
  FILE *fout = open_memstream(&out, &out_len), *flog = open_memstream(&log, &log_len);
  Policy pol = {0};
  Config cfg = {0};
  policy_configure(&pol, &cfg);
  ProjectOptions opts = {0};
  opts.editor = opts.verify_rebuilds = true; /* as `fanout lsp` runs, each rebuild checked */
  ck_assert_int_eq(lsp_serve(fin, fout, flog, &pol, &opts, NULL), 0);
  fclose(fin);
  fclose(fout);
  fclose(flog);
  ck_assert_msg(!log || !strstr(log, "differs from a full build"), "%s", log);
  json_t *all = messages(out, out_len);
  policy_free(&pol);
  free(out);
  free(log);
  return all;
}

/* The start line of the first diagnostic of publish i. */
static json_int_t first_line(json_t *all, size_t i) {
  size_t n = 0;
  for (size_t k = 0; k < json_array_size(all); k++) {
    json_t *m = json_array_get(all, k);
    const char *method = json_string_value(json_object_get(m, "method"));
    if (!method || strcmp(method, "textDocument/publishDiagnostics") != 0 || n++ != i) continue;
    json_t *d = json_array_get(json_object_get(json_object_get(m, "params"), "diagnostics"), 0);
    return json_integer_value(
        json_object_get(json_object_get(json_object_get(d, "range"), "start"), "line"));
  }
  return -1;
}

START_TEST(session) {
  StrBuf in = {0};
  open_app(&in);
  /* a comment added at the end of a line: the same diagnostics, so nothing is sent */
  frame(&in, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didChange\",\"params\":"
             "{\"textDocument\":{\"uri\":\"file:///tmp/fanout-lsp-none/app.py\",\"version\":2},"
             "\"contentChanges\":[{\"range\":{\"start\":{\"line\":0,\"character\":14},"
             "\"end\":{\"line\":0,\"character\":14}},\"text\":\"  # hi\"}]}}");
  frame(&in, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"textDocument/hover\",\"params\":"
             "{\"textDocument\":{\"uri\":\"file:///tmp/fanout-lsp-none/app.py\"},"
             "\"position\":{\"line\":9,\"character\":20}}}");
  sb_puts(&in, "Content-Length: 5\r\n\r\n{bad}");
  /* the whole file replaced by one with no fan-out: the diagnostics clear */
  frame(&in, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didChange\",\"params\":"
             "{\"textDocument\":{\"uri\":\"file:///tmp/fanout-lsp-none/app.py\",\"version\":3},"
             "\"contentChanges\":[{\"text\":\"x = 1\\n\"}]}}");
  json_t *all = serve(&in);
  json_t *last = NULL;
  /* published twice: at open (FAN101), and when the change cleared it */
  ck_assert_uint_eq(published(all, &last), 2);
  ck_assert_uint_eq(json_array_size(last), 0);
  json_t *first = NULL;
  for (size_t i = 0; i < json_array_size(all) && !first; i++) {
    json_t *m = json_array_get(all, i);
    const char *method = json_string_value(json_object_get(m, "method"));
    if (method && strcmp(method, "textDocument/publishDiagnostics") == 0)
      first = json_object_get(json_object_get(m, "params"), "diagnostics");
  }
  bool fan101 = false;
  for (size_t i = 0; i < json_array_size(first); i++) {
    json_t *d = json_array_get(first, i);
    if (strcmp(json_string_value(json_object_get(d, "code")), "FAN101") == 0) {
      fan101 = true;
      ck_assert_int_eq(json_integer_value(json_object_get(
                           json_object_get(json_object_get(d, "range"), "start"), "line")),
                       9);
    }
  }
  ck_assert_msg(fan101, "no FAN101 at open");
  /* the hover names the rule; the bad frame got an error; shutdown answered */
  bool hover = false, error = false, shutdown = false;
  for (size_t i = 0; i < json_array_size(all); i++) {
    json_t *m = json_array_get(all, i);
    json_int_t id = json_integer_value(json_object_get(m, "id"));
    json_t *res = json_object_get(m, "result");
    if (id == 2 && res) {
      char *text = json_dumps(res, 0);
      hover = text && strstr(text, "FAN101") != NULL;
      free(text);
    }
    if (json_object_get(m, "error")) error = true;
    if (id == 9) shutdown = true;
  }
  ck_assert(hover);
  ck_assert(error);
  ck_assert(shutdown);
  json_decref(all);
  sb_free(&in);
}
END_TEST

/* A comment typed above the findings sends nothing; the same diagnostics on
 * other lines are sent again (with their new lines); a change that moves
 * none, as the text of a comment does, sends nothing. */
START_TEST(moved) {
  StrBuf in = {0};
  open_app(&in);
  /* a comment typed on the empty line above the calls moves their bytes, not
   * what the analysis sees: nothing is sent */
  frame(&in, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didChange\",\"params\":"
             "{\"textDocument\":{\"uri\":\"file:///tmp/fanout-lsp-none/app.py\",\"version\":2},"
             "\"contentChanges\":[{\"range\":{\"start\":{\"line\":2,\"character\":0},"
             "\"end\":{\"line\":2,\"character\":0}},\"text\":\"# calls below\"}]}}");
  /* a line inserted at the top: every diagnostic one line down */
  frame(&in, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didChange\",\"params\":"
             "{\"textDocument\":{\"uri\":\"file:///tmp/fanout-lsp-none/app.py\",\"version\":2},"
             "\"contentChanges\":[{\"range\":{\"start\":{\"line\":0,\"character\":0},"
             "\"end\":{\"line\":0,\"character\":0}},\"text\":\"# top\\n\"}]}}");
  /* the comment's text changed: nothing moves */
  frame(&in, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didChange\",\"params\":"
             "{\"textDocument\":{\"uri\":\"file:///tmp/fanout-lsp-none/app.py\",\"version\":3},"
             "\"contentChanges\":[{\"range\":{\"start\":{\"line\":0,\"character\":2},"
             "\"end\":{\"line\":0,\"character\":5}},\"text\":\"head\"}]}}");
  json_t *all = serve(&in);
  json_t *last = NULL;
  ck_assert_uint_eq(published(all, &last), 2);
  ck_assert_int_ge(first_line(all, 0), 0);
  ck_assert_int_eq(first_line(all, 1), first_line(all, 0) + 1);
  json_decref(all);
  sb_free(&in);
}
END_TEST

Suite *lsp_suite(void) {
  Suite *s = suite_create("lsp");
  TCase *tc = tcase_create("session");
  tcase_set_timeout(tc, 30);
  tcase_add_test(tc, session);
  tcase_add_test(tc, moved);
  suite_add_tcase(s, tc);
  return s;
}
