/* map: the fan-out orchestrators of a project, as `fanout map` lists them. */
#ifndef FANOUT_MAP_H
#define FANOUT_MAP_H

#include "policy.h"

/* The fanned-out callees of a site, resolved to "path.py:Qual.name" where
 * possible, else as written; comma separated ("?" when unknown). The caller frees. */
char *map_site_targets(const Index *ix, const SiteRef *s);
/* One line per site: "path.py:Class.method  LINE  KIND  WIDTH  -> CALLEES",
 * then "  [CODE ...]": the codes of the findings `run` ties to the site (at
 * it, or in what its tasks run), when there are any; run may be NULL. */
void map_format_site(const Index *ix, const SiteRef *s, const Findings *fs, const PolicyRun *run,
                     StrBuf *out);
/* Every site of the project, sorted by path, line, column. */
void map_format(const Index *ix, const Findings *fs, const PolicyRun *run, StrBuf *out);
/* The same as JSON: {"version", "orchestrators": [{qualname, path, line,
 * column, kind, width, targets, findings: [{code, severity, path, line}]}]}. */
void map_format_json(const Index *ix, const Findings *fs, const PolicyRun *run, StrBuf *out);

#endif
