#include "findings.h"
#include <stdio.h>

#include <stdlib.h>
#include <string.h>

Finding *findings_add(Findings *fs, const Index *ix, const char *code, uint32_t file, int32_t def,
                      Pos pos, char *message, char *evidence, char *next_step, char *validate) {
  Finding f = {0};
  snprintf(f.code, sizeof f.code, "%s", code);
  f.file = file;
  f.def = def;
  f.pos = pos;
  f.where = index_def_name(ix, (DefRef){file, def});
  f.message = message;
  f.evidence = evidence;
  f.next_step = next_step;
  f.validate = validate;
  array_push(fs, f);
  return array_last(fs);
}

void finding_mark_inferred(Finding *f, const char *callee, uint32_t n, ResolvedHow how,
                           const char *tail) {
  const char *found = how == RESOLVED_OVERRIDES ? "a method and its overrides in project subclasses"
                      : how == RESOLVED_NAME    ? "the project methods of that name (the receiver's "
                                                  "type is unknown; one class family)"
                      : how == RESOLVED_CALLABLE ? "what callers pass for a called parameter"
                                                 : "its one definition";
  char *evidence = xasprintf("%s (inferred: `%s` may run %u definition%s: %s%s%s)", f->evidence,
                             callee, n, n == 1 ? "" : "s", found, tail ? "; " : "",
                             tail ? tail : "");
  free(f->evidence);
  f->evidence = evidence;
  f->inferred = true;
}

void finding_relate(Finding *f, uint32_t file, Pos pos, char *note) {
  Related r = {file, pos, note};
  array_push(&f->related, r);
}

static const Index *sort_index;

static int cmp_findings(const void *pa, const void *pb) {
  const Finding *a = pa, *b = pb;
  int c = strcmp(sort_index->files[a->file].path, sort_index->files[b->file].path);
  if (c) return c;
  if (a->pos.line != b->pos.line) return a->pos.line < b->pos.line ? -1 : 1;
  if (a->pos.col != b->pos.col) return a->pos.col < b->pos.col ? -1 : 1;
  return strcmp(a->code, b->code);
}

void finding_free(Finding *f) {
  free(f->where);
  free(f->message);
  free(f->evidence);
  free(f->next_step);
  free(f->validate);
  for (uint32_t i = 0; i < f->related.len; i++) free(f->related.items[i].note);
  array_free(&f->related);
}

void findings_sort(Findings *fs, const Index *ix) {
  if (fs->len < 2) return;
  sort_index = ix; /* qsort has no context argument; sorting is single-threaded */
  qsort(fs->items, fs->len, sizeof(Finding), cmp_findings);
  uint32_t w = 1;
  for (uint32_t r = 1; r < fs->len; r++) {
    if (cmp_findings(&fs->items[w - 1], &fs->items[r]) == 0) {
      finding_free(&fs->items[r]);
      continue;
    }
    fs->items[w++] = fs->items[r];
  }
  fs->len = w;
}

void findings_free(Findings *fs) {
  for (uint32_t i = 0; i < fs->len; i++) finding_free(&fs->items[i]);
  array_free(fs);
}

const char *severity_name(Severity s) {
  return s == SEVERITY_ERROR ? "error" : s == SEVERITY_INFO ? "info" : "warning";
}

Severity severity_named(const char *word) {
  return strcmp(word, "error") == 0     ? SEVERITY_ERROR
         : strcmp(word, "warning") == 0 ? SEVERITY_WARNING
         : strcmp(word, "info") == 0    ? SEVERITY_INFO
                                        : SEVERITY_NONE;
}
