#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks.h"
#include "emit.h"
#include "model.h"

#define TOP_MAX 7
#define TOP_MIN 3

/* One ranked item: a static finding, or evidence only the run shows. */
typedef struct {
  const Finding *finding; /* NULL for run-only evidence */
  const Phase *phase;     /* the phase whose time it costs, or NULL */
  double score;
  char *title, *location, *evidence, *diagnosis, *next_step, *validation; /* owned */
} Item;

typedef Array(Item) Items;

static double weight(const char *code) {
  switch (code[3]) {
  case '1': return 1.0;
  case '3': return 0.9;
  case '4': return 0.8;
  case '5': return 0.7;
  case '2':
  case '6': return 0.6;
  case '7': return 0.5;
  default: return 0.1;
  }
}

static bool same_def(DefRef a, uint32_t file, int32_t def) {
  return a.file == file && a.def == def;
}

/* The functions an orchestrator's tasks run (its sites' targets and what
 * they reach). */
static void orchestrator_reach(const Model *m, DefRef orch, DefRefs *out) {
  for (uint32_t i = 0; i < m->ix->sites.len; i++) {
    const SiteRef *s = &m->ix->sites.items[i];
    if (!same_def(orch, s->file, s->site.def)) continue;
    const Facts *sf = &m->ix->files[s->file];
    for (uint32_t t = 0; t < s->site.targets.count; t++) {
      DefRef target = index_resolve_name(m->ix, s->file, s->site.def,
                                         sf->names.items[s->site.targets.first + t]);
      if (defref_ok(target)) model_reach(m, target, 6, out);
    }
  }
}

/* The innermost function holding a finding. */
static int32_t finding_def(const Model *m, const Finding *f) {
  const Facts *ff = &m->ix->files[f->file];
  int32_t def = 0;
  for (uint32_t d = 1; d < ff->defs.len; d++)
    if (ff->defs.items[d].kind == DEF_FUNCTION && ff->defs.items[d].pos.line <= f->pos.line &&
        f->pos.line <= ff->defs.items[d].end_line)
      def = (int32_t)d;
  return def;
}

static char *phase_evidence(const Timeline *t, const Phase *p) {
  StrBuf b = {0};
  sb_printf(&b, "phase `%s` ran %.2f s (%.2f-%.2f s into the log)", p->name, p->end - p->start,
            p->start - t->first, p->end - t->first);
  if (p->tasks > 1)
    sb_printf(&b,
              "; %u per-task lines, gaps p50 %.3f s / p95 %.3f s / max %.3f s; the last task "
              "finished %.2f s after the 90th percentile",
              p->tasks, p->gap_p50, p->gap_p95, p->gap_max, p->tail);
  if (p->retries) sb_printf(&b, "; %u retry lines", p->retries);
  if (p->errors) sb_printf(&b, "; %u errors", p->errors);
  if (p->peak_rss_kb > 0) sb_printf(&b, "; peak RSS %.1f MB", p->peak_rss_kb / 1024.0);
  return sb_take(&b);
}

static void add_item(Items *items, const Finding *f, const Phase *p, double score, char *title,
                     char *location, char *evidence, char *diagnosis, char *next,
                     char *validation) {
  Item it = {f, p, score, title, location, evidence, diagnosis, next, validation};
  array_push(items, it);
}

static int cmp_items(const void *a, const void *b) {
  const Item *x = a, *y = b;
  if (x->score != y->score) return x->score > y->score ? -1 : 1;
  return strcmp(x->location, y->location);
}

