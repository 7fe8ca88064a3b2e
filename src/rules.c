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
  V_NONE,    /* the end of a kind's keys */
  V_NUMBER,  /* digits */
  V_SECONDS, /* digits, or none */
  V_YES,     /* yes */
  V_CODE,    /* a rule code, FAN and three digits */
  V_WORD,    /* one of `words` */
  V_NAMES,   /* identifiers separated by commas */
} ValueType;

typedef struct {
  AttrKey key;
  ValueType type;
  const char *words; /* V_WORD: the values it takes, space separated */
} KeySpec;

#define KEYS_MAX 10

static const char *const key_names[ATTR_COUNT] = {
#define ATTR_KEY_NAME(id, text) [ATTR_##id] = text,
    ATTR_KEYS(ATTR_KEY_NAME)
#undef ATTR_KEY_NAME
};

/* The keys of each kind (none listed: it takes none). The kinds of I/O are
 * what the checks tell apart: `kind=` of a client or an external call. */
#define IO_KINDS "aws db http llm net rpc subprocess"
static const KeySpec schema[FACT_COUNT][KEYS_MAX] = {
    [FACT_BATCHER] = {{ATTR_SIZE, V_NUMBER, NULL}},
    [FACT_BLOCKING] = {{ATTR_CODE, V_CODE, NULL}},
    [FACT_BLOCKING_FUTURE] = {{ATTR_WAITS, V_NAMES, NULL}},
    [FACT_BLOCKING_METHOD] = {{ATTR_CODE, V_CODE, NULL},
                              {ATTR_METHODS, V_NAMES, NULL},
                              {ATTR_PATH_KWARG, V_NAMES, NULL}},
    [FACT_CLIENT] = {{ATTR_KIND, V_WORD, IO_KINDS},
                     {ATTR_ASYNC, V_WORD, "yes no both"},
                     {ATTR_ASYNC_KWARG, V_NAMES, NULL},
                     {ATTR_TIMEOUT, V_SECONDS, NULL},
                     {ATTR_CODE, V_CODE, NULL},
                     {ATTR_ONESHOT, V_YES, NULL},
                     {ATTR_IO, V_NAMES, NULL},
                     {ATTR_LOCAL, V_NAMES, NULL},
                     {ATTR_POOL, V_NUMBER, NULL},
                     {ATTR_RETRIES, V_NUMBER, NULL}},
    [FACT_EXTERNAL] = {{ATTR_KIND, V_WORD, IO_KINDS},
                       {ATTR_ASYNC, V_YES, NULL},
                       {ATTR_TIMEOUT, V_SECONDS, NULL},
                       {ATTR_ONESHOT, V_YES, NULL}},
    [FACT_EXTERNAL_METHOD] = {{ATTR_KIND, V_WORD, IO_KINDS}, {ATTR_TIMEOUT, V_SECONDS, NULL}},
    [FACT_EXTERNAL_RECEIVER] = {{ATTR_KIND, V_WORD, IO_KINDS}},
    [FACT_ITERABLE_WRAPPER] = {{ATTR_ARG, V_WORD, "0 1 2 3 self"}},
    [FACT_LIMITER] = {{ATTR_SIZE, V_NUMBER, NULL}, {ATTR_RATE, V_YES, NULL}},
    [FACT_LOGGER_FUNCTION] = {{ATTR_LEVEL, V_WORD,
                               "debug info warning error critical print span log"},
                              {ATTR_HELPER, V_YES, NULL}},
    [FACT_REFERENCE] = {{ATTR_ARG, V_NUMBER, NULL}},
    [FACT_RETRY_DECORATOR] = {{ATTR_LIB, V_WORD, "tenacity backoff stamina"}},
    [FACT_SITE] =
        {{ATTR_KIND, V_WORD,
          "gather create_task ensure_future as_completed wait run_in_executor start_soon abatch"},
         {ATTR_LOOP, V_YES, NULL},
         {ATTR_TARGET, V_NUMBER, NULL},
         {ATTR_EARLY, V_NAMES, NULL},
         {ATTR_SIZE, V_NUMBER, NULL}},
};

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

