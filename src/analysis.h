/* analysis: what each fan-out site runs, reaches and is bounded by; shared
 * by the checks of families 1, 2, 3, 6 and 7. */
#ifndef FANOUT_ANALYSIS_H
#define FANOUT_ANALYSIS_H

#include "findings.h"
#include "model.h"

#define REACH_DEPTH 6

/* What one of a site's target names resolved to: resolved[first, first + len), found `how`. */
typedef struct {
  uint32_t first, len;
  ResolvedHow how;
} NamedTargets;

typedef struct {
  const SiteRef *site;
  DefRef orchestrator;
  DefRef target;         /* the fanned-out function, or def < 0 */
  DefRefs reach;         /* functions each task may run: target's closure (+ a helper's) */
  bool has_ext;          /* some task path awaits I/O */
  External ext;          /* the first such call */
  bool item_is_external; /* the task item is the I/O call itself (client.get(u)) */
  uint32_t limiter_line; /* a limiter on the path (0: none) */
  DefRef limiter_def;
  uint32_t timeout_line;  /* a per-call timeout on the path or a phase deadline (0: none) */
  ResolvedHow target_how; /* how the task's targets were found */
  uint32_t ntargets;
  bool inferred;       /* the path to the I/O call rests on an inferred call target */
  CallRef inferred_at; /* the first such call (call UINT32_MAX - 1: the task itself) */
  DefRefs resolved;    /* the site's target names resolved, name by name (named) */
  Array(NamedTargets) named;
} SiteInfo;

typedef Array(SiteInfo) SiteInfos;

/* A fan-out whose width grows with the data, or is fixed but at least the
 * configured min-width (`range(500)` is no small fan-out). */
bool analysis_large(const Model *m, const SiteInfo *s);

/* The closures of a site's task functions `targets` (found `how`, for a
 * site in `file`), appended to `reach`; in `via`, per definition added, the
 * first call on its path whose targets were inferred (call UINT32_MAX:
 * none; UINT32_MAX - 1: the task itself). */
void analysis_reach_targets(const Model *m, uint32_t file, const DefRefs *targets, ResolvedHow how,
                            DefRefs *reach, CallRefs *via);

/* What target name t of site `s` resolved to (index_name_targets' answer). */
ResolvedHow analysis_named_targets(const SiteInfo *s, uint32_t t, DefRefs *out);

/* Analyze every site of the index, appended to out. Free with analysis_free. */
void analysis_sites(Model *m, SiteInfos *out);
/* Analyze sites [from, to) of the index into out[0, to - from). */
void analysis_sites_in(Model *m, uint32_t from, uint32_t to, SiteInfo *out);
void analysis_free(SiteInfos *s);

/* "path.py:line" of the I/O call, and what it is ("httpx.AsyncClient.get"). Caller frees. */
char *analysis_ext_where(const Model *m, const SiteInfo *s);
/* The call text of the I/O call. */
const char *analysis_ext_callee(const Model *m, const SiteInfo *s);
/* Mark `f` as resting on the inferred call `at` on a path of site `s`'s
 * tasks (UINT32_MAX - 1: the task itself; UINT32_MAX: nothing to mark). */
void analysis_mark_one(const Model *m, const SiteInfo *s, CallRef at, Finding *f, const char *tail);
/* `kind=` of the I/O fact (http, llm, db, net, subprocess, aws) into buf. */
const char *analysis_ext_kind(const SiteInfo *s);

/* A finding about site `s` whose path to I/O rests on inference is marked
 * so, and its evidence says what was inferred and where the I/O is. */
void analysis_mark_site(const Model *m, const SiteInfo *s, Finding *f);

/* Widths as the checks read them (check_width.c). */
/* A width set by a count, a cap or configuration: no data-sized concurrency. */
bool width_set(const Model *m, const SiteRef *sr);
/* A width that grows with the input: not bounded, not one model turn, not
 * capped by how it was made or by every caller. */
bool width_data(const Model *m, const SiteRef *sr);
/* The fan-out runs once per window: inside a loop over batches, or its
 * gather sits in the loop that fills its list. */
bool width_windowed(const Model *m, const SiteRef *sr);
/* Whether a call of helper `h` holds all results (see check_width.c). */
bool width_helper_buffers(const Model *m, DefRef h, unsigned depth);
/* Whether the tasks' results are kept: the function returns a value, or is
 * declared to. */
bool width_keeps_results(const Model *m, const SiteInfo *s);

/* The checks. Each appends its findings. */
void check_concurrency(Model *m, const SiteInfos *sites, Findings *out); /* FAN1xx FAN2xx FAN3xx */
/* check_concurrency in two steps: the findings of sites [from, to), each
 * one's site appended to made_by; then, over the findings from `from` on
 * (made_by per finding), the echoes of inner fan-outs dropped. */
void check_concurrency_sites(Model *m, const SiteInfos *sites, uint32_t from, uint32_t to,
                             Findings *out, U32Array *made_by);
void check_concurrency_echoes(const SiteInfos *sites, const U32Array *made_by, uint32_t from,
                              Findings *out);
void check_context(Model *m, const SiteInfos *sites, Findings *out); /* FAN6xx */
void check_pool(Model *m, const SiteInfos *sites, Findings *out);    /* FAN7xx */
void check_blocking(Model *m, Findings *out);                        /* FAN5xx */
/* check_blocking in pieces: scan files [from, to) with a model's memo,
 * reporting the blocking calls async functions make and keeping in
 * *reached those made through sync helpers; then report what the pieces
 * reached, given in file order (freed). */
typedef struct BlockingMemo BlockingMemo;
typedef struct BlockingReached BlockingReached;
BlockingMemo *blocking_memo_new(const Index *ix);
void blocking_memo_free(BlockingMemo *memo);
void check_blocking_files(Model *m, BlockingMemo *memo, uint32_t from, uint32_t to, Findings *out,
                          BlockingReached **reached);
void check_blocking_reached(Model *m, BlockingReached **pieces, uint32_t n, Findings *out);
void blocking_reached_free(BlockingReached *r); /* one not reported (NULL: none) */
void check_retry(Model *m, Findings *out);      /* FAN4xx */
void check_retry_loops(Model *m,
                       Findings *out); /* FAN4xx in hand-written loops (check_retry calls it) */
void check_observability(Model *m, const SiteInfos *sites, Findings *out); /* FAN9xx */

#endif
