#define _DEFAULT_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "liblines.h"
#include "logline.h"
#include "multimatch.h"
#include "test_main.h"
#include "timeline.h"

static const struct {
  const char *line;
  double time; /* -1: none; seconds since midnight for time-only */
  const char *level, *logger, *message;
} line_cases[] = {
    {"2026-11-25 12:58:31,790 INFO pipeline.search: search done: query='x' docs=4", 1795611511.790,
     "INFO", "pipeline.search", "search done: query='x' docs=4"},
    {"WARNING:pipeline.client:rate limited (429)", -1, "WARNING", "pipeline.client",
     "rate limited (429)"},
    {"2026-11-25T12:58:31.5Z [ERROR] boom", 1795611511.5, "ERROR", "", "boom"},
    {"2026-11-25T13:58:31+01:00 INFO x: y", 1795611511.0, "INFO", "x", "y"},
    {"12:00:01.250 DEBUG worker: tick", 43201.25, "DEBUG", "worker", "tick"},
    {"[12:00:01] started", 43201.0, "", "", "started"},
    {"2026-11-25T12:58:31.100Z 2026-11-25 12:58:31,099 INFO a.b: inner", 1795611511.1, "INFO",
     "a.b", "inner"},
    {"{\"ts\": 1795611511.5, \"level\": \"info\", \"msg\": \"json line\"}", 1795611511.5, "info",
     "", "json line"},
    {"{\"timestamp\": \"2026-11-25T12:58:31Z\", \"message\": \"iso in json\"}", 1795611511.0, "",
     "", "iso in json"},
    {"no timestamp at all", -1, "", "", "no timestamp at all"},
    {"2026-11-25 12:58:31,790 - app.core - INFO - dash format", 1795611511.790, "", "",
     "app.core - INFO - dash format"},
};

START_TEST(log_lines) {
  LogLine l;
  logline_parse(line_cases[_i].line, strlen(line_cases[_i].line), &l);
  if (line_cases[_i].time < 0)
    ck_assert(l.time < 0);
  else
    ck_assert_msg(fabs(l.time - line_cases[_i].time) < 0.002, "time %f", l.time);
  ck_assert_int_eq((int)l.level_len, (int)strlen(line_cases[_i].level));
  ck_assert(strncmp(l.level, line_cases[_i].level, l.level_len) == 0);
  ck_assert(strncmp(l.logger, line_cases[_i].logger, l.logger_len) == 0);
  ck_assert_msg(l.message_len == strlen(line_cases[_i].message) &&
                    strncmp(l.message, line_cases[_i].message, l.message_len) == 0,
                "message '%.*s'", (int)l.message_len, l.message);
  logline_free(&l);
}
END_TEST

START_TEST(continuation_and_huge_line) {
  LogLine l;
  logline_parse("Traceback (most recent call last):", 34, &l);
  ck_assert(l.continuation);
  logline_parse("    raise ValueError", 20, &l);
  ck_assert(l.continuation);
  size_t n = 3u << 20; /* 3 MB on one line */
  char *big = xmalloc(n + 1);
  memset(big, 'x', n);
  memcpy(big, "12:00:00 ", 9);
  big[n] = '\0';
  logline_parse(big, n, &l);
  ck_assert(l.time == 43200.0);
  ck_assert_uint_eq(l.message_len, n - 9);
  free(big);
  /* found by fuzz_logline: a prefix of "Traceback (" at the end of a buffer
   * with no NUL after it was read past its end (ASan reports it) */
  char *cut = xmalloc(8);
  memcpy(cut, "Tracebac", 8);
  logline_parse(cut, 8, &l);
  ck_assert(!l.continuation);
  ck_assert_uint_eq(l.message_len, 8);
  free(cut);
}
END_TEST

/* A project and a log with known answers. */
static const char *const project_code =
    "import asyncio, logging, httpx\n"
    "log = logging.getLogger(__name__)\n"
    "async def one(client: httpx.AsyncClient, u):\n"
    "    r = await client.get(u)\n"
    "    log.info('fetched %s', u)\n"
    "    return r\n"
    "async def crawl(client: httpx.AsyncClient, urls):\n"
    "    log.info('crawling %d urls', len(urls))\n"
    "    return await asyncio.gather(*[one(client, u) for u in urls])\n";

