/* rules: the rule data compiled in from rules/: one fact per line of
 * rules/NAME.txt, checked against the schema of its kind (keys and value
 * types) as it loads; facts found by (kind, name) in a map, and walked by
 * kind in file order. */
#include "rules.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rule.h"

const EmbeddedFile *rules_file(const char *name) {
  for (unsigned i = 0; i < embedded_file_count; i++)
    if (strcmp(embedded_files[i].name, name) == 0) return &embedded_files[i];
  return NULL;
}

/* ---- the schema: which keys each kind of fact takes ------------------- */

typedef enum {
  V_NUMBER,  /* digits */
  V_SECONDS, /* digits, or none */
  V_YES,     /* yes */
  V_CODE,    /* a rule code, FAN and three digits */
  V_WORD,    /* one of `words` */
  V_NAMES,   /* identifiers separated by commas */
} ValueType;

typedef struct {
  const char *key;
  ValueType type;
  const char *words; /* V_WORD: the values it takes, space separated */
} KeySpec;

#define KEYS_MAX 8

/* The keys of each kind (none listed: it takes none). The kinds of I/O are
 * what the checks tell apart: `kind=` of a client or an external call. */
#define IO_KINDS "aws db http llm net rpc subprocess"
static const KeySpec schema[FACT_COUNT][KEYS_MAX] = {
    [FACT_BATCHER] = {{"size", V_NUMBER, NULL}},
    [FACT_BLOCKING] = {{"code", V_CODE, NULL}},
    [FACT_BLOCKING_METHOD] = {{"code", V_CODE, NULL},
                              {"methods", V_NAMES, NULL},
                              {"path-kwarg", V_NAMES, NULL}},
    [FACT_CLIENT] = {{"kind", V_WORD, IO_KINDS},
                     {"async", V_WORD, "yes no both"},
                     {"async-kwarg", V_NAMES, NULL},
                     {"timeout", V_SECONDS, NULL},
                     {"code", V_CODE, NULL},
                     {"oneshot", V_YES, NULL},
                     {"io", V_NAMES, NULL},
                     {"local", V_NAMES, NULL}},
    [FACT_EXTERNAL] = {{"kind", V_WORD, IO_KINDS},
                       {"async", V_YES, NULL},
                       {"timeout", V_SECONDS, NULL},
                       {"oneshot", V_YES, NULL}},
    [FACT_EXTERNAL_METHOD] = {{"kind", V_WORD, IO_KINDS}, {"timeout", V_SECONDS, NULL}},
    [FACT_EXTERNAL_RECEIVER] = {{"kind", V_WORD, IO_KINDS}},
    [FACT_ITERABLE_WRAPPER] = {{"arg", V_WORD, "0 1 2 3 self"}},
    [FACT_LIMITER] = {{"size", V_NUMBER, NULL}, {"rate", V_YES, NULL}},
    [FACT_LOGGER_FUNCTION] = {{"level", V_WORD, "debug info warning error critical print span log"},
                              {"helper", V_YES, NULL}},
    [FACT_REFERENCE] = {{"arg", V_NUMBER, NULL}},
    [FACT_RETRY_DECORATOR] = {{"lib", V_WORD, "tenacity backoff stamina"}},
    [FACT_SITE] =
        {{"kind", V_WORD,
          "gather create_task ensure_future as_completed wait run_in_executor start_soon"},
         {"loop", V_YES, NULL},
         {"target", V_NUMBER, NULL}},
};

/* The pool and retry settings of clients are numbers too. */
static const KeySpec client_numbers[] = {{"pool", V_NUMBER, NULL}, {"retries", V_NUMBER, NULL}};

static const char *const kind_names[FACT_COUNT] = {
#define FACT_KIND_NAME(id, text) [FACT_##id] = text,
    FACT_KINDS(FACT_KIND_NAME)
#undef FACT_KIND_NAME
};

const char *fact_kind_name(FactKind kind) { return kind < FACT_COUNT ? kind_names[kind] : "?"; }

static bool kind_named(const char *text, FactKind *out) {
  for (int i = 0; i < FACT_COUNT; i++)
    if (strcmp(kind_names[i], text) == 0) {
      *out = (FactKind)i;
      return true;
    }
  return false;
}

static const KeySpec *key_spec(FactKind kind, const char *key, size_t n) {
  for (int i = 0; i < KEYS_MAX && schema[kind][i].key; i++)
    if (strlen(schema[kind][i].key) == n && strncmp(schema[kind][i].key, key, n) == 0)
      return &schema[kind][i];
  for (size_t i = 0; kind == FACT_CLIENT && i < sizeof client_numbers / sizeof *client_numbers; i++)
    if (strlen(client_numbers[i].key) == n && strncmp(client_numbers[i].key, key, n) == 0)
      return &client_numbers[i];
  return NULL;
}

static bool all_digits(const char *v, size_t n) {
  if (!n) return false;
  for (size_t i = 0; i < n; i++)
    if (!isdigit((unsigned char)v[i])) return false;
  return true;
}

/* Whether value v (n bytes) is of the key's type. */
static bool value_fits(const KeySpec *spec, const char *v, size_t n) {
  switch (spec->type) {
  case V_NUMBER: return all_digits(v, n);
  case V_SECONDS: return all_digits(v, n) || (n == 4 && strncmp(v, "none", 4) == 0);
  case V_YES: return n == 3 && strncmp(v, "yes", 3) == 0;
  case V_CODE: {
    char code[8];
    Rule r;
    if (n != 6) return false;
    memcpy(code, v, n);
    code[n] = '\0';
    return rule_named(code, &r); /* a rule the docs define */
  }
  case V_WORD:
    for (const char *w = spec->words; *w;) {
      size_t wn = strcspn(w, " ");
      if (wn == n && strncmp(w, v, n) == 0) return true;
      w += wn + (w[wn] == ' ');
    }
    return false;
  case V_NAMES:
    for (size_t i = 0; i < n; i++)
      if (!isalnum((unsigned char)v[i]) && v[i] != '_' && v[i] != ',' && v[i] != '.') return false;
    return n > 0 && v[0] != ',' && v[n - 1] != ',';
  }
  return false;
}

