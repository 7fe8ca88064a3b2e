#include "checks.h"

#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "where.h"

/* Whether a noqa code list ("FAN101,FAN3") names `code` (exactly or by prefix). */
static bool noqa_names(const char *codes, const char *code, bool *fan_code) {
  bool hit = false;
  *fan_code = false;
  for (const char *c = codes; *c;) {
    size_t n = strcspn(c, ",");
    if (n >= 3 && strncmp(c, "FAN", 3) == 0) *fan_code = true;
    if (n && strncmp(code, c, n) == 0) hit = true;
    c += n + (c[n] == ',');
  }
  return hit;
}

/* The noqa on a finding's line that suppresses it, or NULL. */
static Noqa *noqa_for(const Facts *f, const Finding *fd) {
  for (uint32_t i = 0; i < f->noqas.len; i++) {
    Noqa *q = &f->noqas.items[i];
    bool fan;
    if (q->pos.line == fd->pos.line && (!*q->codes || noqa_names(q->codes, fd->code, &fan)))
      return q;
  }
  return NULL;
}

/* Where a finding was, whatever the selection: what a noqa could match. */
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
          findings_add(out, &p->index, "FAN900", fi, def, q->pos,
                       xasprintf("unused `# noqa: %.*s`: nothing on this line reports %.*s", (int)n,
                                 c, (int)n, c),
                       xasprintf("the noqa lists %s", q->codes),
                       xasprintf("remove `%.*s` from the noqa comment", (int)n, c),
                       xstrdup("the noqa list matches what is reported"));
        }
        c += n + (c[n] == ',');
      }
    }
  }
}

void check_counts_free(CheckCounts *c) { array_free(&c->hidden_in); }

void checks_run(const Project *p, const Catalog *cat, const Selection *sel, Findings *out,
                CheckCounts *counts) {
  Model m;
  model_init(&m, &p->index, &p->knowledge);
  m.min_width = p->min_width;
  SiteInfos sites = {0};
  analysis_sites(&m, &sites);
  Findings all = {0};
  check_concurrency(&m, &sites, &all);
  check_context(&m, &sites, &all);
  check_pool(&m, &sites, &all);
  check_blocking(&m, &all);
  check_retry(&m, &all);
  check_observability(&m, &sites, &all);
  *counts = (CheckCounts){0, 0, {0}};
  Marks marks = {0};
  for (uint32_t i = 0; i < all.len; i++) {
    Mark mk = {all.items[i].file, all.items[i].pos.line, {0}};
    memcpy(mk.code, all.items[i].code, sizeof mk.code);
    array_push(&marks, mk);
    const RuleDoc *doc = catalog_get(cat, all.items[i].code);
    const char *path = p->files[all.items[i].file].path;
    bool on = selection_enabled(sel, all.items[i].code, doc ? doc->default_on : true) &&
              !selection_file_ignores(sel, path, all.items[i].code);
    if (on && noqa_for(&p->files[all.items[i].file], &all.items[i])) counts->suppressed++, on = false;
    if (on && (p->index.kinds[all.items[i].file] & ~sel->include)) {
      counts->hidden++, on = false;
      array_push(&counts->hidden_in, all.items[i].file);
    }
    if (on)
      array_push(out, all.items[i]);
    else
      finding_free(&all.items[i]);
  }
  array_free(&all);
  if (selection_enabled(sel, "FAN900", false)) unused_noqa(p, &marks, out);
  array_free(&marks);
  findings_sort(out, &p->index);
  analysis_free(&sites);
  model_free(&m);
}
