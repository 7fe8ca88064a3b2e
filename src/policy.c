/* policy: one policy for every command: selection, per-file ignores (below
 * the configuration's directory), `# noqa`, where code runs, confidence,
 * and a severity graded by cost; policy_run runs the checks and keeps what
 * is shown. Sites at a finding's line are found by binary search. */
#define _DEFAULT_SOURCE /* realpath */
#include "policy.h"

#include <fnmatch.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "where.h"

/* ---- building the policy ---- */

static void copy_list(StrArray *to, const StrArray *from) {
  for (uint32_t i = 0; i < from->len; i++) array_push(to, xstrdup(from->items[i]));
}

bool policy_include(Policy *pol, const char *list, char **bad) {
  char *copy = xstrdup(list);
  bool ok = true;
  for (char *tok = strtok(copy, ", "); tok && ok; tok = strtok(NULL, ", ")) {
    int kind = where_kind_named(tok);
    if (kind < 0)
      *bad = xstrdup(tok), ok = false;
    else
      pol->include |= (uint32_t)kind;
  }
  free(copy);
  return ok;
}

void policy_configure(Policy *pol, const Config *c) {
  if (c->path && !pol->root) { /* per-file-ignores are written from the configuration's directory */
    char *abs = realpath(c->path, NULL);
    char *slash = abs ? strrchr(abs, '/') : NULL;
    if (slash) *slash = '\0';
    pol->root = abs;
  }
  if (!pol->select.len) copy_list(&pol->select, &c->select);
  copy_list(&pol->ignore, &c->ignore);
  copy_list(&pol->extend_select, &c->extend_select);
  for (uint32_t i = 0; i < c->per_file_ignores.len; i++) {
    const PerFileIgnore *pf = &c->per_file_ignores.items[i];
    FileCodes fc = {xstrdup(pf->pattern), {0}};
    copy_list(&fc.codes, &pf->codes);
    array_push(&pol->per_file, fc);
  }
  for (uint32_t i = 0; i < c->include.len && !pol->include_given; i++) {
    char *bad = NULL; /* the configuration's words were checked when it was read */
    policy_include(pol, c->include.items[i], &bad);
    free(bad);
  }
  if (c->min_confidence && !pol->confidence_given)
    pol->high_only = strcmp(c->min_confidence, "high") == 0;
  if (c->fail_on && !pol->fail_on_given) pol->fail_on = severity_named(c->fail_on);
}

static bool matches(const StrArray *prefixes, const char *code, size_t *best) {
  bool hit = false;
  for (uint32_t i = 0; i < prefixes->len; i++) {
    size_t n = strlen(prefixes->items[i]);
    if (strncmp(code, prefixes->items[i], n) == 0) {
      hit = true;
      if (n > *best) *best = n;
    }
  }
  return hit;
}

bool policy_enabled(const Policy *pol, const char *code, bool default_on) {
  size_t sel = 0, ign = 0;
  bool on = pol->select.len ? matches(&pol->select, code, &sel) : default_on;
  if (matches(&pol->extend_select, code, &sel)) on = true;
  /* The more specific of --select and --ignore wins (FAN1 on, FAN102 off). */
  if (matches(&pol->ignore, code, &ign) && ign >= sel) on = false;
  return on;
}

/* `path` relative to the directory of the configuration, when it is below
 * it (what per-file-ignores patterns are written against); else NULL. */
static char *below_root(const Policy *pol, const char *path) {
  if (!pol->root) return NULL;
  char *abs = realpath(path, NULL);
  size_t n = strlen(pol->root);
  char *rel = abs && strncmp(abs, pol->root, n) == 0 && abs[n] == '/' ? xstrdup(abs + n + 1) : NULL;
  free(abs);
  return rel;
}

