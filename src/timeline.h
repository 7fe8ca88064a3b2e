/* timeline: a run's log (and RSS samples) read against the project: each
 * line mapped to its logging callsite and orchestrator, grouped into phases
 * with their durations, per-task spreads, retries, errors and memory. */
#ifndef FANOUT_TIMELINE_H
#define FANOUT_TIMELINE_H

#include <stdio.h>

#include "index.h"

typedef Array(double) Doubles;

#define TIMELINE_SAMPLE 16384

/* One occurrence of a phase: an orchestrator's stretch of activity, or the
 * lines between a "Starting X" and a "Finished X" marker. An orchestrator's
 * occurrence starts at its first line or its tasks' first event and ends at
 * its last; a new one starts when the orchestrator logs an opening line (one
 * written before its fan-out) after its tasks ran, logs anything after its
 * closing line (one written after the fan-out), or after a sibling phase of
 * the same sequential driver ran. No quiet gap cuts a phase: a straggler
 * that lands a minute after the rest is the phase's, and its tail. */
typedef struct {
  const char *name; /* "search" for a marker pair, else the orchestrator (its group's) */
  bool marker;
  DefRef orchestrator;              /* def < 0 for marker phases */
  uint32_t group;                   /* Timeline.groups.items[group] */
  uint64_t seq;                     /* the order phases opened in */
  double start, end;                /* seconds, in the log's clock */
  uint32_t lines;                   /* records attributed to it */
  uint32_t tasks;                   /* task events: per-task lines and library request lines */
  uint32_t requests, rejected;      /* library request lines; those answered 429 or 5xx */
  double slept;                     /* seconds the retry lines in it announced */
  double stalled;                   /* seconds asyncio reported the loop blocked in it */
  bool ended;                       /* the orchestrator logged its closing line */
  char last_request[128];           /* the request line of its latest task event, if it was one:
                                       "POST http://host/embed 200" ("" otherwise) */
  double gap_p50, gap_p95, gap_max; /* between per-task lines */
  double tail;                      /* the last per-task line after the 90th percentile one */
  uint32_t retries, errors;
  double peak_rss_kb, rss_step_kb; /* 0 without RSS samples */
  double rss_climb_kb;             /* peak minus the first sample in it */
  /* while open: a sample of per-task times and of the gaps between them
   * (all of them up to TIMELINE_SAMPLE, then a uniform reservoir), so memory
   * stays flat on logs of any size; counts and the maximum gap are exact. */
  Doubles task_times, task_gaps;
  double last_task;
  uint64_t seen_tasks, seen_gaps;
  bool open;
} Phase;

/* Whether a closed phase's last task came long after most: five or more
 * tasks, and the last one 3x the p95 gap and a quarter of the phase after the
 * 90th percentile one (a straggler holding the phase). */
bool phase_long_tail(const Phase *p);

/* All occurrences of one phase (a log of many runs repeats each phase once
 * a run): what the run cost, summed. Exact but for p50/p95, which come from
 * a uniform sample of the durations beyond TIMELINE_SAMPLE occurrences. */
typedef struct {
  char *name;
  bool marker;
  DefRef orchestrator;
  uint32_t count;
  double total, p50, p95; /* durations, seconds */
  Phase longest;          /* the longest occurrence (closed) */
  uint64_t lines, tasks, retries, errors, requests, rejected;
  double slept;
  uint32_t long_tails;   /* occurrences with phase_long_tail */
  double long_tail_time; /* their durations, summed */
  double tail_lost;      /* what their last tasks held them after the 90th percentile, summed */
  Phase worst_tail;      /* the longest of them (when long_tails > 0) */
  double peak_rss_kb, rss_step_kb, rss_climb_kb; /* the largest of its occurrences' */
  Doubles durations; /* while reading: the sample p50 and p95 come from */
  uint64_t seen;
} PhaseGroup;

typedef struct {
  double second; /* the second the retries fell in */
  double time;   /* the first of them */
  uint32_t count;
  int32_t tie; /* Timeline.ties index of the function they all retried, -1: several or none */
} RetryWave;

typedef struct {
  double time, kb;
} RssSample;

/* The retries a library logged for one function it names (tenacity's
 * `Retrying mod.Class.method in 2.0 seconds`, backoff's `Backing off f(...)`). */
typedef struct {
  char *name;    /* as the line names it */
  DefRef def;    /* the project function, def < 0 when none is found */
  char *library; /* the liblines entry ("tenacity.before_sleep"), or "project" for
                    the function's own retry line */
  uint64_t retries, giveups;
  uint64_t seen[3]; /* retry lines by kind: announcing a wait, after a failed attempt, before
                       a new one; retries is the most of them (one retry, several lines) */
  double slept;     /* seconds the lines announced, summed over the calls that waited */
  double wall;      /* seconds of the run during which one of them was waiting */
  double pending;   /* (while reading) when the latest wait ends */
  double first, last;
} RetryTie;

