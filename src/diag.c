/* diag: errors as values: library code appends diagnostics, only main
 * prints them (`path:line: level: message`). */
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void diags_add(Diags *d, DiagLevel level, const char *path, uint32_t line, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  char *msg = xmalloc((size_t)(n < 0 ? 0 : n) + 1);
  va_start(ap, fmt);
  vsnprintf(msg, (size_t)(n < 0 ? 0 : n) + 1, fmt, ap);
  va_end(ap);
  Diag diag = {level, path ? xstrdup(path) : NULL, line, msg};
  array_push(d, diag);
}

uint32_t diags_errors(const Diags *d) {
  uint32_t n = 0;
  for (uint32_t i = 0; i < d->len; i++) n += d->items[i].level == DIAG_ERROR;
  return n;
}

char *diag_format(const Diag *d) {
  static const char *const names[] = {"error", "warning", "note"};
  if (!d->path) return xasprintf("fanout: %s: %s", names[d->level], d->message);
  if (d->line) return xasprintf("%s:%u: %s: %s", d->path, d->line, names[d->level], d->message);
  return xasprintf("%s: %s: %s", d->path, names[d->level], d->message);
}

void diags_free(Diags *d) {
  for (uint32_t i = 0; i < d->len; i++) {
    free(d->items[i].path);
    free(d->items[i].message);
  }
  array_free(d);
}