bool policy_file_ignores(const Policy *pol, const char *path, const char *code) {
  char *rel = NULL;
  bool resolved = false;
  for (uint32_t k = 0; k < pol->per_file.len; k++) {
    const FileCodes *pf = &pol->per_file.items[k];
    if (fnmatch(pf->pattern, path, 0) != 0) {
      if (!resolved) rel = below_root(pol, path), resolved = true;
      if (!rel || fnmatch(pf->pattern, rel, 0) != 0) continue;
    }
    for (uint32_t c = 0; c < pf->codes.len; c++)
      if (str_starts_with(code, pf->codes.items[c])) {
        free(rel);
        return true;
      }
  }
  free(rel);
  return false;
}

static void free_list(StrArray *list) {
  for (uint32_t i = 0; i < list->len; i++) free(list->items[i]);
  array_free(list);
}

void policy_free(Policy *pol) {
  free(pol->root);
  for (uint32_t i = 0; i < pol->per_file.len; i++) {
    free(pol->per_file.items[i].pattern);
    free_list(&pol->per_file.items[i].codes);
  }
  array_free(&pol->per_file);
  free_list(&pol->select);
  free_list(&pol->ignore);
  free_list(&pol->extend_select);
}

/* ---- noqa ---- */

/* Whether a noqa code list ("FAN101,FAN3") names `code` (exactly or by prefix). */
static bool noqa_names(const char *codes, const char *code) {
  for (const char *c = codes; *c;) {
    size_t n = strcspn(c, ",");
    if (n && strncmp(code, c, n) == 0) return true;
    c += n + (c[n] == ',');
  }
  return false;
}

/* The noqa on a finding's line that suppresses it, or NULL. */
static const Noqa *noqa_for(const Facts *f, const Finding *fd) {
  for (uint32_t i = 0; i < f->noqas.len; i++) {
    const Noqa *q = &f->noqas.items[i];
    if (q->pos.line == fd->pos.line && (!*q->codes || noqa_names(q->codes, fd->code))) return q;
  }
  return NULL;
}

/* Where a finding was, whatever the policy: what a noqa could match. */
typedef struct {
  uint32_t file, line;
  char code[8];
} Mark;
typedef Array(Mark) Marks;

/* FAN900: `# noqa: FAN...` codes that match no finding of this run. */
static void unused_noqa(const Project *p, const Marks *all, Findings *out) {
  for (uint32_t fi = 0; fi < p->nfiles; fi++) {
    const Facts *f = &p->files[fi];
    for (uint32_t i = 0; i < f->noqas.len; i++) {
      const Noqa *q = &f->noqas.items[i];
      for (const char *c = q->codes; *c;) {
        size_t n = strcspn(c, ",");
        bool used = strncmp(c, "FAN", 3) != 0; /* other tools' codes are theirs */
        for (uint32_t k = 0; k < all->len && !used; k++)
          used = all->items[k].file == fi && all->items[k].line == q->pos.line &&
                 strncmp(all->items[k].code, c, n) == 0;
        if (!used) {
          int32_t def = 0;
          for (uint32_t d = 1; d < f->defs.len; d++)
            if (f->defs.items[d].pos.line <= q->pos.line &&
                q->pos.line <= f->defs.items[d].end_line)
              def = (int32_t)d;
          findings_add(out, &p->index, RULE_FAN900, fi, def, q->pos,
                       xasprintf("unused `# noqa: %.*s`: nothing on this line reports %.*s", (int)n,
                                 c, (int)n, c),
                       xasprintf("the noqa lists %s", q->codes),
                       xasprintf("remove `%.*s` from the noqa comment", (int)n, c), NULL);
        }
        c += n + (c[n] == ',');
      }
    }
  }
}

/* ---- severity and sites ---- */

/* Per global definition, the sites whose tasks run it, in CSR form. */
typedef struct {
  uint32_t *start; /* ndefs + 1 */
  uint32_t *sites;
} TaskSites;

