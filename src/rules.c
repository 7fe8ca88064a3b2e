#include "rules.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const EmbeddedFile *rules_file(const char *name) {
  for (unsigned i = 0; i < embedded_file_count; i++)
    if (strcmp(embedded_files[i].name, name) == 0) return &embedded_files[i];
  return NULL;
}

static char *next_word(char **p) {
  while (**p == ' ' || **p == '\t') (*p)++;
  if (!**p) return NULL;
  char *w = *p;
  while (**p && **p != ' ' && **p != '\t') (*p)++;
  if (**p) *(*p)++ = '\0';
  return w;
}

bool knowledge_add_text(Knowledge *k, const char *file, const char *text, Diags *diags) {
  char *copy = xstrdup(text);
  array_push(&k->owned, copy);
  bool ok = true;
  uint32_t lineno = 0;
  for (char *line = copy, *next; line; line = next) {
    lineno++;
    next = strchr(line, '\n');
    if (next) *next++ = '\0';
    char *hash = strchr(line, '#');
    if (hash) *hash = '\0';
    char *p = line;
    char *kind = next_word(&p), *name = next_word(&p);
    if (!kind) continue;
    if (!name) {
      diags_add(diags, DIAG_ERROR, file, lineno, "expected `kind name [key=value ...]`");
      ok = false;
      continue;
    }
    while (*p == ' ' || *p == '\t') p++;
    size_t n = strlen(p);
    while (n && isspace((unsigned char)p[n - 1])) p[--n] = '\0';
    for (char *a = p; *a;) { /* every attribute must be key=value */
      char *end = a + strcspn(a, " \t");
      char *eq = memchr(a, '=', (size_t)(end - a));
      if (!eq || eq == a) {
        diags_add(diags, DIAG_ERROR, file, lineno, "attribute `%.*s` is not key=value",
                  (int)(end - a), a);
        ok = false;
        break;
      }
      a = end + strspn(end, " \t");
    }
    Fact f = {kind, name, p, file, lineno};
    array_push(&k->facts, f);
    char *key = xasprintf("%s\t%s", kind, name);
    array_push(&k->owned, key);
    if (!strmap_get(&k->by_key, key, NULL)) strmap_put(&k->by_key, key, k->facts.len - 1);
    uint32_t at = k->facts.len - 1, last;
    array_push(&k->next_of_kind, UINT32_MAX);
    if (strmap_get(&k->last_of_kind, kind, &last))
      k->next_of_kind.items[last] = at;
    else
      strmap_put(&k->first_of_kind, kind, at);
    strmap_put(&k->last_of_kind, kind, at);
  }
  return ok;
}

const Fact *knowledge_first(const Knowledge *k, const char *kind) {
  uint32_t i;
  return strmap_get(&k->first_of_kind, kind, &i) ? &k->facts.items[i] : NULL;
}

const Fact *knowledge_next(const Knowledge *k, const Fact *f) {
  uint32_t i = k->next_of_kind.items[f - k->facts.items];
  return i == UINT32_MAX ? NULL : &k->facts.items[i];
}

bool knowledge_load(Knowledge *k, Diags *diags) {
  bool ok = true;
  for (unsigned i = 0; i < embedded_file_count; i++)
    if (str_ends_with(embedded_files[i].name, ".txt") &&
        !str_starts_with(embedded_files[i].name, "rules/docs/"))
      ok &= knowledge_add_text(k, embedded_files[i].name, embedded_files[i].data, diags);
  return ok;
}

const Fact *knowledge_get(const Knowledge *k, const char *kind, const char *name) {
  char key[512];
  size_t a = strlen(kind), b = strlen(name);
  if (a + 1 + b >= sizeof key) return NULL;
  memcpy(key, kind, a);
  key[a] = '\t';
  memcpy(key + a + 1, name, b + 1);
  uint32_t i;
  return strmap_get(&k->by_key, key, &i) ? &k->facts.items[i] : NULL;
}

bool fact_attr(const Fact *f, const char *key, char *buf, size_t size) {
  size_t kn = strlen(key);
  for (const char *a = f->attrs; *a;) {
    size_t n = strcspn(a, " \t");
    if (n > kn && strncmp(a, key, kn) == 0 && a[kn] == '=') {
      size_t vn = n - kn - 1;
      if (vn >= size) vn = size - 1;
      memcpy(buf, a + kn + 1, vn);
      buf[vn] = '\0';
      return true;
    }
    a += n;
    a += strspn(a, " \t");
  }
  return false;
}

void knowledge_free(Knowledge *k) {
  for (uint32_t i = 0; i < k->owned.len; i++) free(k->owned.items[i]);
  array_free(&k->owned);
  array_free(&k->facts);
  strmap_free(&k->by_key);
  strmap_free(&k->first_of_kind);
  strmap_free(&k->last_of_kind);
  array_free(&k->next_of_kind);
}
