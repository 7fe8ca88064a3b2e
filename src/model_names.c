/* model_names: a definition's own assignments by target and calls by callee
 * (and by method name), made on first use: a lookup costs the entries of
 * that name, not a scan of the definition. */
#include <stdlib.h>

#include "model_int.h"

/* A definition's own assignments by target and calls by callee: each name
 * maps to its first entry (k: the k-th of the definition's own stretch), and
 * `next` chains the entries of one name in source order. */
struct DefNames {
  StrMap assigns, calls, methods; /* methods: by the callee's last part after a dot */
  uint32_t *assign_next, *call_next, *method_next; /* UINT32_MAX: the last of its name */
};

/* A definition's own assignments (calls) in order, as strmap_chain keys them. */
typedef struct {
  const Facts *f;
  const uint32_t *order; /* the definition's stretch of assign_order (call_order) */
} Stretch;

static const char *assign_target(const void *ctx, uint32_t k) {
  const Stretch *s = ctx;
  return s->f->assigns.items[s->order[k]].target;
}
static const char *call_callee(const void *ctx, uint32_t k) {
  const Stretch *s = ctx;
  return s->f->calls.items[s->order[k]].callee;
}
static const char *call_method(const void *ctx, uint32_t k) {
  const char *dot = strrchr(call_callee(ctx, k), '.');
  return dot ? dot + 1 : ""; /* "" collects the calls of bare names */
}

static uint32_t *chain_names(StrMap *map, uint32_t n, const char *(*key)(const void *, uint32_t),
                             const Facts *f, const uint32_t *order) {
  Stretch s = {f, order};
  uint32_t *next = xmalloc(((size_t)n + 1) * sizeof *next);
  strmap_chain(map, n, key, &s, next);
  return next;
}

static struct DefNames *def_names(const Model *m, uint32_t file, int32_t def) {
  uint32_t g = index_global_def(m->ix, (DefRef){file, def});
  if (m->names[g]) return m->names[g];
  const Facts *f = &m->ix->files[file];
  const Def *d = &f->defs.items[def];
  struct DefNames *dn = xcalloc(1, sizeof *dn);
  uint32_t na = d->own_assigns.end - d->own_assigns.first;
  uint32_t nc = d->own_calls.end - d->own_calls.first;
  /* (a file without assignments or calls has no order arrays at all) */
  const uint32_t *assigns = na ? f->assign_order.items + d->own_assigns.first : NULL;
  const uint32_t *calls = nc ? f->call_order.items + d->own_calls.first : NULL;
  dn->assign_next = chain_names(&dn->assigns, na, assign_target, f, assigns);
  dn->call_next = chain_names(&dn->calls, nc, call_callee, f, calls);
  dn->method_next = chain_names(&dn->methods, nc, call_method, f, calls);
  return m->names[g] = dn;
}

/* *at: 0 to start, else 1 + the k of the entry returned last. */
static uint32_t next_named(const StrMap *map, const uint32_t *next, const char *name, uint32_t *at,
                           uint32_t first, const uint32_t *order) {
  uint32_t k;
  if (*at == 0) {
    if (!strmap_get(map, name, &k)) return UINT32_MAX;
  } else if ((k = next[*at - 1]) == UINT32_MAX) {
    return UINT32_MAX;
  }
  *at = k + 1;
  return order[first + k];
}

/* A stretch of a few entries is scanned: making its maps would cost more
 * than the lookups save. The same entries, in the same order. */
#define SCAN_MAX 8

static uint32_t next_scanned(const char *(*key)(const void *, uint32_t), const Facts *f,
                             const uint32_t *order, uint32_t n, const char *name, uint32_t *at) {
  Stretch s = {f, order};
  for (uint32_t k = *at; k < n; k++)
    if (strcmp(key(&s, k), name) == 0) {
      *at = k + 1;
      return order[k];
    }
  return UINT32_MAX;
}

uint32_t model_next_assign(const Model *m, uint32_t file, int32_t def, const char *name,
                           uint32_t *at) {
  const Facts *f = &m->ix->files[file];
  const Def *d = &f->defs.items[def];
  uint32_t n = d->own_assigns.end - d->own_assigns.first;
  if (n <= SCAN_MAX)
    return n ? next_scanned(assign_target, f, f->assign_order.items + d->own_assigns.first, n, name,
                            at)
             : UINT32_MAX;
  const struct DefNames *dn = def_names(m, file, def);
  return next_named(&dn->assigns, dn->assign_next, name, at, d->own_assigns.first,
                    f->assign_order.items);
}

/* The next own call of a def by callee, or by method name (`by_method`). */
static uint32_t next_call(const Model *m, uint32_t file, int32_t def, const char *name,
                          uint32_t *at, bool by_method) {
  const Facts *f = &m->ix->files[file];
  const Def *d = &f->defs.items[def];
  uint32_t n = d->own_calls.end - d->own_calls.first;
  if (n <= SCAN_MAX)
    return n ? next_scanned(by_method ? call_method : call_callee, f,
                            f->call_order.items + d->own_calls.first, n, name, at)
             : UINT32_MAX;
  const struct DefNames *dn = def_names(m, file, def);
  return next_named(by_method ? &dn->methods : &dn->calls,
                    by_method ? dn->method_next : dn->call_next, name, at, d->own_calls.first,
                    f->call_order.items);
}

uint32_t model_next_call(const Model *m, uint32_t file, int32_t def, const char *callee,
                         uint32_t *at) {
  return next_call(m, file, def, callee, at, false);
}

uint32_t model_next_method(const Model *m, uint32_t file, int32_t def, const char *method,
                           uint32_t *at) {
  return next_call(m, file, def, method, at, true);
}

void model__names_free(Model *m) {
  for (uint32_t g = 0; m->names && g < m->ix->ndefs; g++) {
    struct DefNames *dn = m->names[g];
    if (!dn) continue;
    strmap_free(&dn->assigns);
    strmap_free(&dn->calls);
    strmap_free(&dn->methods);
    free(dn->assign_next);
    free(dn->call_next);
    free(dn->method_next);
    free(dn);
  }
  free(m->names);
}