static void task_sites(const Model *m, const SiteInfos *sites, TaskSites *ts) {
  uint32_t n = m->ix->ndefs;
  ts->start = xcalloc((size_t)n + 2, sizeof(uint32_t));
  for (uint32_t s = 0; s < sites->len; s++)
    for (uint32_t r = 0; r < sites->items[s].reach.len; r++)
      ts->start[index_global_def(m->ix, sites->items[s].reach.items[r]) + 2]++;
  for (uint32_t g = 0; g < n; g++) ts->start[g + 2] += ts->start[g + 1];
  uint32_t total = ts->start[n + 1];
  ts->sites = xcalloc(total ? total : 1, sizeof(uint32_t));
  for (uint32_t s = 0; s < sites->len; s++)
    for (uint32_t r = 0; r < sites->items[s].reach.len; r++)
      ts->sites[ts->start[index_global_def(m->ix, sites->items[s].reach.items[r]) + 1]++] = s;
}

/* The sites at a line of a file, appended to out: the index keeps its sites
 * sorted by file and line, and the site infos follow that order. */
static void sites_at(const SiteInfos *sites, uint32_t file, uint32_t line, int32_t def,
                     U32Array *out) {
  uint32_t lo = 0, hi = sites->len;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    const SiteRef *sr = sites->items[mid].site;
    if (sr->file < file || (sr->file == file && sr->site.pos.line < line))
      lo = mid + 1;
    else
      hi = mid;
  }
  for (; lo < sites->len; lo++) {
    const SiteRef *sr = sites->items[lo].site;
    if (sr->file != file || sr->site.pos.line != line) break;
    bool seen = false;
    for (uint32_t k = 0; k < out->len && !seen; k++) seen = out->items[k] == lo;
    if ((def < 0 || sr->site.def == def) && !seen) array_push(out, lo);
  }
}

/* The sites a finding concerns: the one it is reported at (same file, line
 * and function) or names as a related location (returns true: the finding is
 * about them), else those whose tasks run the function it is in. */
static bool finding_sites(const Model *m, const SiteInfos *sites, const TaskSites *ts,
                          const Finding *f, U32Array *out) {
  int32_t def = f->def;
  out->len = 0;
  sites_at(sites, f->file, f->pos.line, def, out);
  for (uint32_t r = 0; r < f->related.len; r++) /* a fan-out it names */
    sites_at(sites, f->related.items[r].file, f->related.items[r].pos.line, -1, out);
  if (out->len || def < 0) return true; /* a finding at a site is that site's */
  uint32_t g = index_global_def(m->ix, (DefRef){f->file, def});
  for (uint32_t i = ts->start[g]; i < ts->start[g + 1]; i++) {
    bool seen = false;
    for (uint32_t k = 0; k < out->len && !seen; k++) seen = out->items[k] == ts->sites[i];
    if (!seen) array_push(out, ts->sites[i]);
  }
  return false;
}

/* Grade a finding: its rule's severity, raised to error for a rule that
 * says so (`error-when: data-sized`) when the finding costs in every task of
 * a fan-out whose width grows with the data: at such a site, or in a
 * function its tasks run. Fixed-width fan-outs and code that runs once keep
 * the rule's severity. */
static void grade(const Model *m, const SiteInfos *sites, const U32Array *at, bool named,
                  Finding *f) {
  const RuleInfo *rule = rule_info(f->rule);
  f->severity = (uint8_t)rule->severity;
  if (!rule->error_when_data) return;
  for (uint32_t i = 0; i < at->len; i++) {
    const SiteRef *sr = sites->items[at->items[i]].site;
    if (sr->site.width.kind != WIDTH_DATA) continue;
    f->severity = SEVERITY_ERROR;
    if (named) return; /* the finding is about that fan-out: its evidence says */
    char *evidence =
        xasprintf("%s; error: it runs in every task of the data-sized fan-out at %s:%u",
                  f->evidence, m->ix->files[sr->file].path, sr->site.pos.line);
    free(f->evidence);
    f->evidence = evidence;
    return;
  }
}

/* Whether async function `d` runs once per process while nothing else is on
 * the loop: no fan-out's tasks run it, and it is a lifecycle method
 * (`start`, `close`, `__aenter__`, ...: rules/api.txt), or every call of it
 * makes the coroutine a runner runs (`asyncio.run(main())`, `anyio.run(f)`:
 * `runner` in rules/api.txt), or every call of it is awaited in such a
 * function (two levels down: what a CLI command's coroutine awaits). */
