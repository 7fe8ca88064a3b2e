/* libFuzzer: bytes a client sends to `fanout lsp` (framing, JSON-RPC, document
 * sync with incremental edits, hover). tools/fuzz/run.sh runs it in an empty
 * directory, the project the server loads; inputs that could name a root
 * elsewhere ("root", or a \u escape that could spell it) are skipped so that
 * no run walks the machine's disk. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static FILE *sink;
  if (!sink && !(sink = fopen("/dev/null", "w"))) abort();
  if (!size || memmem(data, size, "root", 4) || memmem(data, size, "\\u", 2)) return 0;
  FILE *in = fmemopen((void *)(uintptr_t)data, size, "r");
  if (!in) return 0;
  Policy pol = {0};
  ProjectOptions opts = {0};
  opts.jobs = 1;
  opts.editor = true; /* as `fanout lsp` runs: rebuilds reuse what they can */
  lsp_serve(in, sink, sink, &pol, &opts, NULL);
  fclose(in);
  return 0;
}
