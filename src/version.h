/* version: what fanout calls itself in its outputs. */
#ifndef FANOUT_VERSION_H
#define FANOUT_VERSION_H

#define FANOUT_VERSION_STRING "0.1.0"

/* Base URI of the published repository, for links to rule docs in SARIF
 * (`make FANOUT_HOME=https://...`). The default is a reserved name: the
 * links say where the doc is in the repository, not a live site. */
#ifndef FANOUT_HOME
#define FANOUT_HOME "https://fanout.invalid/"
#endif

#endif
