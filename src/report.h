/* report: a run's log against the code: the phases it shows and the static
 * findings ranked by what their phases cost in that run, plus evidence only
 * the run has (long tails, synchronized retry waves) and observability gaps. */
#ifndef FANOUT_REPORT_H
#define FANOUT_REPORT_H

#include "findings.h"
#include "project.h"
#include "timeline.h"

/* Write the report as `format` ("markdown", "json" or "html") into `out`:
 * the findings `fs` (what the policy shows) ranked by what their phases cost
 * in the run the timeline `t` read. */
void report_write(const Project *p, const Findings *fs, const Timeline *t, const char *log_path,
                  const char *rss_path, const char *format, StrBuf *out);

#endif