static bool key_is(AttrKey key, const char *text, size_t n) {
  return strlen(key_names[key]) == n && strncmp(key_names[key], text, n) == 0;
}

static const KeySpec *key_spec(FactKind kind, const char *key, size_t n) {
  for (int i = 0; i < KEYS_MAX && schema[kind][i].type != V_NONE; i++)
    if (key_is(schema[kind][i].key, key, n)) return &schema[kind][i];
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
  case V_NONE: return false;
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
  case V_NONE: break;
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

/* Check one attribute `a` (n bytes, key=value) of a fact of `kind`; its key
 * in *key. */
static bool attr_ok(FactKind kind, const char *a, size_t n, const char *file, uint32_t line,
                    Diags *diags, AttrKey *key) {
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
  *key = spec->key;
  return true;
}

/* Parse `kind name key=value ...` lines (`#` starts a comment), each attribute checked against the
 * schema; the first fact of a kind and name is the one looked up, and facts of a kind are chained
 * in order. Facts point into a copy of the text that `k` keeps. */
/* Each item of a fact's comma lists (the schema's V_NAMES values), for knowledge_lists. */
static void note_lists(Knowledge *k, const Fact *f) {
  for (int i = 0; i < KEYS_MAX && schema[f->kind][i].type != V_NONE; i++) {
    if (schema[f->kind][i].type != V_NAMES) continue;
    AttrKey a = schema[f->kind][i].key;
    for (const char *p = f->attr[a]; p && *p;) {
      size_t len = strcspn(p, ",");
      char *key = xasprintf("%s\t%s\t%.*s", kind_names[f->kind], key_names[a], (int)len, p);
      array_push(&k->owned, key);
      strmap_put(&k->listed, key, 1);
      p += len + (p[len] == ',');
    }
  }
}

bool knowledge_lists(const Knowledge *k, FactKind kind, AttrKey key, const char *name) {
  char buf[256];
  const char *parts[3] = {kind_names[kind], key_names[key], name};
  size_t n = 0;
  for (int i = 0; i < 3; i++) {
    size_t len = strlen(parts[i]);
    if (n + len + 2 > sizeof buf) return true; /* too long to look up: ask each fact */
    memcpy(buf + n, parts[i], len);
    n += len;
    buf[n++] = i < 2 ? '\t' : '\0';
  }
  return strmap_get(&k->listed, buf, NULL);
}

/* Each line `kind name [key=value ...]` (a # starts a comment), checked
 * against the schema; a line that does not fit is a diagnostic and skipped. */
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
    Fact f = {.kind = kind, .name = name, .file = file, .line = lineno};
    bool fits = true;
    for (char *a = p; *a && fits;) { /* every attribute is key=value, as the schema says */
      size_t an = strcspn(a, " \t");
      AttrKey key;
      fits = attr_ok(kind, a, an, file, lineno, diags, &key);
      if (fits && f.attr[key]) {
        diags_add(diags, DIAG_ERROR, file, lineno, "`%s` is given twice", key_names[key]);
        fits = false;
      } else if (fits) {
        f.attr[key] = strchr(a, '=') + 1; /* the value, cut in place below */
      }
      a += an;
      if (*a) *a++ = '\0';
      a += strspn(a, " \t");
    }
    if (!fits) {
      ok = false;
      continue;
    }
    array_push(&k->facts, f);
    note_lists(k, &f);
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

long fact_number(const Fact *f, AttrKey key, long dflt) {
  const char *v = fact_get(f, key);
  return v && isdigit((unsigned char)*v) ? strtol(v, NULL, 10) : dflt;
}

bool fact_rule(const Fact *f, AttrKey key, Rule *out) {
  const char *v = fact_get(f, key);
  return v && rule_named(v, out);
}

bool fact_lists(const Fact *f, AttrKey key, const char *name) {
  const char *list = fact_get(f, key);
  size_t n = strlen(name);
  for (const char *p = list; p && *p;) {
    size_t len = strcspn(p, ",");
    if (len == n && strncmp(p, name, n) == 0) return true;
    p += len + (p[len] == ',');
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
  strmap_free(&k->listed);
  array_free(&k->next_of_kind);
  memset(k, 0, sizeof *k); /* the kinds' first and last too: loadable again */
}
