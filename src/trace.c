/* trace: `fanout trace`: a log line matched to the logging callsites that
 * can write it (templates, helpers that log their parameters, library lines),
 * then up the call graph to the nearest fan-out orchestrator. */
#define _GNU_SOURCE /* memmem, memrchr */
#include "trace.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "liblines.h"
#include "logline.h"
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

/* Each log call is a callsite; when it is in a thin log helper whose template uses a parameter,
 * each caller passing literal text for it is one too, the template filled in. Costs the helper's
 * callers per such log call. */
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

/* Breadth first from `from` over callers (direction > 0) or callees (< 0), up to 12 hops, to the
 * nearest orchestrator other than itself; appends the steps to it to `chain`. Each def is visited
 * once; going to callees scans the file's calls per def. */
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
      Span own = f->defs.items[v.def.def].own_calls;
      for (uint32_t k = own.first; k < own.end; k++) {
        uint32_t c = f->call_order.items[k];
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

/* ---- library lines ---- */

/* The project function a library's line names (`pkg.mod.Class.method`,
 * tenacity's module and __qualname__; or a bare name, as backoff prints it):
 * the longest module prefix the index knows, the rest a qualified name in
 * it; a bare name when exactly one function (or method) has it. def < 0:
 * none. Called once per distinct name. */
DefRef trace_named_def(const Index *ix, const char *dotted) {
  char *name = xstrdup(dotted);
  for (char *l; (l = strstr(name, ".<locals>")) != NULL;) /* nested functions */
    memmove(l, l + 9, strlen(l + 9) + 1);
  DefRef found = {0, -1};
  uint32_t file, def;
  for (char *cut = strrchr(name, '.'); cut && found.def < 0;
       cut = memrchr(name, '.', (size_t)(cut - name))) {
    *cut = '\0';
    if (strmap_get(&ix->modules, name, &file) &&
        strmap_get(&ix->files[file].tables.qualnames, cut + 1, &def))
      found = (DefRef){file, (int32_t)def};
    *cut = '.';
  }
  if (found.def < 0 && strchr(name, '.')) { /* `Class.method` (asyncio prints __qualname__) */
    uint32_t hits = 0;
    for (uint32_t f = 0; f < ix->nfiles && hits < 2; f++)
      if (strmap_get(&ix->files[f].tables.qualnames, name, &def))
        hits++, found = (DefRef){f, (int32_t)def};
    if (hits != 1) found = (DefRef){0, -1};
  }
  if (found.def < 0 && !strchr(name, '.')) { /* a bare name: the one function of that name */
    uint32_t hits = 0;
    for (uint32_t f = 0; f < ix->nfiles && hits < 2; f++)
      for (uint32_t d = 1; d < ix->files[f].defs.len && hits < 2; d++)
        if (ix->files[f].defs.items[d].kind == DEF_FUNCTION &&
            strcmp(ix->files[f].defs.items[d].name, name) == 0)
          hits++, found = (DefRef){f, (int32_t)d};
    if (hits != 1) found = (DefRef){0, -1};
  }
  free(name);
  return found;
}

/* The string literal a call's first argument starts with (an f-string up to
 * its first field), or 0 when it is none; *lit points at it. */
static size_t literal_prefix(const Call *cl, const char **lit) {
  if (!cl->arg0) return 0;
  const char *q = cl->arg0 + strspn(cl->arg0, "frbFRB");
  if (*q != '\'' && *q != '"') return 0;
  *lit = q + 1;
  return strcspn(q + 1, *q == '"' ? "\"{" : "'{");
}

/* Whether a call is how an async client sends: awaited, or an `async with`
 * item (`async with session.post(...)`); a route table (`web.post("/x",
 * handler)`) is neither. */
static bool sends(const Facts *f, const Call *cl) {
  if (cl->flags & CALL_AWAITED) return true;
  for (uint32_t w = 0; w < f->withs.len; w++)
    if (f->withs.items[w].is_async && f->withs.items[w].pos.line == cl->pos.line &&
        f->withs.items[w].callee && strcmp(f->withs.items[w].callee, cl->callee) == 0)
      return true;
  return false;
}

static const char *const http_methods[] = {"get",    "post", "put",    "patch",
                                           "delete", "head", "options"};

void trace_request_calls(const Index *ix, CallRefs *out) {
  for (uint32_t fi = 0; fi < ix->nfiles; fi++) {
    const Facts *f = &ix->files[fi];
    for (uint32_t c = 0; c < f->calls.len; c++) {
      const Call *cl = &f->calls.items[c];
      const char *dot = strrchr(cl->callee, '.'), *lit;
      if (!dot || literal_prefix(cl, &lit) < 2) continue;
      for (size_t k = 0; k < sizeof http_methods / sizeof *http_methods; k++)
        if (strcmp(dot + 1, http_methods[k]) == 0) {
          CallRef r = {fi, c};
          array_push(out, r);
          break;
        }
    }
  }
}

/* The project's call, of `calls`, that sends a request a library logged ("POST
 * http://host/v1/embed?x 200"): an HTTP method call of that name whose first argument is a string
 * literal (an f-string up to its first hole) that the URL's path holds (a full URL in the code:
 * the whole URL); one that is awaited or an `async with` item before any other, then the longest
 * literal wins. Returns false when none does. */
bool trace_request_site(const Index *ix, const CallRefs *calls, const char *request, uint32_t *file,
                        uint32_t *call) {
  size_t mlen = strcspn(request, " ");
  const char *url = request + mlen + (request[mlen] == ' ');
  size_t ulen = strcspn(url, " ");
  const char *scheme = strstr(url, "://");
  const char *path = scheme && scheme < url + ulen ? scheme + 3 + strcspn(scheme + 3, "/ ") : url;
  size_t plen = (size_t)(url + ulen - path);
  size_t best = 0;
  for (uint32_t i = 0; i < calls->len; i++) {
    const Facts *f = &ix->files[calls->items[i].file];
    const Call *cl = &f->calls.items[calls->items[i].call];
    const char *dot = strrchr(cl->callee, '.'), *lit;
    if (strlen(dot + 1) != mlen || strncasecmp(dot + 1, request, mlen)) continue;
    size_t n = literal_prefix(cl, &lit);
    /* a full URL in the code is matched against the whole URL, a path against its path */
    const char *sep = memmem(lit, n, "://", 3);
    bool whole = sep != NULL;
    if (whole && n <= (size_t)(sep - lit) + 4) continue; /* a scheme alone says nothing */
    if (!memmem(whole ? url : path, whole ? ulen : plen, lit, n)) continue;
    size_t score = n + (sends(f, cl) ? 100000 : 0);
    if (score > best) best = score, *file = calls->items[i].file, *call = calls->items[i].call;
  }
  return best > 0;
}

/* Load the built-in spec on every call (a one-off for the CLI), parse the line and match it; a
 * retry names its function, and a request (not a served one) is tied to the project call whose
 * method and URL path it matches. */
bool trace_library_line(const Index *ix, const char *line, TraceLib *out) {
  memset(out, 0, sizeof *out);
  out->def = (DefRef){0, -1};
  LibLines ll;
  Diags ignored = {0};
  liblines_load(&ll, NULL, NULL, &ignored);
  diags_free(&ignored);
  LogLine l;
  logline_parse(line, strlen(line), &l);
  pcre2_match_data *md = pcre2_match_data_create(16, NULL);
  LibMatch m;
  bool hit = liblines_match(&ll, md, l.logger, l.logger_len, l.message, l.message_len, NULL, 0, &m);
  if (hit) {
    out->entry = xstrdup(ll.items[m.entry].name);
    out->library = xstrdup(ll.items[m.entry].library);
    out->event = libevent_name(m.event);
    if (m.target) {
      out->what = xstrndup(m.target, m.target_len);
      out->def = trace_named_def(ix, out->what);
    } else if (m.url) {
      out->what = xasprintf("%.*s %.*s %d", (int)m.method_len, m.method ? m.method : "GET",
                            (int)m.url_len, m.url, m.status);
      uint32_t call;
      CallRefs calls = {0};
      trace_request_calls(ix, &calls);
      bool found =
          m.event != LIB_SERVED && trace_request_site(ix, &calls, out->what, &out->file, &call);
      array_free(&calls);
      if (found) {
        const Call *c = &ix->files[out->file].calls.items[call];
        out->has_site = true;
        out->pos = c->pos;
        out->callee = c->callee;
        out->def = (DefRef){out->file, c->def};
      }
    }
  }
  pcre2_match_data_free(md);
  logline_free(&l);
  liblines_free(&ll);
  return hit;
}

void trace_lib_free(TraceLib *t) {
  free(t->entry);
  free(t->library);
  free(t->what);
}
