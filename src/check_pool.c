/* FAN7xx HTTP pool exhaustion: a client per task, or a pool below the fan-out. */
#include <stdlib.h>
#include <string.h>

#include "analysis.h"

/* The client made by call `c` is kept (on self or at module level), so it
 * is built once, not per task. */
static bool stored(const Facts *f, uint32_t call) {
  for (uint32_t i = 0; i < f->assigns.len; i++)
    if (f->assigns.items[i].call == (int32_t)call &&
        (str_starts_with(f->assigns.items[i].target, "self.") || f->assigns.items[i].def == 0))
      return true;
  return false;
}

/* Add what the tasks of site `sr` run: the closures of its task functions
 * (its target names as analysis_sites resolved them). */
static void targets_reach(Model *m, const SiteInfos *sites, const SiteRef *sr, DefRefs *reach,
                          CallRefs *via) {
  const SiteInfo *info = &sites->items[sr - m->ix->sites.items];
  DefRefs targets = {0};
  for (uint32_t t = 0; t < sr->site.targets.count; t++) {
    ResolvedHow how = analysis_named_targets(info, t, &targets);
    if (!targets.len || index_def(m->ix, targets.items[0])->kind != DEF_FUNCTION) continue;
    analysis_reach_targets(m, sr->file, &targets, how, reach, via);
  }
  array_free(&targets);
}

/* Add what runs once per item inside helper `h`: the tasks of its own
 * fan-outs over a parameter (through helpers built on helpers). The rest of
 * the helper runs once per call, shared by all items: a client it builds
 * there is one client for the whole list. */
static void helper_task_reach(Model *m, const SiteInfos *sites, DefRef h, unsigned depth,
                              DefRefs *reach, CallRefs *via) {
  for (uint32_t i = 0; i < m->ix->sites.len; i++) {
    const SiteRef *in = &m->ix->sites.items[i];
    if (in->file != h.file || in->site.def != h.def || in->site.width.param < 0) continue;
    targets_reach(m, sites, in, reach, via);
    if (in->site.kind == SITE_HELPER && defref_ok(in->helper) && depth < REACH_DEPTH)
      helper_task_reach(m, sites, in->helper, depth + 1, reach, via);
  }
}

/* The functions a task of `s` may run, found as analysis_sites finds them,
 * and for each the first call on the path to it whose targets were
 * inferred (call UINT32_MAX: none; UINT32_MAX - 1: the task itself). */
static void task_reach(Model *m, const SiteInfos *sites, const SiteInfo *s, DefRefs *reach,
                       CallRefs *via) {
  const SiteRef *sr = s->site;
  targets_reach(m, sites, sr, reach, via);
  if (sr->site.kind == SITE_HELPER && defref_ok(sr->helper))
    helper_task_reach(m, sites, sr->helper, 0, reach, via);
}

/* The finding of `code` already made at this place: one construction is one
 * finding, each fan-out that reaches it a related location. */
static Finding *finding_at(Findings *out, Rule rule, uint32_t file, Pos pos) {
  for (uint32_t i = 0; i < out->len; i++)
    if (out->items[i].file == file && out->items[i].pos.line == pos.line &&
        out->items[i].pos.col == pos.col && out->items[i].rule == rule)
      return &out->items[i];
  return NULL;
}

/* Relate the fan-out to an existing finding; a path without inference makes
 * it certain. Returns whether there was one. */
static bool relate_again(Findings *out, Rule rule, uint32_t file, Pos pos, const SiteInfo *s,
                         bool inferred) {
  Finding *fd = finding_at(out, rule, file, pos);
  if (!fd) return false;
  for (uint32_t i = 0; i < fd->related.len; i++)
    if (fd->related.items[i].file == s->site->file &&
        fd->related.items[i].pos.line == s->site->site.pos.line)
      return true;
  finding_relate(fd, s->site->file, s->site->site.pos, xstrdup("another fan-out that reaches it"));
  if (!inferred) fd->inferred = false;
  return true;
}

static bool pooled_kind(const Fact *fact) {
  const char *kind = fact_get(fact, ATTR_KIND);
  if (!kind) return false;
  return strcmp(kind, "http") == 0 || strcmp(kind, "llm") == 0 || strcmp(kind, "aws") == 0;
}

/* A client whose every request opens a connection pool of its own
 * (`oneshot=yes` in rules/libraries.txt). */
static bool oneshot(const Fact *fact) { return fact_yes(fact, ATTR_ONESHOT); }

