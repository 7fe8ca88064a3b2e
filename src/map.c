#include "map.h"

#include <stdlib.h>
#include <string.h>

char *map_width_text(const Width *w) {
  switch (w->kind) {
  case WIDTH_FIXED: return xasprintf("fixed %s", w->expr ? w->expr : "?");
  case WIDTH_DATA: return xasprintf("data (from %s)", w->expr ? w->expr : "?");
  case WIDTH_UNKNOWN: break;
  }
  return xstrdup("unknown");
}

char *map_site_targets(const Index *ix, const SiteRef *s) {
  const Facts *f = &ix->files[s->file];
  StrBuf sb = {0};
  for (uint32_t i = 0; i < s->site.targets.count; i++) {
    const char *text = f->names.items[s->site.targets.first + i];
    if (i) sb_puts(&sb, ", ");
    DefRef r = index_resolve_name(ix, s->file, s->site.def, text);
    if (defref_ok(r)) {
      char *name = index_def_name(ix, r);
      sb_puts(&sb, name);
      free(name);
    } else {
      sb_puts(&sb, text);
    }
  }
  if (!sb.len) sb_puts(&sb, "?");
  if (s->site.kind == SITE_HELPER && defref_ok(s->helper)) {
    char *name = index_def_name(ix, s->helper);
    sb_printf(&sb, " via %s", name);
    free(name);
  }
  return sb_take(&sb);
}

void map_format_site(const Index *ix, const SiteRef *s, StrBuf *out) {
  char *where = index_def_name(ix, (DefRef){s->file, s->site.def});
  char *width = map_width_text(&s->site.width);
  char *targets = map_site_targets(ix, s);
  sb_printf(out, "%s  %u  %s  %s  -> %s\n", where, s->site.pos.line, site_kind_name(s->site.kind),
            width, targets);
  free(where);
  free(width);
  free(targets);
}

void map_format(const Index *ix, StrBuf *out) {
  for (uint32_t i = 0; i < ix->sites.len; i++) map_format_site(ix, &ix->sites.items[i], out);
}
