/* liblines: the lines libraries write to a pipeline's log (rules/liblines.spec):
 * httpx's request lines, tenacity's and backoff's retry lines, the openai and
 * anthropic SDKs' retries, urllib3's, servers' access lines. Each says what
 * happened (a request landed, a retry was scheduled) and how to tie it to
 * code (the retried function's qualified name, the request's method and URL).
 *
 * liblines_load compiles every entry once; liblines_match costs one literal
 * test per entry (or none, when the caller's automaton found the anchors)
 * and one PCRE2 match, under a match limit, for entries whose anchor occurs. */
#ifndef FANOUT_LIBLINES_H
#define FANOUT_LIBLINES_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "diag.h"

typedef enum {
  LIB_NONE,
  LIB_REQUEST, /* a client request completed */
  LIB_RETRY,   /* a retry was scheduled */
  LIB_GIVEUP,  /* retries exhausted */
  LIB_SERVED,  /* a server answered a request */
  LIB_STALL,   /* the event loop was blocked (asyncio debug's slow callbacks) */
} LibEvent;

typedef enum { TIE_NONE, TIE_QUALNAME, TIE_REQUEST } LibTie;

typedef struct {
  char *name;    /* "httpx.request" */
  char *library; /* "httpx >= 0.24" */
  char *loggers; /* space-separated; "*" any; a name ending in "." a prefix */
  char *anchor;
  char *example;
  LibEvent event;
  LibTie tie;
  pcre2_code *re;
  uint32_t line; /* in rules/liblines.spec */
} LibLine;

typedef struct {
  LibLine *items;
  uint32_t len;
  pcre2_match_context *mc; /* the match limit; read-only while matching */
} LibLines;

/* What one message is, when a library wrote it. Spans point into the message. */
typedef struct {
  int32_t entry; /* index into LibLines, -1: none */
  LibEvent event;
  int status;   /* 0 when the line has none */
  int attempt;  /* the attempt a line starts (`attempt`) or that failed (`failed`), 0: none */
  bool failed;  /* the line reports a failed attempt, not one starting */
  double delay; /* seconds; < 0 when the line has none */
  const char *method, *url, *target;
  size_t method_len, url_len, target_len;
} LibMatch;

/* Compile rules/liblines.spec (or `text`, when not NULL, named `file`).
 * Returns false with diagnostics naming the line of a bad entry. */
bool liblines_load(LibLines *ll, const char *file, const char *text, Diags *diags);
void liblines_free(LibLines *ll);

/* Match a message (and its logger, "" when the log has none) against the
 * entries. `found`, when not NULL, holds bit `first + i` for each entry i
 * whose anchor the caller's automaton found in the message; else each anchor
 * is searched for. `md` must have room for the entries' groups. */
bool liblines_match(const LibLines *ll, pcre2_match_data *md, const char *logger, size_t logger_len,
                    const char *msg, size_t n, const uint64_t *found, uint32_t first,
                    LibMatch *out);

const char *libevent_name(LibEvent e);

#endif
