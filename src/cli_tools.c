/* cli_tools: `fanout lsp`, `fanout rules`, and `fanout facts` (a debugging aid). */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "lsp.h"
#include "template.h"

void cli_print_diags(const Diags *d) {
  for (uint32_t i = 0; i < d->len; i++) {
    char *s = diag_format(&d->items[i]);
    fprintf(stderr, "%s\n", s);
    free(s);
  }
}

/* ---- lsp ---- */

/* The server's root is the path it checks: configured from there, and a
 * cache inside it is refused as for `check ROOT`. */
static bool lsp_configure(void *ctx, const char *root, Diags *diags) {
  Options *o = ctx;
  if (o->npaths == 0) o->paths[o->npaths++] = root;
  return cli_configure(o, o->paths[0], diags);
}

int cmd_lsp(Options *o, Diags *diags) {
  (void)diags;
  o->project.editor = true;
  /* tests and tools/lsp_agrees.py: every rebuild checked against a full one */
  const char *verify = getenv("FANOUT_VERIFY_REBUILDS");
  o->project.verify_rebuilds = verify && *verify && strcmp(verify, "0") != 0;
  LspConfigure configure = {lsp_configure, o};
  return lsp_serve(stdin, stdout, stderr, &o->policy, &o->project, &configure);
}

/* ---- rules ---- */

int cmd_rules(Options *o, Diags *diags) {
  (void)diags;
  int rc = EXIT_OK;
  if (o->npaths == 0) {
    bool markdown = o->format && strcmp(o->format, "markdown") == 0;
    if (markdown) printf("| code | name | summary | severity | default |\n|---|---|---|---|---|\n");
    for (int i = 0; i < RULE_COUNT; i++) {
      const RuleInfo *r = rule_info((Rule)i);
      if (markdown)
        printf("| <a id=\"fan%s\"></a>[%s](rules/docs/%s.md) | %s | %s | %s%s | %s |\n",
               r->code + 3, r->code, r->code, r->name, r->summary, severity_name(r->severity),
               r->error_when_data ? ", error in a data-sized fan-out" : "",
               r->default_on ? "on" : "off");
      else
        printf("%s  %-28s %s%s\n", r->code, r->name, r->summary,
               r->default_on ? "" : " (off by default)");
    }
  }
  for (uint32_t i = 0; i < o->npaths; i++) {
    Rule r;
    if (!rule_named(o->paths[i], &r)) {
      fprintf(stderr, "fanout: no rule %s (fanout rules lists them)\n", o->paths[i]);
      rc = EXIT_USAGE;
      continue;
    }
    printf("%s%s: %s\n\n%s", i ? "\n" : "", rule_info(r)->code, rule_info(r)->summary, rule_doc(r));
  }
  return rc;
}

/* ---- facts (for debugging rules and fixtures) ---- */

/* Print every file's facts, one per line: defs, imports, calls with their resolved targets,
 * assignments, with-items and log calls. */
int cmd_facts(Options *o, Diags *diags) {
  Project p;
  bool ok = project_load(&p, o->paths, o->npaths, &o->project, diags);
  for (uint32_t fi = 0; ok && fi < p.nfiles; fi++) {
    const Facts *f = &p.files[fi];
    printf("file %s module %s%s%s\n", f->path, f->module, f->is_package ? " package" : "",
           f->has_errors ? " syntax-errors" : "");
    for (uint32_t i = 1; i < f->defs.len; i++) {
      const Def *d = &f->defs.items[i];
      printf("  def %u %s%s %s\n", d->pos.line, d->is_async ? "async " : "",
             d->kind == DEF_CLASS ? "class" : "function", d->qualname);
    }
    for (uint32_t i = 0; i < f->imports.len; i++)
      printf("  import %u %s = %s\n", f->imports.items[i].pos.line, f->imports.items[i].bound,
             f->imports.items[i].target);
    for (uint32_t i = 0; i < f->calls.len; i++) {
      const Call *c = &f->calls.items[i];
      DefRef r = index_call_target(&p.index, fi, i);
      char *to = defref_ok(r) ? index_def_name(&p.index, r) : xstrdup("unresolved");
      printf("  call %u:%u %s%s%s%s%s in %s -> %s\n", c->pos.line, c->pos.col, c->callee,
             c->flags & CALL_AWAITED ? " awaited" : "",
             c->flags & CALL_DISCARDED ? " discarded" : "", c->flags & CALL_IN_LOOP ? " loop" : "",
             c->flags & CALL_REFERENCE ? " ref" : "", f->defs.items[c->def].qualname, to);
      free(to);
    }
    for (uint32_t i = 0; i < f->assigns.len; i++)
      printf("  assign %u %s = %s\n", f->assigns.items[i].pos.line, f->assigns.items[i].target,
             f->assigns.items[i].value);
    for (uint32_t i = 0; i < f->withs.len; i++)
      printf("  with %u %s%s%s%s\n", f->withs.items[i].pos.line,
             f->withs.items[i].is_async ? "async " : "", f->withs.items[i].expr,
             f->withs.items[i].alias ? " as " : "",
             f->withs.items[i].alias ? f->withs.items[i].alias : "");
    for (uint32_t i = 0; i < f->logs.len; i++) {
      char *m = template_display(f->logs.items[i].message);
      printf("  log %u %s \"%s\"\n", f->logs.items[i].pos.line, f->logs.items[i].callee, m);
      free(m);
    }
  }
  project_free(&p);
  return ok ? EXIT_OK : EXIT_USAGE;
}