/* The crawl project's index, and a new log file at `path` (a mkstemp
 * template) open for writing. */
static FILE *crawl_log(Facts *f, Index *ix, char *path) {
  test_facts_in("crawl.py", "crawl", false, project_code, f);
  index_build(ix, f, 1, NULL);
  int fd = mkstemp(path);
  ck_assert_int_ge(fd, 0);
  FILE *log = fdopen(fd, "w");
  ck_assert_ptr_nonnull(log);
  return log;
}

START_TEST(phases_from_a_log) {
  Facts f;
  Index ix;
  char path[] = "/tmp/fanout-timeline-XXXXXX";
  FILE *log = crawl_log(&f, &ix, path);
  fprintf(log, "2026-11-25 10:00:00,000 INFO crawl: Starting fetch phase\n");
  fprintf(log, "2026-11-25 10:00:00,000 INFO crawl: crawling 6 urls\n");
  const double at[] = {0.10, 0.20, 0.30, 0.40, 0.50, 3.50}; /* one slow straggler */
  for (int i = 0; i < 6; i++)
    fprintf(log, "2026-11-25 10:00:%02d,%03d INFO crawl: fetched https://x/%d\n", (int)at[i],
            (int)((at[i] - (int)at[i]) * 1000 + 0.5), i);
  fprintf(log, "Traceback (most recent call last):\n  File \"x\", line 1\n");
  for (int i = 0; i < 4; i++)
    fprintf(log, "2026-11-25 10:00:02,%03d WARNING crawl: rate limited (429), retrying\n", i * 100);
  fprintf(log, "2026-11-25 10:00:04,000 INFO crawl: Finished fetch phase in 4.0s\n");
  fclose(log);
  FILE *rss = fopen("/tmp/fanout-timeline-rss", "w");
  double base = logline_epoch(2026, 11, 25, 10, 0, 0);
  fprintf(rss, "%.1f 1000\n%.1f 5000\n%.1f 2000\n%.1f 9000\n", base + 0.5, base + 1.0, base + 2.0,
          base + 10.0);
  fclose(rss);
  Timeline t = {0};
  Diags d = {0};
  ck_assert(timeline_rss(&t, "/tmp/fanout-timeline-rss", &d));
  ck_assert(timeline_read(&ix, path, &t, &d));
  ck_assert_uint_eq(t.lines, 15);
  ck_assert_uint_eq(t.records, 13); /* the traceback folded into its record */
  ck_assert_uint_eq(t.phases.len, 2);
  const Phase *marker = &t.phases.items[0], *orch = &t.phases.items[1];
  ck_assert(marker->marker);
  ck_assert_str_eq(marker->name, "fetch");
  ck_assert(fabs(marker->end - marker->start - 4.0) < 1e-6);
  ck_assert(!orch->marker);
  ck_assert_str_eq(orch->name, "crawl.py:crawl");
  ck_assert_uint_eq(orch->lines, 7);
  ck_assert_uint_eq(orch->tasks, 6);
  ck_assert(fabs(orch->gap_max - 3.0) < 1e-3);
  ck_assert(fabs(orch->gap_p50 - 0.1) < 1e-3);
  ck_assert(orch->tail > 1.0); /* the straggler */
  ck_assert_uint_eq(orch->retries, 4);
  ck_assert_uint_eq(marker->retries, 4);
  ck_assert_uint_eq(t.waves.len, 1);
  ck_assert_uint_eq(t.waves.items[0].count, 4);
  ck_assert(fabs(marker->peak_rss_kb - 5000) < 1e-6); /* the 9000 sample is after the phase */
  ck_assert(fabs(marker->rss_step_kb - 4000) < 1e-6);
  timeline_free(&t);
  diags_free(&d);
  remove(path);
  remove("/tmp/fanout-timeline-rss");
  index_free(&ix);
  facts_free(&f);
}
END_TEST

/* A log larger than timeline_read's blocks, with a line longer than a block:
 * read in blocks on threads, it gives what feeding it line by line gives. */
