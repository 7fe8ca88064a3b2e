/* checks: run every check family over a loaded project. */
#ifndef FANOUT_CHECKS_H
#define FANOUT_CHECKS_H

#include "catalog.h"
#include "findings.h"
#include "project.h"

/* Run the checks, keep the findings `sel` enables and no `# noqa` on their
 * line suppresses, sorted. *suppressed counts the ones a noqa removed. With
 * FAN900 selected, a `# noqa: FANxxx` code that suppressed nothing is a finding. */
void checks_run(const Project *p, const Catalog *cat, const Selection *sel, Findings *out,
                uint32_t *suppressed);

#endif
