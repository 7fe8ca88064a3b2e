/* multimatch: an Aho-Corasick automaton over byte classes, ASCII case
 * ignored: which of many literals occur in a text, in one pass. Built once
 * (its size capped by the caller), then O(text) per scan. */
#include "multimatch.h"

#include <stdlib.h>
#include <string.h>

#define OUTPUT 0x80000000u

struct MultiMatch {
  uint8_t cls[256];  /* byte -> class; 0 for bytes no pattern has */
  uint32_t nclasses; /* with class 0 */
  uint32_t nstates;
  uint32_t *delta; /* nstates x nclasses: the complete transition table; once built, each
                      entry is the next state's row (state x nclasses), OUTPUT set when
                      some pattern ends there */
  int32_t *term;   /* state -> first pattern ending there, or -1 */
  uint32_t *dict;  /* state -> nearest state on its failure chain with a term, or 0 */
  int32_t *next;   /* pattern -> next pattern with the same text, or -1 */
};

/* Aho-Corasick over ASCII-case-folded byte classes: a trie, failure links breadth first, then a
 * dense table whose edges carry an output flag, so a scan takes one load a byte. The table takes
 * (total pattern bytes + 1) x classes x 4 bytes. */
MultiMatch *multimatch_new(const char *const *pats, const size_t *lens, uint32_t n,
                           size_t max_bytes) {
  MultiMatch *m = xcalloc(1, sizeof *m);
  m->nclasses = 1;
  size_t total = 1;
  for (uint32_t i = 0; i < n; i++) {
    total += lens[i];
    for (size_t k = 0; k < lens[i]; k++) {
      uint8_t b = (uint8_t)pats[i][k];
      if (b >= 'A' && b <= 'Z') b = (uint8_t)(b - 'A' + 'a');
      if (!m->cls[b]) m->cls[b] = (uint8_t)(m->nclasses < 255 ? m->nclasses++ : 255);
    }
  }
  for (int b = 'A'; b <= 'Z'; b++) m->cls[b] = m->cls[b - 'A' + 'a']; /* ASCII case is ignored */
  /* more than 255 distinct bytes: the last class is shared, and a shared
   * class would make false hits; with so many, use no automaton at all */
  if (m->nclasses >= 255 || total * m->nclasses * sizeof(uint32_t) > max_bytes ||
      total * m->nclasses >= OUTPUT) {
    free(m);
    return NULL;
  }
  uint32_t k = m->nclasses;
  m->delta = xcalloc(total * k, sizeof(uint32_t)); /* 0: no edge yet (the root has none in) */
  m->term = xmalloc(total * sizeof(int32_t));
  m->dict = xcalloc(total, sizeof(uint32_t));
  m->next = xmalloc((n ? n : 1) * sizeof(int32_t));
  for (size_t s = 0; s < total; s++) m->term[s] = -1;
  m->nstates = 1;
  for (uint32_t i = 0; i < n; i++) { /* the trie */
    m->next[i] = -1;
    if (!lens[i]) continue;
    uint32_t s = 0;
    for (size_t c = 0; c < lens[i]; c++) {
      uint32_t *edge = &m->delta[(size_t)s * k + m->cls[(uint8_t)pats[i][c]]];
      if (!*edge) *edge = m->nstates++;
      s = *edge;
    }
    if (m->term[s] >= 0) { /* the same text again: chain it */
      int32_t p = m->term[s];
      while (m->next[p] >= 0) p = m->next[p];
      m->next[p] = (int32_t)i;
    } else {
      m->term[s] = (int32_t)i;
    }
  }
  /* failure links breadth first; missing edges become the failure's edge */
  uint32_t *fail = xcalloc(m->nstates, sizeof(uint32_t));
  uint32_t *queue = xmalloc(m->nstates * sizeof(uint32_t));
  uint32_t head = 0, tail = 0;
  for (uint32_t c = 0; c < k; c++)
    if (m->delta[c]) queue[tail++] = m->delta[c];
  while (head < tail) {
    uint32_t s = queue[head++];
    uint32_t f = fail[s];
    m->dict[s] = m->term[f] >= 0 ? f : m->dict[f];
    for (uint32_t c = 0; c < k; c++) {
      uint32_t *edge = &m->delta[(size_t)s * k + c];
      if (*edge) {
        fail[*edge] = m->delta[(size_t)f * k + c];
        queue[tail++] = *edge;
      } else {
        *edge = m->delta[(size_t)f * k + c];
      }
    }
  }
  free(queue);
  free(fail);
  for (size_t e = 0; e < (size_t)m->nstates * k; e++) { /* rows, flagged: one load a byte */
    uint32_t to = m->delta[e];
    m->delta[e] = to * k | (m->term[to] >= 0 || m->dict[to] ? OUTPUT : 0);
  }
  return m;
}

void multimatch_scan(const MultiMatch *m, const char *text, size_t len, uint64_t *found) {
  uint32_t row = 0;
  for (size_t i = 0; i < len; i++) {
    uint32_t e = m->delta[row + m->cls[(uint8_t)text[i]]];
    row = e & ~OUTPUT;
    if (!(e & OUTPUT)) continue;
    uint32_t s = row / m->nclasses;
    for (uint32_t u = m->term[s] >= 0 ? s : m->dict[s]; u; u = m->dict[u])
      for (int32_t p = m->term[u]; p >= 0; p = m->next[p])
        found[(uint32_t)p / 64] |= 1ull << ((uint32_t)p % 64);
  }
}

void multimatch_free(MultiMatch *m) {
  if (!m) return;
  free(m->delta);
  free(m->term);
  free(m->dict);
  free(m->next);
  free(m);
}