/* A client built inside a task: every task gets its own pool. */
static void client_built(Model *m, const SiteInfo *s, DefRef d, CallRef via, Findings *out) {
  const Facts *f = &m->ix->files[d.file];
  const Def *def = index_def(m->ix, d);
  for (uint32_t k = def->own_calls.first; k < def->own_calls.end; k++) {
    uint32_t c = f->call_order.items[k];
    const Call *call = &f->calls.items[c];
    if (call->flags & CALL_REFERENCE) continue;
    char *canon = model_canonical(m, d.file, d.def, call->callee);
    const Fact *fact = knowledge_get(m->k, FACT_CLIENT, canon);
    if (!fact) { /* aiohttp.request(...): a session per call */
      const Fact *ext = knowledge_get(m->k, FACT_EXTERNAL, canon);
      if (oneshot(ext)) fact = ext;
    }
    bool inferred = via.call != UINT32_MAX;
    if (!pooled_kind(fact) || stored(f, c) ||
        relate_again(out, RULE_FAN701, d.file, call->pos, s, inferred)) {
      free(canon);
      continue;
    }
    char *orch = index_def_name(m->ix, s->orchestrator);
    char *where = index_def_name(m->ix, d);
    Finding *fd = findings_add(
        out, m->ix, RULE_FAN701, d.file, d.def, call->pos,
        xasprintf("`%s(...)` builds a new client (its own connection pool) in every task of "
                  "the fan-out in %s",
                  canon, orch),
        xasprintf("%s runs once per item of `%s`; no connection is reused across tasks", where,
                  s->site->site.width.expr),
        xasprintf("create one `%s` for the run (in the orchestrator or `__init__`), pass it "
                  "to the tasks, and close it once",
                  canon),
        NULL);
    analysis_mark_one(m, s, via, fd, "one of them leads here");
    finding_relate(fd, s->site->file, s->site->site.pos, xstrdup("the fan-out"));
    free(orch);
    free(where);
    free(canon);
  }
}

/* A client of a `oneshot` SDK used by the tasks: it opens a pool per request
 * wherever it was built, so the finding is at its construction. */
static void oneshot_client(Model *m, const SiteInfo *s, const Origin *o, uint32_t file, Pos use,
                           CallRef via, Findings *out) {
  if (o->call < 0 || !oneshot(o->fact)) return;
  bool inferred = via.call != UINT32_MAX;
  if (relate_again(out, RULE_FAN701, o->file, o->pos, s, inferred)) return;
  const Facts *of = &m->ix->files[o->file];
  char *orch = index_def_name(m->ix, s->orchestrator);
  Finding *fd = findings_add(
      out, m->ix, RULE_FAN701, o->file, of->calls.items[o->call].def, o->pos,
      xasprintf("`%s` opens a new connection pool for every request, and the fan-out in %s "
                "makes one request per task",
                o->ctor, orch),
      xasprintf("its requests are made at %s:%u, once per item of `%s`; no connection is "
                "reused across tasks",
                m->ix->files[file].path, use.line, s->site->site.width.expr),
      xstrdup("bound the fan-out to a few concurrent requests, or call the service through "
              "one shared HTTP client"),
      NULL);
  analysis_mark_one(m, s, via, fd, "one of them leads here");
  finding_relate(fd, s->site->file, s->site->site.pos, xstrdup("the fan-out"));
  free(orch);
}

/* The requests the tasks make on clients of a `oneshot` SDK. */
static void oneshot_uses(Model *m, const SiteInfo *s, DefRef d, CallRef via, Findings *out) {
  const Facts *f = &m->ix->files[d.file];
  const Def *def = index_def(m->ix, d);
  for (uint32_t k = def->own_calls.first; k < def->own_calls.end; k++) {
    const Call *call = &f->calls.items[f->call_order.items[k]];
    const char *dot = strrchr(call->callee, '.');
    if ((call->flags & CALL_REFERENCE) || !dot || strpbrk(call->callee, "([")) continue;
    char *recv = xstrndup(call->callee, (size_t)(dot - call->callee));
    Origin o = {0};
    if (model_origin(m, d.file, d.def, recv, &o)) {
      oneshot_client(m, s, &o, d.file, call->pos, via, out);
      origin_free(&o);
    }
    free(recv);
  }
}

static void fan701(Model *m, const SiteInfos *sites, const SiteInfo *s, Findings *out) {
  DefRefs reach = {0};
  CallRefs via = {0};
  task_reach(m, sites, s, &reach, &via);
  for (uint32_t r = 0; r < reach.len; r++) {
    client_built(m, s, reach.items[r], via.items[r], out);
    oneshot_uses(m, s, reach.items[r], via.items[r], out);
  }
  if (s->item_is_external && s->ext.has_origin) /* gather(*[client.search(q) for q in qs]) */
    oneshot_client(m, s, &s->ext.origin, s->site->file, s->site->site.pos, (CallRef){0, UINT32_MAX},
                   out);
  array_free(&reach);
  array_free(&via);
}

