/* libFuzzer: bytes a client sends to `fanout lsp` (framing, JSON-RPC, document
 * sync with incremental edits, hover). tools/fuzz/run.sh runs it in an empty
 * directory, the project the server loads; inputs that could name a root
 * elsewhere ("root", or a \u escape that could spell it) are skipped so that
 * no run walks the machine's disk. Every rebuild is checked against a full
 * build (verify_rebuilds): a difference the server logs is a crash. */
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
  char *logged = NULL;
  size_t logged_len = 0;
  FILE *log = open_memstream(&logged, &logged_len);
  if (!log) abort();
  Policy pol = {0};
  ProjectOptions opts = {0};
  opts.jobs = 1;
  opts.editor = true; /* as `fanout lsp` runs: rebuilds reuse what they can */
  opts.verify_rebuilds = true;
  lsp_serve(in, sink, log, &pol, &opts, NULL);
  fclose(in);
  fclose(log);
  if (logged && strstr(logged, "from a full build")) abort();
  free(logged);
  return 0;
}
