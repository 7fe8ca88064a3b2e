/* emit: findings written as text, JSON, SARIF 2.1.0, GitHub annotations
 * and Markdown. JSON and SARIF are built as jansson values (JSON one finding
 * per line, SARIF indented). Output always parses: bytes that are not UTF-8
 * become U+FFFD in JSON, percent-escapes in SARIF URIs, \xNN in text.
 * O(findings): SARIF fingerprints count identical lines in a hash map. */
#include "emit.h"

#include <jansson.h>
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

/* A JSON string of `s` (NULL: ""): bytes that are no UTF-8 (a file name
 * need not be) become U+FFFD, one per byte, so the document always parses. */
static json_t *jstr(const char *s) {
  if (!s) s = "";
  size_t n = strlen(s);
  if (source_utf8_invalid_at(s, n) == n) return json_stringn(s, n);
  StrBuf b = {0};
  for (size_t i = 0; i < n;) {
    size_t ok = source_utf8_invalid_at(s + i, n - i); /* the valid run from i */
    sb_putn(&b, s + i, ok);
    i += ok;
    if (i < n) sb_puts(&b, "\xef\xbf\xbd"), i++;
  }
  json_t *j = json_stringn(sb_str(&b), b.len);
  sb_free(&b);
  return j;
}

/* `value` dumped on one line (`{"k": v, ...}`, keys in insertion order) onto
 * out, and released. */
