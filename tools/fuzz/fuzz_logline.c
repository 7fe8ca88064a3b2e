/* libFuzzer: one log line (timestamps, levels, JSON lines, continuations). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "logline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *s = malloc(size ? size : 1); /* exactly `size` bytes: overreads are caught */
  memcpy(s, data, size);
  LogLine l;
  logline_parse(s, size, &l);
  logline_free(&l);
  free(s);
  return 0;
}
