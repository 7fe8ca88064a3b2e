/* checks: run every check family over a loaded project. */
#ifndef FANOUT_CHECKS_H
#define FANOUT_CHECKS_H

#include "catalog.h"
#include "findings.h"
#include "project.h"

/* What checks_run left out besides the codes not selected. */
typedef struct {
  uint32_t suppressed; /* by a `# noqa` on their line */
  uint32_t hidden;     /* in tests, examples, docs or scripts the selection does not include */
  U32Array hidden_in;  /* the file of each hidden one (free with check_counts_free) */
} CheckCounts;

void check_counts_free(CheckCounts *c);

/* Run the checks and keep, sorted, the findings the selection shows: codes
 * it enables, not ignored for their file, in code it includes (production
 * code, and the kinds of where.h it names), with no `# noqa` on their line.
 * With FAN900 selected, a `# noqa: FANxxx` code that suppressed nothing is a
 * finding. The one policy every command (check, report, lsp) applies. */
void checks_run(const Project *p, const Catalog *cat, const Selection *sel, Findings *out,
                CheckCounts *counts);

#endif
