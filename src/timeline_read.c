/* timeline_read: a log file read into a timeline: blocks of whole lines
 * classified on every core while this thread applies the block before in
 * log order; RSS samples; and `--follow`, which tails a growing file (a
 * rewritten or truncated one is noticed by its first bytes). */
#define _GNU_SOURCE
#include <pthread.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "timeline_reader.h"

#include "logline.h"

/* timeline_read takes the log in blocks of whole lines. Each block is cut
 * into parts that the cores split into lines and classify, while this thread
 * applies the block before (in log order) and reads the next one, then
 * helps. Memory stays at two blocks and their classes, whatever the log's
 * size. */
#define BLOCK_BYTES (8u << 20)
#define PARTS 64
#define THREADS_MAX 8

typedef struct {
  const Reader *r;
  const char *buf;
  size_t from, to; /* whole lines of buf */
  Array(LineClass) classes;
} Part;

typedef struct {
  Part *parts;
  uint32_t n, next;
  pthread_mutex_t lock;
} Block;

/* Take parts of the block until none is left. */
static void *classify_block(void *arg) {
  Block *b = arg;
  pcre2_match_data *md = pcre2_match_data_create(8, NULL);
  uint64_t *found = NULL;
  for (;;) {
    pthread_mutex_lock(&b->lock);
    uint32_t k = b->next < b->n ? b->next++ : b->n;
    pthread_mutex_unlock(&b->lock);
    if (k >= b->n) break;
    Part *p = &b->parts[k];
    if (!found) found = xcalloc(p->r->words + 1, sizeof(uint64_t));
    p->classes.len = 0;
    for (size_t at = p->from; at < p->to;) {
      const char *nl = memchr(p->buf + at, '\n', p->to - at);
      size_t end = nl ? (size_t)(nl - p->buf) + 1 : p->to;
      array_reserve(&p->classes, p->classes.len + 1);
      timeline__classify(p->r, md, found, p->buf + at, end - at,
                         &p->classes.items[p->classes.len++]);
      at = end;
    }
  }
  free(found);
  pcre2_match_data_free(md);
  return NULL;
}

static void apply_parts(Reader *r, Part *parts, uint32_t n) {
  for (uint32_t k = 0; k < n; k++)
    for (uint32_t i = 0; i < parts[k].classes.len; i++) {
      timeline__apply(r, &parts[k].classes.items[i]);
      timeline__lineclass_free(&parts[k].classes.items[i]);
    }
}

/* Read into buf[at..cap); sets *eof when the file has no more. */
static size_t read_more(FILE *f, char *buf, size_t at, size_t cap, bool *eof) {
  size_t got = cap > at ? fread(buf + at, 1, cap - at, f) : 0;
  if (got < cap - at) *eof = true;
  return got;
}

/* One warning per log call whose template was given up. */
static void gave_up_diags(const Timeline *t, Diags *diags) {
  for (uint32_t i = 0; i < t->gave_up.len; i++)
    diags_add(diags, DIAG_WARNING, t->gave_up.items[i], 0,
              "a log line made this call's template backtrack past the match limit; it was not "
              "matched after that line");
}

/* Cut buf[0..used) (whole lines) into at most PARTS parts of whole lines,
 * of about equal size. Returns how many. */
static uint32_t cut_parts(const Reader *r, const char *buf, size_t used, Part *p) {
  uint32_t n = 0;
  for (size_t from = 0; from < used && n < PARTS; n++) {
    size_t to = n + 1 == PARTS ? used : from + (used - from) / (PARTS - n);
    if (to < used) {
      const char *nl = memchr(buf + to, '\n', used - to);
      to = nl ? (size_t)(nl - buf) + 1 : used;
    }
    p[n].r = r;
    p[n].buf = buf;
    p[n].from = from;
    p[n].to = to;
    from = to;
  }
  return n;
}

