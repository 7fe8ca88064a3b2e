#include "trace.h"

#include <stdlib.h>
#include <string.h>

#include "template.h"

static bool marker_in_template(const char *tmpl, const char *marker) {
  /* The marker must sit in one literal run of the template. */
  size_t m = strlen(marker);
  if (m < 4) return false;
  const char *run = tmpl;
  while (*run) {
    size_t n = strcspn(run, "\x01");
    if (n >= m) {
      char *lit = xstrndup(run, n);
      bool hit = strstr(lit, marker) != NULL;
      free(lit);
      if (hit) return true;
    }
    run += n;
    if (*run) run += run[1] ? 2 : 1;
  }
  return false;
}

/* The parameter a thin log wrapper passes into its message, or -1. */
static int wrapper_param(const char *tmpl) {
  for (const char *p = tmpl; *p; p++)
    if (*p == TEMPLATE_HOLE && p[1]) {
      if (p[1] >= '0' && p[1] < '0' + 40) return p[1] - '0';
      p++;
    }
  return -1;
}

static void add_callsite(TraceCallsites *out, uint32_t file, int32_t def, Pos pos,
                         const char *callee, char *tmpl, bool wrapper, uint32_t group,
                         bool generic) {
  TraceCallsite c = {file, def, pos, callee, tmpl, wrapper, group, generic};
  array_push(out, c);
}

void trace_callsites(const Index *ix, TraceCallsites *out) {
  uint32_t group = 0;
  for (uint32_t fi = 0; fi < ix->nfiles; fi++) {
    const Facts *f = &ix->files[fi];
    for (uint32_t li = 0; li < f->logs.len; li++, group++) {
      const LogSite *log = &f->logs.items[li];
      /* A log helper (`def log_step(msg): logger.info(f"[step] {msg}")`,
       * `def show_status(message, agent): print(f"[{agent}] {message}")`,
       * `def _log(self, level, message, **kw): getattr(log, level)(message.format(**kw))`):
       * each call of it that passes a string for a parameter the message
       * uses is a callsite too, and a better one than the helper's own
       * generic template. */
      bool wrapper = false;
      if (wrapper_param(log->message) >= 0 && log->def > 0) {
        DefRef helper = {fi, log->def};
        uint32_t ncallers;
        const CallRef *callers = index_callers(ix, helper, &ncallers);
        for (uint32_t c = 0; c < ncallers; c++) {
          const Call *call = &ix->files[callers[c].file].calls.items[callers[c].call];
          if (call->flags & CALL_REFERENCE) continue;
          char *args[40] = {0};
          bool literal = false;
          for (const char *h = log->message; (h = strchr(h, TEMPLATE_HOLE)) != NULL; h++) {
            unsigned p = h[1] ? (unsigned)(unsigned char)h[1] - '0' : ~0u;
            if (p >= 40 || args[p]) continue;
            const char *a = index_argument(ix, callers[c], helper, (int32_t)p);
            args[p] = a ? template_of_literal(a) : NULL;
            if (!args[p] && a && call->message && call->arg0 && strcmp(a, call->arg0) == 0)
              args[p] = xstrdup(call->message); /* the first argument, built up */
            literal |= args[p] && template_literal_len(args[p]) >= 3;
          }
          if (literal) {
            add_callsite(out, callers[c].file, call->def, call->pos, call->callee,
                         template_substitute_all(log->message, args, 40), true, group, false);
            wrapper = true;
          }
          for (unsigned p = 0; p < 40; p++) free(args[p]);
        }
      }
      add_callsite(out, fi, log->def, log->pos, log->callee, xstrdup(log->message), false, group,
                   wrapper);
    }
  }
}

void trace_callsites_free(TraceCallsites *c) {
  for (uint32_t i = 0; i < c->len; i++) free(c->items[i].tmpl);
  array_free(c);
}

static int cmp_matches(const void *pa, const void *pb) {
  const TraceMatch *a = pa, *b = pb;
  if (a->exact != b->exact) return a->exact ? -1 : 1;
  if (a->coverage != b->coverage) return a->coverage > b->coverage ? -1 : 1;
  if (a->file != b->file) return a->file < b->file ? -1 : 1;
  if (a->pos.line != b->pos.line) return a->pos.line < b->pos.line ? -1 : 1;
  return a->pos.col < b->pos.col ? -1 : a->pos.col > b->pos.col;
}

void trace_find(const Index *ix, const char *line, TraceMatches *out) {
  TraceCallsites sites = {0};
  trace_callsites(ix, &sites);
  U32Array groups = {0}, matched_groups = {0};
  for (uint32_t i = 0; i < sites.len; i++) {
    const TraceCallsite *c = &sites.items[i];
    TemplateRegex *re = template_regex_new(c->tmpl);
    bool exact = re && template_regex_match(re, line, strlen(line));
    template_regex_free(re);
    if (!exact && !marker_in_template(c->tmpl, line)) continue;
    TraceMatch m = {c->file,   c->def,           c->pos,
                    c->callee, xstrdup(c->tmpl), template_literal_len(c->tmpl),
                    exact,     c->via_wrapper};
    array_push(out, m);
    array_push(&groups, c->generic_wrapper ? c->group + 1u : 0u);
    if (c->via_wrapper) array_push(&matched_groups, c->group);
  }
  /* a wrapper's own generic template only when none of its calls matched */
  uint32_t w = 0;
  for (uint32_t i = 0; i < out->len; i++) {
    bool drop = false;
    for (uint32_t k = 0; groups.items[i] && k < matched_groups.len && !drop; k++)
      drop = matched_groups.items[k] + 1 == groups.items[i];
    if (drop)
      free(out->items[i].message);
    else
      out->items[w++] = out->items[i];
  }
  out->len = w;
  array_free(&groups);
  array_free(&matched_groups);
  trace_callsites_free(&sites);
  if (out->len) qsort(out->items, out->len, sizeof(TraceMatch), cmp_matches);
}

