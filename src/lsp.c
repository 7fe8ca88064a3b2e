/* lsp: the language server: JSON-RPC over stdio (Content-Length frames,
 * documents up to a size limit), incremental re-parse of open documents,
 * diagnostics published only when they change, hover with the rule's doc.
 * Each change re-runs the policy over the project with the open buffers. */
#include "lsp.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parse.h"
#include "policy.h"
#include "version.h"

#define MAX_FRAME (64u << 20)

typedef struct {
  char *uri, *path;
  StrBuf text;
  TSTree *tree;
  StrBuf published; /* the diagnostics last sent for it, as diagnostic_key writes them: */
  bool sent;        /* unchanged ones are not sent again */
} Document;

typedef struct {
  FILE *in, *out, *log;
  const Policy *pol;
  const ProjectOptions *opts;
  const LspConfigure *configure; /* NULL: the options are as given */
  char *root;
  Project project;
  bool loaded, shutdown;
  Array(Document) docs;
  Findings findings; /* the policy's last run over the project, */
  bool current;      /* and whether the project's facts are still those it ran on */
} Server;

/* ---- framing ---- */

/* Read one message body; NULL at end of input. Bad headers are logged and
 * skipped. The caller frees. */
static char *read_frame(Server *s, size_t *len) {
  char line[1024];
  for (;;) {
    long length = -1;
    bool any = false;
    while (fgets(line, sizeof line, s->in)) {
      any = true;
      if (strcmp(line, "\r\n") == 0 || strcmp(line, "\n") == 0) break;
      if (strncasecmp(line, "Content-Length:", 15) == 0) length = strtol(line + 15, NULL, 10);
    }
    if (!any) return NULL;
    if (length < 0 || (unsigned long)length > MAX_FRAME) {
      fprintf(s->log, "fanout lsp: frame without a valid Content-Length, skipped\n");
      if (feof(s->in)) return NULL;
      continue;
    }
    char *body = xmalloc((size_t)length + 1);
    size_t got = fread(body, 1, (size_t)length, s->in);
    body[got] = '\0';
    if (got < (size_t)length) {
      fprintf(s->log, "fanout lsp: input ended inside a frame\n");
      free(body);
      return NULL;
    }
    *len = got;
    return body;
  }
}

static void send(Server *s, json_t *msg) {
  /* a message that cannot be built or encoded (an id the client sent that
   * json_pack refuses, a string that is not UTF-8) is dropped with a line */
  char *text = NULL;
  if (msg && json_object_set_new(msg, "jsonrpc", json_string("2.0")) == 0)
    text = json_dumps(msg, JSON_COMPACT);
  if (!text) {
    fprintf(s->log, "fanout lsp: a message could not be encoded, not sent\n");
    json_decref(msg);
    return;
  }
  fprintf(s->out, "Content-Length: %zu\r\n\r\n%s", strlen(text), text);
  fflush(s->out);
  free(text);
  json_decref(msg);
}

static void reply(Server *s, json_t *id, json_t *result) {
  if (!id) { /* a request sent as a notification gets no response */
    json_decref(result);
    return;
  }
  send(s, json_pack("{s:O, s:o}", "id", id, "result", result ? result : json_null()));
}

static void reply_error(Server *s, json_t *id, int code, const char *message) {
  send(s, json_pack("{s:O, s:{s:i, s:s}}", "id", id ? id : json_null(), "error", "code", code,
                    "message", message));
}

/* ---- documents, positions ---- */

static char *uri_to_path(const char *uri) {
  if (strncmp(uri, "file://", 7) != 0) return xstrdup(uri);
  StrBuf b = {0};
  for (const char *p = uri + 7; *p; p++) {
    if (*p == '%' && p[1] && p[2]) {
      char hex[3] = {p[1], p[2], 0};
      sb_putc(&b, (char)strtol(hex, NULL, 16));
      p += 2;
    } else {
      sb_putc(&b, *p);
    }
  }
  return sb_take(&b);
}

static char *path_to_uri(const char *path) {
  StrBuf b = {0};
  sb_puts(&b, "file://");
  for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
        strchr("-._~/", *p))
      sb_putc(&b, (char)*p);
    else
      sb_printf(&b, "%%%02X", *p);
  }
  return sb_take(&b);
}

