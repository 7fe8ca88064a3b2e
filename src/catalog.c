/* catalog: the rule docs (rules/docs/FANxxx.md, compiled in) parsed once:
 * front matter (code, name, summary, severity, default) and body. Lookups by
 * code are a scan of the ~20 rules. */
#include "catalog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"

static char *header_value(const char *header, size_t n, const char *key) {
  size_t kn = strlen(key);
  for (const char *line = header; line < header + n;) {
    const char *end = memchr(line, '\n', (size_t)(header + n - line));
    if (!end) end = header + n;
    if ((size_t)(end - line) > kn + 1 && strncmp(line, key, kn) == 0 && line[kn] == ':') {
      const char *v = line + kn + 1;
      while (*v == ' ') v++;
      return xstrndup(v, (size_t)(end - v));
    }
    line = end + 1;
  }
  return NULL;
}

static int cmp_docs(const void *a, const void *b) {
  return strcmp(((const RuleDoc *)a)->code, ((const RuleDoc *)b)->code);
}

bool catalog_load(Catalog *c, Diags *diags) {
  bool ok = true;
  for (unsigned i = 0; i < embedded_file_count; i++) {
    const EmbeddedFile *e = &embedded_files[i];
    if (!str_starts_with(e->name, "rules/docs/") || !str_ends_with(e->name, ".md")) continue;
    const char *end = str_starts_with(e->data, "---\n") ? strstr(e->data + 4, "\n---\n") : NULL;
    if (!end) {
      diags_add(diags, DIAG_ERROR, e->name, 1, "rule doc must start with a --- header ---");
      ok = false;
      continue;
    }
    const char *header = e->data + 4;
    size_t n = (size_t)(end - header) + 1;
    RuleDoc r = {0};
    char *code = header_value(header, n, "code");
    r.name = header_value(header, n, "name");
    r.summary = header_value(header, n, "summary");
    r.severity = header_value(header, n, "severity");
    char *dflt = header_value(header, n, "default");
    char *raise = header_value(header, n, "error-when");
    r.error_when_data = raise && strcmp(raise, "data-sized") == 0;
    if (raise && !r.error_when_data) {
      diags_add(diags, DIAG_ERROR, e->name, 2, "error-when takes `data-sized`");
      ok = false;
    }
    free(raise);
    if (!code || strlen(code) != 6 || !r.name || !r.summary || !r.severity || !dflt) {
      diags_add(diags, DIAG_ERROR, e->name, 2,
                "header needs code (FANnnn), name, summary, severity and default");
      ok = false;
      free(r.name), free(r.summary), free(r.severity);
    } else {
      snprintf(r.code, sizeof r.code, "%s", code);
      r.default_on = strcmp(dflt, "on") == 0;
      r.body = end + 5;
      array_push(c, r);
    }
    free(code);
    free(dflt);
  }
  if (c->len) qsort(c->items, c->len, sizeof(RuleDoc), cmp_docs);
  return ok;
}

const RuleDoc *catalog_get(const Catalog *c, const char *code) {
  for (uint32_t i = 0; i < c->len; i++)
    if (strcmp(c->items[i].code, code) == 0) return &c->items[i];
  return NULL;
}

void catalog_free(Catalog *c) {
  for (uint32_t i = 0; i < c->len; i++) {
    free(c->items[i].name);
    free(c->items[i].summary);
    free(c->items[i].severity);
  }
  array_free(c);
}

char *catalog_code_block(const RuleDoc *r, const char *section) {
  char *heading = xasprintf("## %s\n", section);
  const char *s = strstr(r->body, heading);
  free(heading);
  if (!s) return NULL;
  const char *open = strstr(s, "```python\n");
  const char *next = strstr(s + 3, "\n## ");
  if (!open || (next && open > next)) return NULL;
  open += 10;
  const char *close = strstr(open, "```");
  return close ? xstrndup(open, (size_t)(close - open)) : NULL;
}
