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

/* Chain `n` names (name(i) for the i-th) into `map` and `next`. */
static uint32_t *chain_names(StrMap *map, uint32_t n, const char *(*name)(const Facts *, uint32_t),
                             const Facts *f, uint32_t first, const uint32_t *order) {
  uint32_t *next = xmalloc(((size_t)n + 1) * sizeof *next);
  uint32_t *last = xmalloc(((size_t)n + 1) * sizeof *last); /* per chain head: its tail */
  for (uint32_t k = 0; k < n; k++) {
    next[k] = UINT32_MAX;
    const char *key = name(f, order[first + k]);
    uint32_t head;
    if (strmap_get(map, key, &head)) {
      next[last[head]] = k;
      last[head] = k;
    } else {
      strmap_put(map, key, k);
      last[k] = k;
    }
  }
  free(last);
  return next;
}

static const char *assign_target(const Facts *f, uint32_t i) { return f->assigns.items[i].target; }
static const char *call_callee(const Facts *f, uint32_t i) { return f->calls.items[i].callee; }
static const char *call_method(const Facts *f, uint32_t i) {
  const char *dot = strrchr(f->calls.items[i].callee, '.');
  return dot ? dot + 1 : ""; /* "" collects the calls of bare names */
}

static struct DefNames *def_names(const Model *m, uint32_t file, int32_t def) {
  uint32_t g = index_global_def(m->ix, (DefRef){file, def});
  if (m->names[g]) return m->names[g];
  const Facts *f = &m->ix->files[file];
  const Def *d = &f->defs.items[def];
  struct DefNames *dn = xcalloc(1, sizeof *dn);
  dn->assign_next = chain_names(&dn->assigns, d->own_assigns.end - d->own_assigns.first,
                                assign_target, f, d->own_assigns.first, f->assign_order.items);
  dn->call_next = chain_names(&dn->calls, d->own_calls.end - d->own_calls.first, call_callee, f,
                              d->own_calls.first, f->call_order.items);
  dn->method_next = chain_names(&dn->methods, d->own_calls.end - d->own_calls.first, call_method, f,
                                d->own_calls.first, f->call_order.items);
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

uint32_t model_next_assign(const Model *m, uint32_t file, int32_t def, const char *name,
                           uint32_t *at) {
  const struct DefNames *dn = def_names(m, file, def);
  const Def *d = &m->ix->files[file].defs.items[def];
  return next_named(&dn->assigns, dn->assign_next, name, at, d->own_assigns.first,
                    m->ix->files[file].assign_order.items);
}

uint32_t model_next_call(const Model *m, uint32_t file, int32_t def, const char *callee,
                         uint32_t *at) {
  const struct DefNames *dn = def_names(m, file, def);
  const Def *d = &m->ix->files[file].defs.items[def];
  return next_named(&dn->calls, dn->call_next, callee, at, d->own_calls.first,
                    m->ix->files[file].call_order.items);
}

/* The import that binds `name` (its first n bytes) in def `scope` of
 * `file`: the last such one, as a scan from the end finds; NULL if none. */

uint32_t model_next_method(const Model *m, uint32_t file, int32_t def, const char *method,
                           uint32_t *at) {
  const struct DefNames *dn = def_names(m, file, def);
  const Def *d = &m->ix->files[file].defs.items[def];
  return next_named(&dn->methods, dn->method_next, method, at, d->own_calls.first,
                    m->ix->files[file].call_order.items);
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