static Document *find_doc(Server *s, const char *uri) {
  for (uint32_t i = 0; i < s->docs.len; i++)
    if (strcmp(s->docs.items[i].uri, uri) == 0) return &s->docs.items[i];
  return NULL;
}

/* Byte offset of an LSP position (line, UTF-16 code units) in `text`. */
static size_t offset_of(const char *text, size_t len, uint32_t line, uint32_t character) {
  size_t i = 0;
  for (uint32_t l = 0; l < line && i < len; i++)
    if (text[i] == '\n') l++;
  for (uint32_t units = 0; i < len && text[i] != '\n' && units < character;) {
    unsigned char c = (unsigned char)text[i];
    size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    units += n == 4 ? 2 : 1;
    i += n;
  }
  return i < len ? i : len;
}

static TSPoint point_of(const char *text, size_t offset) {
  TSPoint p = {0, 0};
  for (size_t i = 0; i < offset; i++) {
    if (text[i] == '\n')
      p.row++, p.column = 0;
    else
      p.column++;
  }
  return p;
}

/* Where each line of a text starts (line i, 1-based, at at.items[i - 1]),
 * and whether the text is all ASCII: a column is then its byte column. */
typedef struct {
  U32Array at;
  size_t len;
  bool ascii;
} LineStarts;

static void line_starts(const char *text, size_t len, LineStarts *out) {
  out->at.len = 0;
  array_push(&out->at, 0);
  for (const char *p = text; (p = strchr(p, '\n')); p++)
    array_push(&out->at, (uint32_t)(p + 1 - text));
  unsigned char all = 0;
  for (size_t i = 0; i < len; i++) all |= (unsigned char)text[i];
  out->len = len;
  out->ascii = !(all & 0x80) && !memchr(text, 0, len);
}

/* UTF-16 column of a 1-based byte column on 1-based `line` of `text`. */
static uint32_t utf16_column(const char *text, const LineStarts *ls, uint32_t line, uint32_t col) {
  if (!text) return col ? col - 1 : 0;
  if (line < 1 || line > ls->at.len) return 0;
  const char *p = text + ls->at.items[line - 1];
  if (ls->ascii) { /* the bytes before col, up to the line's end */
    size_t end = line < ls->at.len ? ls->at.items[line] - 1 : ls->len;
    size_t n = end - ls->at.items[line - 1];
    return col <= 1 ? 0 : col - 1 < n ? col - 1 : (uint32_t)n;
  }
  uint32_t units = 0;
  for (uint32_t b = 1; b < col && *p && *p != '\n';) {
    unsigned char c = (unsigned char)*p;
    uint32_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    units += n == 4 ? 2 : 1;
    p += n;
    b += n;
  }
  return units;
}

/* ---- analysis ---- */

/* Load the project at the root (configured there first, once). */
static bool ensure_loaded(Server *s) {
  if (s->loaded) return true;
  Diags d = {0};
  const char *root[] = {s->root ? s->root : "."};
  if (s->configure) {
    s->configure->run(s->configure->ctx, root[0], &d);
    s->configure = NULL;
  }
  s->loaded = project_load(&s->project, root, 1, s->opts, &d);
  for (uint32_t i = 0; i < d.len; i++) {
    char *line = diag_format(&d.items[i]);
    fprintf(s->log, "%s\n", line);
    free(line);
  }
  diags_free(&d);
  return s->loaded;
}

static json_t *range_json(uint32_t line, uint32_t start, uint32_t end) {
  return json_pack("{s:{s:i, s:i}, s:{s:i, s:i}}", "start", "line", line, "character", start, "end",
                   "line", line, "character", end);
}

/* The open document of a path, or -1. */
static int32_t doc_index(Server *s, const char *path) {
  for (uint32_t i = 0; i < s->docs.len; i++)
    if (strcmp(s->docs.items[i].path, path) == 0) return (int32_t)i;
  return -1;
}

/* A number and a separator, for diagnostic_key (no printf: it runs for every finding of every
 * open document on every edit). */
static void put_u32(StrBuf *b, uint32_t v, char sep) {
  char digits[16];
  size_t n = sizeof digits;
  digits[--n] = sep;
  do digits[--n] = (char)('0' + v % 10);
  while (v /= 10);
  sb_putn(b, digits + n, sizeof digits - n);
}

