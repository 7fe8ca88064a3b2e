/* findings: what the checks report: made with their message, evidence,
 * next step and metric, related locations and confidence; sorted and
 * de-duplicated; their lines read once per file for SARIF fingerprints. */
#include "findings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source.h"

Finding *findings_add(Findings *fs, const Index *ix, Rule rule, uint32_t file, int32_t def, Pos pos,
                      char *message, char *evidence, char *next_step, char *validate) {
  Finding f = {0};
  f.rule = rule;
  const char *code = rule_info(rule)->code;
  size_t n = strlen(code);
  memcpy(f.code, code, n < sizeof f.code ? n : sizeof f.code - 1); /* NUL-ended: f is zeroed */
  f.file = file;
  f.def = def;
  f.pos = pos;
  f.where = index_def_name(ix, (DefRef){file, def});
  f.message = message;
  f.evidence = evidence;
  f.next_step = next_step;
  f.validate = validate ? validate : xstrdup(rule_info(rule)->improves);
  array_push(fs, f);
  return array_last(fs);
}

void finding_mark_inferred(Finding *f, const char *callee, uint32_t n, ResolvedHow how,
                           const char *tail) {
  const char *found = how == RESOLVED_OVERRIDES ? "a method and its overrides in project subclasses"
                      : how == RESOLVED_NAME ? "the project methods of that name (the receiver's "
                                               "type is unknown; one class family)"
                      : how == RESOLVED_CALLABLE ? "what callers pass for a called parameter"
                                                 : "its one definition";
  char *evidence =
      xasprintf("%s (inferred: `%s` may run %u definition%s: %s%s%s)", f->evidence, callee, n,
                n == 1 ? "" : "s", found, tail ? "; " : "", tail ? tail : "");
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
  free(f->line);
}

/* Line `line` (from 1) of `text`, whitespace runs collapsed to one space;
 * NULL past the end. */
static char *collapsed_line(const char *text, const U32Array *starts, uint32_t line) {
  if (line == 0 || line > starts->len) return NULL;
  StrBuf b = {0};
  for (const char *p = text + starts->items[line - 1]; *p && *p != '\n'; p++) {
    bool space = *p == ' ' || *p == '\t' || *p == '\r';
    if (space && (!b.len || b.s[b.len - 1] == ' ')) continue;
    sb_putc(&b, space ? ' ' : *p);
  }
  return b.s ? sb_take(&b) : xstrdup("");
}

void findings_read_lines(Findings *fs, const Index *ix) {
  bool *done = xcalloc(ix->nfiles + 1, sizeof(bool));
  for (uint32_t i = 0; i < fs->len; i++) {
    uint32_t file = fs->items[i].file;
    if (done[file]) continue;
    done[file] = true;
    SourceFile src;
    Diags d = {0};
    if (source_read(ix->files[file].path, &src, &d)) {
      U32Array starts = {0}; /* byte offset of each line */
      array_push(&starts, 0);
      for (const char *p = strchr(src.text, '\n'); p; p = strchr(p + 1, '\n'))
        array_push(&starts, (uint32_t)(p + 1 - src.text));
      for (uint32_t k = i; k < fs->len; k++)
        if (fs->items[k].file == file)
          fs->items[k].line = collapsed_line(src.text, &starts, fs->items[k].pos.line);
      array_free(&starts);
      source_free(&src);
    }
    diags_free(&d);
  }
  free(done);
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
