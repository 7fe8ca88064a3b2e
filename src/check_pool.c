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

static void fan701(Model *m, const SiteInfo *s, Findings *out) {
  for (uint32_t r = 0; r < s->reach.len; r++) {
    DefRef d = s->reach.items[r];
    const Facts *f = &m->ix->files[d.file];
    for (uint32_t c = 0; c < f->calls.len; c++) {
      const Call *call = &f->calls.items[c];
      if (call->def != d.def || (call->flags & CALL_REFERENCE)) continue;
      char *canon = model_canonical(m, d.file, d.def, call->callee);
      const Fact *fact = knowledge_get(m->k, "client", canon);
      char kind[16] = "", oneshot[8] = "";
      if (!fact) {
        const Fact *ext = knowledge_get(m->k, "external", canon);
        if (ext && fact_attr(ext, "oneshot", oneshot, sizeof oneshot)) fact = ext;
      }
      if (fact) fact_attr(fact, "kind", kind, sizeof kind);
      bool pooled = fact && (strcmp(kind, "http") == 0 || strcmp(kind, "llm") == 0 ||
                             strcmp(kind, "aws") == 0);
      if (pooled && !stored(f, c)) {
        char *orch = index_def_name(m->ix, s->orchestrator);
        char *where = index_def_name(m->ix, d);
        Finding *fd = findings_add(
            out, m->ix, "FAN701", d.file, d.def, call->pos,
            xasprintf("`%s(...)` builds a new client (its own connection pool) in every task of "
                      "the fan-out in %s",
                      canon, orch),
            xasprintf("%s runs once per item of `%s`; no connection is reused across tasks", where,
                      s->site->site.width.expr),
            xasprintf("create one `%s` for the run (in the orchestrator or `__init__`), pass it "
                      "to the tasks, and close it once",
                      canon),
            xstrdup("open connections and TLS handshakes per run drop; p50 call latency drops"));
        finding_relate(fd, s->site->file, s->site->site.pos, xstrdup("the fan-out"));
        free(orch);
        free(where);
      }
      free(canon);
    }
  }
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
  char buf[16];
  if (o->fact && fact_attr(o->fact, "pool", buf, sizeof buf)) return strtol(buf, NULL, 10);
  return -1;
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

static void fan702(Model *m, const SiteInfo *s, Findings *out) {
  if (!s->has_ext || !s->ext.has_origin || s->ext.origin.call < 0) return;
  /* a client built inside the task has a pool of its own (FAN701's case) */
  const Call *ctor = &m->ix->files[s->ext.origin.file].calls.items[s->ext.origin.call];
  for (uint32_t r = 0; r < s->reach.len; r++)
    if (s->reach.items[r].file == s->ext.origin.file && s->reach.items[r].def == ctor->def) return;
  long pool = pool_size(m, &s->ext.origin);
  if (pool <= 0) return; /* unknown, or 0 = no limit (aiohttp) */
  long bound = s->limiter_line ? limiter_size(m, s) : -1;
  if (s->limiter_line && bound <= pool) return;
  /* a fixed fan-out no wider than the pool never waits for a connection */
  if (!s->limiter_line && s->site->site.width.kind == WIDTH_FIXED &&
      s->site->site.width.count <= pool)
    return;
  /* Unbounded over a big pool (the SDKs' 1000) is FAN101's business alone;
   * over a pool of 100 or less the extra tasks queue (httpx: PoolTimeout after 5 s). */
  if (!s->limiter_line && pool > 100) return;
  const Origin *o = &s->ext.origin;
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
      out, m->ix, "FAN702", o->file, of->calls.items[o->call].def, o->pos, msg,
      xasprintf("pool: %ld (%s); fan-out at %s:%u%s", pool,
                model_kwarg(of, &of->calls.items[o->call], "limits") ||
                        model_kwarg(of, &of->calls.items[o->call], "connector")
                    ? "set on the client"
                    : "library default",
                m->ix->files[s->site->file].path, s->site->site.pos.line,
                s->limiter_line ? "" : ", unbounded"),
      xstrdup("make the fan-out's limiter no larger than the pool, or raise the pool limit to "
              "match the limiter"),
      xstrdup("pool wait time and PoolTimeout errors drop to zero; p95 call latency drops"));
  finding_relate(f, s->site->file, s->site->site.pos, xstrdup("the fan-out"));
  free(orch);
}

void check_pool(Model *m, const SiteInfos *sites, Findings *out) {
  for (uint32_t i = 0; i < sites->len; i++) {
    const SiteInfo *s = &sites->items[i];
    if (!analysis_large(m, s) || !s->has_ext) continue;
    fan701(m, s, out);
    fan702(m, s, out);
  }
}