/* An explicit or default pool size of the client made by `o`, or -1. */
static long pool_size(const Model *m, const Origin *o) {
  if (o->call >= 0) {
    const Facts *f = &m->ix->files[o->file];
    const Call *c = &f->calls.items[o->call];
    const char *limits = model_kwarg(f, c, "limits");
    const char *connector = model_kwarg(f, c, "connector");
    /* connector=conn with conn = aiohttp.TCPConnector(limit=20) in the same function */
    for (uint32_t i = f->assigns.len; connector && i-- > 0;)
      if (f->assigns.items[i].def == c->def && strcmp(f->assigns.items[i].target, connector) == 0) {
        connector = f->assigns.items[i].value;
        break;
      }
    for (uint32_t i = f->assigns.len; limits && i-- > 0;)
      if (f->assigns.items[i].def == c->def && strcmp(f->assigns.items[i].target, limits) == 0) {
        limits = f->assigns.items[i].value;
        break;
      }
    const char *v = limits ? strstr(limits, "max_connections=") : NULL;
    if (v) return strtol(v + 16, NULL, 10);
    v = connector ? strstr(connector, "limit=") : NULL;
    if (v) return strtol(v + 6, NULL, 10);
    if (limits || connector) return -1; /* a pool configured elsewhere */
  }
  return fact_number(o->fact, ATTR_POOL, -1);
}

/* The size of the limiter acquired on the path, when it is a literal. */
static long limiter_size(const Model *m, const SiteInfo *s) {
  const Facts *f = &m->ix->files[s->limiter_def.file];
  for (uint32_t i = 0; i < f->withs.len; i++) {
    const WithItem *wi = &f->withs.items[i];
    if (wi->def != s->limiter_def.def || wi->pos.line != s->limiter_line || wi->callee) continue;
    Origin o;
    if (!model_origin(m, s->limiter_def.file, s->limiter_def.def, wi->expr, &o)) return -1;
    long n = -1;
    if (o.call >= 0) {
      const Facts *of = &m->ix->files[o.file];
      const Call *c = &of->calls.items[o.call];
      if (c->arg0) n = strtol(c->arg0, NULL, 10);
      for (uint32_t k = 0; c->arg0 && n <= 0 && k < of->consts.len; k++) /* Semaphore(LIMIT) */
        if (strcmp(of->consts.items[k].name, c->arg0) == 0) n = of->consts.items[k].value;
      if (n <= 0) n = -1;
    }
    origin_free(&o);
    return n;
  }
  return -1;
}

static int32_t class_of(const Facts *f, int32_t def) {
  while (def > 0 && f->defs.items[def].kind != DEF_CLASS) def = f->defs.items[def].parent;
  return def > 0 ? def : -1;
}

static bool encloses(const Facts *f, int32_t outer, int32_t def) {
  for (; def >= 0; def = f->defs.items[def].parent)
    if (def == outer) return true;
  return false;
}

/* `self.client = client or httpx.AsyncClient(...)`: the client the receiver
 * of the I/O call is built as when no other is passed in. */
static bool default_origin(const Model *m, const SiteInfo *s, Origin *o) {
  if (s->item_is_external || s->ext.call == UINT32_MAX) return false;
  const Facts *f = &m->ix->files[s->ext.file];
  const Call *io = &f->calls.items[s->ext.call];
  const char *dot = strrchr(io->callee, '.');
  if (!dot || strpbrk(io->callee, "([")) return false;
  size_t n = (size_t)(dot - io->callee);
  bool on_self = str_starts_with(io->callee, "self.");
  int32_t cls = on_self ? class_of(f, io->def) : -1;
  for (uint32_t i = 0; i < f->assigns.len; i++) {
    const Assign *a = &f->assigns.items[i];
    const char *alt = strstr(a->value, " or ");
    if (strlen(a->target) != n || strncmp(a->target, io->callee, n) != 0 || !alt) continue;
    if (on_self ? class_of(f, a->def) != cls || cls < 0 : !encloses(f, a->def, io->def)) continue;
    alt += 4;
    size_t len = strcspn(alt, "(");
    if (!alt[len]) continue;
    Span own = f->defs.items[a->def].own_calls;
    for (uint32_t k = own.first; k < own.end; k++) {
      uint32_t c = f->call_order.items[k];
      const Call *call = &f->calls.items[c];
      if (call->pos.line < a->pos.line || strlen(call->callee) != len ||
          strncmp(call->callee, alt, len) != 0)
        continue;
      char *canon = model_canonical(m, s->ext.file, a->def, call->callee);
      const Fact *fact = knowledge_get(m->k, FACT_CLIENT, canon);
      if (!fact) {
        free(canon);
        break;
      }
      *o = (Origin){canon, fact, s->ext.file, (int32_t)c, call->pos};
      return true;
    }
  }
  return false;
}

