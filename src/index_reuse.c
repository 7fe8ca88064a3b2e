/* index_reuse: an editor's rebuild of the index after one file changed. The
 * first pass resolves each file's calls from the facts it reads (its own, the
 * files its names lead to) and the class tables; nothing else. So a file
 * whose first pass did not read the changed one, while the class tables come
 * out the same, would resolve as before: its kept result is taken instead.
 * The passes after it (callers, by name, callables) and the sites are made
 * anew as in any build. index_differs compares with a full build (a test and
 * tools/lsp_agrees.py check every rebuild so). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index_int.h"

_Thread_local U32Array *index__reads;

static void put_ref(StrBuf *out, DefRef r) {
  uint32_t v[2] = {r.file, (uint32_t)r.def};
  sb_putn(out, (const char *)v, sizeof v);
}

static void put_u32(StrBuf *out, uint32_t v) { sb_putn(out, (const char *)&v, sizeof v); }

/* The class tables as (file, def) references, in file and def order: equal
 * keys mean every lookup in them answers alike, whatever global ids moved. */
void index__tables_key(const Index *ix, StrBuf *out) {
  out->len = 0;
  for (uint32_t fi = 0; fi < ix->nfiles; fi++) {
    const Facts *f = &ix->files[fi];
    for (uint32_t d = 0; d < f->defs.len; d++) {
      const Def *def = &f->defs.items[d];
      if (def->kind != DEF_CLASS) continue;
      uint32_t g = ix->def_base[fi] + d, seen;
      put_u32(out, d);
      put_u32(out, ix->base_start[g + 1] - ix->base_start[g]);
      for (uint32_t i = ix->base_start[g]; i < ix->base_start[g + 1]; i++)
        put_ref(out, ix->bases[i]);
      put_u32(out, ix->sub_start[g + 1] - ix->sub_start[g]);
      for (uint32_t i = ix->sub_start[g]; i < ix->sub_start[g + 1]; i++) put_ref(out, ix->subs[i]);
      if (def->parent == 0 && strmap_get(&ix->class_names, def->name, &seen))
        put_ref(out, seen == UINT32_MAX ? (DefRef){UINT32_MAX, -1} : index__def_ref(ix, seen));
    }
  }
  /* methods by name: the groups in order, each name's first entry marked
   * with its family bits */
  for (uint32_t k = 0; k < ix->methods.len; k++) {
    put_ref(out, ix->methods.items[k]);
    uint32_t at;
    const Def *m = index_def(ix, ix->methods.items[k]);
    if (strmap_get(&ix->method_names, m->name, &at) && at == k)
      put_u32(out, 0x80000000u | ix->method_family[k]);
  }
}

static void dispatch_copy(Dispatch *to, const Dispatch *from, uint32_t ncalls) {
  memset(to, 0, sizeof *to);
  if (!from->span) return;
  to->span = xmalloc((ncalls ? ncalls : 1) * sizeof(Span));
  memcpy(to->span, from->span, ncalls * sizeof(Span));
  to->how = xmalloc(ncalls ? ncalls : 1);
  memcpy(to->how, from->how, ncalls);
  for (uint32_t k = 0; k < from->defs.len; k++) array_push(&to->defs, from->defs.items[k]);
}

static void dispatch_free(Dispatch *d) {
  free(d->span);
  free(d->how);
  array_free(&d->defs);
}

static DefRef *row_copy(const DefRef *row, uint32_t ncalls) {
  DefRef *r = xmalloc((ncalls ? ncalls : 1) * sizeof(DefRef));
  memcpy(r, row, ncalls * sizeof(DefRef));
  return r;
}

void index__first_keep(Index *ix, uint32_t i, U32Array *reads) {
  FirstPass *fp = &ix->first[i];
  uint32_t ncalls = ix->files[i].calls.len;
  fp->row = row_copy(ix->resolved[i], ncalls);
  dispatch_copy(&fp->dispatch, &ix->dispatch[i], ncalls);
  if (reads->len) qsort(reads->items, reads->len, sizeof(uint32_t), cmp_u32);
  uint32_t n = 0;
  for (uint32_t k = 0; k < reads->len; k++)
    if (reads->items[k] != i && (!n || reads->items[n - 1] != reads->items[k]))
      reads->items[n++] = reads->items[k];
  reads->len = n;
  fp->reads = *reads;
  memset(reads, 0, sizeof *reads);
}

bool index__first_take(Index *ix, uint32_t i, Index *prev, uint32_t changed) {
  FirstPass *was = &prev->first[i];
  if (i == changed || !was->row ||
      (was->reads.len &&
       bsearch(&changed, was->reads.items, was->reads.len, sizeof(uint32_t), cmp_u32)))
    return false;
  uint32_t ncalls = ix->files[i].calls.len;
  ix->first[i] = *was;
  ix->first[i].taken = true;
  memset(was, 0, sizeof *was);
  ix->resolved[i] = row_copy(ix->first[i].row, ncalls);
  dispatch_copy(&ix->dispatch[i], &ix->first[i].dispatch, ncalls);
  return true;
}

void index__first_free(Index *ix) {
  for (uint32_t i = 0; ix->first && i < ix->nfiles; i++) {
    free(ix->first[i].row);
    dispatch_free(&ix->first[i].dispatch);
    array_free(&ix->first[i].reads);
  }
  free(ix->first);
  ix->first = NULL;
  sb_free(&ix->tables);
}

static bool same_text(const char *a, const char *b) {
  return a == b || (a && b && strcmp(a, b) == 0);
}

static bool same_site(const SiteRef *a, const SiteRef *b) {
  const Site *x = &a->site, *y = &b->site;
  return a->file == b->file && a->helper.file == b->helper.file && a->helper.def == b->helper.def &&
         x->kind == y->kind && x->def == y->def && x->call == y->call &&
         x->pos.line == y->pos.line && x->pos.col == y->pos.col && x->width.kind == y->width.kind &&
         x->width.count == y->width.count && x->width.param == y->width.param &&
         x->width.batch_by == y->width.batch_by && same_text(x->width.expr, y->width.expr) &&
         same_text(x->width.source, y->width.source) && x->buffered == y->buffered;
}

char *index_differs(const Index *a, const Index *b) {
  if (a->nfiles != b->nfiles) return xasprintf("%u files against %u", a->nfiles, b->nfiles);
  for (uint32_t fi = 0; fi < a->nfiles; fi++)
    for (uint32_t c = 0; c < a->files[fi].calls.len; c++) {
      Targets x = index_call_targets(a, fi, c), y = index_call_targets(b, fi, c);
      bool same = x.len == y.len && x.how == y.how;
      for (uint32_t k = 0; same && k < x.len; k++)
        same = x.items[k].file == y.items[k].file && x.items[k].def == y.items[k].def;
      if (!same)
        return xasprintf("%s:%u: the targets of %s", a->files[fi].path,
                         a->files[fi].calls.items[c].pos.line, a->files[fi].calls.items[c].callee);
    }
  if (a->sites.len != b->sites.len)
    return xasprintf("%u fan-out sites against %u", a->sites.len, b->sites.len);
  for (uint32_t s = 0; s < a->sites.len; s++)
    if (!same_site(&a->sites.items[s], &b->sites.items[s]))
      return xasprintf("%s:%u: the fan-out site", a->files[a->sites.items[s].file].path,
                       a->sites.items[s].site.pos.line);
  return NULL;
}
