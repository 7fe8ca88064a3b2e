/* timeline_reader: the state of one read of a log, shared by the files of
 * the timeline: timeline_lines.c says what a line is (its callsite, a library's
 * line, a marker, a retry), timeline.c takes lines into phases in log order,
 * timeline_read.c reads files (in parallel blocks, RSS samples, --follow).
 * Internal to those files. */
#ifndef FANOUT_TIMELINE_READER_H
#define FANOUT_TIMELINE_READER_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "liblines.h"
#include "multimatch.h"
#include "template.h"
#include "timeline.h"
#include "trace.h"

typedef struct {
  TraceCallsite *site;
  TemplateRegex *re;
  char *anchor; /* the longest literal run, for a cheap memmem test first */
  size_t anchor_len;
  bool resolved; /* orchestrator computed */
  DefRef orchestrator;
  bool per_task;  /* logged by a function the orchestrator fans out */
  uint8_t role;   /* in the orchestrator itself: ROLE_OPEN before its fan-out, ROLE_CLOSE after */
  DefRefs shared; /* per-task in a helper several orchestrators' tasks run: all of them */
  int32_t tie;    /* its retry lines' index into Timeline.ties, -1 before the first */
  bool in_retry;  /* the call sits in a loop or an except clause: where a retry is logged
                     (a summary line that counts retries is not one) */
} Matcher;

enum { ROLE_OTHER, ROLE_OPEN, ROLE_CLOSE };

/* An orchestrator and the orchestrators whose tasks run it (none: it runs
 * alone, one occurrence at a time). */
typedef struct {
  DefRef orch;
  DefRefs around;
} Nesting;

typedef struct {
  const Index *ix;
  Timeline *t;
  TraceCallsites sites;
  Array(Matcher) matchers;
  MultiMatch *anchors; /* the matchers' anchors and the retry words at once; NULL: memmem */
  uint32_t words;      /* uint64_t words of a bit per matcher and retry word */
  pcre2_code *retry_re, *start_re, *end_re, *delay_re;
  pcre2_match_data *md;
  double now;
  Array(Phase) open;       /* the open phases: what each line is checked against */
  uint64_t seq;            /* phases opened so far */
  uint64_t last_hit;       /* seq + 1 of the phase the last matched record went to, or 0 */
  uint64_t active;         /* seq + 1 of the phase the latest project record went to, or 0 */
  LibLines lib;            /* what libraries write (rules/liblines.spec) */
  uint32_t lib_first;      /* the automaton's bit of the first library anchor */
  StrMap tie_of;           /* a retried function's name -> index into t->ties */
  StrArray tie_keys;       /* owned keys of tie_of */
  Array(Nesting) nestings; /* functions met so far, and the fan-outs whose tasks run them */
  CallRefs req_calls;      /* the project's calls that may send a request */
  StrMap req_of;           /* "METHOD /path" of a request line -> index into req_defs */
  StrArray req_keys;       /* owned keys of req_of */
  DefRefs req_defs;        /* the function sending it (def < 0: none found) */
  RetryWave wave;          /* the second the last retries fell in (count 0: none yet) */
  int32_t line_tie;        /* the retried function's tie of the current line, -1: none */
  double day;              /* time-only logs: seconds added for each midnight passed */
  double last_clock;       /* time-only logs: the previous line's clock, -1 before the first */
  StrMap group_of;         /* group key -> index into t->groups */
  StrArray group_keys;     /* owned keys of group_of */
  uint32_t closed;         /* phases the current line closed */
  void (*on_phase)(const Timeline *t, const Phase *p, void *ctx);
  void *ctx;
} Reader;

/* What one line says, apart from the lines before it: classify() works it
 * out (on any thread), apply() takes it into the timeline (in log order). */
enum {
  LC_CONTINUATION = 1, /* a traceback or continuation line of the record before */
  LC_TRACEBACK = 2,    /* ... that starts a traceback */
  LC_RETRY = 4,
  LC_ERROR = 8,
  LC_START = 16, /* "Starting X": name is X */
  LC_END = 32,   /* "Finished X" */
};

typedef struct {
  double time;     /* < 0 when the line has none */
  int32_t matcher; /* index into matchers, or -1 */
  uint32_t flags;
  char *name;
  int32_t lib;   /* the library's line (index into Reader.lib), or -1 */
  uint8_t event; /* LibEvent */
  int status;
  double delay;
  char *target;     /* the function a library's retry line names; a request's "METHOD URL STATUS" */
  bool time_of_day; /* the time is a clock without a date */
  uint8_t kind; /* a retry line: 0 announces a wait, 1 follows a failed attempt, 2 precedes one */
} LineClass;

struct TimelineReader {
  Reader r;
  uint64_t *found; /* scratch for match() */
};

/* Set up a reader's matchers, anchors and expressions for its index. */
void timeline__setup(Reader *r);
/* Free what timeline__setup made; the templates given up on are named in
 * the timeline's gave_up. */
void timeline__teardown(Reader *r);
/* Work out a matcher's orchestrator and role (when first needed). */
void timeline__resolve(Reader *r, Matcher *m);
/* What line[0..len) says, apart from the lines before it; any thread (`md`
 * and `found` are the thread's own scratch). Free with timeline__lineclass_free. */
void timeline__classify(const Reader *r, pcre2_match_data *md, uint64_t *found, const char *line,
                        size_t len, LineClass *c);
void timeline__lineclass_free(LineClass *c);
/* Take a classified line into the timeline, in log order. Returns the phases it closed. */
uint32_t timeline__apply(Reader *r, const LineClass *c);

/* timeline_stats.c: keep a uniform sample of at most TIMELINE_SAMPLE values. */
void timeline__sample(Doubles *d, uint64_t *seen, double v);
/* The percentile `p` of an unsorted array (reordered). */
double timeline__percentile_of(double *a, size_t n, double p);

#endif