/* The expected values of a key, for an error message. */
static const char *type_text(const KeySpec *spec) {
  switch (spec->type) {
  case V_NUMBER: return "a number";
  case V_SECONDS: return "a number of seconds or none";
  case V_YES: return "yes";
  case V_CODE: return "the code of a rule (fanout rules lists them)";
  case V_WORD: return spec->words;
  case V_NAMES: return "names separated by commas";
  }
  return "?";
}

static char *next_word(char **p) {
  while (**p == ' ' || **p == '\t') (*p)++;
  if (!**p) return NULL;
  char *w = *p;
  while (**p && **p != ' ' && **p != '\t') (*p)++;
  if (**p) *(*p)++ = '\0';
  return w;
}

/* Check one attribute `a` (n bytes, key=value) of a fact of `kind`. */
static bool attr_ok(FactKind kind, const char *a, size_t n, const char *file, uint32_t line,
                    Diags *diags) {
  const char *eq = memchr(a, '=', n);
  if (!eq || eq == a) {
    diags_add(diags, DIAG_ERROR, file, line, "attribute `%.*s` is not key=value", (int)n, a);
    return false;
  }
  size_t kn = (size_t)(eq - a);
  const KeySpec *spec = key_spec(kind, a, kn);
  if (!spec) {
    diags_add(diags, DIAG_ERROR, file, line, "`%s` takes no key `%.*s`", kind_names[kind], (int)kn,
              a);
    return false;
  }
  if (!value_fits(spec, eq + 1, n - kn - 1)) {
    diags_add(diags, DIAG_ERROR, file, line, "`%.*s` of `%s` must be %s, not `%.*s`", (int)kn, a,
              kind_names[kind], type_text(spec), (int)(n - kn - 1), eq + 1);
    return false;
  }
  return true;
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
    char *kind_text = next_word(&p), *name = next_word(&p);
    if (!kind_text) continue;
    if (!name) {
      diags_add(diags, DIAG_ERROR, file, lineno, "expected `kind name [key=value ...]`");
      ok = false;
      continue;
    }
    FactKind kind;
    if (!kind_named(kind_text, &kind)) {
      diags_add(diags, DIAG_ERROR, file, lineno, "unknown kind of fact `%s`", kind_text);
      ok = false;
      continue;
    }
    while (*p == ' ' || *p == '\t') p++;
    size_t n = strlen(p);
    while (n && isspace((unsigned char)p[n - 1])) p[--n] = '\0';
    bool fits = true;
    for (char *a = p; *a && fits;) { /* every attribute is key=value, as the schema says */
      size_t an = strcspn(a, " \t");
      fits = attr_ok(kind, a, an, file, lineno, diags);
      a += an;
      a += strspn(a, " \t");
    }
    if (!fits) {
      ok = false;
      continue;
    }
    Fact f = {kind, name, p, file, lineno};
    array_push(&k->facts, f);
    char *key = xasprintf("%s\t%s", kind_text, name);
    array_push(&k->owned, key);
    if (!strmap_get(&k->by_key, key, NULL)) strmap_put(&k->by_key, key, k->facts.len - 1);
    uint32_t at = k->facts.len - 1;
    array_push(&k->next_of_kind, UINT32_MAX);
    if (k->last_of_kind[kind])
      k->next_of_kind.items[k->last_of_kind[kind] - 1] = at;
    else
      k->first_of_kind[kind] = at + 1;
    k->last_of_kind[kind] = at + 1;
  }
  return ok;
}

const Fact *knowledge_first(const Knowledge *k, FactKind kind) {
  return k->first_of_kind[kind] ? &k->facts.items[k->first_of_kind[kind] - 1] : NULL;
}

const Fact *knowledge_last(const Knowledge *k, FactKind kind) {
  return k->last_of_kind[kind] ? &k->facts.items[k->last_of_kind[kind] - 1] : NULL;
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

const Fact *knowledge_get(const Knowledge *k, FactKind kind, const char *name) {
  char key[512];
  size_t a = strlen(kind_names[kind]), b = strlen(name);
  if (a + 1 + b >= sizeof key) return NULL;
  memcpy(key, kind_names[kind], a);
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

Settings settings_make(const Knowledge *k, const Settings *given) {
  Settings s = {30, 50, 10};
  const Fact *f = knowledge_last(k, FACT_TIMEOUT_SHORT_DEFAULT);
  if (f) s.short_timeout = (uint32_t)strtoul(f->name, NULL, 10);
  f = knowledge_last(k, FACT_RETRY_MAX_ATTEMPTS);
  if (f) s.retry_max_attempts = strtol(f->name, NULL, 10);
  if (given && given->short_timeout) s.short_timeout = given->short_timeout;
  if (given && given->min_width) s.min_width = given->min_width;
  if (given && given->retry_max_attempts) s.retry_max_attempts = given->retry_max_attempts;
  return s;
}

void knowledge_free(Knowledge *k) {
  for (uint32_t i = 0; i < k->owned.len; i++) free(k->owned.items[i]);
  array_free(&k->owned);
  array_free(&k->facts);
  strmap_free(&k->by_key);
  array_free(&k->next_of_kind);
}
