/* libFuzzer: arbitrary bytes as a Python file, through reading, the file
 * filter's scan of its code, and fact extraction (parse, walk, site queries,
 * widths), and the facts through the cache's pack and back (the same facts,
 * the same bytes). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "roundtrip.h"
#include "rules.h"
#include "source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static Knowledge k;
  static FactsContext *ctx;
  Diags diags = {0};
  if (!ctx) {
    if (!knowledge_load(&k, &diags)) abort();
    ctx = facts_context_new(&k, &diags);
    if (!ctx) abort();
  }
  SourceFile src;
  if (source_from_buffer("fuzz.py", (const char *)data, size, &src, &diags)) {
    (void)facts_may_matter(ctx, src.text);
    Facts f = {0};
    if (facts_extract(ctx, &src, &f, &diags)) check_roundtrip(&f);
    facts_free(&f);
    source_free(&src);
  }
  diags_free(&diags);
  return 0;
}