static bool once_def(const Model *m, const TaskSites *ts, DefRef d, unsigned depth) {
  const Index *ix = m->ix;
  const Def *def = index_def(ix, d);
  uint32_t g = index_global_def(ix, d);
  if (def->kind != DEF_FUNCTION || !def->is_async || ts->start[g] != ts->start[g + 1]) return false;
  if (knowledge_has(m->k, FACT_LIFECYCLE, def->name)) return true;
  uint32_t n;
  const CallRef *callers = index_callers(ix, d, &n);
  if (!n || n > 16) return false;
  for (uint32_t i = 0; i < n; i++) {
    const Facts *cf = &ix->files[callers[i].file];
    const Call *c = &cf->calls.items[callers[i].call];
    if (c->outer >= 0 && !(c->flags & CALL_AWAITED)) { /* made for a runner */
      const Call *runner = &cf->calls.items[c->outer];
      char *canon = model_canonical(m, callers[i].file, runner->def, runner->callee);
      const char *dot = strrchr(canon, '.');
      bool runs =
          knowledge_has(m->k, FACT_RUNNER, canon) || (dot && knowledge_has(m->k, FACT_RUNNER, dot));
      free(canon);
      if (runs) continue;
    }
    if (!(c->flags & CALL_AWAITED) || depth >= 2 ||
        !once_def(m, ts, (DefRef){callers[i].file, c->def}, depth + 1))
      return false;
  }
  return true;
}

/* Whether a finding is in code that runs once: a blocking call (FAN5xx) in
 * an async function once_def says runs once. */
static bool runs_once(const Model *m, const TaskSites *ts, const Finding *f) {
  if (rule_info(f->rule)->family != FAMILY_BLOCKING || f->def <= 0) return false;
  return once_def(m, ts, (DefRef){f->file, f->def}, 0);
}

/* ---- the checks, on one thread or two ----
 *
 * A model memoizes its answers. One cut short by a cycle or a depth limit
 * depends on the order the questions came in (Model.cut); any other is a
 * function of the index alone. Two threads with a model each, taking the
 * work in the order one thread does (each an ordered part of it), ask what
 * one thread asks with fewer answers kept: a cut one thread makes, they make
 * too. So when neither model was cut, their findings are one thread's; when
 * one was, the checks run again on one thread. */

enum { CHUNK = 16 };          /* sites in a piece of work */
enum { BLOCKING_PIECES = 8 }; /* check_blocking's files in as many pieces */
enum { WHOLE_CHECKS = 4 };    /* context, pool, retry, observability: a piece each */
typedef enum { ANALYZE, CHECK } Phase;

/* The pieces of the check phase, in one thread's order: the fan-out checks
 * by chunks of sites, context, pool, blocking by files, retry, observability. */
typedef struct {
  Model model[2];
  BlockingMemo *memo[2];
  Phase phase;
  _Atomic uint32_t next; /* the next piece of work to take */
  uint32_t nchunks, nblocking;
  uint32_t block_from[BLOCKING_PIECES + 1]; /* the files of each blocking piece */
  BlockingReached *reached[BLOCKING_PIECES];
  SiteInfos sites;   /* analyzed, in order */
  Findings *found;   /* per piece, when checking */
  U32Array *made_by; /* per chunk: the site of each of its findings */
} Checks;

typedef struct {
  Checks *c;
  int n; /* its model */
} Worker;

static uint32_t pieces(const Checks *c) {
  return c->nchunks + (c->phase == CHECK ? WHOLE_CHECKS + c->nblocking : 0);
}

