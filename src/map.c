/* map: `fanout map`: each fan-out site as a line (or JSON object): where,
 * kind, width, the callees fanned out and the codes of its findings. */
#include "map.h"

#include <stdlib.h>
#include <string.h>

#include "emit.h"

/* Target `i` of a site: "path.py:Qual.name" where the project defines it,
 * else as written. The caller frees. */
static char *site_target(const Index *ix, const SiteRef *s, uint32_t i) {
  const char *text = ix->files[s->file].names.items[s->site.targets.first + i];
  DefRef r = index_resolve_name(ix, s->file, s->site.def, text);
  return defref_ok(r) ? index_def_name(ix, r) : xstrdup(text);
}

char *map_site_targets(const Index *ix, const SiteRef *s) {
  StrBuf sb = {0};
  for (uint32_t i = 0; i < s->site.targets.count; i++) {
    char *name = site_target(ix, s, i);
    if (i) sb_puts(&sb, ", ");
    sb_puts(&sb, name);
    free(name);
  }
  if (!sb.len) sb_puts(&sb, "?");
  if (s->site.kind == SITE_HELPER && defref_ok(s->helper)) {
    char *name = index_def_name(ix, s->helper);
    sb_printf(&sb, " via %s", name);
    free(name);
  }
  return sb_take(&sb);
}

/* The findings about site `site`: a range of the policy run's by_site. */
static void site_findings(const PolicyRun *run, uint32_t site, uint32_t *from, uint32_t *to) {
  uint32_t lo = 0, hi = run ? run->by_site.len : 0;
  while (lo < hi) {
    uint32_t mid = (lo + hi) / 2;
    if (run->by_site.items[mid].site < site)
      lo = mid + 1;
    else
      hi = mid;
  }
  *from = *to = lo;
  while (run && *to < run->by_site.len && run->by_site.items[*to].site == site) ++*to;
}

void map_format_site(const Index *ix, const SiteRef *s, const Findings *fs, const PolicyRun *run,
                     StrBuf *out) {
  char *where = index_def_name(ix, (DefRef){s->file, s->site.def});
  char *width = width_text(&s->site.width);
  char *targets = map_site_targets(ix, s);
  sb_printf(out, "%s  %u  %s  %s  -> %s", where, s->site.pos.line, site_kind_name(s->site.kind),
            width, targets);
  uint32_t from, to;
  site_findings(run, (uint32_t)(s - ix->sites.items), &from, &to);
  for (uint32_t i = from; i < to; i++) { /* each code once, in the findings' order */
    const char *code = fs->items[run->by_site.items[i].finding].code;
    bool seen = false;
    for (uint32_t k = from; k < i && !seen; k++)
      seen = strcmp(fs->items[run->by_site.items[k].finding].code, code) == 0;
    if (!seen) sb_printf(out, "%s%s", i == from ? "  [" : " ", code);
  }
  sb_puts(out, from < to ? "]\n" : "\n");
  free(where);
  free(width);
  free(targets);
}

void map_format(const Index *ix, const Findings *fs, const PolicyRun *run, StrBuf *out) {
  for (uint32_t i = 0; i < ix->sites.len; i++)
    map_format_site(ix, &ix->sites.items[i], fs, run, out);
}

void map_format_json(const Index *ix, const Findings *fs, const PolicyRun *run, StrBuf *out) {
  sb_puts(out, "{\"version\": \"1\", \"orchestrators\": [");
  for (uint32_t i = 0; i < ix->sites.len; i++) {
    const SiteRef *s = &ix->sites.items[i];
    char *where = index_def_name(ix, (DefRef){s->file, s->site.def});
    char *width = width_text(&s->site.width);
    sb_puts(out, i ? ",\n  {" : "\n  {");
    sb_puts(out, "\"qualname\": ");
    emit_json_string(out, where);
    sb_puts(out, ", \"path\": ");
    emit_json_string(out, ix->files[s->file].path);
    sb_printf(out,
              ", \"line\": %u, \"column\": %u, \"kind\": \"%s\", \"width\": ", s->site.pos.line,
              s->site.pos.col, site_kind_name(s->site.kind));
    emit_json_string(out, width);
    sb_puts(out, ", \"targets\": [");
    for (uint32_t t = 0; t < s->site.targets.count; t++) {
      char *name = site_target(ix, s, t);
      if (t) sb_puts(out, ", ");
      emit_json_string(out, name);
      free(name);
    }
    sb_puts(out, "], \"findings\": [");
    uint32_t from, to;
    site_findings(run, i, &from, &to);
    for (uint32_t k = from; k < to; k++) {
      const Finding *fd = &fs->items[run->by_site.items[k].finding];
      sb_printf(out, "%s{\"code\": \"%s\", \"severity\": \"%s\", \"path\": ", k > from ? ", " : "",
                fd->code, severity_name(fd->severity));
      emit_json_string(out, ix->files[fd->file].path);
      sb_printf(out, ", \"line\": %u}", fd->pos.line);
    }
    sb_puts(out, "]}");
    free(where);
    free(width);
  }
  sb_puts(out, ix->sites.len ? "\n]}\n" : "]}\n");
}
