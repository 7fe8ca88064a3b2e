/* emit: findings written as text, JSON, SARIF 2.1.0, GitHub annotations
 * and Markdown. Output always parses: bytes that are not UTF-8 become
 * U+FFFD in JSON, percent-escapes in SARIF URIs, \xNN in text. O(findings)
 * (SARIF fingerprints compare findings of one file and code). */
#include "emit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source.h"
#include "version.h"

#define FANOUT_JSON_VERSION "1"

/* Text for a terminal: a control character, or a byte of a file name that
 * is no UTF-8, is written as \xNN, so a name cannot move the cursor or
 * recolour the line. */
static void put_display(StrBuf *out, const char *s) {
  size_t valid = 0;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (!valid && *p >= 0x80)
      valid = source_utf8_invalid_at((const char *)p, strlen((const char *)p));
    bool shown = *p >= 0x80 ? valid > 0 : *p >= 0x20 && *p != 0x7f;
    if (valid) valid--;
    if (shown)
      sb_putc(out, (char)*p);
    else
      sb_printf(out, "\\x%02x", *p);
  }
}

void emit_text(const Findings *fs, const Index *ix, bool colour, StrBuf *out) {
  const char *bold = colour ? "\033[1m" : "", *red = colour ? "\033[1;31m" : "",
             *yellow = colour ? "\033[33m" : "", *reset = colour ? "\033[0m" : "";
  for (uint32_t i = 0; i < fs->len; i++) {
    const Finding *f = &fs->items[i];
    const char *hue = f->severity == SEVERITY_ERROR     ? red
                      : f->severity == SEVERITY_WARNING ? yellow
                                                        : "";
    sb_puts(out, bold);
    put_display(out, ix->files[f->file].path);
    sb_printf(out, ":%u:%u:%s %s%s [%s]%s ", f->pos.line, f->pos.col, reset, hue, f->code,
              severity_name(f->severity), reset);
    put_display(out, f->message);
    sb_putc(out, '\n');
  }
}