/* The UTF-16 column of a related location: in its open document's text, if
 * it is open. */
static uint32_t related_column(const Server *s, const Related *rel, const LineStarts *all) {
  int32_t at = doc_index((Server *)s, s->project.index.files[rel->file].path);
  return utf16_column(at >= 0 ? sb_str(&s->docs.items[at].text) : NULL, at >= 0 ? &all[at] : NULL,
                      rel->pos.line, rel->pos.col);
}

/* A finding as the diagnostic says it: its range in UTF-16 columns and
 * everything shown, one line per field, so that equal bytes mean an equal
 * diagnostic. Related positions of other open documents use their text. */
static void diagnostic_key(const Server *s, const Finding *f, const char *text,
                           const LineStarts *starts, const LineStarts *all, StrBuf *key) {
  put_u32(key, f->pos.line, ' ');
  put_u32(key, utf16_column(text, starts, f->pos.line, f->pos.col), ' ');
  put_u32(key, utf16_column(text, starts, f->pos.line, UINT32_MAX / 2), ' ');
  put_u32(key, f->severity, ' ');
  sb_puts(key, f->code);
  sb_putc(key, '\n');
  sb_puts(key, f->message);
  sb_putc(key, '\n');
  for (uint32_t r = 0; r < f->related.len; r++) {
    const Related *rel = &f->related.items[r];
    sb_puts(key, "  ");
    sb_puts(key, s->project.index.files[rel->file].path);
    sb_putc(key, ' ');
    put_u32(key, rel->pos.line, ' ');
    put_u32(key, related_column(s, rel, all), ' ');
    sb_puts(key, rel->note);
    sb_putc(key, '\n');
  }
}

/* The LSP Diagnostic of a finding in a document. */
static json_t *diagnostic_json(const Server *s, const Finding *f, const char *text,
                               const LineStarts *starts, const LineStarts *all) {
  uint32_t line = f->pos.line - 1, col = utf16_column(text, starts, f->pos.line, f->pos.col);
  char *href = xasprintf("%srules/docs/%s.md", FANOUT_HOME, f->code);
  json_t *diag = json_pack(
      "{s:o, s:i, s:s, s:{s:s}, s:s, s:s}", "range",
      range_json(line, col, utf16_column(text, starts, f->pos.line, UINT32_MAX / 2)), "severity",
      f->severity == SEVERITY_ERROR  ? 1
      : f->severity == SEVERITY_INFO ? 3
                                     : 2,
      "code", f->code, "codeDescription", "href", href, "source", "fanout", "message", f->message);
  free(href);
  json_t *related = json_array();
  for (uint32_t r = 0; r < f->related.len; r++) {
    const Related *rel = &f->related.items[r];
    char *uri = path_to_uri(s->project.index.files[rel->file].path);
    uint32_t rc = related_column(s, rel, all);
    json_array_append_new(related,
                          json_pack("{s:{s:s, s:o}, s:s}", "location", "uri", uri, "range",
                                    range_json(rel->pos.line - 1, rc, rc), "message", rel->note));
    free(uri);
  }
  json_object_set_new(diag, "relatedInformation", related);
  return diag;
}

/* The findings the policy shows. After answers were cut short (a cycle of
 * calls) the checks stay on one thread: on two they would run twice. */
static void run_policy(Server *s, Findings *out) {
  PolicyRun counts;
  policy_run(s->pol, &s->project, out, &counts);
  s->project.checks_alone = s->project.checks_alone || counts.cut;
  policy_run_free(&counts);
}

/* Publish the diagnostics of every open document whose diagnostics changed.
 * What was sent is kept as a key (diagnostic_key), so an edit that changes
 * no diagnostic of a document costs no JSON for it. */
