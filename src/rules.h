/* rules: the data fanout reasons with, compiled in from rules/.
 * API knowledge (which calls fan out, which are loggers, ...) is one fact per
 * line in rules/NAME.txt: `kind name [key=value ...]`. */
#ifndef FANOUT_RULES_H
#define FANOUT_RULES_H

#include "diag.h"
#include "embed.h"
#include "rule.h"

/* The embedded file with this path, or NULL. */
const EmbeddedFile *rules_file(const char *name);

/* The kinds of fact, as rules/NAME.txt spells them. Which keys each takes,
 * and the values they take, is the schema in rules.c: a line that does not
 * fit it is an error naming its file and line, so a typo cannot turn a rule
 * off in silence. C names a kind by its enum, so a typo there does not compile. */
/* clang-format off */
#define FACT_KINDS(X) \
  X(AWAIT_WRAPPER, "await.wrapper") X(BATCHER, "batcher") X(BLOCKING, "blocking") X(BLOCKING_FUTURE, "blocking.future") \
  X(BLOCKING_LANGCHAIN, "blocking.langchain") X(BLOCKING_METHOD, "blocking.method") \
  X(BUILTIN_METHOD, "builtin.method") X(CLIENT, "client") X(CLIENT_RELEASE, "client.release") \
  X(CONFIG_OBJECT, "config.object") X(CONTROL_EXCEPTION, "control.exception") \
  X(EXTERNAL, "external") X(EXTERNAL_METHOD, "external.method") \
  X(EXTERNAL_RECEIVER, "external.receiver") X(EXTERNAL_RECEIVER_METHOD, "external.receiver-method") \
  X(ITERABLE_WRAPPER, "iterable.wrapper") X(LIFECYCLE, "lifecycle") X(LIMITER, "limiter") \
  X(LIMITER_NAME, "limiter.name") X(LOADER, "loader") X(LOGGER_FACTORY, "logger.factory") \
  X(LOGGER_FUNCTION, "logger.function") X(LOGGER_METHOD, "logger.method") \
  X(LOGGER_RECEIVER, "logger.receiver") X(MEMOIZE, "memoize") X(MEMORY_FILE, "memory-file") \
  X(OFFLOAD, "offload") X(REFERENCE, "reference") X(REPROMPT, "reprompt") \
  X(RETRY_DECORATOR, "retry.decorator") X(RETRY_MAX_ATTEMPTS, "retry.max-attempts") \
  X(RETRY_RANDOM, "retry.random") X(RUNNER, "runner") X(SITE, "site") X(SLEEP, "sleep") \
  X(TIMEOUT_CALL, "timeout.call") X(TIMEOUT_CONTEXT, "timeout.context") \
  X(TIMEOUT_SHORT_DEFAULT, "timeout.short-default") X(TEXT_BUILDER, "text.builder") \
  X(TOOL_DECORATOR, "tool.decorator") \
  X(TRANSPORT_EXCEPTION, "transport.exception")
/* clang-format on */

typedef enum {
#define FACT_KIND_ENUM(id, text) FACT_##id,
  FACT_KINDS(FACT_KIND_ENUM)
#undef FACT_KIND_ENUM
      FACT_COUNT
} FactKind;

/* "timeout.context" for FACT_TIMEOUT_CONTEXT. */
const char *fact_kind_name(FactKind kind);

/* The keys of facts' attributes (`key=value` after the name). Which kinds
 * take which keys, and the type of each value, is the schema in rules.c; C
 * names a key by its enum. */
/* clang-format off */
#define ATTR_KEYS(X) \
  X(ARG, "arg") X(ASYNC, "async") X(ASYNC_KWARG, "async-kwarg") X(CODE, "code") X(EARLY, "early") \
  X(HELPER, "helper") X(IO, "io") X(KIND, "kind") X(LEVEL, "level") X(LIB, "lib") \
  X(LOCAL, "local") X(LOOP, "loop") X(METHODS, "methods") X(ONESHOT, "oneshot") \
  X(PATH_KWARG, "path-kwarg") X(POOL, "pool") X(RATE, "rate") X(RETRIES, "retries") \
  X(SIZE, "size") X(TARGET, "target") X(TIMEOUT, "timeout") X(WAITS, "waits")