static void dump_line(StrBuf *out, json_t *value) {
  char *text = json_dumps(value, JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
  sb_puts(out, text ? text : "null");
  free(text);
  json_decref(value);
}

static json_t *finding_json(const Finding *f, const Index *ix) {
  json_t *related = json_array();
  for (uint32_t r = 0; r < f->related.len; r++) {
    const Related *rel = &f->related.items[r];
    json_array_append_new(related,
                          json_pack("{s:o, s:I, s:I, s:o}", "path", jstr(ix->files[rel->file].path),
                                    "line", (json_int_t)rel->pos.line, "column",
                                    (json_int_t)rel->pos.col, "note", jstr(rel->note)));
  }
  return json_pack("{s:s, s:s, s:o, s:I, s:I, s:I, s:I, s:o, s:o, s:o, s:o, s:o, s:s, s:o}", "code",
                   f->code, "severity", severity_name(f->severity), "path",
                   jstr(ix->files[f->file].path), "line", (json_int_t)f->pos.line, "column",
                   (json_int_t)f->pos.col, "end_line", (json_int_t)f->pos.line, "end_column",
                   (json_int_t)f->pos.col, "qualname", jstr(f->where), "message", jstr(f->message),
                   "evidence", jstr(f->evidence), "next_step", jstr(f->next_step), "validate",
                   jstr(f->validate), "confidence", finding_confidence(f), "related", related);
}

void emit_json(const Findings *fs, const Index *ix, uint32_t files, StrBuf *out) {
  /* one finding per line, so the output greps and diffs by finding */
  sb_puts(out, "{\"version\": \"" FANOUT_JSON_VERSION "\", \"findings\": [");
  for (uint32_t i = 0; i < fs->len; i++) {
    sb_puts(out, i ? ",\n  " : "\n  ");
    dump_line(out, finding_json(&fs->items[i], ix));
  }
  uint32_t by_rule[RULE_COUNT] = {0}, by[SEVERITY_ERROR + 1] = {0};
  for (uint32_t i = 0; i < fs->len; i++) {
    if (fs->items[i].rule < RULE_COUNT) by_rule[fs->items[i].rule]++;
    by[fs->items[i].severity <= SEVERITY_ERROR ? fs->items[i].severity : 0]++;
  }
  json_t *by_code = json_object();
  for (int r = 0; r < RULE_COUNT; r++)
    if (by_rule[r])
      json_object_set_new(by_code, rule_info((Rule)r)->code, json_integer(by_rule[r]));
  sb_puts(out, fs->len ? "\n], \"counts\": " : "], \"counts\": ");
  dump_line(out,
            json_pack("{s:I, s:I, s:o, s:{s:I, s:I, s:I}}", "files", (json_int_t)files, "findings",
                      (json_int_t)fs->len, "by_code", by_code, "by_severity", "error",
                      (json_int_t)by[SEVERITY_ERROR], "warning", (json_int_t)by[SEVERITY_WARNING],
                      "info", (json_int_t)by[SEVERITY_INFO]));
  sb_puts(out, "}\n");
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

/* A path as a SARIF artifact location: absolute as a file: URI, relative
 * against SRCROOT (the working directory). */
static json_t *sarif_location(const Index *ix, uint32_t file, Pos pos) {
  const char *path = ix->files[file].path;
  StrBuf uri = {0};
  if (path[0] == '/') sb_puts(&uri, "file://");
  uri_path(&uri, path);
  json_t *artifact = json_pack("{s:s}", "uri", sb_str(&uri));
  if (path[0] != '/') json_object_set_new(artifact, "uriBaseId", json_string("SRCROOT"));
  sb_free(&uri);
  return json_pack("{s:{s:o, s:{s:I, s:I}}}", "physicalLocation", "artifactLocation", artifact,
                   "region", "startLine", (json_int_t)pos.line, "startColumn", (json_int_t)pos.col);
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

static const char *sarif_level(Severity s) {
  return s == SEVERITY_INFO ? "note" : severity_name(s);
}

/* The tool and its rules: one per code of the rule table, in code order, so
 * a result's ruleIndex is its rule's enum. */
static json_t *sarif_tool(const char *home) {
  json_t *rules = json_array();
  for (int i = 0; i < RULE_COUNT; i++) {
    const RuleInfo *r = rule_info((Rule)i);
    char *full = what_it_does(r);
    char *help = xasprintf("%sREADME.md#fan%s", home, r->code + 3); /* the rule table's anchor */
    json_array_append_new(rules, json_pack("{s:s, s:s, s:{s:s}, s:{s:o}, s:o, s:{s:s, s:b}}", "id",
                                           r->code, "name", r->name, "shortDescription", "text",
                                           r->summary, "fullDescription", "text", jstr(full),
                                           "helpUri", jstr(help), "defaultConfiguration", "level",
                                           sarif_level(r->severity), "enabled", r->default_on));
    free(full);
    free(help);
  }
  return json_pack("{s:{s:s, s:s, s:s, s:o, s:o}}", "driver", "name", "fanout", "version",
                   FANOUT_VERSION_STRING, "semanticVersion", FANOUT_VERSION_STRING,
                   "informationUri", jstr(home), "rules", rules);
}

/* What a run's fingerprints have counted: each distinct line key (owned in
 * `keys`) maps to its slot in `counts`. */
typedef struct {
  StrMap slot;
  StrArray keys;
  U32Array counts;
} Seen;

/* A result's fingerprint, stable across unrelated edits: the code, the
 * function and the line's text (findings_read_lines); the occurrence number
 * tells apart identical lines of one file. O(1) per result. */
static json_t *sarif_fingerprint(const Finding *f, Seen *seen) {
  char *key = xasprintf("%s|%s|%s", f->code, f->where, f->line ? f->line : f->message);
  uint32_t occurrence = 1, at;
  if (f->line) { /* a line read: count it; a message stands alone */
    char *counted = xasprintf("%u|%s", f->file, key);
    if (strmap_get(&seen->slot, counted, &at)) {
      occurrence = ++seen->counts.items[at];
      free(counted);
    } else {
      array_push(&seen->keys, counted);
      strmap_put(&seen->slot, counted, seen->counts.len);
      array_push(&seen->counts, 1);
    }
  }
  char *hash =
      xasprintf("%016llx:%u", (unsigned long long)hash_bytes(key, strlen(key)), occurrence);
  json_t *fp = json_pack("{s:s}", "primaryLocationLineHash", hash);
  free(hash);
  free(key);
  return fp;
}

static json_t *sarif_result(const Finding *f, const Index *ix, Seen *seen) {
  json_t *loc = sarif_location(ix, f->file, f->pos);
  json_object_set_new(
      loc, "logicalLocations",
      json_pack("[{s:o, s:s}]", "fullyQualifiedName", jstr(f->where), "kind", "function"));
  json_t *result = json_pack("{s:s, s:I, s:s, s:{s:o}, s:[o]}", "ruleId", f->code, "ruleIndex",
                             (json_int_t)f->rule, "level", sarif_level(f->severity), "message",
                             "text", jstr(f->message), "locations", loc);
  if (f->related.len) {
    json_t *related = json_array();
    for (uint32_t r = 0; r < f->related.len; r++) {
      json_t *rl = sarif_location(ix, f->related.items[r].file, f->related.items[r].pos);
      json_object_set_new(rl, "id", json_integer(r + 1));
      json_object_set_new(rl, "message",
                          json_pack("{s:o}", "text", jstr(f->related.items[r].note)));
      json_array_append_new(related, rl);
    }
    json_object_set_new(result, "relatedLocations", related);
  }
  json_object_set_new(result, "partialFingerprints", sarif_fingerprint(f, seen));
  json_object_set_new(result, "properties",
                      json_pack("{s:s}", "confidence", finding_confidence(f)));
  return result;
}

void emit_sarif(const Findings *fs, const Index *ix, const char *home, const char *cwd,
                StrBuf *out) {
  StrBuf root = {0};
  sb_puts(&root, "file://");
  uri_path(&root, cwd);
  if (!str_ends_with(cwd, "/")) sb_putc(&root, '/');
  json_t *results = json_array();
  Seen seen = {0};
  for (uint32_t i = 0; i < fs->len; i++)
    json_array_append_new(results, sarif_result(&fs->items[i], ix, &seen));
  strmap_free(&seen.slot);
  for (uint32_t i = 0; i < seen.keys.len; i++) free(seen.keys.items[i]);
  array_free(&seen.keys);
  array_free(&seen.counts);
  json_t *doc = json_pack("{s:s, s:s, s:[{s:o, s:{s:{s:s}}, s:s, s:o}]}", "$schema",
                          "https://json.schemastore.org/sarif-2.1.0.json", "version", "2.1.0",
                          "runs", "tool", sarif_tool(home), "originalUriBaseIds", "SRCROOT", "uri",
                          sb_str(&root), "columnKind", "unicodeCodePoints", "results", results);
  sb_free(&root);
  char *text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  sb_puts(out, text ? text : "");
  sb_putc(out, '\n');
  free(text);
  json_decref(doc);
}
