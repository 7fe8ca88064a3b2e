/* report_int: the report's model, shared by ranking (report.c) and its
 * renderings (report_render.c): items ranked by what they cost, written as
 * Markdown, JSON or HTML. Internal to the report. */
#ifndef FANOUT_REPORT_INT_H
#define FANOUT_REPORT_INT_H

#include "report.h"

#define TOP_MAX 7
#define TOP_MIN 3

/* One ranked item: a static finding, or evidence only the run shows. */
typedef struct {
  const Finding *finding;  /* NULL for run-only evidence */
  const PhaseGroup *phase; /* the phase whose time it costs, or NULL */
  double lost;             /* seconds this run measurably lost to it (a straggler's hold,
                              announced retry waits), 0 when the run shows none */
  double score;            /* the time of the phases it is in, weighted by its rule */
  char *title, *location, *evidence, *diagnosis, *next_step, *validation; /* owned */
} Item;

typedef Array(Item) Items;

void report__markdown(const Project *p, const Timeline *t, const Items *items, const StrArray *obs,
                      const char *log_path, const char *rss_path, StrBuf *out);
void report__json(const Index *ix, const Timeline *t, const Items *items, const StrArray *obs,
                  const char *log_path, StrBuf *out);
void report__html(const Timeline *t, const Items *items, const StrArray *obs, const char *log_path,
                  StrBuf *out);

#endif
