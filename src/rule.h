/* rule: each rule as a thing: its code as an enum, and what the build took
 * from its doc's front matter (rules/docs/FANxxx.md: code, name, family,
 * weight) into the generated table. Adding a rule is a doc, a check function
 * and fixtures; C names a rule by its enum, so a code that does not exist
 * does not compile. */
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

typedef enum {
#define RULE_ENUM(code, name, family, weight) RULE_##code,
  RULE_TABLE(RULE_ENUM)
#undef RULE_ENUM
      RULE_COUNT
} Rule;

typedef struct {
  Rule rule;
  const char *code; /* "FAN101" */
  const char *name; /* "unbounded-fan-out" */
  RuleFamily family;
  double weight; /* how much of a phase's time a finding of it is taken to cost (report) */
} RuleInfo;

/* What the table says of a rule. */
const RuleInfo *rule_info(Rule r);
/* The rule a code names ("FAN505"); false when there is none. */
bool rule_named(const char *code, Rule *out);

#endif
