/* facts_reuse: an editor's re-extraction. A keystroke changes one statement
 * of a document; the facts of every top-level def or class whose text did
 * not change are the last extraction's, moved to where the statement now is
 * (its records' indices by a constant per array, its lines and bytes by the
 * lines and bytes before it), so only the edited statements are walked.
 *
 * A statement's facts are its own when all its records point into its own
 * blocks, or to the module (def 0), which stays. One is taken again only
 * when nothing in it reads what other statements make, as a walk would:
 *  - it records nothing in the module's scope (a default or a decorator's
 *    argument is there, and the module's sites read its bindings through the
 *    tree, which a taken statement has no nodes of);
 *  - the names bound to a dead condition before it are the same;
 *  - each logger receiver's answer that came from before it is the same;
 *  - the file's imports are the same (a site's callee is read through them:
 *    facts__reuse_holds, after the walk);
 *  - neither tree has a syntax error, and the nesting was never too deep.
 * FANOUT_VERIFY_REBUILDS makes the language server compare the result with a
 * full extraction after every edit (project_set_document). */
#include <string.h>
#include <xxhash.h>

#include "facts_walk.h"

typedef struct {
  const char *recv;
  bool answer;
} LoggerRead;

typedef struct {
  XXH128_hash_t hash; /* of its text */
  uint32_t start_byte, start_row;
  NodeKind kind;
  bool own;                           /* its records are all its own: it can be taken again */
  bool taken;                         /* copied from the old facts (this extraction) */
  uint32_t from;                      /* taken: its index among the old statements */
  uint32_t at[S_COUNT], end[S_COUNT]; /* its records of the walk, per array */
  /* per phase of the sites (0: sites, 1: list arguments): its records, and its names */
  uint32_t phase_at[2][2], phase_end[2][2];
  uint32_t reads_at, reads_end; /* its LoggerReads */
  uint32_t dead_at;             /* the dead flags bound before it */
} Stmt;

struct FactsMarks {
  Array(Stmt) stmts;
  Array(LoggerRead) reads;
  StrArray dead_flags;   /* the walk's, at its end */
  Array(Span) def_bytes; /* where each def is (Walker.def_bytes) */
  Arena arena;           /* the receivers read */
  bool clean;            /* no syntax error, the nesting never too deep */
  uint32_t reused;
  uint32_t shared; /* extractions in a row whose taken records kept the strings they had */
};

/* Taken records keep the old facts' strings, whose arena the new facts take
 * (Facts.kept), this many extractions in a row; then one copies them, so
 * the strings of statements edited away are not kept for long. */
enum { SHARED_RUN = 16 };

/* The sections the walk fills (the sites phase fills sites and list
 * arguments; the orders are made from the rest). */
static bool walk_section(int s) {
  return s != S_SITES && s != S_LIST_ARGS && s != S_CALL_ORDER && s != S_ASSIGN_ORDER;
}

void facts__marks_free(FactsMarks *m) {
  if (!m) return;
  array_free(&m->stmts);
  array_free(&m->reads);
  for (uint32_t i = 0; i < m->dead_flags.len; i++) free(m->dead_flags.items[i]);
  array_free(&m->dead_flags);
  array_free(&m->def_bytes);
  arena_free(&m->arena);
  free(m);
}

void facts_give_back(Facts *was, Facts *now) { arena_take(&was->kept, &now->kept); }

void facts_take_place(Facts *was, Facts *now) {
  facts_give_back(was, now);
  for (uint32_t i = 0; i < was->calls.len && i < now->calls.len; i++) {
    was->calls.items[i].start_byte = now->calls.items[i].start_byte;
    was->calls.items[i].end_byte = now->calls.items[i].end_byte;
  }
  facts__marks_free(was->marks);
  was->marks = now->marks;
  now->marks = NULL;
}

uint32_t facts_reused(const Facts *f) { return f->marks ? f->marks->reused : 0; }

void facts__note_logger(Walker *w, const char *recv, bool answer) {
  if (!w->marks || w->stmt < 0) return;
  LoggerRead r = {arena_strdup(&w->marks->arena, recv), answer};
  array_push(&w->marks->reads, r);
}

/* The old statements, when they can be taken from at all. */
static const FactsMarks *old_marks(const Walker *w) {
  const FactsMarks *om = w->old ? w->old->marks : NULL;
  return om && om->clean && !w->f->has_errors ? om : NULL;
}

/* The old statement with this text, looked for from *next on (where the last match left off),
 * then from the start; NULL when none can be taken. */
static const Stmt *match(const FactsMarks *om, const Stmt *st, uint32_t *next) {
  for (uint32_t pass = 0, n = om->stmts.len; pass < 2; pass++)
    for (uint32_t i = pass ? 0 : *next; i < (pass ? *next : n); i++) {
      const Stmt *o = &om->stmts.items[i];
      if (o->own && o->kind == st->kind && XXH128_isEqual(o->hash, st->hash)) {
        *next = i + 1;
        return o;
      }
    }
  return NULL;
}

