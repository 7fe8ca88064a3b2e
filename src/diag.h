/* diag: errors as values. Library code appends diagnostics; only main prints. */
#ifndef FANOUT_DIAG_H
#define FANOUT_DIAG_H

#include "util.h"

typedef enum { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE } DiagLevel;

typedef struct {
  DiagLevel level;
  char *path;    /* file the diagnostic is about, or NULL */
  uint32_t line; /* 1-based, 0 when not about a line */
  char *message; /* one line, no trailing newline */
} Diag;

typedef Array(Diag) Diags;

void diags_add(Diags *d, DiagLevel level, const char *path, uint32_t line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Number of diagnostics of level DIAG_ERROR. */
uint32_t diags_errors(const Diags *d);
/* Format one diagnostic as "path:line: error: message". The caller must free it. */
char *diag_format(const Diag *d);
void diags_free(Diags *d);

#endif
