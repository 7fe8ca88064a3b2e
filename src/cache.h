/* cache: what fanout learned from each file, kept on disk between runs.
 *
 * One entry per source file, kept in the pack of the run that read it
 * (DIR/facts/pack-<hash of the working directory and the run's roots>), holding:
 * the file's content hash (XXH3-128 of its text), the status it had when it
 * was read (device, inode, size, mtime, ctime), its module name, whether it
 * may matter (facts_may_matter), the diagnostics its extraction gave and,
 * once it was parsed, its packed facts. Everything sits under an environment
 * key (this build of fanout, which covers its code, rule data and grammar
 * pin, plus any rule data from the configuration) and a checksum.
 *
 * An entry is used when its key, path and module match and either the file's
 * status is the one recorded (and was not too recent to trust when it was
 * read, as git's index does) or its text hashes the same. Anything else, be
 * it missing, truncated, corrupt or from another build, is a miss: the file is
 * read and parsed again and the entry rewritten. A pack is written whole, to
 * a temporary file renamed over the old one, so readers never see half of it
 * and concurrent runs do not clash (the last one wins). A cache that cannot
 * be written only costs speed. */
#ifndef FANOUT_CACHE_H
#define FANOUT_CACHE_H

#include "facts.h"

typedef struct Cache Cache;

/* The cache in `dir`, created if needed (with a CACHEDIR.TAG and a
 * .gitignore), for facts made with this build and `extra` rule data (NULL:
 * none). NULL when the directory cannot be used. Free with cache_close.
 * Shareable across threads. */
Cache *cache_open(const char *dir, const char *extra);
/* Why `dir` may not hold the cache, or NULL when it may (or does not exist
 * yet): a symbolic link, not a directory, not the user's, writable by others,
 * or a directory with other files and no fanout CACHEDIR.TAG. cache_open
 * refuses such a directory; the caller says why once. */
const char *cache_refusal(const char *dir);
/* Read the entries of the pack for `slot` (what a run reads: its roots),
 * where lookups find them and stores put them. Without a pack, lookups miss
 * and stores are dropped. */
void cache_use_pack(Cache *c, const char *slot);
/* The pack's file (tests damage it), or NULL. */
const char *cache_pack_file(const Cache *c);
/* Write the pack when anything was stored (the entries this run used), and
 * free the cache. False when the pack could not be written (the caller warns:
 * the run's output stands, the next run parses again). */
bool cache_close(Cache *c);

/* One file's entry, from lookup to store. */
typedef struct {
  char *path;   /* as given */
  char *module; /* its module name, as given */
  bool is_package;
  char *entry;        /* the entry's file */
  uint64_t status[5]; /* dev, ino, size, mtime ns, ctime ns: now */
  bool statted;       /* status is known */
  int64_t read_ns;    /* the time before the lookup (and before the caller reads) */
  bool found;         /* a well-formed entry for this path, build and module */
  bool fresh;         /* ... whose recorded status is the file's (contents need no hash) */
  bool may_matter;    /* what the entry says */
  bool has_facts;
  unsigned char hash[16];     /* the entry's content hash */
  const unsigned char *bytes; /* the entry as read (the cache's, until cache_close) */
  size_t len;
  size_t diags_at; /* where its diagnostics (then its packed facts) start */
} CacheSlot;

/* Whether a file with this status (its mtime, in ns) may have changed again
 * unseen within its timestamp's granularity since `now_ns`. */
bool cache_status_racy(uint64_t mtime_ns, int64_t now_ns);
/* A file's status: dev, ino, size, mtime ns, ctime ns. False when it
 * cannot be stat'ed. */
bool cache_file_status(const char *path, uint64_t status[5]);
/* CLOCK_REALTIME in ns. */
int64_t cache_now_ns(void);

/* Look up `path`, whose module name is `module` (package: is_package).
 * Fills `s` (free with cache_slot_free) in every case; s->found tells. */
void cache_lookup(const Cache *c, const char *path, const char *module, bool is_package,
                  CacheSlot *s);
/* Whether the entry was made from this text. */
bool cache_same_text(const CacheSlot *s, const char *text, size_t len);
/* The entry's facts (with the path and module looked up) and diagnostics
 * (the latter appended to `diags`). False,
 * `out` empty, when it has none or they do not unpack. */
bool cache_load_facts(const CacheSlot *s, Facts *out, Diags *diags);
/* Write the entry for the file whose text is `text`: its facts as packed by
 * facts_pack (NULL when not parsed) and the diagnostics of its extraction,
 * diags[first..). Errors are ignored: the next run misses. */
void cache_store(const Cache *c, const CacheSlot *s, const char *module, bool is_package,
                 const char *text, size_t len, bool may_matter, const StrBuf *pack,
                 const Diags *diags, uint32_t first);
/* Record the file's current status in its entry, which cache_same_text
 * found still right: the next run needs no hash. */
void cache_refresh(const Cache *c, const CacheSlot *s);
void cache_slot_free(CacheSlot *s);

/* ---- run memo ----------------------------------------------------------
 * A whole command's output, kept for when its inputs come again: `material`
 * must say everything the output depends on (command line, working
 * directory, configuration, each file's path, module and status; the build
 * is added here). One memo per `slot` (the command line), so they do not
 * pile up. */

/* Replay: fills out, err and *rc and returns true when the memo of `slot`
 * was made from the same material. */
bool cache_memo_get(const Cache *c, const char *slot, const char *material, size_t len, StrBuf *out,
                    StrBuf *err, int *rc);
void cache_memo_put(const Cache *c, const char *slot, const char *material, size_t len,
                    const char *out, size_t out_len, const char *err, size_t err_len, int rc);

/* The directory fanout uses when none is given: `.fanout_cache` in
 * `project_dir` when it can be created there, else $XDG_CACHE_HOME/fanout
 * (~/.cache/fanout). The caller must free it; NULL when neither works. */
char *cache_default_dir(const char *project_dir);

#endif