static void rank(const Project *p, const Catalog *cat, const Timeline *t, const Findings *fs,
                 Items *items) {
  Model m;
  model_init(&m, &p->index, &p->knowledge);
  /* what each orchestrator phase's tasks run */
  DefRefs *reach = xcalloc(t->phases.len + 1, sizeof(DefRefs));
  for (uint32_t k = 0; k < t->phases.len; k++)
    if (!t->phases.items[k].marker)
      orchestrator_reach(&m, t->phases.items[k].orchestrator, &reach[k]);
  for (uint32_t i = 0; i < fs->len; i++) {
    const Finding *f = &fs->items[i];
    int32_t def = finding_def(&m, f);
    /* the phase it belongs to: its own orchestrator first, else the one with
     * the smallest closure holding it (the innermost fan-out), the longest run */
    const Phase *best = NULL;
    uint32_t best_rank = UINT32_MAX;
    for (uint32_t k = 0; k < t->phases.len; k++) {
      const Phase *ph = &t->phases.items[k];
      if (ph->marker) continue;
      uint32_t rank_k = UINT32_MAX;
      if (same_def(ph->orchestrator, f->file, def)) rank_k = 0;
      for (uint32_t r = 0; r < reach[k].len && rank_k == UINT32_MAX; r++)
        if (same_def(reach[k].items[r], f->file, def)) rank_k = 1 + reach[k].len;
      if (rank_k == UINT32_MAX) continue;
      if (!best || rank_k < best_rank ||
          (rank_k == best_rank && ph->end - ph->start > best->end - best->start))
        best = ph, best_rank = rank_k;
    }
    double cost = 0;
    if (best) {
      double d = best->end - best->start;
      cost = d * weight(f->code) * (f->code[3] == '4' ? 1.0 + best->retries : 1.0) +
             (f->code[3] == '2' || f->code[3] == '6' ? best->rss_step_kb / 1024.0 / 100.0 : 0);
    }
    const RuleDoc *doc = catalog_get(cat, f->code);
    char *ev = best ? phase_evidence(t, best) : xstrdup("no phase of this run reached it");
    char *evidence = xasprintf("%s. Code: %s", ev, f->evidence);
    free(ev);
    add_item(items, f, best, cost, xasprintf("%s %s", f->code, doc ? doc->name : ""),
             xasprintf("`%s:%u:%u` in `%s`", p->index.files[f->file].path, f->pos.line, f->pos.col,
                       f->where),
             evidence, xasprintf("%s: %s", doc ? doc->summary : f->code, f->message),
             xstrdup(f->next_step), xstrdup(f->validate));
  }
  /* Evidence only the run has: a long tail with no timeout finding there. */
  for (uint32_t k = 0; k < t->phases.len; k++) {
    const Phase *ph = &t->phases.items[k];
    double d = ph->end - ph->start;
    if (ph->marker || ph->tasks < 5 || ph->tail < 3 * ph->gap_p95 || ph->tail < 0.25 * d) continue;
    bool has301 = false;
    for (uint32_t i = 0; i < items->len && !has301; i++)
      has301 = items->items[i].phase == ph && items->items[i].finding &&
               items->items[i].finding->code[3] == '3';
    if (has301) continue;
    add_item(items, NULL, ph, d * 0.8, xstrdup("long tail (from the run)"),
             xasprintf("`%s`", ph->name), phase_evidence(t, ph),
             xstrdup("the slowest task holds the phase: most tasks are done long before the last"),
             xstrdup("give each task a timeout (`asyncio.wait_for`) and the phase a deadline"),
             xstrdup("the gap between the 90th percentile and the last task shrinks"));
  }
  if (t->waves.len) { /* one item for all the waves: they are one pattern */
    StrBuf ev = {0};
    uint32_t total = 0;
    for (uint32_t w = 0; w < t->waves.len; w++) {
      const RetryWave *rw = &t->waves.items[w];
      total += rw->count;
      if (w < 8)
        sb_printf(&ev, "%s%u retry lines within one second at %.1f s", w ? "; " : "", rw->count,
                  rw->time > t->first ? rw->time - t->first : 0.0);
    }
    if (t->waves.len > 8) sb_printf(&ev, "; %u waves in all", t->waves.len);
    add_item(items, NULL, NULL, total * 0.5, xstrdup("synchronized retry waves (from the run)"),
             xasprintf("%u wave%s in the log", t->waves.len, t->waves.len == 1 ? "" : "s"),
             sb_take(&ev),
             xstrdup("concurrent tasks failed together and retried together: no jitter, or a "
                     "shared rate limit hit by an unbounded fan-out"),
             xstrdup("add jitter to the retry wait and bound the fan-out below the rate limit"),
             xstrdup("retries spread over seconds instead of bursts; the 429 count drops"));
  }
  if (items->len) qsort(items->items, items->len, sizeof(Item), cmp_items);
  for (uint32_t k = 0; k < t->phases.len; k++) array_free(&reach[k]);
  free(reach);
  model_free(&m);
}

