/* cli_map: `fanout map` and `fanout trace`: the orchestrators, and a log line's way back to the
 * code. */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "map.h"
#include "template.h"
#include "trace.h"

/* ---- map ---- */

/* The findings the policy shows, and where each is, for map and trace. */
typedef struct {
  Findings fs;
  PolicyRun run;
} Shown;

static bool shown_load(Shown *sh, const Options *o, const Project *p, Diags *diags) {
  memset(sh, 0, sizeof *sh);
  (void)diags;
  policy_run(&o->policy, p, &sh->fs, &sh->run);
  return true;
}

static void shown_free(Shown *sh) {
  findings_free(&sh->fs);
  policy_run_free(&sh->run);
}

int cmd_map(Options *o, Diags *diags) {
  Project p;
  Shown sh;
  bool ok =
      project_load(&p, o->paths, o->npaths, &o->project, diags) && shown_load(&sh, o, &p, diags);
  if (ok) {
    StrBuf out = {0};
    if (o->format && strcmp(o->format, "json") == 0)
      map_format_json(&p.index, &sh.fs, &sh.run, &out);
    else
      map_format(&p.index, &sh.fs, &sh.run, &out);
    fputs(sb_str(&out), stdout);
    sb_free(&out);
    shown_free(&sh);
  }
  project_free(&p);
  return ok ? EXIT_OK : EXIT_USAGE;
}

/* ---- trace ---- */

static void print_chain(const Index *ix, const TraceChain *chain, const Shown *sh) {
  for (uint32_t i = 0; i < chain->len; i++) {
    const TraceStep *s = &chain->items[i];
    const Def *d = index_def(ix, s->def);
    char *name = index_def_name(ix, s->def);
    const char *role = s->direction == 0 ? "logged in" : s->direction > 0 ? "called by" : "calls";
    if (i == 0)
      printf("  %-10s %s:%u\n", "in", name, d->pos.line);
    else
      printf("  %-10s %s:%u  (call at line %u)\n", role, name, d->pos.line, s->via.line);
    free(name);
  }
  if (!chain->len) return;
  const TraceStep *last = &chain->items[chain->len - 1];
  for (uint32_t i = 0; i < ix->sites.len; i++) {
    const SiteRef *sr = &ix->sites.items[i];
    if (sr->file != last->def.file || sr->site.def != last->def.def) continue;
    StrBuf line = {0};
    map_format_site(ix, sr, &sh->fs, &sh->run, &line);
    printf("  %-10s %s", "fans out", sb_str(&line));
    sb_free(&line);
    for (uint32_t k = 0; k < sh->run.by_site.len; k++) { /* its findings, in full */
      if (sh->run.by_site.items[k].site != i) continue;
      const Finding *f = &sh->fs.items[sh->run.by_site.items[k].finding];
      printf("  %-10s %s:%u:%u: %s [%s] %s\n", "finding", ix->files[f->file].path, f->pos.line,
             f->pos.col, f->code, severity_name(f->severity), f->message);
    }
  }
}

/* Print each logging callsite the marker matches with its chain to the nearest orchestrator; with
 * none, read the marker as a library's log line and trace the project code it names. EXIT_FINDINGS
 * when nothing matches. */
int cmd_trace(Options *o, Diags *diags) {
  Project p;
  if (!project_load(&p, o->paths, o->npaths, &o->project, diags)) {
    project_free(&p);
    return EXIT_USAGE;
  }
  Shown sh;
  if (!shown_load(&sh, o, &p, diags)) {
    project_free(&p);
    return EXIT_USAGE;
  }
  TraceMatches matches = {0};
  trace_find(&p.index, o->marker, &matches);
  for (uint32_t i = 0; i < matches.len; i++) {
    const TraceMatch *m = &matches.items[i];
    char *shown = template_display(m->message);
    printf("%s%s:%u:%u: %s(\"%s\")%s\n", i ? "\n" : "", p.index.files[m->file].path, m->pos.line,
           m->pos.col, m->callee, shown, m->exact ? "" : "  [marker is part of the message]");
    free(shown);
    TraceChain chain = {0};
    trace_orchestrator(&p.index, (DefRef){m->file, m->def}, &chain);
    if (chain.len) {
      print_chain(&p.index, &chain, &sh);
    } else {
      char *name = index_def_name(&p.index, (DefRef){m->file, m->def});
      printf("  %-10s %s\n  no fan-out orchestrator reaches this function\n", "in", name);
      free(name);
    }
    array_free(&chain);
  }
  TraceLib lib;
  bool library = !matches.len && trace_library_line(&p.index, o->marker, &lib);
  if (library) { /* a library wrote it: the code it ties to */
    printf("library line %s, a %s%s%s%s\n  written by %s\n", lib.entry, lib.event,
           lib.what ? ": `" : "", lib.what ? lib.what : "", lib.what ? "`" : "", lib.library);
    if (lib.has_site)
      printf("%s:%u:%u: %s(...)  [the project's call the request's method and path match]\n",
             p.index.files[lib.file].path, lib.pos.line, lib.pos.col, lib.callee);
    TraceChain chain = {0};
    if (lib.def.def >= 0) trace_orchestrator(&p.index, lib.def, &chain);
    if (chain.len)
      print_chain(&p.index, &chain, &sh);
    else if (lib.def.def >= 0)
      printf("  no fan-out orchestrator reaches it\n");
    else
      printf("  no project code it names or sends it was found\n");
    array_free(&chain);
    trace_lib_free(&lib);
  }
  if (!matches.len && !library)
    fprintf(stderr, "fanout: no logging callsite matches \"%s\"\n", o->marker);
  int rc = matches.len || library ? EXIT_OK : EXIT_FINDINGS;
  trace_matches_free(&matches);
  shown_free(&sh);
  project_free(&p);
  return rc;
}
