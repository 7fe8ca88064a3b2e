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

/* The map, or its output replayed from the run memo. */
int cmd_map(Options *o, Diags *diags) {
  RunMemo memo;
  int rc = EXIT_USAGE;
  if (run_memo_replay(&memo, o, "map", o->paths, o->npaths, &rc)) return rc;
  Project p;
  Shown sh;
  bool ok =
      project_load(&p, o->paths, o->npaths, &o->project, diags) && shown_load(&sh, o, &p, diags);
  if (ok) {
    StrBuf out = {0}, err = {0};
    if (o->format && strcmp(o->format, "json") == 0)
      map_format_json(&p.index, &sh.fs, &sh.run, &out);
    else
      map_format(&p.index, &sh.fs, &sh.run, &out);
    fputs(sb_str(&out), stdout);
    rc = EXIT_OK;
    run_memo_record(&memo, &out, &err, diags, rc);
    sb_free(&out);
    shown_free(&sh);
  } else {
    run_memo_close(&memo);
  }
  project_free(&p);
  return rc;
}

/* ---- trace ---- */

static void print_chain(const Index *ix, const TraceChain *chain, const Shown *sh, StrBuf *out) {
  for (uint32_t i = 0; i < chain->len; i++) {
    const TraceStep *s = &chain->items[i];
    const Def *d = index_def(ix, s->def);
    char *name = index_def_name(ix, s->def);
    const char *role = s->direction == 0 ? "logged in" : s->direction > 0 ? "called by" : "calls";
    if (i == 0)
      sb_printf(out, "  %-10s %s:%u\n", "in", name, d->pos.line);
    else
      sb_printf(out, "  %-10s %s:%u  (call at line %u)\n", role, name, d->pos.line, s->via.line);
    free(name);
  }
  if (!chain->len) return;
  const TraceStep *last = &chain->items[chain->len - 1];
  for (uint32_t i = 0; i < ix->sites.len; i++) {
    const SiteRef *sr = &ix->sites.items[i];
    if (sr->file != last->def.file || sr->site.def != last->def.def) continue;
    StrBuf line = {0};
    map_format_site(ix, sr, &sh->fs, &sh->run, &line);
    sb_printf(out, "  %-10s %s", "fans out", sb_str(&line));
    sb_free(&line);
    for (uint32_t k = 0; k < sh->run.by_site.len; k++) { /* its findings, in full */
      if (sh->run.by_site.items[k].site != i) continue;
      const Finding *f = &sh->fs.items[sh->run.by_site.items[k].finding];
      sb_printf(out, "  %-10s %s:%u:%u: %s [%s] %s\n", "finding", ix->files[f->file].path,
                f->pos.line, f->pos.col, f->code, severity_name(f->severity), f->message);
    }
  }
}

/* A logging callsite the marker matches, with its chain to the nearest orchestrator. */
static void print_match(const Index *ix, const TraceMatch *m, uint32_t i, const Shown *sh,
                        StrBuf *out) {
  char *shown = template_display(m->message);
  sb_printf(out, "%s%s:%u:%u: %s(\"%s\")%s\n", i ? "\n" : "", ix->files[m->file].path, m->pos.line,
            m->pos.col, m->callee, shown, m->exact ? "" : "  [marker is part of the message]");
  free(shown);
  TraceChain chain = {0};
  trace_orchestrator(ix, (DefRef){m->file, m->def}, &chain);
  if (chain.len) {
    print_chain(ix, &chain, sh, out);
  } else {
    char *name = index_def_name(ix, (DefRef){m->file, m->def});
    sb_printf(out, "  %-10s %s\n  no fan-out orchestrator reaches this function\n", "in", name);
    free(name);
  }
  array_free(&chain);
}

/* A library's log line: the project code it ties to. */
static void print_library_line(const Index *ix, const TraceLib *lib, const Shown *sh, StrBuf *out) {
  sb_printf(out, "library line %s, a %s%s%s%s\n  written by %s\n", lib->entry, lib->event,
            lib->what ? ": `" : "", lib->what ? lib->what : "", lib->what ? "`" : "", lib->library);
  if (lib->has_site)
    sb_printf(out, "%s:%u:%u: %s(...)  [the project's call the request's method and path match]\n",
              ix->files[lib->file].path, lib->pos.line, lib->pos.col, lib->callee);
  TraceChain chain = {0};
  if (lib->def.def >= 0) trace_orchestrator(ix, lib->def, &chain);
  if (chain.len)
    print_chain(ix, &chain, sh, out);
  else if (lib->def.def >= 0)
    sb_printf(out, "  no fan-out orchestrator reaches it\n");
  else
    sb_printf(out, "  no project code it names or sends it was found\n");
  array_free(&chain);
}

/* Print each logging callsite the marker matches with its chain to the nearest orchestrator; with
 * none, read the marker as a library's log line and trace the project code it names. EXIT_FINDINGS
 * when nothing matches. */
int cmd_trace(Options *o, Diags *diags) {
  RunMemo memo;
  int rc = EXIT_USAGE;
  if (run_memo_replay(&memo, o, "trace", o->paths, o->npaths, &rc)) return rc;
  Project p;
  Shown sh;
  if (!project_load(&p, o->paths, o->npaths, &o->project, diags) ||
      !shown_load(&sh, o, &p, diags)) {
    run_memo_close(&memo);
    project_free(&p);
    return EXIT_USAGE;
  }
  StrBuf out = {0}, err = {0};
  TraceMatches matches = {0};
  trace_find(&p.index, o->marker, &matches);
  for (uint32_t i = 0; i < matches.len; i++) print_match(&p.index, &matches.items[i], i, &sh, &out);
  TraceLib lib;
  bool library = !matches.len && trace_library_line(&p.index, o->marker, &lib);
  if (library) {
    print_library_line(&p.index, &lib, &sh, &out);
    trace_lib_free(&lib);
  }
  if (!matches.len && !library)
    sb_printf(&err, "fanout: no logging callsite matches \"%s\"\n", o->marker);
  rc = matches.len || library ? EXIT_OK : EXIT_FINDINGS;
  fputs(sb_str(&out), stdout);
  fputs(sb_str(&err), stderr);
  run_memo_record(&memo, &out, &err, diags, rc);
  sb_free(&out), sb_free(&err);
  trace_matches_free(&matches);
  shown_free(&sh);
  project_free(&p);
  return rc;
}