START_TEST(blocks_equal_lines) {
  Facts f;
  Index ix;
  char path[] = "/tmp/fanout-blocks-XXXXXX";
  FILE *log = crawl_log(&f, &ix, path);
  for (int run = 0; run < 40; run++) {
    int h = 10 + run / 6, m = (run % 6) * 10;
    fprintf(log, "2026-11-25 %02d:%02d:00,000 INFO crawl: Starting fetch phase\n", h, m);
    fprintf(log, "2026-11-25 %02d:%02d:00,000 INFO crawl: crawling 3000 urls\n", h, m);
    for (int i = 0; i < 3000; i++) {
      fprintf(log, "2026-11-25 %02d:%02d:%02d,%03d INFO crawl: fetched https://x/%d\n", h, m,
              i / 100, i % 1000, i);
      if (i % 700 == 0)
        fprintf(log, "2026-11-25 %02d:%02d:%02d,%03d WARNING crawl: rate limited, retrying\n", h, m,
                i / 100, i % 1000);
      if (i % 1500 == 1) fprintf(log, "Traceback (most recent call last):\n  File \"x\"\n");
    }
    if (run == 20) { /* one line of 9 MB */
      fprintf(log, "2026-11-25 %02d:%02d:40,000 INFO crawl: fetched https://x/", h, m);
      for (int i = 0; i < 9 << 20; i++) fputc('y', log);
      fputc('\n', log);
    }
    fprintf(log, "2026-11-25 %02d:%02d:45,000 INFO crawl: Finished fetch phase\n", h, m);
  }
  fprintf(log, "2026-11-25 18:00:00,000 INFO crawl: fetched https://x/last"); /* no newline */
  fclose(log);
  Timeline a = {0}, b = {0};
  Diags d = {0};
  ck_assert(timeline_read(&ix, path, &a, &d));
  TimelineReader *tr = timeline_begin(&ix, &b);
  FILE *in = fopen(path, "r");
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  while ((len = getline(&line, &cap, in)) >= 0) timeline_feed(tr, line, (size_t)len);
  free(line);
  fclose(in);
  timeline_end(tr);
  ck_assert_uint_eq(a.lines, b.lines);
  ck_assert_uint_eq(a.records, b.records);
  ck_assert_uint_eq(a.matched, b.matched);
  ck_assert_uint_eq(a.phases.len, b.phases.len);
  ck_assert_uint_ge(a.phases.len, 80);
  for (uint32_t i = 0; i < a.phases.len; i++) {
    const Phase *x = &a.phases.items[i], *y = &b.phases.items[i];
    ck_assert_str_eq(x->name, y->name);
    ck_assert_uint_eq(x->lines, y->lines);
    ck_assert_uint_eq(x->tasks, y->tasks);
    ck_assert_uint_eq(x->retries, y->retries);
    ck_assert_uint_eq(x->errors, y->errors);
    ck_assert(x->start == y->start && x->end == y->end && x->gap_p95 == y->gap_p95);
  }
  ck_assert_uint_eq(a.waves.len, b.waves.len);
  timeline_free(&a);
  timeline_free(&b);
  diags_free(&d);
  remove(path);
  index_free(&ix);
  facts_free(&f);
}
END_TEST

static int cmp_double_desc(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x > y ? -1 : x < y;
}

/* A log of many runs keeps the TIMELINE_KEPT longest occurrences, in order
 * of start, and every occurrence's sums in its group; RSS read before the
 * log reaches each phase as it closes; a non-ASCII line still matches. */
