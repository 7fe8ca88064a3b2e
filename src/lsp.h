/* lsp: fanout as a Language Server on stdio (JSON-RPC 2.0 with Content-Length
 * framing): diagnostics for open documents, re-parsed incrementally as they
 * change, and the rule's documentation on hover. */
#ifndef FANOUT_LSP_H
#define FANOUT_LSP_H

#include <stdio.h>

#include "policy.h"
#include "project.h"

/* How the server reads the configuration of the project it serves, once its
 * root is known (the client's rootUri, else the working directory): `run`
 * sets the policy and project options lsp_serve was given, as the command
 * line's `configure` does for the other commands. False on a bad one (its
 * diagnostics are logged and the defaults stay). */
typedef struct {
  bool (*run)(void *ctx, const char *root, Diags *diags);
  void *ctx;
} LspConfigure;

/* Serve requests from `in` until `exit`. Malformed frames and JSON get an
 * error response or a line on `log`; nothing the client sends stops the
 * server but `exit`. Returns the exit status: 0 after `shutdown` then `exit`,
 * 1 for `exit` without `shutdown` or end of input. */
int lsp_serve(FILE *in, FILE *out, FILE *log, const Policy *pol, const ProjectOptions *opts,
              const LspConfigure *configure);

#endif
