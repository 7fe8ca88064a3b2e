/* timeline: a run's log (and RSS samples) read against the project: each
 * line mapped to its logging callsite and orchestrator, grouped into phases
 * with their durations, per-task spreads, retries, errors and memory. */
#ifndef FANOUT_TIMELINE_H
#define FANOUT_TIMELINE_H

#include <stdio.h>

#include "index.h"

typedef Array(double) Doubles;

#define TIMELINE_SAMPLE 16384

typedef struct {
  char *name; /* "search" for a Starting/Finished marker pair, else the orchestrator */
  bool marker;
  DefRef orchestrator;              /* def < 0 for marker phases */
  double start, end;                /* seconds, in the log's clock */
  uint32_t lines;                   /* records attributed to it */
  uint32_t tasks;                   /* per-task lines (logged by the fanned-out functions) */
  double gap_p50, gap_p95, gap_max; /* between per-task lines */
  double tail;                      /* the last per-task line after the 90th percentile one */
  uint32_t retries, errors;
  double peak_rss_kb, rss_step_kb; /* 0 without RSS samples */
  /* while open: a sample of per-task times and of the gaps between them
   * (all of them up to TIMELINE_SAMPLE, then a uniform reservoir), so memory
   * stays flat on logs of any size; counts and the maximum gap are exact. */
  Doubles task_times, task_gaps;
  double last_task;
  uint64_t seen_tasks, seen_gaps;
  bool open;
} Phase;

typedef struct {
  double time; /* the second the retries fell in */
  uint32_t count;
} RetryWave;

typedef struct {
  double time, kb;
} RssSample;

typedef struct {
  Array(Phase) phases;      /* in order of start */
  Array(RssSample) samples; /* for drawing; thinned to at most ~2000 */
  Array(RetryWave) waves;
  uint64_t lines, records, matched, untimed;
  double first, last; /* time span of the log; first < 0 when no timestamps */
  uint32_t rss_samples;
  double peak_rss_kb;
} Timeline;

/* Incremental reading, for logs that grow (`report --follow`): begin, feed
 * lines as they come, end. timeline_feed returns how many phases the line
 * closed. `t` is valid (phases so far) between calls. */
typedef struct TimelineReader TimelineReader;
TimelineReader *timeline_begin(const Index *ix, Timeline *t);
uint32_t timeline_feed(TimelineReader *tr, const char *line, size_t len);
/* Close what is open and free the reader. */
void timeline_end(TimelineReader *tr);

/* Read a log (streamed: one line at a time, any length) into `t`. Returns
 * false with a diagnostic when the file cannot be read. */
bool timeline_read(const Index *ix, const char *log_path, Timeline *t, Diags *diags);
/* Align RSS samples (`TIME KB` per line: epoch seconds or ISO 8601, or a
 * `VmRSS: N kB` line after a timestamp) to the phases. */
bool timeline_rss(Timeline *t, const char *rss_path, Diags *diags);
void timeline_free(Timeline *t);

/* Follow a growing log like `tail -F`: read what is there, then poll every
 * `poll_ms` for more. A truncated file is read again from its start; a
 * rotated one (a new file at the path) after the rest of the old. Incomplete
 * last lines wait for their newline. `on_phase` is called for each phase a
 * line closes. Returns when *stop becomes non-zero (t then holds the whole
 * run, closed), or false with a diagnostic when the log cannot be opened. */
bool timeline_follow(const Index *ix, const char *path, Timeline *t, volatile int *stop,
                     unsigned poll_ms,
                     void (*on_phase)(const Timeline *t, const Phase *p, void *ctx), void *ctx,
                     Diags *diags);

/* Percentile (0..100) of a sorted array. */
double timeline_percentile(const double *sorted, size_t n, double p);

#endif
