/* rule: the rule table the build generated from the rule docs (rule.h), and
 * the docs' bodies, compiled in. A lookup by code is a scan of the ~20 rules;
 * a doc's body is found once per rule, by a scan of the embedded files. */
#include "rule.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embed.h"
#include "util.h"

static const RuleInfo table[RULE_COUNT] = {
#define RULE_INFO(code, name, summary, family, severity, on, data, weight, improves)               \
  [RULE_##code] = {RULE_##code, #code, name, summary, family, severity, on, data, weight, improves},
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

const char *severity_name(Severity s) {
  return s == SEVERITY_ERROR ? "error" : s == SEVERITY_INFO ? "info" : "warning";
}

Severity severity_named(const char *word) {
  return strcmp(word, "error") == 0     ? SEVERITY_ERROR
         : strcmp(word, "warning") == 0 ? SEVERITY_WARNING
         : strcmp(word, "info") == 0    ? SEVERITY_INFO
                                        : SEVERITY_NONE;
}

/* The embedded file rules/docs/FANxxx.md past its front matter; the build
 * made the table from the same files, so each rule has one. */
const char *rule_doc(Rule r) {
  char name[32];
  snprintf(name, sizeof name, "rules/docs/%s.md", rule_info(r)->code);
  for (unsigned i = 0; i < embedded_file_count; i++) {
    const EmbeddedFile *e = &embedded_files[i];
    if (strcmp(e->name, name) != 0) continue;
    const char *end = strstr(e->data + 4, "\n---\n");
    return end ? end + 5 : e->data;
  }
  return "";
}

char *rule_doc_block(Rule r, const char *section) {
  char *heading = xasprintf("## %s\n", section);
  const char *s = strstr(rule_doc(r), heading);
  free(heading);
  if (!s) return NULL;
  const char *open = strstr(s, "```python\n");
  const char *next = strstr(s + 3, "\n## ");
  if (!open || (next && open > next)) return NULL;
  open += 10;
  const char *close = strstr(open, "```");
  return close ? xstrndup(open, (size_t)(close - open)) : NULL;
}
