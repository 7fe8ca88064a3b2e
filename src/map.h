/* map: the fan-out orchestrators of a project, as `fanout map` lists them. */
#ifndef FANOUT_MAP_H
#define FANOUT_MAP_H

#include "index.h"

/* "fixed 3", "data (from queries)", "unknown". The caller frees. */
char *map_width_text(const Width *w);
/* The fanned-out callees of a site, resolved to "path.py:Qual.name" where
 * possible, else as written; comma separated ("?" when unknown). The caller frees. */
char *map_site_targets(const Index *ix, const SiteRef *s);
/* One line per site: "path.py:Class.method  LINE  KIND  WIDTH  -> CALLEES". */
void map_format_site(const Index *ix, const SiteRef *s, StrBuf *out);
/* Every site of the project, sorted by path, line, column. */
void map_format(const Index *ix, StrBuf *out);

#endif