/* FAN702: a shared client whose pool is smaller than what the fan-out lets use it at once (a
 * limiter above the pool, or no bound over a pool of 100 or less); a client built in the task and a
 * fixed width within the pool are left alone. A client reported before just gets this fan-out. */
static void fan702(Model *m, const SiteInfo *s, Findings *out) {
  if (!s->has_ext) return;
  Origin fallback = {0};
  const Origin *o = s->ext.has_origin                 ? &s->ext.origin
                    : default_origin(m, s, &fallback) ? &fallback
                                                      : NULL;
  if (!o || o->call < 0) goto done;
  /* a client built inside the task has a pool of its own (FAN701's case) */
  const Call *ctor = &m->ix->files[o->file].calls.items[o->call];
  for (uint32_t r = 0; r < s->reach.len; r++)
    if (s->reach.items[r].file == o->file && s->reach.items[r].def == ctor->def) goto done;
  long pool = pool_size(m, o);
  if (pool <= 0) goto done; /* unknown, or 0 = no limit (aiohttp) */
  long bound = s->limiter_line ? limiter_size(m, s) : -1;
  if (s->limiter_line && bound <= pool) goto done;
  /* a fixed fan-out no wider than the pool never waits for a connection */
  if (!s->limiter_line && s->site->site.width.kind == WIDTH_FIXED &&
      s->site->site.width.count <= pool)
    goto done;
  /* Unbounded over a big pool (the SDKs' 1000) is FAN101's business alone;
   * over a pool of 100 or less the extra tasks queue (httpx: PoolTimeout after 5 s). */
  if (!s->limiter_line && pool > 100) goto done;
  /* `range(n)` copies of one queue worker: n, unknown here, is the bound */
  if (!s->limiter_line && s->site->site.identical_tasks) goto done;
  if (relate_again(out, RULE_FAN702, o->file, o->pos, s, s->inferred)) goto done;
  const Facts *of = &m->ix->files[o->file];
  char *orch = index_def_name(m->ix, s->orchestrator);
  char *msg = s->limiter_line
                  ? xasprintf("`%s` has a pool of %ld connections but the fan-out in %s lets %ld "
                              "tasks use it at once",
                              o->ctor, pool, orch, bound)
                  : xasprintf("`%s` has a pool of %ld connections and the fan-out in %s over `%s` "
                              "has no bound: extra tasks queue for a connection",
                              o->ctor, pool, orch, s->site->site.width.expr);
  Finding *f = findings_add(
      out, m->ix, RULE_FAN702, o->file, of->calls.items[o->call].def, o->pos, msg,
      xasprintf("pool: %ld (%s%s); fan-out at %s:%u%s", pool,
                model_kwarg(of, &of->calls.items[o->call], "limits") ||
                        model_kwarg(of, &of->calls.items[o->call], "connector")
                    ? "set on the client"
                    : "library default",
                o == &fallback ? ", the client made when none is passed in" : "",
                m->ix->files[s->site->file].path, s->site->site.pos.line,
                s->limiter_line ? "" : ", unbounded"),
      xstrdup("make the fan-out's limiter no larger than the pool, or raise the pool limit to "
              "match the limiter"),
      NULL);
  f->inferred = s->inferred;
  finding_relate(f, s->site->file, s->site->site.pos, xstrdup("the fan-out"));
  free(orch);
done:
  if (fallback.ctor) origin_free(&fallback);
}

void check_pool(Model *m, const SiteInfos *sites, Findings *out) {
  /* made apart, so that finding one made before searches these few, not
   * every finding of the other checks */
  Findings pool = {0};
  for (uint32_t i = 0; i < sites->len; i++) {
    const SiteInfo *s = &sites->items[i];
    if (!analysis_large(m, s) || !s->has_ext) continue;
    fan701(m, sites, s, &pool);
    fan702(m, s, &pool);
  }
  for (uint32_t i = 0; i < pool.len; i++) array_push(out, pool.items[i]);
  array_free(&pool);
}