void emit_json_string(StrBuf *out, const char *s) {
  sb_putc(out, '"');
  size_t valid = 0; /* bytes from p on known to be UTF-8 */
  for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
    if (!valid && *p >= 0x80) { /* a file name need not be UTF-8; a JSON string must */
      size_t n = strlen((const char *)p);
      valid = source_utf8_invalid_at((const char *)p, n);
      if (!valid) {
        sb_puts(out, "\\ufffd"); /* one replacement per byte that is no character */
        continue;
      }
    }
    if (valid) valid--;
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

void emit_json(const Findings *fs, const Index *ix, uint32_t files, StrBuf *out) {
  sb_puts(out, "{\"version\": \"" FANOUT_JSON_VERSION "\", \"findings\": [");
  for (uint32_t i = 0; i < fs->len; i++) {
    const Finding *f = &fs->items[i];
    sb_puts(out, i ? ",\n  {" : "\n  {");
    field(out, "code", f->code, true);
    field(out, "severity", severity_name(f->severity), true);
    field(out, "path", ix->files[f->file].path, true);
    sb_printf(out, "\"line\": %u, \"column\": %u, \"end_line\": %u, \"end_column\": %u, ",
              f->pos.line, f->pos.col, f->pos.line, f->pos.col);
    field(out, "qualname", f->where, true);
    field(out, "message", f->message, true);
    field(out, "evidence", f->evidence, true);
    field(out, "next_step", f->next_step, true);
    field(out, "validate", f->validate, true);
    field(out, "confidence", finding_confidence(f), true);
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
  for (int r = 0; r < RULE_COUNT; r++) {
    uint32_t n = 0;
    for (uint32_t i = 0; i < fs->len; i++) n += fs->items[i].rule == (Rule)r;
    if (!n) continue;
    sb_printf(out, "%s\"%s\": %u", first ? "" : ", ", rule_info((Rule)r)->code, n);
    first = false;
  }
  uint32_t by[SEVERITY_ERROR + 1] = {0};
  for (uint32_t i = 0; i < fs->len; i++)
    by[fs->items[i].severity <= SEVERITY_ERROR ? fs->items[i].severity : 0]++;
  sb_printf(out, "}, \"by_severity\": {\"error\": %u, \"warning\": %u, \"info\": %u}}}\n",
            by[SEVERITY_ERROR], by[SEVERITY_WARNING], by[SEVERITY_INFO]);
}

/* Workflow command data: %, CR and LF escaped; in properties also , and :. */
static void github_escape(StrBuf *out, const char *s, bool property) {
  for (; *s; s++) {
    if (*s == '%')
      sb_puts(out, "%25");
    else if (*s == '\r')
      sb_puts(out, "%0D");
    else if (*s == '\n')
      sb_puts(out, "%0A");
    else if (property && *s == ',')
      sb_puts(out, "%2C");
    else if (property && *s == ':')
      sb_puts(out, "%3A");
    else
      sb_putc(out, *s);
  }
}

void emit_github(const Findings *fs, const Index *ix, StrBuf *out) {
  for (uint32_t i = 0; i < fs->len; i++) {
    const Finding *f = &fs->items[i];
    const char *sev = severity_name(f->severity);
    sb_printf(out, "::%s file=", f->severity == SEVERITY_INFO ? "notice" : sev);
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

void emit_markdown(const Findings *fs, const Index *ix, uint32_t files, StrBuf *out) {
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
    const RuleInfo *rule = rule_info(f->rule);
    sb_printf(out, "\n### %s %s\n\n", f->code, rule->name);
    sb_printf(out, "- **Location**: `%s:%u:%u`\n", ix->files[f->file].path, f->pos.line,
              f->pos.col);
    sb_printf(out, "- **Severity**: %s, confidence %s\n", severity_name(f->severity),
              finding_confidence(f));
    for (uint32_t r = 0; r < f->related.len; r++)
      sb_printf(out, "  - %s: `%s:%u`\n", f->related.items[r].note,
                ix->files[f->related.items[r].file].path, f->related.items[r].pos.line);
    sb_printf(out, "- **Evidence**: %s\n", f->evidence);
    sb_printf(out, "- **Diagnosis**: %s. %s\n", rule->summary, f->message);
    sb_printf(out, "- **Next step**: %s\n", f->next_step);
    sb_printf(out, "- **Validation**: %s\n", f->validate);
  }
  free(order);
}

/* A relative path as a URI reference (RFC 3986): unreserved bytes and '/'
 * kept, everything else percent-encoded. */
static void uri_path(StrBuf *out, const char *path) {
  for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
        strchr("-._~/", *p))
      sb_putc(out, (char)*p);
    else
      sb_printf(out, "%%%02X", *p);
  }
}

static void sarif_location(StrBuf *out, const Index *ix, uint32_t file, Pos pos) {
  const char *path = ix->files[file].path;
  sb_puts(out, "{\"physicalLocation\": {\"artifactLocation\": {\"uri\": \"");
  if (path[0] == '/') sb_puts(out, "file://");
  uri_path(out, path);
  sb_puts(out, path[0] == '/' ? "\"}" : "\", \"uriBaseId\": \"SRCROOT\"}");
  sb_printf(out, ", \"region\": {\"startLine\": %u, \"startColumn\": %u}}", pos.line, pos.col);
}

/* The first paragraph under "## What it does". */
static char *what_it_does(const RuleInfo *r) {
  const char *s = strstr(rule_doc(r->rule), "## What it does\n");
  if (!s) return xstrdup(r->summary);
  s += 16;
  const char *e = strstr(s, "\n\n");
  StrBuf b = {0};
  for (const char *p = s; *p && p != e; p++) sb_putc(&b, *p == '\n' ? ' ' : *p);
  return sb_take(&b);
}

void emit_sarif(const Findings *fs, const Index *ix, const char *home, const char *cwd,
                StrBuf *out) {
  sb_puts(out, "{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n"
               "  \"version\": \"2.1.0\",\n  \"runs\": [{\n    \"tool\": {\"driver\": {"
               "\"name\": \"fanout\", \"version\": \"" FANOUT_VERSION_STRING "\", "
               "\"semanticVersion\": \"" FANOUT_VERSION_STRING "\", \"informationUri\": ");
  emit_json_string(out, home);
  sb_puts(out, ",\n      \"rules\": [");
  for (int i = 0; i < RULE_COUNT; i++) {
    const RuleInfo *r = rule_info((Rule)i);
    char *full = what_it_does(r);
    char *help = xasprintf("%sREADME.md#fan%s", home, r->code + 3); /* the rule table's anchor */
    sb_puts(out, i ? ",\n        {" : "\n        {");
    field(out, "id", r->code, true);
    field(out, "name", r->name, true);
    sb_puts(out, "\"shortDescription\": {");
    field(out, "text", r->summary, false);
    sb_puts(out, "}, \"fullDescription\": {");
    field(out, "text", full, false);
    sb_puts(out, "}, ");
    field(out, "helpUri", help, true);
    sb_printf(out, "\"defaultConfiguration\": {\"level\": \"%s\", \"enabled\": %s}}",
              r->severity == SEVERITY_INFO ? "note" : severity_name(r->severity),
              r->default_on ? "true" : "false");
    free(full);
    free(help);
  }
  sb_puts(out, "\n      ]}},\n    \"originalUriBaseIds\": {\"SRCROOT\": {\"uri\": \"file://");
  uri_path(out, cwd);
  sb_puts(out, str_ends_with(cwd, "/") ? "\"}},\n" : "/\"}},\n");
  sb_puts(out, "    \"columnKind\": \"unicodeCodePoints\",\n    \"results\": [");
  for (uint32_t i = 0; i < fs->len; i++) {
    const Finding *f = &fs->items[i];
    sb_puts(out, i ? ",\n      {" : "\n      {");
    field(out, "ruleId", f->code, true);
    sb_printf(out, "\"ruleIndex\": %u, \"level\": \"%s\", \"message\": {", (unsigned)f->rule,
              f->severity == SEVERITY_INFO ? "note" : severity_name(f->severity));
    field(out, "text", f->message, false);
    sb_puts(out, "},\n        \"locations\": [");
    sarif_location(out, ix, f->file, f->pos);
    sb_puts(out, ", \"logicalLocations\": [{");
    field(out, "fullyQualifiedName", f->where, true);
    sb_puts(out, "\"kind\": \"function\"}]}]");
    if (f->related.len) {
      sb_puts(out, ",\n        \"relatedLocations\": [");
      for (uint32_t r = 0; r < f->related.len; r++) {
        sb_puts(out, r ? ", " : "");
        sarif_location(out, ix, f->related.items[r].file, f->related.items[r].pos);
        sb_printf(out, ", \"id\": %u, \"message\": {", r + 1);
        field(out, "text", f->related.items[r].note, false);
        sb_puts(out, "}}");
      }
      sb_puts(out, "]");
    }
    /* Stable across unrelated edits: the code, the function and the line's
     * text (findings_read_lines); the occurrence number tells apart
     * identical lines. */
    const char *text = f->line;
    char *key = xasprintf("%s|%s|%s", f->code, f->where, text ? text : f->message);
    uint64_t h = hash_bytes(key, strlen(key));
    uint32_t occurrence = 1;
    for (uint32_t k = 0; k < i; k++) {
      const Finding *g = &fs->items[k];
      if (g->file == f->file && strcmp(g->code, f->code) == 0 && g->line && text &&
          strcmp(g->line, text) == 0 && strcmp(g->where, f->where) == 0)
        occurrence++;
    }
    sb_printf(out,
              ",\n        \"partialFingerprints\": {\"primaryLocationLineHash\": \"%016llx:%u\"},"
              "\n        \"properties\": {\"confidence\": \"%s\"}}",
              (unsigned long long)h, occurrence, finding_confidence(f));
    free(key);
  }
  sb_puts(out, "\n    ]\n  }]\n}\n");
}
