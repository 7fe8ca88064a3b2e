/* findings: what the checks report, and which codes a run reports. */
#ifndef FANOUT_FINDINGS_H
#define FANOUT_FINDINGS_H

#include "index.h"
#include "rule.h"

typedef struct {
  uint32_t file;
  Pos pos;
  char *note; /* owned */
} Related;

typedef struct {
  Rule rule;
  char code[8]; /* its code, as rule_info(rule) has it */
  uint32_t file;
  int32_t def; /* the enclosing function (0: module code) */
  Pos pos;
  char *where;      /* "path.py:Class.method" of the enclosing function */
  char *message;    /* one line */
  char *evidence;   /* what the analysis saw */
  char *next_step;  /* one minimal change */
  char *validate;   /* the metric that should move */
  bool inferred;    /* rests on an inferred call target: confidence medium, not high */
  uint8_t severity; /* Severity; set by the policy */
  Array(Related) related;
  char *line; /* its line's text, whitespace runs collapsed (findings_read_lines); NULL
                 before that or when the file cannot be read */
} Finding;

typedef Array(Finding) Findings;

/* Add a finding; takes ownership of the strings (which must be malloc'd).
 * `validate` NULL: the metric the rule's doc says a fix improves. Returns it
 * so related locations can be added. */
Finding *findings_add(Findings *fs, const Index *ix, Rule rule, uint32_t file, int32_t def, Pos pos,
                      char *message, char *evidence, char *next_step, char *validate);
void finding_relate(Finding *f, uint32_t file, Pos pos, char *note);
/* Mark a finding as resting on an inferred call target: `callee` may run
 * `n` definitions, found `how`; `tail` (or NULL) says where the path leads.
 * Its evidence says so and its confidence becomes medium. */
void finding_mark_inferred(Finding *f, const char *callee, uint32_t n, ResolvedHow how,
                           const char *tail);
/* "high", or "medium" for a finding that rests on inference. */
static inline const char *finding_confidence(const Finding *f) {
  return f->inferred ? "medium" : "high";
}
/* Fill each finding's `line` from its file, each file read once: what a
 * SARIF fingerprint hashes. O(bytes of the files with findings). */
void findings_read_lines(Findings *fs, const Index *ix);
/* Sort by path, line, column, code and drop exact duplicates. */
void findings_sort(Findings *fs, const Index *ix);
void findings_free(Findings *fs);
void finding_free(Finding *f);

#endif