static void publish(Server *s) {
  if (!ensure_loaded(s)) return;
  if (!s->current) { /* the facts changed: run the policy again */
    findings_free(&s->findings);
    run_policy(s, &s->findings);
    s->current = true;
  }
  const Findings fs = s->findings;
  LineStarts *starts = xcalloc(s->docs.len + 1, sizeof(LineStarts));
  for (uint32_t d = 0; d < s->docs.len; d++)
    line_starts(sb_str(&s->docs.items[d].text), s->docs.items[d].text.len, &starts[d]);
  U32Array mine = {0};
  for (uint32_t d = 0; d < s->docs.len; d++) {
    Document *doc = &s->docs.items[d];
    const char *text = sb_str(&doc->text);
    StrBuf key = {0};
    mine.len = 0;
    uint32_t file = 0; /* the document's file in the project (nfiles: none) */
    while (file < s->project.index.nfiles && strcmp(s->project.index.files[file].path, doc->path))
      file++;
    for (uint32_t i = 0; i < fs.len; i++)
      if (fs.items[i].file == file) {
        array_push(&mine, i);
        diagnostic_key(s, &fs.items[i], text, &starts[d], starts, &key);
      }
    if (doc->sent && key.len == doc->published.len &&
        memcmp(sb_str(&key), sb_str(&doc->published), key.len) == 0) { /* nothing changed */
      sb_free(&key);
      continue;
    }
    sb_free(&doc->published);
    doc->published = key;
    doc->sent = true;
    json_t *list = json_array();
    for (uint32_t i = 0; i < mine.len; i++)
      json_array_append_new(list,
                            diagnostic_json(s, &fs.items[mine.items[i]], text, &starts[d], starts));
    send(s, json_pack("{s:s, s:{s:s, s:o}}", "method", "textDocument/publishDiagnostics", "params",
                      "uri", doc->uri, "diagnostics", list));
  }
  array_free(&mine);
  for (uint32_t d = 0; d < s->docs.len; d++) array_free(&starts[d].at);
  free(starts);
}

static void update_project(Server *s, Document *doc) {
  if (!ensure_loaded(s)) return;
  Diags d = {0};
  bool changed;
  if (!project_set_document(&s->project, doc->path, sb_str(&doc->text), doc->text.len, doc->tree,
                            &changed, &d))
    fprintf(s->log, "fanout lsp: %s: %s\n", doc->path, d.len ? d.items[0].message : "rejected");
  else
    for (uint32_t i = 0; i < d.len; i++) /* a rebuild that differs from a full one (tests) */
      if (d.items[i].level == DIAG_ERROR) fprintf(s->log, "fanout lsp: %s\n", d.items[i].message);
  if (changed) s->current = false;
  diags_free(&d);
}

/* ---- handlers ---- */

static void did_open(Server *s, json_t *params) {
  const char *uri = NULL, *text = NULL;
  if (json_unpack(params, "{s:{s:s, s:s}}", "textDocument", "uri", &uri, "text", &text) != 0) {
    fprintf(s->log, "fanout lsp: didOpen without uri and text\n");
    return;
  }
  size_t n = strlen(text);
  if (n > SOURCE_MAX_BYTES) { /* refused before any parse: what check would skip */
    fprintf(s->log, "fanout lsp: %s: too large (%zu bytes, limit %u), not analyzed\n", uri, n,
            SOURCE_MAX_BYTES);
    return;
  }
  Document *doc = find_doc(s, uri);
  if (!doc) {
    Document fresh = {xstrdup(uri), uri_to_path(uri), {0}, NULL, {0}, false};
    array_push(&s->docs, fresh);
    doc = array_last(&s->docs);
  }
  doc->text.len = 0;
  sb_puts(&doc->text, text);
  if (doc->tree) ts_tree_delete(doc->tree);
  doc->tree = parse_source(sb_str(&doc->text), (uint32_t)doc->text.len, NULL);
  update_project(s, doc);
  publish(s);
}

/* Apply each change to the document's text (the whole text, or a range in UTF-16 positions) and
 * edit its tree to match, then re-parse reusing the old tree and publish. Each ranged change copies
 * the text: O(document) per change. */