START_TEST(many_runs_keep_the_longest) {
  Facts f;
  Index ix;
  char path[] = "/tmp/fanout-runs-XXXXXX";
  FILE *log = crawl_log(&f, &ix, path);
  enum { RUNS = 2500 };
  static double durations[RUNS];
  double sum = 0;
  FILE *rss = fopen("/tmp/fanout-runs-rss", "w");
  ck_assert_ptr_nonnull(rss);
  double base = logline_epoch(2026, 11, 25, 0, 0, 0);
  for (int i = 0; i < RUNS; i++) {
    int at = i * 20;                               /* seconds into the day */
    int ms = (int)((unsigned)(i * 7919) % 15000u); /* 0 .. 14.999 s, most of them distinct */
    durations[i] = ms / 1000.0;
    sum += durations[i];
    int end = at * 1000 + ms;
    fprintf(log, "2026-11-25 %02d:%02d:%02d,000 INFO crawl: Starting load phase\n", at / 3600,
            at / 60 % 60, at % 60);
    fprintf(log, "2026-11-25 %02d:%02d:%02d,%03d INFO crawl: Finished load phase\n", end / 3600000,
            end / 60000 % 60, end / 1000 % 60, end % 1000);
    fprintf(rss, "%.3f %d\n", base + at + 1, 1000 + i);
  }
  fprintf(log, "2026-11-25 23:00:00,000 INFO crawl: fetched https://x/\xc3\xa9t\xc3\xa9\n");
  fclose(log);
  fclose(rss);
  Timeline t = {0};
  Diags d = {0};
  ck_assert(timeline_rss(&t, "/tmp/fanout-runs-rss", &d));
  ck_assert(timeline_read(&ix, path, &t, &d));
  ck_assert_uint_eq(t.matched, 1); /* the line with é */
  ck_assert_uint_eq(t.phases_total, RUNS + 1);
  ck_assert_uint_eq(t.phases.len, TIMELINE_KEPT);
  ck_assert_uint_eq(t.groups.len, 2);
  const PhaseGroup *g = &t.groups.items[0];
  ck_assert_str_eq(g->name, "load");
  ck_assert_uint_eq(g->count, RUNS);
  ck_assert(fabs(g->total - sum) < 1e-6 * RUNS);
  qsort(durations, RUNS, sizeof(double), cmp_double_desc);
  ck_assert(fabs(g->longest.end - g->longest.start - durations[0]) < 1e-6);
  ck_assert(fabs(g->p50 - (durations[RUNS / 2 - 1] + durations[RUNS / 2]) / 2) < 1e-6);
  double shortest_kept = 1e9;
  for (uint32_t i = 0; i < t.phases.len; i++) {
    const Phase *p = &t.phases.items[i];
    if (!p->marker) continue;
    if (p->end - p->start < shortest_kept) shortest_kept = p->end - p->start;
    if (i) ck_assert(t.phases.items[i - 1].start <= p->start);
    /* the sample a second after the start is the phase's, when it lasts that long */
    if (p->end - p->start >= 1.0) ck_assert(p->peak_rss_kb >= 1000);
  }
  /* the kept ones are the longest: no dropped one is longer */
  ck_assert(shortest_kept >= durations[TIMELINE_KEPT - 1] - 1e-6);
  ck_assert(g->peak_rss_kb >= 1000 + RUNS - 10);
  timeline_free(&t);
  diags_free(&d);
  remove(path);
  remove("/tmp/fanout-runs-rss");
  index_free(&ix);
  facts_free(&f);
}
END_TEST

/* Whether `pat` occurs in text, ASCII case ignored: the slow way. */
static bool occurs(const char *text, size_t n, const char *pat, size_t m) {
  for (size_t i = 0; m && i + m <= n; i++)
    if (strncasecmp(text + i, pat, m) == 0) return true;
  return false;
}

START_TEST(multimatch_finds_what_a_search_finds) {
  /* overlapping, nested, repeated, suffix-of-another and empty patterns */
  const char *pats[] = {"he", "she", "his", "hers", "retr", "Retry", "he", "", "s", "429", "a b"};
  size_t lens[sizeof pats / sizeof *pats];
  uint32_t n = sizeof pats / sizeof *pats;
  for (uint32_t i = 0; i < n; i++) lens[i] = strlen(pats[i]);
  MultiMatch *m = multimatch_new(pats, lens, n, 1u << 20);
  ck_assert_ptr_nonnull(m);
  const char alphabet[] = "hersiHERtyab 429";
  uint64_t x = 42;
  for (int round = 0; round < 2000; round++) {
    char text[40];
    size_t len = (size_t)(round % 40);
    for (size_t i = 0; i < len; i++) {
      x = x * 6364136223846793005ull + 1442695040888963407ull;
      text[i] = alphabet[(x >> 33) % (sizeof alphabet - 1)];
    }
    uint64_t found = 0;
    multimatch_scan(m, text, len, &found);
    for (uint32_t i = 0; i < n; i++)
      ck_assert_msg(!!(found >> i & 1) == occurs(text, len, pats[i], lens[i]),
                    "pattern '%s' in '%.*s'", pats[i], (int)len, text);
  }
  multimatch_free(m);
  ck_assert_ptr_null(multimatch_new(pats, lens, n, 16)); /* over its table budget */
}
END_TEST

/* The built-in library lines load without a complaint (each example fits its
 * pattern: liblines_load checks), and say what their libraries mean. */
