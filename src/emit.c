#include "emit.h"

#include <string.h>

#define FANOUT_JSON_VERSION "1"

void emit_text(const Findings *fs, const Index *ix, StrBuf *out) {
  for (uint32_t i = 0; i < fs->len; i++) {
    const Finding *f = &fs->items[i];
    sb_printf(out, "%s:%u:%u: %s %s\n", ix->files[f->file].path, f->pos.line, f->pos.col, f->code,
              f->message);
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