/* Whether what the statement read from before it reads the same now. */
static bool reads_hold(const Walker *w, const FactsMarks *om, const Stmt *o) {
  if (w->dead_flags.len != o->dead_at) return false;
  for (uint32_t i = 0; i < o->dead_at; i++)
    if (strcmp(w->dead_flags.items[i], om->dead_flags.items[i]) != 0) return false;
  for (uint32_t i = o->reads_at; i < o->reads_end; i++) {
    const LoggerRead *r = &om->reads.items[i];
    if ((facts__logger_assign(w, r->recv, 0, w->f->assigns.len) > 0) != r->answer) return false;
  }
  return true;
}

/* How old statement o's records move to where statement st now is. */
static FactsMove move_of(const Walker *w, const Stmt *st, const Stmt *o) {
  FactsMove mv = {{0},
                  (int64_t)st->start_row - o->start_row,
                  (int64_t)st->start_byte - o->start_byte,
                  w->same_strings};
  for (int s = 0; s < S_COUNT; s++) mv.index[s] = (int64_t)st->at[s] - o->at[s];
  return mv;
}

/* What a walk sets besides the records: spans made after it, what a def of
 * another kind leaves zero, the nodes (none: a taken statement is never
 * asked about), the targets bound so far. */
static void fix_taken(Walker *w, const Stmt *st, const FactsMove *mv) {
  Facts *f = w->f;
  const Span *was = w->old->marks->def_bytes.items;
  for (uint32_t i = st->at[S_DEFS]; i < f->defs.len; i++) {
    Def *d = &f->defs.items[i];
    d->calls_span = d->assigns_span = d->own_calls = d->own_assigns = (Span){0, 0};
    if (d->kind == DEF_CLASS) d->params.first = d->param_types.first = d->param_defaults.first = 0;
    if (d->kind == DEF_FUNCTION) d->bases.first = 0;
    if (!d->decorators.count) d->decorators.first = d->decorator_pos = 0;
    array_push(&w->def_nodes, ((TSNode){0}));
    Span b = was[(int64_t)i - mv->index[S_DEFS]];
    array_push(&w->def_bytes,
               ((Span){(uint32_t)(b.first + mv->bytes), (uint32_t)(b.end + mv->bytes)}));
  }
  for (uint32_t i = st->at[S_CALLS]; i < f->calls.len; i++) {
    f->calls.items[i].list_arg = -1; /* the sites phase sets it */
    array_push(&w->call_nodes, ((TSNode){0}));
  }
  for (uint32_t i = st->at[S_ASSIGNS]; i < f->assigns.len; i++) {
    if (!strmap_get(&w->assigned, f->assigns.items[i].target, NULL))
      strmap_put(&w->assigned, f->assigns.items[i].target, 1);
    array_push(&w->assign_values, ((TSNode){0}));
  }
}

/* Statement `k` (its text is the old statement o's): its walk's records copied and moved. */
static void take(Walker *w, const FactsMarks *om, const Stmt *o, uint32_t k) {
  Stmt *st = &w->marks->stmts.items[k];
  FactsMove mv = move_of(w, st, o);
  for (int s = 0; s < S_COUNT; s++)
    if (walk_section(s)) facts__copy_records(w->f, w->old, s, o->at[s], o->end[s], &mv);
  fix_taken(w, st, &mv);
  for (uint32_t i = o->reads_at; i < o->reads_end; i++) /* they hold here too */
    facts__note_logger(w, om->reads.items[i].recv, om->reads.items[i].answer);
  st->taken = true;
  st->from = (uint32_t)(o - om->stmts.items);
  w->marks->reused++;
}

/* Whether a walked statement's records are all its own (see the top). */
static bool own_records(const Facts *f, const Stmt *st, const Def *module_before) {
  if (st->kind != KIND_function_definition && st->kind != KIND_class_definition &&
      st->kind != KIND_decorated_definition)
    return false;
  const Def *m = &f->defs.items[0];
  if (m->returns_value != module_before->returns_value ||
      m->returns_literal != module_before->returns_literal)
    return false;
  for (int s = 0; s < S_COUNT; s++)
    if (s != S_DEFS && walk_section(s) && facts__in_module(f, s, st->at[s], st->end[s]))
      return false;
  return true;
}

/* Each statement of the root in order: taken when the old facts have its text and what it read
 * before it reads the same, else walked (and its records judged for the next time). */