START_TEST(library_lines_mean_what_they_say) {
  LibLines ll;
  Diags d = {0};
  ck_assert(liblines_load(&ll, NULL, NULL, &d));
  ck_assert_uint_eq(d.len, 0);
  ck_assert_uint_ge(ll.len, 10);
  pcre2_match_data *md = pcre2_match_data_create(16, NULL);
  LibMatch m;
  const char *req =
      "HTTP Request: POST http://127.0.0.1:8080/embed \"HTTP/1.1 429 Too Many Requests\"";
  ck_assert(liblines_match(&ll, md, "httpx", 5, req, strlen(req), NULL, 0, &m));
  ck_assert_int_eq(m.event, LIB_REQUEST);
  ck_assert_int_eq(m.status, 429);
  ck_assert_int_eq((int)m.method_len, 4);
  ck_assert(strncmp(m.url, "http://127.0.0.1:8080/embed", m.url_len) == 0);
  /* the same words from another logger are not httpx's line */
  ck_assert(!liblines_match(&ll, md, "pipeline.embed", 14, req, strlen(req), NULL, 0, &m));
  const char *retry = "Retrying app.embed.Embedder.embed_batch in 2.0 seconds as it raised "
                      "HTTPStatusError: Client error '429 Too Many Requests'";
  ck_assert(liblines_match(&ll, md, "", 0, retry, strlen(retry), NULL, 0, &m));
  ck_assert_int_eq(m.event, LIB_RETRY);
  ck_assert(fabs(m.delay - 2.0) < 1e-9);
  ck_assert(strncmp(m.target, "app.embed.Embedder.embed_batch", m.target_len) == 0);
  const char *sdk = "Retrying request to /chat/completions in 0.837000 seconds";
  ck_assert(liblines_match(&ll, md, "openai._base_client", 19, sdk, strlen(sdk), NULL, 0, &m));
  ck_assert_int_eq(m.event, LIB_RETRY);
  ck_assert(fabs(m.delay - 0.837) < 1e-9);
  const char *slow = "Executing <Task finished name='Task-2' coro=<Worker.work() done, defined at "
                     "/srv/app/work.py:12> result=None created at /usr/lib/python3.11/asyncio/"
                     "tasks.py:670> took 0.200 seconds";
  ck_assert(liblines_match(&ll, md, "asyncio", 7, slow, strlen(slow), NULL, 0, &m));
  ck_assert_int_eq(m.event, LIB_STALL);
  ck_assert(fabs(m.delay - 0.2) < 1e-9);
  ck_assert(strncmp(m.target, "Worker.work", m.target_len) == 0 && m.target_len == 11);
  const char *own = "retrying the crawl of https://x in 2 seconds";
  ck_assert(!liblines_match(&ll, md, "", 0, own, strlen(own), NULL, 0, &m));
  pcre2_match_data_free(md);
  liblines_free(&ll);
  /* a bad entry is named by its line */
  ck_assert(!liblines_load(&ll, "x.spec",
                           "line a.b\n  logger x\n  anchor GET\n  event request\n  pattern ^POST\n"
                           "  example GET /\n",
                           &d));
  ck_assert_uint_eq(d.len, 1);
  ck_assert_uint_eq(d.items[0].line, 1);
  liblines_free(&ll);
  diags_free(&d);
  /* an entry needs a name and the library it stands for */
  static const char *const incomplete[][2] = {
      {"line a.b\n  logger x\n  anchor GET\n  event request\n  pattern ^GET\n  example GET /\n",
       "line a.b: no `library`"},
      {"line\n  library x\n  logger x\n  anchor GET\n  event request\n  pattern ^GET\n"
       "  example GET /\n",
       "line : no `name`"},
  };
  for (size_t i = 0; i < 2; i++) {
    ck_assert(!liblines_load(&ll, "x.spec", incomplete[i][0], &d));
    ck_assert_uint_eq(d.len, 1);
    ck_assert_str_eq(d.items[0].message, incomplete[i][1]);
    liblines_free(&ll);
    diags_free(&d);
  }
}
END_TEST

/* An embedding phase as httpx and tenacity log it: 20 requests land within a
 * second, one 44 s later, then the phase's own end line; each retry is one
 * `Retrying` line (and its untimed continuation), tied to the decorated
 * method by the name tenacity prints. */