static void did_change(Server *s, json_t *params) {
  const char *uri = NULL;
  json_t *changes = NULL;
  if (json_unpack(params, "{s:{s:s}, s:o}", "textDocument", "uri", &uri, "contentChanges",
                  &changes) != 0 ||
      !json_is_array(changes)) {
    fprintf(s->log, "fanout lsp: didChange without uri and contentChanges\n");
    return;
  }
  Document *doc = find_doc(s, uri);
  if (!doc) {
    fprintf(s->log, "fanout lsp: didChange for a document that is not open: %s\n", uri);
    return;
  }
  size_t i;
  json_t *change;
  json_array_foreach(changes, i, change) {
    const char *text = json_string_value(json_object_get(change, "text"));
    json_t *range = json_object_get(change, "range");
    if (!text) continue;
    if (!range) { /* the whole document */
      doc->text.len = 0;
      sb_puts(&doc->text, text);
      if (doc->tree) ts_tree_delete(doc->tree);
      doc->tree = NULL;
      continue;
    }
    json_int_t l0 = 0, c0 = 0, l1 = 0, c1 = 0;
    if (json_unpack(range, "{s:{s:I, s:I}, s:{s:I, s:I}}", "start", "line", &l0, "character", &c0,
                    "end", "line", &l1, "character", &c1) != 0)
      continue;
    const char *old = sb_str(&doc->text);
    size_t start = offset_of(old, doc->text.len, (uint32_t)l0, (uint32_t)c0);
    size_t end = offset_of(old, doc->text.len, (uint32_t)l1, (uint32_t)c1);
    if (end < start) end = start;
    TSInputEdit edit;
    edit.start_byte = (uint32_t)start;
    edit.old_end_byte = (uint32_t)end;
    edit.new_end_byte = (uint32_t)(start + strlen(text));
    edit.start_point = point_of(old, start);
    edit.old_end_point = point_of(old, end);
    StrBuf next = {0};
    sb_putn(&next, old, start);
    sb_puts(&next, text);
    sb_putn(&next, old + end, doc->text.len - end);
    edit.new_end_point = point_of(sb_str(&next), start + strlen(text));
    sb_free(&doc->text);
    doc->text = next;
    if (doc->tree) ts_tree_edit(doc->tree, &edit);
  }
  /* re-parse reusing the unchanged parts of the old tree */
  if (doc->text.len > SOURCE_MAX_BYTES) { /* grown past the limit: not parsed */
    fprintf(s->log, "fanout lsp: %s: too large (%zu bytes, limit %u), not analyzed\n", uri,
            doc->text.len, SOURCE_MAX_BYTES);
    return;
  }
  TSTree *tree = parse_source(sb_str(&doc->text), (uint32_t)doc->text.len, doc->tree);
  if (doc->tree) ts_tree_delete(doc->tree);
  doc->tree = tree;
  update_project(s, doc);
  publish(s);
}

static void did_close(Server *s, json_t *params) {
  const char *uri = NULL;
  if (json_unpack(params, "{s:{s:s}}", "textDocument", "uri", &uri) != 0) return;
  for (uint32_t i = 0; i < s->docs.len; i++) {
    Document *doc = &s->docs.items[i];
    if (strcmp(doc->uri, uri) != 0) continue;
    send(s, json_pack("{s:s, s:{s:s, s:[]}}", "method", "textDocument/publishDiagnostics", "params",
                      "uri", uri, "diagnostics"));
    /* the file on disk is the project's again */
    SourceFile src;
    Diags d = {0};
    if (s->loaded && source_read(doc->path, &src, &d)) {
      TSTree *tree = parse_source(src.text, src.len, NULL);
      bool changed;
      project_set_document(&s->project, doc->path, src.text, src.len, tree, &changed, &d);
      if (changed) s->current = false;
      ts_tree_delete(tree);
      source_free(&src);
    }
    diags_free(&d);
    free(doc->uri);
    free(doc->path);
    sb_free(&doc->published);
    sb_free(&doc->text);
    if (doc->tree) ts_tree_delete(doc->tree);
    s->docs.items[i] = s->docs.items[--s->docs.len];
    break;
  }
}

static json_t *hover(Server *s, json_t *params) {
  const char *uri = NULL;
  json_int_t line = 0, character = 0;
  if (json_unpack(params, "{s:{s:s}, s:{s:I, s:I}}", "textDocument", "uri", &uri, "position",
                  "line", &line, "character", &character) != 0)
    return NULL;
  Document *doc = find_doc(s, uri);
  if (!doc || !ensure_loaded(s)) return NULL;
  Findings fs = {0};
  run_policy(s, &fs);
  StrBuf md = {0};
  for (uint32_t i = 0; i < fs.len; i++) {
    const Finding *f = &fs.items[i];
    if (strcmp(s->project.index.files[f->file].path, doc->path) != 0 || f->pos.line != line + 1)
      continue;
    if (md.len) sb_puts(&md, "\n\n---\n\n");
    sb_printf(&md, "**%s** %s\n\n%s\n\n**Next step**: %s\n\n%s", f->code,
              rule_info(f->rule)->summary, f->message, f->next_step, rule_doc(f->rule));
  }
  findings_free(&fs);
  if (!md.len) return NULL;
  json_t *result =
      json_pack("{s:{s:s, s:s}}", "contents", "kind", "markdown", "value", sb_str(&md));
  sb_free(&md);
  return result;
}

