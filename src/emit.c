#include "emit.h"

#include <stdlib.h>
#include <string.h>

#define FANOUT_JSON_VERSION "1"

void emit_text(const Findings *fs, const Index *ix, bool colour, StrBuf *out) {
  const char *bold = colour ? "\033[1m" : "", *red = colour ? "\033[1;31m" : "",
             *reset = colour ? "\033[0m" : "";
  for (uint32_t i = 0; i < fs->len; i++) {
    const Finding *f = &fs->items[i];
    sb_printf(out, "%s%s:%u:%u:%s %s%s%s %s\n", bold, ix->files[f->file].path, f->pos.line,
              f->pos.col, reset, red, f->code, reset, f->message);
  }
}

void emit_json_string(StrBuf *out, const char *s) {
  sb_putc(out, '"');
  for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
    switch (*p) {
    case '"': sb_puts(out, "\\\""); break;
    case '\\': sb_puts(out, "\\\\"); break;
    case '\n': sb_puts(out, "\\n"); break;
    case '\r': sb_puts(out, "\\r"); break;
    case '\t': sb_puts(out, "\\t"); break;
    default:
      if (*p < 0x20)
        sb_printf(out, "\\u%04x", *p);
      else
        sb_putc(out, (char)*p);
    }
  }
  sb_putc(out, '"');
}

static void field(StrBuf *out, const char *name, const char *value, bool comma) {
  sb_printf(out, "\"%s\": ", name);
  emit_json_string(out, value);
  if (comma) sb_puts(out, ", ");
}

void emit_json(const Findings *fs, const Index *ix, const Catalog *cat, uint32_t files,
               StrBuf *out) {
  sb_puts(out, "{\"version\": \"" FANOUT_JSON_VERSION "\", \"findings\": [");
  for (uint32_t i = 0; i < fs->len; i++) {
    const Finding *f = &fs->items[i];
    const RuleDoc *doc = catalog_get(cat, f->code);
    sb_puts(out, i ? ",\n  {" : "\n  {");
    field(out, "code", f->code, true);
    field(out, "severity", doc ? doc->severity : "warning", true);
    field(out, "path", ix->files[f->file].path, true);
    sb_printf(out, "\"line\": %u, \"column\": %u, \"end_line\": %u, \"end_column\": %u, ",
              f->pos.line, f->pos.col, f->pos.line, f->pos.col);
    field(out, "qualname", f->where, true);
    field(out, "message", f->message, true);
    field(out, "evidence", f->evidence, true);
    field(out, "next_step", f->next_step, true);
    field(out, "validate", f->validate, true);
    sb_puts(out, "\"related\": [");
    for (uint32_t r = 0; r < f->related.len; r++) {
      const Related *rel = &f->related.items[r];
      sb_puts(out, r ? ", {" : "{");
      field(out, "path", ix->files[rel->file].path, true);
      sb_printf(out, "\"line\": %u, \"column\": %u, ", rel->pos.line, rel->pos.col);
      field(out, "note", rel->note, false);
      sb_putc(out, '}');
    }
    sb_puts(out, "]}");
  }
  sb_printf(out, "%s], \"counts\": {\"files\": %u, \"findings\": %u, \"by_code\": {",
            fs->len ? "\n" : "", files, fs->len);
  /* findings are sorted by place, so count codes in a second pass */
  bool first = true;
  for (uint32_t c = 0; c < cat->len; c++) {
    uint32_t n = 0;
    for (uint32_t i = 0; i < fs->len; i++) n += strcmp(fs->items[i].code, cat->items[c].code) == 0;
    if (!n) continue;
    sb_printf(out, "%s\"%s\": %u", first ? "" : ", ", cat->items[c].code, n);
    first = false;
  }
  sb_puts(out, "}}}\n");
}

/* Workflow command data: %, CR and LF escaped; in properties also , and :. */
static void github_escape(StrBuf *out, const char *s, bool property) {
  for (; *s; s++) {
    if (*s == '%') sb_puts(out, "%25");
    else if (*s == '\r') sb_puts(out, "%0D");
    else if (*s == '\n') sb_puts(out, "%0A");
    else if (property && *s == ',') sb_puts(out, "%2C");
    else if (property && *s == ':') sb_puts(out, "%3A");
    else sb_putc(out, *s);
  }
}

void emit_github(const Findings *fs, const Index *ix, const Catalog *cat, StrBuf *out) {
  for (uint32_t i = 0; i < fs->len; i++) {
    const Finding *f = &fs->items[i];
    const RuleDoc *doc = catalog_get(cat, f->code);
    const char *sev = doc ? doc->severity : "warning";
    sb_printf(out, "::%s file=", strcmp(sev, "info") == 0 ? "notice" : sev);
    github_escape(out, ix->files[f->file].path, true);
    sb_printf(out, ",line=%u,col=%u,title=%s::", f->pos.line, f->pos.col, f->code);
    github_escape(out, f->message, false);
    sb_putc(out, '\n');
  }
}

static int cmp_by_where(const void *pa, const void *pb) {
  const Finding *a = *(const Finding *const *)pa, *b = *(const Finding *const *)pb;
  int c = strcmp(a->where, b->where);
  if (c) return c;
  if (a->pos.line != b->pos.line) return a->pos.line < b->pos.line ? -1 : 1;
  return strcmp(a->code, b->code);
}

void emit_markdown(const Findings *fs, const Index *ix, const Catalog *cat, uint32_t files,
                   StrBuf *out) {
  sb_printf(out, "# fanout findings\n\n%u finding%s in %u file%s checked.\n", fs->len,
            fs->len == 1 ? "" : "s", files, files == 1 ? "" : "s");
  if (!fs->len) return;
  const Finding **order = xcalloc(fs->len, sizeof *order);
  for (uint32_t i = 0; i < fs->len; i++) order[i] = &fs->items[i];
  qsort(order, fs->len, sizeof *order, cmp_by_where);
  for (uint32_t i = 0; i < fs->len; i++) {
    const Finding *f = order[i];
    if (i == 0 || strcmp(order[i - 1]->where, f->where) != 0)
      sb_printf(out, "\n## `%s`\n", f->where);
    const RuleDoc *doc = catalog_get(cat, f->code);
    sb_printf(out, "\n### %s %s\n\n", f->code, doc ? doc->name : "");
    sb_printf(out, "- **Location**: `%s:%u:%u`\n", ix->files[f->file].path, f->pos.line, f->pos.col);
    for (uint32_t r = 0; r < f->related.len; r++)
      sb_printf(out, "  - %s: `%s:%u`\n", f->related.items[r].note,
                ix->files[f->related.items[r].file].path, f->related.items[r].pos.line);
    sb_printf(out, "- **Evidence**: %s\n", f->evidence);
    sb_printf(out, "- **Diagnosis**: %s%s%s\n", doc ? doc->summary : "", doc ? ". " : "", f->message);
    sb_printf(out, "- **Next step**: %s\n", f->next_step);
    sb_printf(out, "- **Validation**: %s\n", f->validate);
  }
  free(order);
}