static const char *const embed_code =
    "import asyncio, logging, httpx\n"
    "from tenacity import retry, wait_fixed, before_sleep_log\n"
    "log = logging.getLogger(__name__)\n"
    "class Embedder:\n"
    "    def __init__(self):\n"
    "        self.http = httpx.AsyncClient(timeout=None)\n"
    "    @retry(wait=wait_fixed(2), before_sleep=before_sleep_log(log, logging.WARNING))\n"
    "    async def embed_batch(self, texts):\n"
    "        r = await self.http.post('/embed', json=texts)\n"
    "        r.raise_for_status()\n"
    "        return r.json()\n"
    "    async def embed_all(self, batches):\n"
    "        log.info('embedding %d batches', len(batches))\n"
    "        out = await asyncio.gather(*[self.embed_batch(b) for b in batches])\n"
    "        log.info('embedded %d batches', len(out))\n"
    "        return out\n";

START_TEST(library_lines_make_the_phase) {
  Facts f;
  Index ix;
  test_facts_in("app/embed.py", "app.embed", false, embed_code, &f);
  index_build(&ix, &f, 1, NULL);
  char path[] = "/tmp/fanout-timeline-XXXXXX";
  int fd = mkstemp(path);
  ck_assert_int_ge(fd, 0);
  FILE *log = fdopen(fd, "w");
  fprintf(log, "2026-12-01 10:00:00,000 INFO app.embed: embedding 21 batches\n");
  for (int i = 0; i < 20; i++)
    fprintf(log,
            "2026-12-01 10:00:00,%03d INFO httpx: HTTP Request: POST http://127.0.0.1:8080/embed "
            "\"HTTP/1.1 %s\"\n",
            40 * i + 10, i < 3 ? "429 Too Many Requests" : "200 OK");
  for (int i = 0; i < 3; i++)
    fprintf(
        log,
        "2026-12-01 10:00:00,%03d WARNING app.embed: Retrying app.embed.Embedder.embed_batch in "
        "2.0 seconds as it raised HTTPStatusError: Client error '429 Too Many Requests' for url "
        "'http://127.0.0.1:8080/embed'\nFor more information check: "
        "https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/429\n",
        40 * i + 20);
  fprintf(log, "2026-12-01 10:00:44,900 INFO httpx: HTTP Request: POST "
               "http://127.0.0.1:8080/embed \"HTTP/1.1 200 OK\"\n");
  fprintf(log, "2026-12-01 10:00:45,000 INFO app.embed: embedded 21 batches\n");
  fclose(log);
  Timeline t = {0};
  Diags d = {0};
  ck_assert(timeline_read(&ix, path, &t, &d));
  ck_assert_uint_eq(t.records, 26); /* the continuations folded into their records */
  ck_assert_uint_eq(t.library_lines, 24);
  ck_assert_uint_eq(t.requests, 21);
  ck_assert_uint_eq(t.retries, 3);    /* not the 429 lines, not the continuations */
  ck_assert_uint_eq(t.phases.len, 1); /* no quiet gap cuts the phase */
  const Phase *p = &t.phases.items[0];
  ck_assert_str_eq(p->name, "app/embed.py:Embedder.embed_all");
  ck_assert(fabs(p->end - p->start - 45.0) < 1e-6);
  ck_assert_uint_eq(p->requests, 21);
  ck_assert_uint_eq(p->rejected, 3);
  ck_assert_uint_eq(p->retries, 3);
  ck_assert(fabs(p->slept - 6.0) < 1e-9);
  ck_assert(p->tail > 40.0); /* the straggler */
  ck_assert(phase_long_tail(p));
  ck_assert_uint_eq(t.ties.len, 1);
  const RetryTie *tie = &t.ties.items[0];
  ck_assert_int_ge(tie->def.def, 0);
  ck_assert_str_eq(ix.files[0].defs.items[tie->def.def].name, "embed_batch");
  ck_assert_uint_eq(tie->retries, 3);
  ck_assert(fabs(tie->slept - 6.0) < 1e-9);
  timeline_free(&t);
  diags_free(&d);
  remove(path);
  index_free(&ix);
  facts_free(&f);
}
END_TEST

/* tenacity's three retry lines (after, before_sleep, before) of one retry
 * count once; a project that turns on only `after` still has its retries. */
