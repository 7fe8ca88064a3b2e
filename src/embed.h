/* embed: the files of rules/ (rule data, queries, docs), compiled in by the
 * build (build/rules_embed.c). A lookup is a scan of the ~40 files. */
#ifndef FANOUT_EMBED_H
#define FANOUT_EMBED_H

typedef struct {
  const char *name; /* path under the source tree, e.g. "rules/sites.scm" */
  const char *data; /* NUL-terminated */
  unsigned long len;
} EmbeddedFile;

extern const EmbeddedFile embedded_files[];
extern const unsigned embedded_file_count;

#endif