/* Double-buffered: while the threads (at most THREADS_MAX, this one helping) classify a block of
 * whole lines, this thread applies the block before in order and reads the next. A line longer than
 * TIMELINE_LINE_MAX is cut there and the rest counted, not kept. */
bool timeline_read(const Index *ix, const char *log_path, Timeline *t, Diags *diags) {
  FILE *f = fopen(log_path, "r");
  if (!f) {
    diags_add(diags, DIAG_ERROR, log_path, 0, "cannot read the log");
    return false;
  }
  TimelineReader *tr = timeline_begin(ix, t);
  uint32_t jobs = cpu_count();
  if (jobs > THREADS_MAX) jobs = THREADS_MAX;
  char *bufs[2] = {xmalloc(BLOCK_BYTES), xmalloc(BLOCK_BYTES)};
  size_t caps[2] = {BLOCK_BYTES, BLOCK_BYTES};
  Part parts[2][PARTS];
  memset(parts, 0, sizeof parts);
  uint32_t nparts[2] = {0, 0};
  Block block = {NULL, 0, 0, PTHREAD_MUTEX_INITIALIZER};
  bool eof = false, skip = false;
  int cur = 0;
  size_t have = read_more(f, bufs[0], 0, caps[0], &eof);
  while (have > 0) {
    char *buf = bufs[cur];
    if (skip) { /* the rest of a line past TIMELINE_LINE_MAX: counted, not kept */
      const char *nl = memchr(buf, '\n', have);
      size_t drop = nl ? (size_t)(nl - buf) + 1 : have;
      t->cut_bytes += drop;
      memmove(buf, buf + drop, have - drop);
      have -= drop;
      skip = !nl;
      if (!have && !eof) have = read_more(f, buf, 0, caps[cur], &eof);
      continue;
    }
    size_t used = have;
    if (!eof) {
      const char *nl = memrchr(buf, '\n', have);
      if (!nl && have >= TIMELINE_LINE_MAX) { /* a line this long: its start is the record */
        buf[TIMELINE_LINE_MAX - 1] = '\n';
        t->cut_lines++;
        skip = true;
        nl = buf + TIMELINE_LINE_MAX - 1;
      } else if (!nl) { /* a line longer than the buffer: grow it, up to TIMELINE_LINE_MAX */
        if (have == caps[cur]) bufs[cur] = xrealloc(buf, caps[cur] *= 2);
        have += read_more(f, bufs[cur], have, caps[cur], &eof);
        continue;
      }
      used = (size_t)(nl - buf) + 1;
    }
    Part *p = parts[cur];
    uint32_t n = cut_parts(&tr->r, buf, used, p);
    block.parts = p;
    block.n = n;
    block.next = 0;
    pthread_t threads[THREADS_MAX];
    uint32_t started = 0;
    for (; started + 1 < jobs; started++)
      if (pthread_create(&threads[started], NULL, classify_block, &block) != 0) break;
    /* meanwhile: the block before, and the next one; then help */
    int other = cur ^ 1;
    apply_parts(&tr->r, parts[other], nparts[other]);
    nparts[other] = 0;
    size_t tail = have - used;
    if (caps[other] < tail + BLOCK_BYTES / 2)
      bufs[other] = xrealloc(bufs[other], caps[other] = tail + BLOCK_BYTES);
    memcpy(bufs[other], buf + used, tail);
    size_t next = tail + (eof ? 0 : read_more(f, bufs[other], tail, caps[other], &eof));
    classify_block(&block);
    for (uint32_t k = 0; k < started; k++) pthread_join(threads[k], NULL);
    nparts[cur] = n;
    cur = other;
    have = next;
  }
  apply_parts(&tr->r, parts[cur ^ 1], nparts[cur ^ 1]);
  pthread_mutex_destroy(&block.lock);
  for (int b = 0; b < 2; b++) {
    for (uint32_t k = 0; k < PARTS; k++) array_free(&parts[b][k].classes);
    free(bufs[b]);
  }
  fclose(f);
  timeline_end(tr);
  gave_up_diags(t, diags);
  return true;
}

