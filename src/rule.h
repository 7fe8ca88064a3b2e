/* rule: each rule as a thing: its code as an enum, and what the build took
 * from its doc's front matter (rules/docs/FANxxx.md: code, name, summary,
 * severity, default, error-when, family, weight, improves) into the generated
 * table, with the doc's body compiled in. Adding a rule is a doc, a check
 * function and fixtures; C names a rule by its enum, so a code that does not
 * exist does not compile. Lookups by enum are O(1), by code a scan of the ~20
 * rules. */
#ifndef FANOUT_RULE_H
#define FANOUT_RULE_H

#include <stdbool.h>

#include "rule_table.h"

/* The families of failure patterns (the hundreds digit of a code). */
typedef enum {
  FAMILY_CONCURRENCY,   /* FAN1xx: no limiter on the path */
  FAMILY_BUFFERING,     /* FAN2xx: every result held at once */
  FAMILY_LONG_TAIL,     /* FAN3xx: no timeout holds the phase */
  FAMILY_RETRY,         /* FAN4xx: retry storms */
  FAMILY_BLOCKING,      /* FAN5xx: the event loop blocked */
  FAMILY_CONTEXT,       /* FAN6xx: per-task context duplicated */
  FAMILY_POOL,          /* FAN7xx: connection pools */
  FAMILY_OBSERVABILITY, /* FAN9xx: what the log cannot show */
} RuleFamily;

/* How much a finding costs: its rule's default, raised by the policy where
 * the code shows it is paid in every task of a data-sized fan-out. */
typedef enum { SEVERITY_NONE, SEVERITY_INFO, SEVERITY_WARNING, SEVERITY_ERROR } Severity;

/* "error", "warning", "info" ("warning" for none). */
const char *severity_name(Severity s);
/* The severity a word names, or SEVERITY_NONE. */
Severity severity_named(const char *word);

typedef enum {
#define RULE_ENUM(code, name, summary, family, severity, on, data, weight, improves) RULE_##code,
  RULE_TABLE(RULE_ENUM)
#undef RULE_ENUM
      RULE_COUNT
} Rule;

typedef struct {
  Rule rule;
  const char *code;    /* "FAN101" */
  const char *name;    /* "unbounded-fan-out" */
  const char *summary; /* one line: what it reports */
  RuleFamily family;
  Severity severity;    /* its default severity */
  bool default_on;      /* on unless a selection says otherwise */
  bool error_when_data; /* an error where it costs in every task of a data-sized fan-out */
  double weight;        /* how much of a phase's time a finding of it is taken to cost (report) */
  const char *improves; /* the metric a fix should move, unless a finding says otherwise */
} RuleInfo;

/* What the table says of a rule. */
const RuleInfo *rule_info(Rule r);
/* The rule a code names ("FAN505"); false when there is none. */
bool rule_named(const char *code, Rule *out);
/* The Markdown of a rule's doc after its front matter (compiled in). */
const char *rule_doc(Rule r);
/* The body of a section ("Example", "Use instead") of a rule's doc: the text
 * of its first ```python block. The caller frees; NULL when absent. */
char *rule_doc_block(Rule r, const char *section);

#endif