void trace_matches_free(TraceMatches *m) {
  for (uint32_t i = 0; i < m->len; i++) free(m->items[i].message);
  array_free(m);
}

bool trace_is_orchestrator(const Index *ix, DefRef d) {
  for (uint32_t i = 0; i < ix->sites.len; i++)
    if (ix->sites.items[i].file == d.file && ix->sites.items[i].site.def == d.def) return true;
  return false;
}

typedef struct {
  DefRef def;
  int32_t prev; /* index in the BFS array of the step it was reached from */
  Pos via;
  uint32_t hops;
} Visit;

static void bfs(const Index *ix, DefRef from, int direction, TraceChain *chain) {
  Array(Visit) q = {0};
  bool *seen = xcalloc(ix->ndefs + 1, 1);
  Visit start = {from, -1, {0, 0}, 0};
  array_push(&q, start);
  seen[index_global_def(ix, from)] = true;
  int32_t found = -1;
  for (uint32_t head = 0; head < q.len && found < 0; head++) {
    Visit v = q.items[head];
    if (v.hops > 0 && trace_is_orchestrator(ix, v.def)) {
      found = (int32_t)head;
      break;
    }
    if (v.hops >= 12) continue;
    if (direction > 0) {
      uint32_t n;
      const CallRef *callers = index_callers(ix, v.def, &n);
      for (uint32_t i = 0; i < n; i++) {
        const Call *c = &ix->files[callers[i].file].calls.items[callers[i].call];
        DefRef d = {callers[i].file, c->def};
        if (seen[index_global_def(ix, d)]) continue;
        seen[index_global_def(ix, d)] = true;
        Visit next = {d, (int32_t)head, c->pos, v.hops + 1};
        array_push(&q, next);
      }
    } else {
      const Facts *f = &ix->files[v.def.file];
      for (uint32_t c = 0; c < f->calls.len; c++) {
        if (f->calls.items[c].def != v.def.def) continue;
        DefRef d = index_call_target(ix, v.def.file, c);
        if (!defref_ok(d) || seen[index_global_def(ix, d)]) continue;
        seen[index_global_def(ix, d)] = true;
        Visit next = {d, (int32_t)head, f->calls.items[c].pos, v.hops + 1};
        array_push(&q, next);
      }
    }
  }
  if (found >= 0) {
    uint32_t first = chain->len;
    for (int32_t i = found; i >= 0; i = q.items[i].prev) {
      TraceStep s = {q.items[i].def, q.items[i].hops, q.items[i].hops ? direction : 0,
                     q.items[i].via};
      array_push(chain, s);
    }
    for (uint32_t a = first, b = chain->len - 1; a < b; a++, b--) { /* from -> orchestrator */
      TraceStep t = chain->items[a];
      chain->items[a] = chain->items[b];
      chain->items[b] = t;
    }
  }
  free(seen);
  array_free(&q);
}

void trace_orchestrators(const Index *ix, DefRef from, uint32_t max, DefRefs *out) {
  Array(Visit) q = {0};
  bool *seen = xcalloc(ix->ndefs + 1, 1);
  Visit start = {from, -1, {0, 0}, 0};
  array_push(&q, start);
  seen[index_global_def(ix, from)] = true;
  for (uint32_t head = 0; head < q.len && out->len < max; head++) {
    Visit v = q.items[head];
    if (v.hops > 0 && trace_is_orchestrator(ix, v.def)) {
      array_push(out, v.def);
      continue; /* the nearest on this path */
    }
    if (v.hops >= 12) continue;
    uint32_t n;
    const CallRef *callers = index_callers(ix, v.def, &n);
    for (uint32_t i = 0; i < n; i++) {
      DefRef d = {callers[i].file, ix->files[callers[i].file].calls.items[callers[i].call].def};
      if (d.def < 0 || seen[index_global_def(ix, d)]) continue;
      seen[index_global_def(ix, d)] = true;
      Visit next = {d, (int32_t)head, {0, 0}, v.hops + 1};
      array_push(&q, next);
    }
  }
  free(seen);
  array_free(&q);
}

void trace_orchestrator(const Index *ix, DefRef from, TraceChain *chain) {
  if (trace_is_orchestrator(ix, from)) {
    TraceStep s = {from, 0, 0, {0, 0}};
    array_push(chain, s);
    return;
  }
  bfs(ix, from, +1, chain);
  if (!chain->len) bfs(ix, from, -1, chain);
}
