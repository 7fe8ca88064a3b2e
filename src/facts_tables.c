/* facts_tables: the lookups over one file's facts (facts.h, FactsTables),
 * made once with the facts and kept with them: qualnames, the import that
 * binds a name in a def, the star imports, assignments by target. */
#include <stdlib.h>
#include <string.h>

#include "facts.h"

static const char *assign_target(const void *facts, uint32_t k) {
  return ((const Facts *)facts)->assigns.items[k].target;
}

static uint32_t import_hash(int32_t def, const char *name, size_t n) {
  return str_hash(name, n) ^ ((uint32_t)def * 0x9E3779B9u);
}

/* Each import under its (def, bound name), a later one replacing an earlier. */
static void import_slots(Facts *f) {
  FactsTables *t = &f->tables;
  t->import_cap = 4;
  while (t->import_cap < 2 * f->imports.len) t->import_cap *= 2;
  t->imports = xcalloc(t->import_cap, sizeof(ImportSlot));
  for (uint32_t k = 0; k < f->imports.len; k++) {
    const Import *im = &f->imports.items[k];
    uint32_t h = import_hash(im->def, im->bound, strlen(im->bound)), mask = t->import_cap - 1;
    uint32_t i = h & mask;
    while (t->imports[i].bound &&
           (t->imports[i].hash != h || t->imports[i].def != (uint32_t)im->def ||
            strcmp(t->imports[i].bound, im->bound) != 0))
      i = (i + 1) & mask;
    t->imports[i] = (ImportSlot){im->bound, h, (uint32_t)im->def, k};
    if (im->def == 0 && strcmp(im->bound, "*") == 0) array_push(&t->stars, k);
  }
}

uint32_t facts_import(const Facts *f, int32_t def, const char *name, size_t n) {
  const FactsTables *t = &f->tables;
  if (!t->import_cap) return UINT32_MAX;
  uint32_t h = import_hash(def, name, n), mask = t->import_cap - 1;
  for (uint32_t i = h & mask; t->imports[i].bound; i = (i + 1) & mask) {
    const ImportSlot *s = &t->imports[i];
    if (s->hash == h && s->def == (uint32_t)def && strncmp(s->bound, name, n) == 0 &&
        s->bound[n] == '\0')
      return s->import;
  }
  return UINT32_MAX;
}

void facts_tables_build(Facts *f) {
  FactsTables *t = &f->tables;
  if (t->built) return;
  for (uint32_t d = 1; d < f->defs.len; d++)
    if (!strmap_get(&t->qualnames, f->defs.items[d].qualname, NULL))
      strmap_put(&t->qualnames, f->defs.items[d].qualname, d);
  import_slots(f);
  uint32_t n = f->assigns.len;
  t->assign_next = xmalloc(((size_t)n + 1) * sizeof(uint32_t));
  t->assign_count = xcalloc((size_t)n + 1, sizeof(uint32_t));
  strmap_chain(&t->assign_targets, n, assign_target, f, t->assign_next);
  for (uint32_t k = 0, head; k < n; k++)
    if (strmap_get(&t->assign_targets, f->assigns.items[k].target, &head) && head == k)
      for (uint32_t i = k; i != UINT32_MAX; i = t->assign_next[i]) t->assign_count[k]++;
  t->built = true;
}
