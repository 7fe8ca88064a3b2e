/* logline: one line of a pipeline's log, taken apart: timestamp, level,
 * logger, message. Knows Python logging's default and asctime formats, ISO
 * 8601, time-only prefixes, JSON lines and `fanout run`'s own prefix. */
#ifndef FANOUT_LOGLINE_H
#define FANOUT_LOGLINE_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
  double time;       /* seconds (epoch, or since midnight for time-only); < 0 when none */
  bool time_of_day;  /* the timestamp had no date */
  const char *level; /* "INFO"..., or "" */
  size_t level_len;
  const char *logger; /* "pipeline.search", or "" */
  size_t logger_len;
  const char *message; /* the rest: what the program logged */
  size_t message_len;
  bool continuation; /* looks like a traceback or continuation line of the previous record */
  char *owned;       /* JSON lines: the decoded message (freed by logline_free) */
} LogLine;

/* Parse `line` (without its newline; any length). Pointers point into `line`
 * (or into `owned`). Never fails: an unknown shape is a message without time. */
void logline_parse(const char *line, size_t len, LogLine *out);
void logline_free(LogLine *l);

/* Seconds since the epoch (UTC) of a calendar date and time. */
double logline_epoch(int year, int month, int day, int hour, int min, double sec);

#endif