START_TEST(one_retry_many_lines) {
  Facts f;
  Index ix;
  test_facts_in("app/embed.py", "app.embed", false, embed_code, &f);
  index_build(&ix, &f, 1, NULL);
  for (int only_after = 0; only_after < 2; only_after++) {
    char path[] = "/tmp/fanout-timeline-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    FILE *log = fdopen(fd, "w");
    const char *fn = "app.embed.Embedder.embed_batch";
    const char *nth[] = {"1st", "2nd", "3rd", "4th"};
    fprintf(log, "2026-12-01 10:00:00,000 INFO app.embed: embedding 1 batches\n");
    for (int a = 0; a < 4; a++) {
      if (!only_after)
        fprintf(log,
                "2026-12-01 10:00:0%d,000 DEBUG app.embed: Starting call to '%s', this is the %s "
                "time calling it.\n",
                2 * a, fn, nth[a]);
      if (a == 3) break; /* the 4th attempt succeeds */
      fprintf(log,
              "2026-12-01 10:00:0%d,100 WARNING app.embed: Finished call to '%s' after 0.100(s), "
              "this was the %s time calling it.\n",
              2 * a, fn, nth[a]);
      if (!only_after)
        fprintf(log,
                "2026-12-01 10:00:0%d,100 WARNING app.embed: Retrying %s in 2.0 seconds as it "
                "raised ReadTimeout: timed out.\n",
                2 * a, fn);
    }
    fclose(log);
    Timeline t = {0};
    Diags d = {0};
    ck_assert(timeline_read(&ix, path, &t, &d));
    ck_assert_uint_eq(t.retries, 3);
    ck_assert_uint_eq(t.ties.len, 1);
    ck_assert_uint_eq(t.ties.items[0].retries, 3);
    ck_assert_uint_eq(t.phases.len, 1);
    ck_assert_uint_eq(t.phases.items[0].retries, 3);
    timeline_free(&t);
    diags_free(&d);
    remove(path);
  }
  index_free(&ix);
  facts_free(&f);
}
END_TEST

/* A time-only log that passes midnight goes on to the next day, and a line
 * stamped before the one above it does not turn time back: no phase has a
 * negative duration. */
START_TEST(clock_past_midnight_and_backwards) {
  Facts f;
  Index ix;
  char path[] = "/tmp/fanout-timeline-XXXXXX";
  FILE *log = crawl_log(&f, &ix, path);
  fprintf(log, "23:59:59,000 INFO crawl: crawling 3 urls\n");
  fprintf(log, "23:59:59,500 INFO crawl: fetched https://x/0\n");
  fprintf(log, "00:00:01,000 INFO crawl: fetched https://x/1\n");
  fprintf(log, "00:00:00,900 INFO crawl: fetched https://x/2\n"); /* a thread's earlier stamp */
  fclose(log);
  Timeline t = {0};
  Diags d = {0};
  ck_assert(timeline_read(&ix, path, &t, &d));
  ck_assert_uint_eq(t.phases.len, 1);
  const Phase *p = &t.phases.items[0];
  ck_assert(fabs(p->end - p->start - 2.0) < 1e-6);
  ck_assert(t.last - t.first > 1.9 && t.last - t.first < 2.1);
  ck_assert(p->gap_max >= 0);
  timeline_free(&t);
  diags_free(&d);
  remove(path);
  index_free(&ix);
  facts_free(&f);
}
END_TEST

Suite *timeline_suite(void) {
  Suite *s = suite_create("timeline");
  TCase *tc = tcase_create("core");
  tcase_set_timeout(tc, 120); /* a 20 MB log under sanitizers and valgrind */
  tcase_add_loop_test(tc, log_lines, 0, sizeof line_cases / sizeof *line_cases);
  tcase_add_test(tc, continuation_and_huge_line);
  tcase_add_test(tc, phases_from_a_log);
  tcase_add_test(tc, library_lines_mean_what_they_say);
  tcase_add_test(tc, library_lines_make_the_phase);
  tcase_add_test(tc, one_retry_many_lines);
  tcase_add_test(tc, clock_past_midnight_and_backwards);
  tcase_add_test(tc, multimatch_finds_what_a_search_finds);
  tcase_add_test(tc, blocks_equal_lines);
  tcase_add_test(tc, many_runs_keep_the_longest);
  suite_add_tcase(s, tc);
  return s;
}
