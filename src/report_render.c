/* report_render: the ranked report written out: the phases (the 40
 * longest and every phase name's sums), the retries by function, the top
 * findings (TOP_MIN to TOP_MAX) and the observability gaps, as Markdown, JSON
 * or HTML. O(phases log phases + items). */
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "report_int.h"

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

/* Whether some phase ran more than once (a log of several runs). */
static bool repeated(const Timeline *t) {
  for (uint32_t i = 0; i < t->groups.len; i++)
    if (t->groups.items[i].count > 1) return true;
  return false;
}

/* "N more phases ... are not shown", when some are not. */
static void more_phases(StrBuf *out, const Timeline *t, uint32_t shown, double cut, bool html) {
  if (shown >= t->phases_total) return;
  sb_printf(out, "%s%llu more phases, none longer than %.2f s, are not shown (%sformat json%s ",
            html ? "<p>" : "\n", (unsigned long long)(t->phases_total - shown), cut,
            html ? "<code>--" : "`--", html ? "</code>" : "`");
  if (t->phases.len < t->phases_total)
    sb_printf(out, "lists the %u longest)", t->phases.len);
  else
    sb_puts(out, "lists them all)");
  sb_puts(out, html ? ".</p>\n" : ".\n");
}

/* The PHASES_SHOWN costliest groups (all occurrences' time), as indices; *n
 * is set. The caller frees. */
static uint32_t *groups_by_cost(const Timeline *t, uint32_t *n) {
  Ranked *order = xcalloc(t->groups.len + 1, sizeof(Ranked));
  for (uint32_t i = 0; i < t->groups.len; i++) order[i] = (Ranked){t->groups.items[i].total, i};
  qsort(order, t->groups.len, sizeof *order, cmp_ranked);
  *n = t->groups.len < PHASES_SHOWN ? t->groups.len : PHASES_SHOWN;
  uint32_t *out = xcalloc(*n + 1, sizeof(uint32_t));
  for (uint32_t i = 0; i < *n; i++) out[i] = order[i].index;
  free(order);
  return out;
}

/* The header line: what the log and the RSS samples hold. */
static void md_header(const Timeline *t, const char *log_path, const char *rss_path, StrBuf *out) {
  sb_printf(out, "# fanout report\n\nLog `%s`: %llu lines, %llu records, %llu mapped to code",
            log_path, (unsigned long long)t->lines, (unsigned long long)t->records,
            (unsigned long long)t->matched);
  if (t->library_lines)
    sb_printf(out, ", %llu written by libraries (%llu requests, %llu retries in all)",
              (unsigned long long)t->library_lines, (unsigned long long)t->requests,
              (unsigned long long)t->retries);
  if (t->first >= 0) sb_printf(out, ", %.2f s", t->last - t->first);
  if (rss_path)
    sb_printf(out, "; RSS `%s`: %u samples, peak %.1f MiB", rss_path, t->rss_samples,
              t->peak_rss_kb / 1024.0);
  sb_puts(out, ".\n\n");
}

/* ---- the report's tables: one model, written as Markdown or HTML ---- */

#define TABLE_COLS 12

/* A row: its phase's name (styled by each writer) and its other cells,
 * formatted ("" for a cell with nothing: Markdown shows "-"). */
typedef struct {
  const char *name;
  bool marker;
  char *cells[TABLE_COLS - 1];
} TableRow;

typedef struct {
  const char *const *heads; /* ncols column names, the name's first */
  uint32_t ncols;
  Array(TableRow) rows;
} Table;

static const char *const phase_heads[] = {"phase",   "start",   "duration",
                                          "lines",   "tasks",   "gap p50",
                                          "gap p95", "gap max", "last task after p90",
                                          "retries", "errors",  "peak RSS"};
static const char *const group_heads[] = {"phase",  "times",      "total",   "p50",
                                          "p95",    "longest",    "tasks",   "retries",
                                          "errors", "long tails", "peak RSS"};

static char *peak_cell(double kb) {
  return kb > 0 ? xasprintf("%.1f MiB", kb / 1024.0) : xstrdup("");
}

/* The phases shown (`keep`), in log order. */
static void phase_table(const Timeline *t, const bool *keep, Table *tb) {
  *tb = (Table){phase_heads, TABLE_COLS, {0}};
  for (uint32_t i = 0; i < t->phases.len; i++) {
    const Phase *ph = &t->phases.items[i];
    if (!keep[i]) continue;
    TableRow r = {ph->name,
                  ph->marker,
                  {xasprintf("%.2f s", ph->start - t->first),
                   xasprintf("%.2f s", ph->end - ph->start), xasprintf("%u", ph->lines),
                   xasprintf("%u", ph->tasks), xasprintf("%.3f s", ph->gap_p50),
                   xasprintf("%.3f s", ph->gap_p95), xasprintf("%.3f s", ph->gap_max),
                   xasprintf("%.2f s", ph->tail), xasprintf("%u", ph->retries),
                   xasprintf("%u", ph->errors), peak_cell(ph->peak_rss_kb)}};
    array_push(&tb->rows, r);
  }
}