void facts__walk_top(Walker *w) {
  if (!w->marks) {
    facts__walk_children(w, w->root);
    return;
  }
  FactsMarks *m = w->marks;
  const FactsMarks *om = old_marks(w);
  if (om) facts__reserve_like(w->f, w->old); /* an edit changes a few records, not the count */
  w->same_strings = om && om->shared < SHARED_RUN;
  m->shared = w->same_strings ? om->shared + 1 : 0;
  uint32_t next = 0, d = facts__cursor_on(w, w->root);
  if (!ts_tree_cursor_goto_first_child(&w->cursors.items[d])) return;
  do {
    TSNode n = ts_tree_cursor_current_node(&w->cursors.items[d]);
    uint32_t a = ts_node_start_byte(n), b = ts_node_end_byte(n);
    Stmt st = {0};
    st.hash = XXH3_128bits(w->src->text + a, b - a);
    st.start_byte = a;
    st.start_row = ts_node_start_point(n).row;
    st.kind = facts__kind(n);
    facts__lens(w->f, st.at);
    st.reads_at = m->reads.len;
    st.dead_at = w->dead_flags.len;
    array_push(&m->stmts, st);
    uint32_t k = m->stmts.len - 1;
    w->stmt = (int32_t)k;
    w->stmt_assigns = w->f->assigns.len;
    const Stmt *o = om && ts_node_start_point(n).column == 0 ? match(om, &st, &next) : NULL;
    Def module = w->f->defs.items[0];
    if (o && reads_hold(w, om, o))
      take(w, om, o, k);
    else
      facts__walk(w, n);
    Stmt *s = &m->stmts.items[k];
    facts__lens(w->f, s->end);
    s->own = s->taken || own_records(w->f, s, &module);
    s->reads_end = m->reads.len;
  } while (ts_tree_cursor_goto_next_sibling(&w->cursors.items[d]));
  w->stmt = -1;
}

bool facts__reuse_holds(const Walker *w) {
  if (!w->marks || !w->marks->reused) return true;
  const Facts *a = w->f, *b = w->old;
  if (a->imports.len != b->imports.len) return false;
  for (uint32_t i = 0; i < a->imports.len; i++)
    if (strcmp(a->imports.items[i].bound, b->imports.items[i].bound) != 0 ||
        strcmp(a->imports.items[i].target, b->imports.items[i].target) != 0)
      return false;
  return true;
}

/* A taken statement's records of a sites phase, copied and moved; in phase
 * 1, its calls' list arguments are set again. */
static void copy_phase(Walker *w, int phase, const Stmt *st) {
  const Stmt *o = &w->old->marks->stmts.items[st->from];
  FactsMove mv = move_of(w, st, o);
  int s = phase ? S_LIST_ARGS : S_SITES;
  uint32_t records = phase ? w->f->list_args.len : w->f->sites.len;
  mv.index[S_NAMES] = (int64_t)w->f->names.len - o->phase_at[phase][1];
  mv.index[s] = (int64_t)records - o->phase_at[phase][0];
  facts__copy_records(w->f, w->old, S_NAMES, o->phase_at[phase][1], o->phase_end[phase][1], &mv);
  facts__copy_records(w->f, w->old, s, o->phase_at[phase][0], o->phase_end[phase][0], &mv);
  if (phase == 1)
    for (uint32_t c = o->at[S_CALLS]; c < o->end[S_CALLS]; c++) {
      int32_t la = w->old->calls.items[c].list_arg;
      if (la >= 0)
        w->f->calls.items[c + mv.index[S_CALLS]].list_arg = (int32_t)(la + mv.index[S_LIST_ARGS]);
    }
}

void facts__by_statement(Walker *w, int phase, void (*run)(Walker *, uint32_t, uint32_t, void *),
                         void *arg) {
  if (!w->marks) {
    run(w, 0, w->f->calls.len, arg);
    return;
  }
  for (uint32_t k = 0; k < w->marks->stmts.len; k++) {
    Stmt *st = &w->marks->stmts.items[k];
    st->phase_at[phase][0] = phase ? w->f->list_args.len : w->f->sites.len;
    st->phase_at[phase][1] = w->f->names.len;
    if (st->taken)
      copy_phase(w, phase, st);
    else
      run(w, st->at[S_CALLS], st->end[S_CALLS], arg);
    st->phase_end[phase][0] = phase ? w->f->list_args.len : w->f->sites.len;
    st->phase_end[phase][1] = w->f->names.len;
  }
}

FactsMarks *facts__marks_new(void) { return xcalloc(1, sizeof(FactsMarks)); }

bool facts__took_strings(const Walker *w) { return w->same_strings && w->marks->reused; }

/* After the walk: the dead flags, and whether the next extraction may take from these facts. */
void facts__marks_finish(Walker *w, bool clean) {
  FactsMarks *m = w->marks;
  for (uint32_t i = 0; i < w->dead_flags.len; i++)
    array_push(&m->dead_flags, xstrdup(w->dead_flags.items[i]));
  array_reserve(&m->def_bytes, w->def_bytes.len);
  memcpy(m->def_bytes.items, w->def_bytes.items, w->def_bytes.len * sizeof(Span));
  m->def_bytes.len = w->def_bytes.len;
  m->clean = clean;
}
