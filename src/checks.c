#include "checks.h"

#include <stdlib.h>
#include <string.h>

#include "analysis.h"

void checks_run(const Project *p, const Catalog *cat, const Selection *sel, Findings *out) {
  Model m;
  model_init(&m, &p->index, &p->knowledge);
  SiteInfos sites = {0};
  analysis_sites(&m, &sites);
  Findings all = {0};
  check_concurrency(&m, &sites, &all);
  check_context(&m, &sites, &all);
  check_pool(&m, &sites, &all);
  check_blocking(&m, &all);
  check_retry(&m, &all);
  check_observability(&m, &sites, &all);
  for (uint32_t i = 0; i < all.len; i++) {
    const RuleDoc *doc = catalog_get(cat, all.items[i].code);
    if (selection_enabled(sel, all.items[i].code, doc ? doc->default_on : true)) {
      array_push(out, all.items[i]);
    } else {
      finding_free(&all.items[i]);
    }
  }
  array_free(&all);
  findings_sort(out, &p->index);
  analysis_free(&sites);
  model_free(&m);
}