/* Every phase name's sums, in `order` (the costliest first). */
static void group_table(const Timeline *t, const uint32_t *order, uint32_t n, Table *tb) {
  *tb = (Table){group_heads, TABLE_COLS - 1, {0}};
  for (uint32_t i = 0; i < n; i++) {
    const PhaseGroup *g = &t->groups.items[order[i]];
    TableRow r = {g->name,
                  g->marker,
                  {xasprintf("%u", g->count), xasprintf("%.2f s", g->total),
                   xasprintf("%.2f s", g->p50), xasprintf("%.2f s", g->p95),
                   xasprintf("%.2f s", g->longest.end - g->longest.start),
                   xasprintf("%llu", (unsigned long long)g->tasks),
                   xasprintf("%llu", (unsigned long long)g->retries),
                   xasprintf("%llu", (unsigned long long)g->errors), xasprintf("%u", g->long_tails),
                   peak_cell(g->peak_rss_kb), NULL}};
    array_push(&tb->rows, r);
  }
}

static void table_free(Table *tb) {
  for (uint32_t i = 0; i < tb->rows.len; i++)
    for (uint32_t c = 0; c + 1 < tb->ncols; c++) free(tb->rows.items[i].cells[c]);
  array_free(&tb->rows);
}

/* Markdown: an orchestrator's name in backticks, a marker's as it is. */
static void table_markdown(const Table *tb, StrBuf *out) {
  for (uint32_t c = 0; c < tb->ncols; c++) sb_printf(out, "| %s ", tb->heads[c]);
  sb_puts(out, "|\n|---");
  for (uint32_t c = 1; c < tb->ncols; c++) sb_puts(out, "|---:");
  sb_puts(out, "|\n");
  for (uint32_t i = 0; i < tb->rows.len; i++) {
    const TableRow *r = &tb->rows.items[i];
    sb_printf(out, "| %s%s%s", r->marker ? "" : "`", r->name, r->marker ? " (marker)" : "`");
    for (uint32_t c = 0; c + 1 < tb->ncols; c++)
      sb_printf(out, " | %s", *r->cells[c] ? r->cells[c] : "-");
    sb_puts(out, " |\n");
  }
}

static void html_text(StrBuf *out, const char *s);

/* HTML: the name escaped. */
static void table_html(const Table *tb, StrBuf *out) {
  sb_puts(out, "<table><tr>");
  for (uint32_t c = 0; c < tb->ncols; c++) sb_printf(out, "<th>%s</th>", tb->heads[c]);
  sb_puts(out, "</tr>\n");
  for (uint32_t i = 0; i < tb->rows.len; i++) {
    const TableRow *r = &tb->rows.items[i];
    sb_puts(out, "<tr><td>");
    html_text(out, r->name);
    sb_puts(out, r->marker ? " (marker)" : "");
    for (uint32_t c = 0; c + 1 < tb->ncols; c++) sb_printf(out, "</td><td>%s", r->cells[c]);
    sb_puts(out, "</td></tr>\n");
  }
  sb_puts(out, "</table>\n");
}

/* The phases shown (the longest, in log order), a row each, and a line
 * for those left out; Markdown or HTML from the one table. */
static void phases_section(const Timeline *t, const bool *keep, uint32_t shown, double cut,
                           bool html, StrBuf *out) {
  sb_puts(out, html ? "<h2>Phases</h2>\n" : "## Phases\n\n");
  Table tb;
  phase_table(t, keep, &tb);
  (html ? table_html : table_markdown)(&tb, out);
  table_free(&tb);
  more_phases(out, t, shown, cut, html);
}

/* Every phase name's sums, costliest first (a log of repeated runs). */
static void groups_section(const Timeline *t, bool html, StrBuf *out) {
  sb_puts(out, html ? "<h2>Phases by name</h2>\n"
                    : "\n## Phases by name\n\nAll occurrences of each phase summed, the "
                      "costliest first.\n\n");
  uint32_t n;
  uint32_t *order = groups_by_cost(t, &n);
  Table tb;
  group_table(t, order, n, &tb);
  (html ? table_html : table_markdown)(&tb, out);
  table_free(&tb);
  if (n < t->groups.len)
    sb_printf(out,
              html ? "<p>%u more phase names are not shown.</p>\n"
                   : "\n%u more phase names are not shown.\n",
              t->groups.len - n);
  free(order);
}