static int cmp_sample(const void *a, const void *b) {
  const RssSample *x = a, *y = b;
  return x->time < y->time ? -1 : x->time > y->time;
}

/* Take one line of an RSS file (`EPOCH KB`, or `VmRSS: N kB` after a
 * timestamp); *time carries the last timestamp seen to the next line. */
static void rss_line(Timeline *t, const char *line, size_t len, double *time) {
  LogLine l;
  logline_parse(line, len, &l);
  const char *rest = l.message;
  char *end;
  if (l.time >= 0)
    *time = l.time;
  else { /* "EPOCH KB" */
    double v = strtod(line, &end);
    if (end != line && v > 1e8) *time = v, rest = end;
  }
  const char *vm = strstr(rest, "VmRSS:");
  double kb = strtod(vm ? vm + 6 : rest, &end);
  logline_free(&l);
  if (end == (vm ? vm + 6 : rest) || *time < 0 || kb <= 0) return;
  t->rss_samples++;
  if (kb > t->peak_rss_kb) t->peak_rss_kb = kb;
  RssSample sample = {*time, kb};
  array_push(&t->rss, sample);
}

/* All samples are in: time order, and the thinned copy for drawing. */
static void rss_done(Timeline *t) {
  bool sorted = true;
  for (uint32_t i = 1; i < t->rss.len && sorted; i++)
    sorted = t->rss.items[i - 1].time <= t->rss.items[i].time;
  if (!sorted) qsort(t->rss.items, t->rss.len, sizeof(RssSample), cmp_sample);
  /* for drawing: the larger of each 2^k samples, fewer than 4000 */
  uint32_t step = 1;
  while (t->rss.len / step >= 4000) step *= 2;
  t->samples.len = 0;
  for (uint32_t i = 0; i < t->rss.len; i += step) {
    RssSample a = t->rss.items[i];
    for (uint32_t k = i + 1; k < i + step && k < t->rss.len; k++)
      if (t->rss.items[k].kb > a.kb) a.kb = t->rss.items[k].kb;
    array_push(&t->samples, a);
  }
}

bool timeline_rss(Timeline *t, const char *rss_path, Diags *diags) {
  FILE *f = fopen(rss_path, "r");
  if (!f) {
    diags_add(diags, DIAG_ERROR, rss_path, 0, "cannot read the RSS samples");
    return false;
  }
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  double time = -1;
  while ((len = getline(&line, &cap, f)) >= 0) rss_line(t, line, (size_t)len, &time);
  free(line);
  fclose(f);
  rss_done(t);
  return true;
}

void timeline_free(Timeline *t) {
  for (uint32_t i = 0; i < t->groups.len; i++) {
    free(t->groups.items[i].name);
    array_free(&t->groups.items[i].durations);
  }
  array_free(&t->groups);
  array_free(&t->phases);
  array_free(&t->waves);
  array_free(&t->rss);
  array_free(&t->samples);
  for (uint32_t i = 0; i < t->ties.len; i++)
    free(t->ties.items[i].name), free(t->ties.items[i].library);
  for (uint32_t i = 0; i < t->stalls.len; i++) free(t->stalls.items[i].name);
  array_free(&t->stalls);
  for (uint32_t i = 0; i < t->gave_up.len; i++) free(t->gave_up.items[i]);
  array_free(&t->gave_up);
  array_free(&t->ties);
}

/* A file followed as it grows: the complete lines it gained go to `take`; a
 * line its writer is still writing waits in `partial` for the rest. */
typedef struct {
  FILE *f;
  StrBuf partial;
  void (*take)(void *ctx, const char *line, size_t len);
  void *ctx;
} Tail;

static void drain(Tail *tl) {
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  while ((len = getline(&line, &cap, tl->f)) > 0) {
    sb_putn(&tl->partial, line, (size_t)len);
    if (line[len - 1] != '\n') break; /* the writer is mid-line: wait for the rest */
    tl->take(tl->ctx, tl->partial.s, tl->partial.len);
    tl->partial.len = 0;
  }
  clearerr(tl->f);
  free(line);
}

