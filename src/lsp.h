/* lsp: fanout as a Language Server on stdio (JSON-RPC 2.0 with Content-Length
 * framing): diagnostics for open documents, re-parsed incrementally as they
 * change, and the rule's documentation on hover. */
#ifndef FANOUT_LSP_H
#define FANOUT_LSP_H

#include <stdio.h>

#include "policy.h"
#include "project.h"

/* Serve requests from `in` until `exit`. Malformed frames and JSON get an
 * error response or a line on `log`; nothing the client sends stops the
 * server but `exit`. Returns the exit status: 0 after `shutdown` then `exit`,
 * 1 for `exit` without `shutdown` or end of input. */
int lsp_serve(FILE *in, FILE *out, FILE *log, const Policy *pol, const ProjectOptions *opts);

#endif