/* The retries each function's lines show, once each. */
static void md_retries(const Project *p, const Timeline *t, StrBuf *out) {
  sb_puts(out,
          "\n## Retries by function\n\nEach retry once, as the log shows it.\n\n"
          "| function | retries | waits announced | with a retry pending | gave up | logged by |\n"
          "|---|---:|---:|---:|---:|---|\n");
  for (uint32_t i = 0; i < t->ties.len; i++) {
    const RetryTie *tie = &t->ties.items[i];
    char *where = tie->def.def >= 0 ? index_def_name(&p->index, tie->def) : xstrdup(tie->name);
    sb_printf(out, "| `%s` | %llu | %.1f s | %.1f s | %llu | %s |\n", where,
              (unsigned long long)tie->retries, tie->slept, tie->wall,
              (unsigned long long)tie->giveups,
              strcmp(tie->library, "project") == 0 ? "its own line" : tie->library);
    free(where);
  }
}

/* The top findings and the observability gaps. */
static void md_findings(const Items *items, const StrArray *obs, StrBuf *out) {
  sb_puts(out, "\n## Top findings\n");
  uint32_t shown = 0;
  for (uint32_t i = 0; i < items->len && shown < TOP_MAX; i++) {
    const Item *it = &items->items[i];
    if (it->score <= 0 && it->lost <= 0 && shown >= TOP_MIN) break;
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
}

void report__markdown(const Project *p, const Timeline *t, const Items *items, const StrArray *obs,
                      const char *log_path, const char *rss_path, StrBuf *out) {
  uint32_t shown;
  double cut;
  bool *keep = phases_shown(t, &shown, &cut);
  md_header(t, log_path, rss_path, out);
  phases_section(t, keep, shown, cut, false, out);
  free(keep);
  if (repeated(t)) groups_section(t, false, out);
  if (t->ties.len) md_retries(p, t, out);
  md_findings(items, obs, out);
}

/* JSON: every phase, then every phase name's sums. */
static void json_phases(const Timeline *t, StrBuf *out) {
  for (uint32_t i = 0; i < t->phases.len; i++) {
    const Phase *ph = &t->phases.items[i];
    sb_puts(out, i ? ",\n  {\"name\": " : "\n  {\"name\": ");
    emit_json_string(out, ph->name);
    sb_printf(
        out,
        ", \"marker\": %s, \"start\": %.3f, \"duration\": %.3f, \"lines\": %u, \"tasks\": %u, "
        "\"gap_p50\": %.4f, \"gap_p95\": %.4f, \"gap_max\": %.4f, \"tail\": %.4f, "
        "\"retries\": %u, \"waits\": %.3f, \"requests\": %u, \"rejected\": %u, "
        "\"errors\": %u, \"peak_rss_kb\": %.0f}",
        ph->marker ? "true" : "false", ph->start - t->first, ph->end - ph->start, ph->lines,
        ph->tasks, ph->gap_p50, ph->gap_p95, ph->gap_max, ph->tail, ph->retries, ph->slept,
        ph->requests, ph->rejected, ph->errors, ph->peak_rss_kb);
  }
  sb_printf(out, "],\n \"phases_total\": %llu, \"phase_groups\": [",
            (unsigned long long)t->phases_total);
  for (uint32_t i = 0; i < t->groups.len; i++) {
    const PhaseGroup *g = &t->groups.items[i];
    sb_puts(out, i ? ",\n  {\"name\": " : "\n  {\"name\": ");
    emit_json_string(out, g->name);
    sb_printf(out,
              ", \"marker\": %s, \"count\": %u, \"total\": %.3f, \"p50\": %.3f, \"p95\": %.3f, "
              "\"longest\": %.3f, \"lines\": %llu, \"tasks\": %llu, \"retries\": %llu, "
              "\"errors\": %llu, \"long_tails\": %u, \"peak_rss_kb\": %.0f}",
              g->marker ? "true" : "false", g->count, g->total, g->p50, g->p95,
              g->longest.end - g->longest.start, (unsigned long long)g->lines,
              (unsigned long long)g->tasks, (unsigned long long)g->retries,
              (unsigned long long)g->errors, g->long_tails, g->peak_rss_kb);
  }
}

/* JSON: the retried functions. */
static void json_retries(const Index *ix, const Timeline *t, StrBuf *out) {
  for (uint32_t i = 0; i < t->ties.len; i++) {
    const RetryTie *tie = &t->ties.items[i];
    sb_puts(out, i ? ",\n  {\"name\": " : "\n  {\"name\": ");
    emit_json_string(out, tie->name);
    sb_puts(out, ", \"by\": ");
    emit_json_string(out, tie->library);
    if (tie->def.def >= 0) {
      char *where = index_def_name(ix, tie->def);
      sb_puts(out, ", \"qualname\": ");
      emit_json_string(out, where);
      free(where);
    }
    sb_printf(out, ", \"retries\": %llu, \"giveups\": %llu, \"waits\": %.3f, \"pending\": %.3f}",
              (unsigned long long)tie->retries, (unsigned long long)tie->giveups, tie->slept,
              tie->wall);
  }
}

/* JSON: the top findings. */
static void json_top(const Index *ix, const Items *items, StrBuf *out) {
  for (uint32_t i = 0, shown = 0; i < items->len && shown < TOP_MAX; i++) {
    const Item *it = &items->items[i];
    if (it->score <= 0 && it->lost <= 0 && shown >= TOP_MIN) break;
    sb_puts(out, shown++ ? ",\n  {" : "\n  {");
    sb_printf(out, "\"lost_seconds\": %.3f, \"score\": %.3f, \"code\": ", it->lost, it->score);
    emit_json_string(out, it->finding ? it->finding->code : "");
    if (it->finding) {
      sb_printf(out, ", \"severity\": \"%s\", \"path\": ", severity_name(it->finding->severity));
      emit_json_string(out, ix->files[it->finding->file].path);
      sb_printf(out, ", \"line\": %u", it->finding->pos.line);
    }
    const char *keys[] = {"title", "location", "evidence", "diagnosis", "next_step", "validation"};
    const char *vals[] = {it->title,     it->location,  it->evidence,
                          it->diagnosis, it->next_step, it->validation};
    for (int k = 0; k < 6; k++) {
      sb_printf(out, ", \"%s\": ", keys[k]);
      emit_json_string(out, vals[k]);
    }
    sb_putc(out, '}');
  }
}

void report__json(const Index *ix, const Timeline *t, const Items *items, const StrArray *obs,
                  const char *log_path, StrBuf *out) {
  sb_puts(out, "{\"version\": \"1\", \"log\": ");
  emit_json_string(out, log_path);
  sb_printf(
      out, ", \"lines\": %llu, \"records\": %llu, \"matched\": %llu, \"span\": %.3f, \"phases\": [",
      (unsigned long long)t->lines, (unsigned long long)t->records, (unsigned long long)t->matched,
      t->first >= 0 ? t->last - t->first : 0.0);
  json_phases(t, out);
  sb_printf(out,
            "],\n \"retries\": %llu, \"library_lines\": %llu, \"requests\": %llu, "
            "\"retried_functions\": [",
            (unsigned long long)t->retries, (unsigned long long)t->library_lines,
            (unsigned long long)t->requests);
  json_retries(ix, t, out);
  sb_puts(out, "],\n \"top\": [");
  json_top(ix, items, out);
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

/* The timeline as SVG: a bar per phase shown over one time axis, and RSS as
 * a line over the same axis. */
static void html_svg(const Timeline *t, const bool *keep, uint32_t shown_phases, StrBuf *out) {
  double span = t->first >= 0 && t->last > t->first ? t->last - t->first : 1.0;
  const double W = 1000, left = 260, row = 22, top = 30;
  double H = top + row * (double)shown_phases + 40;
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
    sb_printf(out, "\"/><text x=\"%.0f\" y=\"%.0f\" fill=\"#2a2\">RSS (peak %.1f MiB)</text>\n",
              left + W - 120, top - 12, t->peak_rss_kb / 1024.0);
  }
  sb_puts(out, "</svg>\n");
}

/* The top findings and the observability gaps. */
static void html_findings(const Items *items, const StrArray *obs, StrBuf *out) {
  sb_puts(out, "<h2>Top findings</h2>\n");
  for (uint32_t i = 0, shown = 0; i < items->len && shown < TOP_MAX; i++) {
    const Item *it = &items->items[i];
    if (it->score <= 0 && it->lost <= 0 && shown >= TOP_MIN) break;
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

/* One self-contained page: the phase timeline as inline SVG (phases as bars,
 * RSS as a line), the phase table, the top findings and the gaps. */
void report__html(const Timeline *t, const Items *items, const StrArray *obs, const char *log_path,
                  StrBuf *out) {
  double span = t->first >= 0 && t->last > t->first ? t->last - t->first : 1.0;
  uint32_t shown_phases;
  double cut;
  bool *keep = phases_shown(t, &shown_phases, &cut);
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
  if (t->rss_samples) sb_printf(out, "; peak RSS %.1f MiB", t->peak_rss_kb / 1024.0);
  html_svg(t, keep, shown_phases, out);
  phases_section(t, keep, shown_phases, cut, true, out);
  free(keep);
  if (repeated(t)) groups_section(t, true, out);
  html_findings(items, obs, out);
}
