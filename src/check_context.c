/* FAN6xx per-task context duplication: the same large text built in every task. */
#include <stdlib.h>
#include <string.h>

#include "analysis.h"

/* Whether `text` uses the identifier `name` as a whole word. */
static bool uses_name(const char *text, const char *name) {
  size_t n = strlen(name);
  for (const char *p = strstr(text, name); p; p = strstr(p + 1, name)) {
    bool left = p == text || !(p[-1] == '_' || p[-1] == '.' || (p[-1] >= 'a' && p[-1] <= 'z') ||
                               (p[-1] >= 'A' && p[-1] <= 'Z') || (p[-1] >= '0' && p[-1] <= '9'));
    char r = p[n];
    bool right =
        !(r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9'));
    if (left && right) return true;
  }
  return false;
}

/* Calls that build a big text from their argument. */
static bool builds_text(const Model *m, uint32_t file, const Call *c) {
  if (str_ends_with(c->callee, ".join") || str_ends_with(c->callee, ".model_dump_json"))
    return true;
  char *canon = model_canonical(m, file, c->def, c->callee);
  bool yes = strcmp(canon, "json.dumps") == 0 || strcmp(canon, "yaml.dump") == 0 ||
             strcmp(canon, "yaml.safe_dump") == 0 || strcmp(canon, "pprint.pformat") == 0;
  free(canon);
  return yes;
}

/* The parameters of the target that every task receives unchanged. */
static void invariant_params(const Model *m, const SiteInfo *s, StrArray *out) {
  const Facts *sf = &m->ix->files[s->site->file];
  const Facts *tf = &m->ix->files[s->target.file];
  const Def *t = index_def(m->ix, s->target);
  const char *text =
      s->site->site.targets.count ? sf->names.items[s->site->site.targets.first] : "";
  uint32_t shift = 0; /* self.m(x) passes x as parameter 1 */
  if (strchr(text, '.') && t->params.count &&
      (strcmp(tf->names.items[t->params.first], "self") == 0 ||
       strcmp(tf->names.items[t->params.first], "cls") == 0))
    shift = 1;
  for (uint32_t i = 0; i < 32 && i + shift < t->params.count; i++)
    if (s->site->site.invariant_args & (1u << i)) {
      const char *p = tf->names.items[t->params.first + i + shift];
      if (*p != '*') array_push(out, (char *)p);
    }
  for (uint32_t i = 0; i < s->site->site.invariant_kwargs.count; i++)
    array_push(out, (char *)sf->names.items[s->site->site.invariant_kwargs.first + i]);
}

void check_context(Model *m, const SiteInfos *sites, Findings *out) {
  for (uint32_t i = 0; i < sites->len; i++) {
    const SiteInfo *s = &sites->items[i];
    if (!analysis_large(m, s) || !defref_ok(s->target)) continue;
    StrArray params = {0};
    invariant_params(m, s, &params);
    const Facts *tf = &m->ix->files[s->target.file];
    for (uint32_t c = 0; c < tf->calls.len && params.len; c++) {
      const Call *call = &tf->calls.items[c];
      if (call->def != s->target.def || !call->arg0 || !builds_text(m, s->target.file, call))
        continue;
      for (uint32_t p = 0; p < params.len; p++) {
        if (!uses_name(call->arg0, params.items[p])) continue;
        char *orch = index_def_name(m->ix, s->orchestrator);
        char *target = index_def_name(m->ix, s->target);
        /* "?.join" is a join on a literal separator: show it as ".join" */
        const char *callee = call->callee[0] == '?' ? call->callee + 1 : call->callee;
        Finding *f = findings_add(
            out, m->ix, "FAN601", s->target.file, s->target.def, call->pos,
            xasprintf("`%s(...)` over `%s` is rebuilt in every task: `%s` is the same for all "
                      "tasks of the fan-out in %s",
                      callee, params.items[p], params.items[p], orch),
            xasprintf("%s runs once per item of `%s`; its parameter `%s` gets the same value each "
                      "time",
                      target, s->site->site.width.expr, params.items[p]),
            xasprintf("build it once in %s before the fan-out and pass the result (or pass only "
                      "the part each task needs)",
                      orch),
            xstrdup("peak RSS and prompt tokens per task drop; phase time drops with shorter "
                    "prompts"));
        finding_relate(f, s->site->file, s->site->site.pos, xstrdup("the fan-out"));
        free(orch);
        free(target);
        break;
      }
    }
    array_free(&params);
  }
}
