/* trace: from a log line to the logging callsites that can write it, and on
 * to the nearest fan-out orchestrator through the call graph. */
#ifndef FANOUT_TRACE_H
#define FANOUT_TRACE_H

#include "index.h"

typedef struct {
  uint32_t file;
  int32_t def;        /* function holding the callsite */
  Pos pos;            /* the logging call */
  const char *callee; /* "logger.info" */
  char *message;      /* template (owned) */
  size_t coverage;    /* literal characters of the template */
  bool exact;         /* the template's pattern matched; else the marker is a substring */
  bool via_wrapper;   /* the call is to a project log helper */
} TraceMatch;

typedef struct {
  DefRef def;
  uint32_t hops; /* 0: the function itself */
  int direction; /* 0 itself, +1 a caller, -1 a callee */
  Pos via;       /* the call that links it to the previous step */
} TraceStep;

typedef Array(TraceMatch) TraceMatches;

/* A logging callsite with its message template. */
typedef struct {
  uint32_t file;
  int32_t def;
  Pos pos;
  const char *callee;
  char *tmpl;           /* owned */
  bool via_wrapper;     /* a call of a project log helper, its template composed */
  uint32_t group;       /* callsites from one logging call share a group */
  bool generic_wrapper; /* a helper's own template, whose calls are listed too */
} TraceCallsite;

typedef Array(TraceCallsite) TraceCallsites;

/* Every logging callsite of the project, thin wrappers' calls included. */
void trace_callsites(const Index *ix, TraceCallsites *out);
void trace_callsites_free(TraceCallsites *c);
typedef Array(TraceStep) TraceChain;

/* All logging callsites whose template matches `line`, best first (patterns
 * that match before substrings, then more literal text, then path order). */
void trace_find(const Index *ix, const char *line, TraceMatches *out);
void trace_matches_free(TraceMatches *m);

/* The path from `from` to the nearest orchestrator: itself, else callers
 * (breadth first), else callees. Empty when none is reachable. The steps
 * run from `from` (first) to the orchestrator (last). */
void trace_orchestrator(const Index *ix, DefRef from, TraceChain *chain);

/* Every orchestrator whose tasks may run `from`: through its callers,
 * breadth first, the nearest on each path; at most `max`, appended to `out`.
 * A helper shared by several phases has several. */
void trace_orchestrators(const Index *ix, DefRef from, uint32_t max, DefRefs *out);

/* The project function a library's line names: `pkg.mod.Class.method`
 * (tenacity prints module and __qualname__) by the longest module prefix the
 * index knows; else `Class.method` (asyncio prints __qualname__) or a bare
 * name (backoff prints __name__) when exactly one function has it. def < 0:
 * none. */
DefRef trace_named_def(const Index *ix, const char *dotted);
/* The calls that may send a request: a method named after an HTTP method
 * (`.get`, `.post`, ...) whose first argument starts with a string literal. */
void trace_request_calls(const Index *ix, CallRefs *out);
/* Of those, the one that sends a request a library logged ("POST
 * http://host/v1/embed?x 200"): that HTTP method, a literal the URL's path
 * holds (a full URL in the code: the URL); one that is awaited or an `async
 * with` item before any other, then the longest literal. False when none. */
bool trace_request_site(const Index *ix, const CallRefs *calls, const char *request, uint32_t *file,
                        uint32_t *call);

/* A line a library wrote (rules/liblines.spec), and the code it ties to. */
typedef struct {
  char *entry, *library; /* "httpx.request", "httpx: INFO on ..." */
  const char *event;     /* "request", "retry", "giveup", "served" */
  char *what;            /* the retried function as printed, or "METHOD URL STATUS" */
  DefRef def;            /* the retried function or the one sending the request; def < 0 none */
  bool has_site;         /* a request: the call that sends it */
  uint32_t file;
  Pos pos;
  const char *callee;
} TraceLib;

/* Whether `line` (a log line, any prefix) is a library's line; fills `out`
 * (free with trace_lib_free) when it is. */
bool trace_library_line(const Index *ix, const char *line, TraceLib *out);
void trace_lib_free(TraceLib *t);

/* Whether the definition holds a fan-out site. */
bool trace_is_orchestrator(const Index *ix, DefRef d);

#endif