static void initialize(Server *s, json_t *params) {
  const char *root_uri = NULL;
  json_t *r = json_object_get(params, "rootUri");
  if (json_is_string(r)) root_uri = json_string_value(r);
  json_t *folders = json_object_get(params, "workspaceFolders");
  if (!root_uri && json_is_array(folders) && json_array_size(folders))
    root_uri = json_string_value(json_object_get(json_array_get(folders, 0), "uri"));
  json_t *path = json_object_get(params, "rootPath");
  free(s->root);
  s->root = root_uri               ? uri_to_path(root_uri)
            : json_is_string(path) ? xstrdup(json_string_value(path))
                                   : NULL;
}

static json_t *capabilities(void) {
  return json_pack("{s:{s:{s:b, s:i, s:{s:b}}, s:b}, s:{s:s, s:s}}", "capabilities",
                   "textDocumentSync", "openClose", 1, "change", 2, "save", "includeText", 0,
                   "hoverProvider", 1, "serverInfo", "name", "fanout", "version",
                   FANOUT_VERSION_STRING);
}

/* Read one framed JSON-RPC message at a time and dispatch it by method; after `shutdown` any
 * request but `exit` gets an error. The documents and the project are freed on the way out. */
int lsp_serve(FILE *in, FILE *out, FILE *log, const Policy *pol, const ProjectOptions *opts,
              const LspConfigure *configure) {
  Server s = {0};
  s.in = in, s.out = out, s.log = log, s.pol = pol, s.opts = opts, s.configure = configure;
  int status = 1;
  for (;;) {
    size_t len;
    char *body = read_frame(&s, &len);
    if (!body) break;
    json_error_t err;
    json_t *msg = json_loadb(body, len, 0, &err);
    free(body);
    if (!msg || !json_is_object(msg)) {
      fprintf(log, "fanout lsp: bad JSON: %s\n", msg ? "not an object" : err.text);
      reply_error(&s, NULL, msg ? -32600 : -32700, msg ? "Invalid Request" : "Parse error");
      json_decref(msg);
      continue;
    }
    json_t *id = json_object_get(msg, "id");
    const char *method = json_string_value(json_object_get(msg, "method"));
    json_t *params = json_object_get(msg, "params");
    if (!method) {
      if (id) reply_error(&s, id, -32600, "Invalid Request");
    } else if (strcmp(method, "exit") == 0) {
      status = s.shutdown ? 0 : 1;
      json_decref(msg);
      break;
    } else if (s.shutdown && id) {
      reply_error(&s, id, -32600, "shut down");
    } else if (strcmp(method, "initialize") == 0) {
      initialize(&s, params);
      reply(&s, id, capabilities());
    } else if (strcmp(method, "shutdown") == 0) {
      s.shutdown = true;
      reply(&s, id, NULL);
    } else if (strcmp(method, "textDocument/didOpen") == 0) {
      did_open(&s, params);
    } else if (strcmp(method, "textDocument/didChange") == 0) {
      did_change(&s, params);
    } else if (strcmp(method, "textDocument/didSave") == 0) {
      publish(&s);
    } else if (strcmp(method, "textDocument/didClose") == 0) {
      did_close(&s, params);
    } else if (strcmp(method, "textDocument/hover") == 0) {
      reply(&s, id, hover(&s, params));
    } else if (id) {
      reply_error(&s, id, -32601, "Method not found");
    }
    json_decref(msg);
  }
  for (uint32_t i = 0; i < s.docs.len; i++) {
    free(s.docs.items[i].uri);
    free(s.docs.items[i].path);
    sb_free(&s.docs.items[i].published);
    sb_free(&s.docs.items[i].text);
    if (s.docs.items[i].tree) ts_tree_delete(s.docs.items[i].tree);
  }
  array_free(&s.docs);
  if (s.loaded) project_free(&s.project);
  findings_free(&s.findings);
  free(s.root);
  return status;
}
