/* rule: the rule table the build generated from the rule docs (rule.h).
 * A lookup by code is a scan of the ~20 rules. */
#include "rule.h"

#include <string.h>

static const RuleInfo table[RULE_COUNT] = {
#define RULE_INFO(code, name, family, weight)                                                      \
  [RULE_##code] = {RULE_##code, #code, name, family, weight},
    RULE_TABLE(RULE_INFO)
#undef RULE_INFO
};

const RuleInfo *rule_info(Rule r) { return &table[r < RULE_COUNT ? r : 0]; }

bool rule_named(const char *code, Rule *out) {
  for (int i = 0; i < RULE_COUNT; i++)
    if (strcmp(table[i].code, code) == 0) {
      *out = (Rule)i;
      return true;
    }
  return false;
}
