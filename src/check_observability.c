/* FAN9xx observability gaps (informational, off by default): orchestrators
 * that log nothing, swallowed errors around fanned-out work. Retries that
 * never log (FAN902) are found with the retries, in check_retry.c. */
#include <stdlib.h>
#include <string.h>

#include "analysis.h"

static bool logs_in(const Facts *f, int32_t def) {
  for (uint32_t i = 0; i < f->logs.len; i++)
    if (f->logs.items[i].def == def) return true;
  return false;
}

static bool broad(const char *types) {
  return !*types || strcmp(types, "Exception") == 0 || strcmp(types, "BaseException") == 0;
}

/* A trivial broad handler of a try statement covering `line` in `def`. */
static const Handler *swallowing(const Facts *f, int32_t def, uint32_t line) {
  for (uint32_t i = 0; i < f->handlers.len; i++) {
    const Handler *h = &f->handlers.items[i];
    if (h->def == def && h->trivial && broad(h->types) && h->try_line <= line && line < h->pos.line)
      return h;
  }
  return NULL;
}

void check_observability(Model *m, const SiteInfos *sites, Findings *out) {
  for (uint32_t i = 0; i < sites->len; i++) {
    const SiteInfo *s = &sites->items[i];
    if (!analysis_large(m, s)) continue;
    const Facts *f = &m->ix->files[s->orchestrator.file];
    const Def *d = index_def(m->ix, s->orchestrator);
    char *orch = index_def_name(m->ix, s->orchestrator);
    if (!logs_in(f, s->orchestrator.def) && d->kind == DEF_FUNCTION)
      findings_add(
          out, m->ix, RULE_FAN901, s->orchestrator.file, s->orchestrator.def, d->pos,
          xasprintf("orchestrator %s fans out over `%s` but logs nothing: its phase has "
                    "no start or end in the log",
                    orch, s->site->site.width.expr),
          xasprintf("fan-out at line %u; no logging call in the function", s->site->site.pos.line),
          xstrdup("log the phase start with its width and the end with its duration"), NULL);
    const Handler *h = swallowing(f, s->orchestrator.def, s->site->site.pos.line);
    if (h)
      findings_add(out, m->ix, RULE_FAN903, s->orchestrator.file, s->orchestrator.def, h->pos,
                   xasprintf("`except %s: pass` around the fan-out in %s hides failed tasks",
                             *h->types ? h->types : "", orch),
                   xasprintf("the fan-out at line %u is inside this try", s->site->site.pos.line),
                   xstrdup("log the exception (with the item) before moving on"), NULL);
    if (s->has_ext && !s->item_is_external && s->ext.call != UINT32_MAX) {
      const Facts *ef = &m->ix->files[s->ext.file];
      const Call *c = &ef->calls.items[s->ext.call];
      const Handler *eh = swallowing(ef, c->def, c->pos.line);
      if (eh) {
        char *where = index_def_name(m->ix, (DefRef){s->ext.file, c->def});
        findings_add(out, m->ix, RULE_FAN903, s->ext.file, c->def, eh->pos,
                     xasprintf("`except %s: pass` in fanned-out %s swallows failures of `%s`",
                               *eh->types ? eh->types : "", where, c->callee),
                     xasprintf("%s runs once per item of the fan-out in %s", where, orch),
                     xstrdup("log the exception (with the item) before moving on"), NULL);
        free(where);
      }
    }
    free(orch);
  }
}
