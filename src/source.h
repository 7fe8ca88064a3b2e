/* source: find Python files under paths and read them safely. */
#ifndef FANOUT_SOURCE_H
#define FANOUT_SOURCE_H

#include "diag.h"

typedef struct {
  char *path;      /* display path, as reached from the given path ("./" dropped) */
  char *text;      /* contents, NUL-terminated; BOM dropped, lone CR made LF */
  uint32_t len;    /* bytes in text */
  char *module;    /* dotted module name ("pkg.sub.mod"; "pkg.sub" for __init__) */
  bool is_package; /* the file is a package's __init__ */
} SourceFile;

typedef struct {
  bool include_pyi;        /* also collect *.pyi stubs */
  const StrArray *exclude; /* fnmatch patterns: on the name when they have no '/',
                              else on the path (a directory excludes what is under it) */
} WalkOptions;

/* Whether a walked path (or its last component `name`) is excluded. */
bool source_excluded(const WalkOptions *opts, const char *path, const char *name);

/* Largest file fanout reads; larger ones get a diagnostic. Python this big
 * is generated (tables, bundles), and a syntax tree with its facts takes
 * some 60 times the file's size in memory. */
#define SOURCE_MAX_BYTES (16u << 20)

/* Collect the Python files under `paths` (files are taken as given, directories
 * walked), sorted and without duplicates, into `out` (strings owned by the
 * caller). Skips VCS, virtualenv, cache and build directories. A path that does
 * not exist gets an error diagnostic; the walk goes on. */
void source_walk(const char *const *paths, uint32_t npaths, const WalkOptions *opts, StrArray *out,
                 Diags *diags);

/* Read and validate one file. Returns true and fills `out` on success; on
 * failure (unreadable, vanished, binary, not UTF-8, too large) adds one
 * diagnostic naming the file and returns false. Free with source_free. */
bool source_read(const char *path, SourceFile *out, Diags *diags);

/* Fill `out` from a buffer already in memory (stdin, an editor buffer).
 * Takes the same checks as source_read. */
bool source_from_buffer(const char *path, const char *data, size_t len, SourceFile *out,
                        Diags *diags);

void source_free(SourceFile *f);

/* The dotted module name of a Python file, from the package directories
 * (those with an __init__.py) above it. The caller must free it. */
char *source_module_name(const char *path, bool *is_package);

/* Module names of many files, each directory looked at once (one project
 * load: directories may change between loads). Zero-initialize; not for
 * concurrent use. */
typedef struct {
  StrMap real, dirs; /* directory as given -> absolute; absolute -> its package */
  StrArray owned;    /* key, value, key, value, ... */
} ModuleNames;
char *source_module_name_in(ModuleNames *m, const char *path, bool *is_package);
void module_names_free(ModuleNames *m);

/* The directory to read as the project around a file given by path: the
 * nearest directory on the path's own prefix (or the working directory) that
 * holds .git, pyproject.toml, setup.py or setup.cfg, else the file's directory.
 * Returned as a prefix of `path` ("" meaning the working directory), so the
 * walk yields the same path strings. The caller frees. */
char *source_project_root(const char *path);

/* Offset of the first invalid UTF-8 sequence in s[0..n), or n if it is valid. */
size_t source_utf8_invalid_at(const char *s, size_t n);

#endif