static void check_piece(Checks *c, int w, uint32_t u) {
  Model *m = &c->model[w];
  uint32_t n = m->ix->sites.len, from = u * CHUNK, to = from + CHUNK < n ? from + CHUNK : n;
  if (c->phase == ANALYZE) {
    analysis_sites_in(m, from, to, c->sites.items + from);
    return;
  }
  Findings *out = &c->found[u];
  uint32_t k = u - c->nchunks;
  if (u < c->nchunks)
    check_concurrency_sites(m, &c->sites, from, to, out, &c->made_by[u]);
  else if (k == 0)
    check_context(m, &c->sites, out);
  else if (k == 1)
    check_pool(m, &c->sites, out);
  else if (k < 2 + c->nblocking)
    check_blocking_files(m, c->memo[w], c->block_from[k - 2], c->block_from[k - 1], out,
                         &c->reached[k - 2]);
  else if (k == 2 + c->nblocking)
    check_retry(m, out);
  else
    check_observability(m, &c->sites, out);
}

static void *work(void *arg) {
  Worker *w = arg;
  for (uint32_t u; (u = atomic_fetch_add(&w->c->next, 1)) < pieces(w->c);)
    check_piece(w->c, w->n, u);
  return NULL;
}

/* One phase on two threads; whether a model was cut in it. */
static bool run_phase(Checks *c, Phase phase) {
  c->phase = phase;
  atomic_store(&c->next, 0);
  Worker w[2] = {{c, 0}, {c, 1}};
  threads_run(work, (void *[]){&w[0], &w[1]}, 2);
  return *c->model[0].cut || *c->model[1].cut;
}

/* The pieces' findings into all, in one thread's order (the fan-out
 * findings' echoes dropped, the blocking pieces' reaches reported after
 * them); false when that cut a model. */
static bool put_together(Checks *c, Findings *all) {
  U32Array made_by = {0};
  uint32_t n = pieces(c), last_blocking = c->nchunks + 1 + c->nblocking;
  for (uint32_t u = 0; u < n; u++) {
    for (uint32_t i = 0; i < c->found[u].len; i++) array_push(all, c->found[u].items[i]);
    array_free(&c->found[u]);
    for (uint32_t i = 0; u < c->nchunks && i < c->made_by[u].len; i++)
      array_push(&made_by, c->made_by[u].items[i]);
    if (u + 1 == c->nchunks) check_concurrency_echoes(&c->sites, &made_by, 0, all);
    if (u == last_blocking) check_blocking_reached(&c->model[0], c->reached, c->nblocking, all);
  }
  for (uint32_t u = 0; u < c->nchunks; u++) array_free(&c->made_by[u]);
  array_free(&made_by);
  return !*c->model[0].cut;
}

/* All checks on two threads, into *m (initialized: the first thread's),
 * sites and all; false (nothing kept) when a model was cut. */
static bool checks_two(const Project *p, Model *m, SiteInfos *sites, Findings *all) {
  Checks c = {0};
  for (int i = 0; i < 2; i++) {
    model_init(&c.model[i], &p->index, &p->knowledge, &p->settings);
    c.memo[i] = blocking_memo_new(&p->index);
  }
  uint32_t n = p->index.sites.len;
  c.nchunks = (n + CHUNK - 1) / CHUNK;
  c.nblocking = index_file_runs(&p->index, BLOCKING_PIECES, c.block_from);
  array_reserve(&c.sites, n);
  c.sites.len = n;
  c.found = xcalloc(c.nchunks + WHOLE_CHECKS + c.nblocking, sizeof(Findings));
  c.made_by = xcalloc(c.nchunks ? c.nchunks : 1, sizeof(U32Array));
  bool cut = run_phase(&c, ANALYZE);
  if (!cut) cut = run_phase(&c, CHECK) || !put_together(&c, all);
  if (cut) { /* nothing of it kept */
    for (uint32_t u = 0; u < c.nchunks + WHOLE_CHECKS + c.nblocking; u++)
      findings_free(&c.found[u]);
    for (uint32_t u = 0; u < c.nchunks; u++) array_free(&c.made_by[u]);
    for (uint32_t k = 0; k < c.nblocking; k++) blocking_reached_free(c.reached[k]);
    findings_free(all);
  }
  free(c.found);
  free(c.made_by);
  for (int i = 0; i < 2; i++) blocking_memo_free(c.memo[i]);
  model_free(&c.model[1]);
  *m = c.model[0];
  *sites = c.sites;
  if (cut) {
    analysis_free(sites);
    model_free(m);
  }
  return !cut;
}