/* What drain leaves at the end: the last line, if it has no newline. */
static void drain_last(Tail *tl) {
  drain(tl);
  if (tl->partial.len) tl->take(tl->ctx, tl->partial.s, tl->partial.len);
  sb_free(&tl->partial);
  fclose(tl->f);
}

static void take_log_line(void *ctx, const char *line, size_t len) {
  timeline_feed(ctx, line, len);
}

typedef struct {
  Timeline *t;
  double time; /* the last timestamp, for `VmRSS:` lines after one */
} RssTail;

static void take_rss_line(void *ctx, const char *line, size_t len) {
  RssTail *r = ctx;
  rss_line(r->t, line, len, &r->time);
}

/* Each poll drains the RSS samples, then the log; a rewrite is noticed by the file's first 64
 * bytes, a truncation by its size and a rotation by its inode, and reading starts over accordingly.
 * Then it sleeps poll_ms. */
bool timeline_follow(const Index *ix, const char *path, const char *rss_path, Timeline *t,
                     volatile int *stop, unsigned poll_ms,
                     void (*on_phase)(const Timeline *, const Phase *, void *), void *ctx,
                     Diags *diags) {
  FILE *f = fopen(path, "r");
  if (!f) {
    diags_add(diags, DIAG_ERROR, path, 0, "cannot read the log");
    return false;
  }
  FILE *rss = rss_path ? fopen(rss_path, "r") : NULL;
  if (rss_path && !rss) {
    diags_add(diags, DIAG_ERROR, rss_path, 0, "cannot read the RSS samples");
    fclose(f);
    return false;
  }
  RssTail rss_tail = {t, -1};
  Tail samples = {rss, {0}, take_rss_line, &rss_tail};
  struct stat st;
  fstat(fileno(f), &st);
  ino_t inode = st.st_ino;
  TimelineReader *tr = timeline_begin(ix, t);
  tr->r.on_phase = on_phase;
  tr->r.ctx = ctx;
  Tail log = {f, {0}, take_log_line, tr};
  struct timespec nap = {(time_t)(poll_ms / 1000), (long)(poll_ms % 1000) * 1000000L};
  /* The file's first bytes as read: a file truncated and written past the
   * old offset between two polls keeps its size growing, but not its head. */
  char head[64], now[64];
  size_t head_len = 0;
  while (!*stop) {
    if (rss) drain(&samples); /* samples first: phases take theirs as they close */
    drain(&log);
    int fd = fileno(log.f);
    if (head_len < sizeof head) {
      ssize_t got = pread(fd, head, sizeof head, 0);
      head_len = got > 0 ? (size_t)got : 0;
    } else if (pread(fd, now, head_len, 0) == (ssize_t)head_len && memcmp(now, head, head_len)) {
      fseek(log.f, 0, SEEK_SET); /* rewritten from the start: read it again */
      log.partial.len = 0;
      head_len = 0;
      continue;
    }
    if (stat(path, &st) == 0) {
      if (st.st_ino != inode) { /* rotated: the rest of the old file, then the new one */
        drain(&log);
        FILE *g = fopen(path, "r");
        if (g) {
          fclose(log.f);
          log.f = g;
          inode = st.st_ino;
          log.partial.len = 0;
          head_len = 0;
          continue;
        }
      } else if (st.st_size < ftell(log.f)) { /* truncated: from the start again */
        fseek(log.f, 0, SEEK_SET);
        log.partial.len = 0;
        head_len = 0;
        continue;
      }
    }
    nanosleep(&nap, NULL);
  }
  if (rss) drain_last(&samples);
  drain_last(&log);
  timeline_end(tr);
  gave_up_diags(t, diags);
  if (rss_path) rss_done(t);
  return true;
}
