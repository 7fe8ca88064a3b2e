/* multimatch: which of many literal strings occur in a text, found in one
 * pass over it (an Aho-Corasick automaton over byte classes), ASCII case
 * ignored. `report` uses it to test a log message against every logging
 * callsite's literal and the retry words at once. */
#ifndef FANOUT_MULTIMATCH_H
#define FANOUT_MULTIMATCH_H

#include "util.h"

typedef struct MultiMatch MultiMatch;

/* An automaton for patterns pats[i] of lens[i] bytes (empty ones never
 * occur: the caller treats them as always there). NULL when it would take
 * more than `max_bytes` of tables. Free with multimatch_free. */
MultiMatch *multimatch_new(const char *const *pats, const size_t *lens, uint32_t n,
                           size_t max_bytes);
/* Set bit i of `found` (n bits, cleared by the caller) for each pattern i
 * that occurs in text[0..len). Safe on several threads at once. */
void multimatch_scan(const MultiMatch *m, const char *text, size_t len, uint64_t *found);
void multimatch_free(MultiMatch *m);

#endif
