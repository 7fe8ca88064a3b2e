/* facts_defs: after the walk, each definition's calls and assignments as
 * spans, so a definition's own items and everything nested in it are found
 * without a scan of the file. O(items + definitions). */
#include <stddef.h>
#include <stdlib.h>

#include "facts_walk.h"

static void span_add(Span *s, uint32_t i) {
  if (s->first >= s->end) s->first = i;
  s->end = i + 1;
}

static void span_union(Span *into, Span s) {
  if (s.first >= s.end) return;
  if (into->first >= into->end || s.first < into->first) into->first = s.first;
  if (s.end > into->end) into->end = s.end;
}

/* Counting sort of items by def: `order` lists item indices def by def, in
 * item order within a def; the Span at `own_off` in each Def says where. */
static void group_by_def(Facts *f, const int32_t *item_def, uint32_t n, size_t own_off,
                         uint32_t *order) {
#define OWN(d) ((Span *)((char *)&f->defs.items[d] + own_off))
  for (uint32_t i = 0; i < n; i++) OWN(item_def[i])->end++;
  uint32_t at = 0;
  for (uint32_t d = 0; d < f->defs.len; d++) {
    Span *s = OWN(d);
    s->first = at;
    at += s->end;
    s->end = s->first;
  }
  for (uint32_t i = 0; i < n; i++) order[OWN(item_def[i])->end++] = i;
#undef OWN
}

/* Each definition's spans: its own calls and assignments in order
 * (call_order, assign_order, by a counting sort), and the range of items in
 * it and the definitions nested in it. O(items + definitions). */
void facts__def_spans(Facts *f) {
  uint32_t n = f->calls.len > f->assigns.len ? f->calls.len : f->assigns.len;
  int32_t *item_def = xcalloc(n ? n : 1, sizeof *item_def);
  array_reserve(&f->call_order, f->calls.len);
  f->call_order.len = f->calls.len;
  for (uint32_t i = 0; i < f->calls.len; i++) item_def[i] = f->calls.items[i].def;
  group_by_def(f, item_def, f->calls.len, offsetof(Def, own_calls), f->call_order.items);
  array_reserve(&f->assign_order, f->assigns.len);
  f->assign_order.len = f->assigns.len;
  for (uint32_t i = 0; i < f->assigns.len; i++) item_def[i] = f->assigns.items[i].def;
  group_by_def(f, item_def, f->assigns.len, offsetof(Def, own_assigns), f->assign_order.items);
  free(item_def);
  for (uint32_t i = 0; i < f->calls.len; i++)
    span_add(&f->defs.items[f->calls.items[i].def].calls_span, i);
  for (uint32_t i = 0; i < f->assigns.len; i++)
    span_add(&f->defs.items[f->assigns.items[i].def].assigns_span, i);
  for (uint32_t d = f->defs.len; d-- > 1;) {
    Def *x = &f->defs.items[d], *up = &f->defs.items[x->parent];
    span_union(&up->calls_span, x->calls_span);
    span_union(&up->assigns_span, x->assigns_span);
  }
}
