/* libFuzzer: arbitrary bytes as a facts pack (a cache entry's body). Bytes
 * that are not a pack must be refused; those taken must give facts whose
 * every index is in range, whose structure is the walk's (parents before
 * children, so following them ends; calls in their def's stretch), and whose
 * own pack is a fixed point (packing what it unpacks to gives the same
 * bytes). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "roundtrip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  Facts f;
  if (!facts_unpack(data, size, &f)) return 0;
  for (uint32_t i = 0; i < f.calls.len; i++) { /* indices in range: ASan sees the reads */
    const Call *c = &f.calls.items[i];
    if (strlen(f.defs.items[c->def].qualname) > size) abort();
    for (uint32_t a = 0; a < c->args.count; a++)
      if (!f.names.items[c->args.first + a]) abort();
  }
  if (f.defs.items[0].parent != -1) abort();
  for (uint32_t i = 1; i < f.defs.len; i++) /* a def that is its own ancestor: a cycle */
    if (f.defs.items[i].parent < 0 || (uint32_t)f.defs.items[i].parent >= i) abort();
  for (uint32_t i = 0; i < f.calls.len; i++) {
    const Span *in = &f.defs.items[f.calls.items[i].def].calls_span;
    if (i < in->first || i >= in->end || f.calls.items[i].outer >= (int32_t)i) abort();
  }
  for (uint32_t i = 0; i < f.defs.len; i++) {
    const Def *d = &f.defs.items[i];
    for (uint32_t k = d->own_calls.first; k < d->own_calls.end; k++)
      if (f.call_order.items[k] >= f.calls.len) abort();
  }
  check_roundtrip(&f);
  facts_free(&f);
  return 0;
}