/* All checks on this thread. */
static void checks_one(Model *m, SiteInfos *sites, Findings *all) {
  analysis_sites(m, sites);
  check_concurrency(m, sites, all);
  check_context(m, sites, all);
  check_pool(m, sites, all);
  check_blocking(m, all);
  check_retry(m, all);
  check_observability(m, sites, all);
}

/* ---- the run ---- */

static int cmp_site_finding(const void *pa, const void *pb) {
  const SiteFinding *a = pa, *b = pb;
  if (a->site != b->site) return a->site < b->site ? -1 : 1;
  return a->finding < b->finding ? -1 : a->finding > b->finding;
}

/* All checks run first; each finding's `# noqa` mark is noted for FAN900, then the finding is kept
 * or counted as suppressed, hidden or low confidence. Severity comes last, from the sites each kept
 * finding concerns. */
void policy_run(const Policy *pol, const Project *p, Findings *out, PolicyRun *run) {
  memset(run, 0, sizeof *run);
  Model m;
  SiteInfos sites = {0};
  Findings all = {0};
  /* two threads for an editor (a second model costs memory a big check would feel) */
  bool two = p->jobs > 1 && !p->checks_alone && p->editor;
  run->cut = two && !checks_two(p, &m, &sites, &all);
  if (!two || run->cut) {
    model_init(&m, &p->index, &p->knowledge, &p->settings);
    checks_one(&m, &sites, &all);
    run->cut = run->cut || *m.cut;
  }
  TaskSites ts;
  task_sites(&m, &sites, &ts);
  U32Array at = {0};
  Marks marks = {0};
  for (uint32_t i = 0; i < all.len; i++) {
    Finding *f = &all.items[i];
    Mark mk = {f->file, f->pos.line, {0}};
    memcpy(mk.code, f->code, sizeof mk.code);
    array_push(&marks, mk);
    const char *path = p->files[f->file].path;
    bool on = policy_enabled(pol, f->code, rule_info(f->rule)->default_on) &&
              !policy_file_ignores(pol, path, f->code);
    if (on && noqa_for(&p->files[f->file], f)) run->suppressed++, on = false;
    uint32_t kind = p->index.kinds[f->file];
    if (!kind && runs_once(&m, &ts, f)) kind = CODE_STARTUP;
    if (on && (kind & ~pol->include)) {
      run->hidden++, on = false;
      array_push(&run->hidden_in, f->file);
    }
    if (on && pol->high_only && f->inferred) run->low_confidence++, on = false;
    if (on)
      array_push(out, *f);
    else
      finding_free(f);
  }
  array_free(&all);
  if (policy_enabled(pol, "FAN900", rule_info(RULE_FAN900)->default_on))
    unused_noqa(p, &marks, out);
  array_free(&marks);
  findings_sort(out, &p->index);
  for (uint32_t i = 0; i < out->len; i++) { /* severity, and the sites each finding concerns */
    Finding *f = &out->items[i];
    bool named = finding_sites(&m, &sites, &ts, f, &at);
    grade(&m, &sites, &at, named, f);
    for (uint32_t k = 0; k < at.len; k++) {
      SiteFinding sf = {(uint32_t)(sites.items[at.items[k]].site - p->index.sites.items), i};
      array_push(&run->by_site, sf);
    }
  }
  if (run->by_site.len > 1)
    qsort(run->by_site.items, run->by_site.len, sizeof(SiteFinding), cmp_site_finding);
  array_free(&at);
  free(ts.start);
  free(ts.sites);
  analysis_free(&sites);
  model_free(&m);
}

void policy_run_free(PolicyRun *run) {
  array_free(&run->hidden_in);
  array_free(&run->by_site);
}

bool policy_fails(const Policy *pol, const Findings *fs) {
  Severity floor = pol->fail_on ? pol->fail_on : SEVERITY_INFO;
  for (uint32_t i = 0; i < fs->len; i++)
    if (fs->items[i].severity >= floor) return true;
  return false;
}
