/* Shared by the fuzz harnesses: facts must survive the cache's pack. */
#ifndef FANOUT_FUZZ_ROUNDTRIP_H
#define FANOUT_FUZZ_ROUNDTRIP_H

#include <stdlib.h>
#include <string.h>

#include "facts.h"

/* Pack f, unpack it, pack again: abort unless it unpacks and the bytes are
 * the same (a pack is a fixed point of unpack-then-pack). */
static inline void check_roundtrip(const Facts *f) {
  StrBuf one = {0}, two = {0};
  Facts g;
  facts_pack(f, &one);
  if (!facts_unpack(one.s, one.len, &g)) abort();
  facts_pack(&g, &two);
  if (one.len != two.len || memcmp(one.s, two.s, one.len) != 0) abort();
  facts_free(&g);
  sb_free(&one);
  sb_free(&two);
}

#endif