/* clang-format on */

typedef enum {
#define ATTR_KEY_ENUM(id, text) ATTR_##id,
  ATTR_KEYS(ATTR_KEY_ENUM)
#undef ATTR_KEY_ENUM
      ATTR_COUNT
} AttrKey;

typedef struct {
  FactKind kind;
  const char *name;
  const char *attr[ATTR_COUNT]; /* each key's value as written, checked against the schema
                                   at load; NULL: not given */
  const char *file;
  uint32_t line;
} Fact;

typedef struct {
  Array(Fact) facts;
  StrMap by_key; /* "kind\tname" -> index of the first fact */
  StrMap listed; /* "kind\tkey\titem" for each item of each fact's comma list (knowledge_lists) */
  uint32_t first_of_kind[FACT_COUNT], last_of_kind[FACT_COUNT]; /* 1 + index; 0: none */
  U32Array next_of_kind; /* per fact: the next of its kind, UINT32_MAX at the end */
  StrArray owned;
} Knowledge;

/* Parse every rules/NAME.txt file into `k` (zeroed, or filled before). Returns
 * false and adds diagnostics naming file and line for lines that are
 * malformed or do not fit the schema. Free with knowledge_free. */
bool knowledge_load(Knowledge *k, Diags *diags);
/* Parse one more text in the same format (a user's extra facts). */
bool knowledge_add_text(Knowledge *k, const char *file, const char *text, Diags *diags);
/* The fact (kind, name), or NULL. */
const Fact *knowledge_get(const Knowledge *k, FactKind kind, const char *name);
static inline bool knowledge_has(const Knowledge *k, FactKind kind, const char *name) {
  return knowledge_get(k, kind, name) != 0;
}
/* A fact's value of `key`, or NULL when not given (or no fact). */
static inline const char *fact_get(const Fact *f, AttrKey key) { return f ? f->attr[key] : 0; }
/* The value of a number or seconds key; `dflt` when not given or `none`. */
long fact_number(const Fact *f, AttrKey key, long dflt);
/* Whether a `yes` key is given. */
static inline bool fact_yes(const Fact *f, AttrKey key) { return fact_get(f, key) != 0; }
/* The rule a code key names (the schema checked it names one). */
bool fact_rule(const Fact *f, AttrKey key, Rule *out);
/* Whether a names key (comma-separated) lists `name`. */
bool fact_lists(const Fact *f, AttrKey key, const char *name);
/* Whether some fact of `kind` lists `name` in its comma list `key` (fact_lists of any): O(1). */
bool knowledge_lists(const Knowledge *k, FactKind kind, AttrKey key, const char *name);
/* The facts of one kind in file order: the first (NULL: none) and the one
 * after `f`. A walk costs the facts of that kind, not all of them. */
const Fact *knowledge_first(const Knowledge *k, FactKind kind);
/* The last fact of a kind (NULL: none): of a setting, the one that counts
 * (the configuration's comes after the rules'). */
const Fact *knowledge_last(const Knowledge *k, FactKind kind);
const Fact *knowledge_next(const Knowledge *k, const Fact *f);
void knowledge_free(Knowledge *k);

/* The thresholds the checks use: the rule data's (timeout.short-default,
 * retry.max-attempts), with the configuration's where it sets one. */
typedef struct {
  uint32_t short_timeout;  /* a client default at or below this many seconds is a deadline */
  long min_width;          /* fixed fan-outs this wide count as large (data-sized) */
  long retry_max_attempts; /* FAN402: a retry allowing more attempts than this */
} Settings;

/* The settings of `k`, then each non-zero field of `given` (NULL: none) over them. */
Settings settings_make(const Knowledge *k, const Settings *given);

#endif
