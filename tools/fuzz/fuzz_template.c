/* libFuzzer: a logging template (first line) converted to a regex and
 * matched against a log message (the rest). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "template.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *s = malloc(size + 1);
  memcpy(s, data, size);
  s[size] = '\0';
  char *nl = strchr(s, '\n');
  const char *line = nl ? nl + 1 : "";
  if (nl) *nl = '\0';
  StrBuf out = {0};
  template_convert_percent(s, &out);
  sb_free(&out);
  template_convert_format(s, &out);
  sb_free(&out);
  TemplateRegex *re = template_regex_new(s);
  if (re) {
    template_regex_match(re, line, strlen(line));
    template_regex_free(re);
  }
  free(s);
  return 0;
}
