/* libFuzzer: a pyproject.toml with a [tool.fanout] table. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *s = malloc(size + 1);
  memcpy(s, data, size);
  s[size] = '\0';
  Config c = {0};
  Diags diags = {0};
  if (config_parse("pyproject.toml", s, &c, &diags)) free(config_knowledge(&c));
  config_free(&c);
  diags_free(&diags);
  free(s);
  return 0;
}