/* The loop stalls asyncio's debug mode reported in the tasks of one
 * coroutine (`Executing <Task ... coro=<Embedder.embed_batch() ...>> took
 * 0.200 seconds`). */
typedef struct {
  char *name; /* the coroutine, as the line names it ("" for a plain callback) */
  DefRef def; /* the project function, def < 0 when none is found */
  uint64_t count;
  double seconds, longest;
} LoopStall;

/* Distinct retried functions kept; retries of others are counted untied. */
#define TIMELINE_TIES_KEPT 256

/* Of a longer line, this many bytes are read as its record, the rest only
 * counted: memory stays flat on a log of NULs or one endless line. */
#define TIMELINE_LINE_MAX (1u << 20)

/* Occurrences kept: the longest this many (a log's memory does not grow with
 * its length); groups keep every occurrence's sums. */
#define TIMELINE_KEPT 1000
/* Retry waves kept for evidence; all are counted. */
#define TIMELINE_WAVES_KEPT 64

typedef struct {
  Array(Phase) phases;           /* the TIMELINE_KEPT longest occurrences, in order of start */
  uint64_t phases_total;         /* occurrences in all */
  Array(PhaseGroup) groups;      /* in order of first occurrence */
  Array(RssSample) rss;          /* every RSS sample, in time order (from timeline_rss) */
  Array(RssSample) samples;      /* the same for drawing; thinned to at most ~2000 */
  Array(RetryWave) waves;        /* the first TIMELINE_WAVES_KEPT waves: 3+ retries in one second */
  uint32_t nwaves;               /* waves in all */
  Array(RetryTie) ties;          /* retried functions named by library lines, in order seen */
  Array(LoopStall) stalls;       /* blocked steps by coroutine, in order seen (at most
                                    TIMELINE_TIES_KEPT) */
  uint64_t cut_lines, cut_bytes; /* lines longer than TIMELINE_LINE_MAX, and what of them was
                                    dropped (a copytruncate hole, a child's endless line) */
  StrArray gave_up;              /* "path:line" of log calls whose template a line made backtrack
                                    past PCRE2's limits: matched no more after it */
  uint64_t retries;              /* retries in all, each counted once */
  uint64_t library_lines;        /* lines a library wrote (rules/liblines.spec) */
  uint64_t requests;             /* library request lines */
  uint64_t wave_lines;           /* retry lines in them */
  uint64_t lines, records, matched, untimed;
  double first, last; /* time span of the log; first < 0 when no timestamps */
  uint32_t rss_samples;
  double peak_rss_kb;
} Timeline;

/* Incremental reading, for logs that grow (`report --follow`): begin, feed
 * lines as they come, end. timeline_feed returns how many phases the line
 * closed. `t` is valid (phases so far) between calls. `t` must be zeroed, or
 * hold only what timeline_rss read (phases take their RSS as they close). */
typedef struct TimelineReader TimelineReader;
TimelineReader *timeline_begin(const Index *ix, Timeline *t);
uint32_t timeline_feed(TimelineReader *tr, const char *line, size_t len);
/* Close what is open and free the reader. */
void timeline_end(TimelineReader *tr);

/* Read a log (streamed: one line at a time, any length) into `t`. Returns
 * false with a diagnostic when the file cannot be read. */
bool timeline_read(const Index *ix, const char *log_path, Timeline *t, Diags *diags);
/* Read RSS samples (`TIME KB` per line: epoch seconds or ISO 8601, or a
 * `VmRSS: N kB` line after a timestamp) into a zeroed `t`, before the log:
 * each phase takes its peak and largest step as it closes. */
bool timeline_rss(Timeline *t, const char *rss_path, Diags *diags);
void timeline_free(Timeline *t);

/* Follow a growing log like `tail -F`: read what is there, then poll every
 * `poll_ms` for more. A truncated file is read again from its start; a
 * rotated one (a new file at the path) after the rest of the old. Incomplete
 * last lines wait for their newline. `rss_path` (or NULL) is an RSS file
 * growing beside it, read as it grows (`t` must then hold no samples yet).
 * `on_phase` is called for each phase a line closes. Returns when *stop
 * becomes non-zero (t then holds the whole run, closed), or false with a
 * diagnostic when the log or the RSS file cannot be opened. */
bool timeline_follow(const Index *ix, const char *path, const char *rss_path, Timeline *t,
                     volatile int *stop, unsigned poll_ms,
                     void (*on_phase)(const Timeline *t, const Phase *p, void *ctx), void *ctx,
                     Diags *diags);

/* Percentile (0..100) of a sorted array. */
double timeline_percentile(const double *sorted, size_t n, double p);

#endif