static void gaps(const Project *p, const Timeline *t, StrArray *out) {
  for (uint32_t i = 0; i < p->index.sites.len && out->len < 4; i++) {
    const SiteRef *s = &p->index.sites.items[i];
    if (s->site.width.kind != WIDTH_DATA) continue;
    DefRef orch = {s->file, s->site.def};
    bool seen = false, tasks = false;
    for (uint32_t k = 0; k < t->phases.len; k++) {
      const Phase *ph = &t->phases.items[k];
      if (!ph->marker && same_def(ph->orchestrator, orch.file, orch.def))
        seen = true, tasks |= ph->tasks > 0;
    }
    char *name = index_def_name(&p->index, orch);
    bool logs = false;
    for (uint32_t l = 0; l < p->files[s->file].logs.len && !logs; l++)
      logs = p->files[s->file].logs.items[l].def == orch.def;
    if (!logs)
      array_push(out, xasprintf("`%s` fans out over `%s` but logs no phase start or end", name,
                                s->site.width.expr));
    else if (seen && !tasks)
      array_push(out, xasprintf("phase `%s` has no per-task line: how long each task took is "
                                "invisible in the log",
                                name));
    free(name);
  }
  uint32_t retry_lines = 0;
  for (uint32_t k = 0; k < t->phases.len; k++) retry_lines += t->phases.items[k].retries;
  if (!retry_lines && out->len < 4)
    array_push(out, xstrdup("no retry is ever logged: retries (SDK or decorators) are invisible "
                            "in this run's log"));
}

/* Markdown and HTML show at most this many phases (a long log of repeated
 * runs has thousands): the longest, in log order. JSON lists them all. */
#define PHASES_SHOWN 40

typedef struct {
  double duration;
  uint32_t index;
} Ranked;

static int cmp_ranked(const void *a, const void *b) {
  const Ranked *x = a, *y = b;
  if (x->duration != y->duration) return x->duration > y->duration ? -1 : 1;
  return x->index < y->index ? -1 : 1;
}

/* keep[i]: phase i is shown. *shown says how many are; *cut is the duration
 * the hidden ones are at most. The caller frees keep. */
static bool *phases_shown(const Timeline *t, uint32_t *shown, double *cut) {
  bool *keep = xcalloc(t->phases.len + 1, sizeof(bool));
  *shown = t->phases.len < PHASES_SHOWN ? t->phases.len : PHASES_SHOWN;
  *cut = 0;
  Ranked *order = xcalloc(t->phases.len + 1, sizeof(Ranked));
  for (uint32_t i = 0; i < t->phases.len; i++)
    order[i] = (Ranked){t->phases.items[i].end - t->phases.items[i].start, i};
  qsort(order, t->phases.len, sizeof *order, cmp_ranked);
  for (uint32_t i = 0; i < *shown; i++) keep[order[i].index] = true;
  if (*shown < t->phases.len) *cut = order[*shown].duration;
  free(order);
  return keep;
}

