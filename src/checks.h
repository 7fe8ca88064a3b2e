/* checks: run every check family over a loaded project. */
#ifndef FANOUT_CHECKS_H
#define FANOUT_CHECKS_H

#include "catalog.h"
#include "findings.h"
#include "project.h"

/* Run the checks, keep the findings `sel` enables, sorted. */
void checks_run(const Project *p, const Catalog *cat, const Selection *sel, Findings *out);

#endif