static void markdown(const Project *p, const Timeline *t, const Items *items, const StrArray *obs,
                     const char *log_path, const char *rss_path, StrBuf *out) {
  sb_printf(out, "# fanout report\n\nLog `%s`: %llu lines, %llu records, %llu mapped to code",
            log_path, (unsigned long long)t->lines, (unsigned long long)t->records,
            (unsigned long long)t->matched);
  if (t->first >= 0) sb_printf(out, ", %.2f s", t->last - t->first);
  if (rss_path)
    sb_printf(out, "; RSS `%s`: %u samples, peak %.1f MB", rss_path, t->rss_samples,
              t->peak_rss_kb / 1024.0);
  sb_puts(out, ".\n\n## Phases\n\n| phase | start | duration | lines | tasks | gap p50 | gap p95 | "
               "gap max | last task after p90 | retries | errors | peak RSS |\n"
               "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  uint32_t shown_phases;
  double cut;
  bool *keep = phases_shown(t, &shown_phases, &cut);
  for (uint32_t i = 0; i < t->phases.len; i++) {
    const Phase *ph = &t->phases.items[i];
    if (!keep[i]) continue;
    sb_printf(
        out,
        "| %s%s%s | %.2f s | %.2f s | %u | %u | %.3f s | %.3f s | %.3f s | %.2f s | %u | %u | ",
        ph->marker ? "" : "`", ph->name, ph->marker ? " (marker)" : "`", ph->start - t->first,
        ph->end - ph->start, ph->lines, ph->tasks, ph->gap_p50, ph->gap_p95, ph->gap_max, ph->tail,
        ph->retries, ph->errors);
    if (ph->peak_rss_kb > 0)
      sb_printf(out, "%.1f MB |\n", ph->peak_rss_kb / 1024.0);
    else
      sb_puts(out, "- |\n");
  }
  if (shown_phases < t->phases.len)
    sb_printf(out,
              "\n%u more phases, none longer than %.2f s, are not shown (`--format json` lists "
              "them all).\n",
              t->phases.len - shown_phases, cut);
  free(keep);
  sb_puts(out, "\n## Top findings\n");
  uint32_t shown = 0;
  for (uint32_t i = 0; i < items->len && shown < TOP_MAX; i++) {
    const Item *it = &items->items[i];
    if (it->score <= 0 && shown >= TOP_MIN) break;
    shown++;
    sb_printf(out,
              "\n### %u. %s\n\n- **Location**: %s\n- **Evidence**: %s\n- **Diagnosis**: %s\n"
              "- **Next step**: %s\n- **Validation**: %s\n",
              shown, it->title, it->location, it->evidence, it->diagnosis, it->next_step,
              it->validation);
  }
  if (!shown) sb_puts(out, "\nNo finding: nothing in the code fanout checks matched this run.\n");
  sb_puts(out, "\n## Observability gaps\n\n");
  for (uint32_t i = 0; i < obs->len; i++) sb_printf(out, "- %s\n", obs->items[i]);
  if (!obs->len) sb_puts(out, "None found.\n");
  (void)p;
}

static void json(const Timeline *t, const Items *items, const StrArray *obs, const char *log_path,
                 StrBuf *out) {
  sb_puts(out, "{\"version\": \"1\", \"log\": ");
  emit_json_string(out, log_path);
  sb_printf(
      out, ", \"lines\": %llu, \"records\": %llu, \"matched\": %llu, \"span\": %.3f, \"phases\": [",
      (unsigned long long)t->lines, (unsigned long long)t->records, (unsigned long long)t->matched,
      t->first >= 0 ? t->last - t->first : 0.0);
  for (uint32_t i = 0; i < t->phases.len; i++) {
    const Phase *ph = &t->phases.items[i];
    sb_puts(out, i ? ",\n  {\"name\": " : "\n  {\"name\": ");
    emit_json_string(out, ph->name);
    sb_printf(
        out,
        ", \"marker\": %s, \"start\": %.3f, \"duration\": %.3f, \"lines\": %u, \"tasks\": %u, "
        "\"gap_p50\": %.4f, \"gap_p95\": %.4f, \"gap_max\": %.4f, \"tail\": %.4f, "
        "\"retries\": %u, \"errors\": %u, \"peak_rss_kb\": %.0f}",
        ph->marker ? "true" : "false", ph->start - t->first, ph->end - ph->start, ph->lines,
        ph->tasks, ph->gap_p50, ph->gap_p95, ph->gap_max, ph->tail, ph->retries, ph->errors,
        ph->peak_rss_kb);
  }
  sb_puts(out, "],\n \"top\": [");
  for (uint32_t i = 0, shown = 0; i < items->len && shown < TOP_MAX; i++) {
    const Item *it = &items->items[i];
    if (it->score <= 0 && shown >= TOP_MIN) break;
    sb_puts(out, shown++ ? ",\n  {" : "\n  {");
    sb_printf(out, "\"score\": %.3f, \"code\": ", it->score);
    emit_json_string(out, it->finding ? it->finding->code : "");
    const char *keys[] = {"title", "location", "evidence", "diagnosis", "next_step", "validation"};
    const char *vals[] = {it->title,     it->location,  it->evidence,
                          it->diagnosis, it->next_step, it->validation};
    for (int k = 0; k < 6; k++) {
      sb_printf(out, ", \"%s\": ", keys[k]);
      emit_json_string(out, vals[k]);
    }
    sb_putc(out, '}');
  }
  sb_puts(out, "],\n \"observability_gaps\": [");
  for (uint32_t i = 0; i < obs->len; i++) {
    if (i) sb_puts(out, ", ");
    emit_json_string(out, obs->items[i]);
  }
  sb_puts(out, "]}\n");
}

/* Text escaped for HTML. */
static void html_text(StrBuf *out, const char *s) {
  for (; *s; s++) {
    if (*s == '<')
      sb_puts(out, "&lt;");
    else if (*s == '>')
      sb_puts(out, "&gt;");
    else if (*s == '&')
      sb_puts(out, "&amp;");
    else if (*s == '"')
      sb_puts(out, "&quot;");
    else
      sb_putc(out, *s);
  }
}

/* Markdown-ish `code` spans become <code>. */
static void html_rich(StrBuf *out, const char *s) {
  bool code = false;
  for (; *s; s++) {
    if (*s == '`') {
      sb_puts(out, code ? "</code>" : "<code>");
      code = !code;
      continue;
    }
    char one[2] = {*s, 0};
    html_text(out, one);
  }
  if (code) sb_puts(out, "</code>");
}

/* One self-contained page: the phase timeline as inline SVG (phases as bars,
 * RSS as a line), the phase table, the top findings and the gaps. */
static void html(const Timeline *t, const Items *items, const StrArray *obs, const char *log_path,
                 StrBuf *out) {
  double span = t->first >= 0 && t->last > t->first ? t->last - t->first : 1.0;
  const double W = 1000, left = 260, row = 22, top = 30;
  uint32_t shown_phases;
  double cut;
  bool *keep = phases_shown(t, &shown_phases, &cut);
  double H = top + row * (double)shown_phases + 40;
  sb_puts(out,
          "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
          "<title>fanout report</title><style>"
          "body{font:14px/1.45 system-ui,sans-serif;margin:2em;max-width:1200px;color:#222}"
          "table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ccc;padding:2px "
          "6px;text-align:right}"
          "td:first-child,th:first-child{text-align:left}code{background:#f3f3f3;padding:0 3px}"
          ".finding{border-left:4px solid #c33;padding:0 1em;margin:1em 0}"
          "svg{max-width:100%;height:auto}svg text{font:11px "
          "system-ui,sans-serif}</style></head><body>\n<h1>fanout report</h1>\n<p>Log <code>");
  html_text(out, log_path);
  sb_printf(out, "</code>: %llu lines, %llu mapped to code, %.2f s", (unsigned long long)t->lines,
            (unsigned long long)t->matched, span);
  if (t->rss_samples) sb_printf(out, "; peak RSS %.1f MB", t->peak_rss_kb / 1024.0);
  sb_printf(out,
            ".</p>\n<svg id=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
            "height=\"%.0f\" "
            "viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"phase timeline\">\n",
            W + left + 20, H, W + left + 20, H);
  for (int tick = 0; tick <= 10; tick++) { /* the time axis */
    double x = left + W * tick / 10.0;
    sb_printf(out,
              "<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\" stroke=\"#eee\"/>"
              "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\">%.1f s</text>\n",
              x, top - 5, x, H - 30, x, H - 15, span * tick / 10.0);
  }
  for (uint32_t i = 0, r = 0; i < t->phases.len; i++) {
    const Phase *ph = &t->phases.items[i];
    if (!keep[i]) continue;
    double y = top + row * r++;
    double x0 = left + W * (ph->start - t->first) / span,
           x1 = left + W * (ph->end - t->first) / span;
    if (x1 - x0 < 2) x1 = x0 + 2;
    sb_printf(out, "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">", left - 6, y + 14);
    const char *name = strrchr(ph->name, ':');
    html_text(out, name && !ph->marker ? name + 1 : ph->name);
    sb_printf(out,
              "</text><rect class=\"phase\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.0f\" "
              "fill=\"%s\"><title>",
              x0, y + 3, x1 - x0, row - 6,
              ph->marker    ? "#9ab"
              : ph->retries ? "#d75"
                            : "#58b");
    html_text(out, ph->name);
    sb_printf(out, ": %.2f s, %u tasks, %u retries</title></rect>\n", ph->end - ph->start,
              ph->tasks, ph->retries);
  }
  if (t->samples.len > 1 && t->peak_rss_kb > 0) { /* RSS as a line over the same time axis */
    sb_puts(out,
            "<polyline id=\"rss\" fill=\"none\" stroke=\"#2a2\" stroke-width=\"1.5\" points=\"");
    for (uint32_t i = 0; i < t->samples.len; i++) {
      const RssSample *smp = &t->samples.items[i];
      if (smp->time < t->first || smp->time > t->last) continue;
      sb_printf(out, "%.1f,%.1f ", left + W * (smp->time - t->first) / span,
                (H - 30) - (H - 30 - top) * smp->kb / t->peak_rss_kb);
    }
    sb_printf(out, "\"/><text x=\"%.0f\" y=\"%.0f\" fill=\"#2a2\">RSS (peak %.1f MB)</text>\n",
              left + W - 120, top - 12, t->peak_rss_kb / 1024.0);
  }
  sb_puts(
      out,
      "</svg>\n<h2>Phases</h2>\n<table><tr><th>phase</th><th>start</th><th>duration</th><th>lines</"
      "th>"
      "<th>tasks</th><th>gap p50</th><th>gap p95</th><th>gap max</th><th>last task after p90</th>"
      "<th>retries</th><th>errors</th><th>peak RSS</th></tr>\n");
  for (uint32_t i = 0; i < t->phases.len; i++) {
    const Phase *ph = &t->phases.items[i];
    if (!keep[i]) continue;
    sb_puts(out, "<tr><td>");
    html_text(out, ph->name);
    sb_printf(
        out,
        "%s</td><td>%.2f s</td><td>%.2f s</td><td>%u</td><td>%u</td><td>%.3f s</td><td>%.3f s</td>"
        "<td>%.3f s</td><td>%.2f s</td><td>%u</td><td>%u</td><td>",
        ph->marker ? " (marker)" : "", ph->start - t->first, ph->end - ph->start, ph->lines,
        ph->tasks, ph->gap_p50, ph->gap_p95, ph->gap_max, ph->tail, ph->retries, ph->errors);
    if (ph->peak_rss_kb > 0) sb_printf(out, "%.1f MB", ph->peak_rss_kb / 1024.0);
    sb_puts(out, "</td></tr>\n");
  }
  sb_puts(out, "</table>\n");
  if (shown_phases < t->phases.len)
    sb_printf(out,
              "<p>%u more phases, none longer than %.2f s, are not shown (<code>--format "
              "json</code> lists them all).</p>\n",
              t->phases.len - shown_phases, cut);
  free(keep);
  sb_puts(out, "<h2>Top findings</h2>\n");
  for (uint32_t i = 0, shown = 0; i < items->len && shown < TOP_MAX; i++) {
    const Item *it = &items->items[i];
    if (it->score <= 0 && shown >= TOP_MIN) break;
    sb_printf(out, "<div class=\"finding\"><h3>%u. ", ++shown);
    html_text(out, it->title);
    const char *labels[] = {"Location", "Evidence", "Diagnosis", "Next step", "Validation"};
    const char *vals[] = {it->location, it->evidence, it->diagnosis, it->next_step, it->validation};
    sb_puts(out, "</h3><ul>");
    for (int k = 0; k < 5; k++) {
      sb_printf(out, "<li><b>%s</b>: ", labels[k]);
      html_rich(out, vals[k]);
      sb_puts(out, "</li>");
    }
    sb_puts(out, "</ul></div>\n");
  }
  sb_puts(out, "<h2>Observability gaps</h2>\n<ul>");
  for (uint32_t i = 0; i < obs->len; i++) {
    sb_puts(out, "<li>");
    html_rich(out, obs->items[i]);
    sb_puts(out, "</li>");
  }
  if (!obs->len) sb_puts(out, "<li>None found.</li>");
  sb_puts(out, "</ul>\n</body></html>\n");
}

void report_write(const Project *p, const Catalog *cat, const Timeline *t, const char *log_path,
                  const char *rss_path, const char *format, StrBuf *out) {
  Selection sel = {0};
  Findings fs = {0};
  uint32_t suppressed;
  checks_run(p, cat, &sel, &fs, &suppressed);
  Items items = {0};
  rank(p, cat, t, &fs, &items);
  StrArray obs = {0};
  gaps(p, t, &obs);
  if (format && strcmp(format, "json") == 0)
    json(t, &items, &obs, log_path, out);
  else if (format && strcmp(format, "html") == 0)
    html(t, &items, &obs, log_path, out);
  else
    markdown(p, t, &items, &obs, log_path, rss_path, out);
  for (uint32_t i = 0; i < items.len; i++) {
    Item *it = &items.items[i];
    free(it->title), free(it->location), free(it->evidence), free(it->diagnosis);
    free(it->next_step), free(it->validation);
  }
  array_free(&items);
  for (uint32_t i = 0; i < obs.len; i++) free(obs.items[i]);
  array_free(&obs);
  findings_free(&fs);
}
