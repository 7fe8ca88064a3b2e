/* facts_walk: what facts.c (the walk) and sites.c (fan-out sites) share.
 * Private to those two files; nothing else sees a TSNode. */
#ifndef FANOUT_FACTS_WALK_H
#define FANOUT_FACTS_WALK_H

#include <tree_sitter/api.h>

#include "facts.h"
#include "query.h"

#define VALUE_TEXT_MAX 160

/* The facts' arrays (facts_pack.c's schema lists their fields). */
enum {
  S_DEFS,
  S_IMPORTS,
  S_CALLS,
  S_KWARGS,
  S_LIST_ARGS,
  S_ASSIGNS,
  S_WITHS,
  S_LOGS,
  S_SITES,
  S_CONSTS,
  S_HANDLERS,
  S_POSITIONS,
  S_NOQAS,
  S_LOOPS,
  S_NAMES,
  S_CALL_ORDER,
  S_ASSIGN_ORDER,
  S_COUNT
};

/* How records copied from one extraction to the next move: an index into
 * section s grows by index[s] (def 0, the module, stays), lines by `lines`,
 * bytes by `bytes`. Columns stay: a top-level def starts a line. */
typedef struct {
  int64_t index[S_COUNT];
  int64_t lines, bytes;
  bool same_strings; /* the strings stay the old facts' (their arena is taken after) */
} FactsMove;

/* Append records [first, end) of section s of `from` to `to`'s, moved by mv,
 * their strings copied into to's arena (facts_pack.c). */
void facts__copy_records(Facts *to, const Facts *from, int s, uint32_t first, uint32_t end,
                         const FactsMove *mv);
/* Whether a record of section s in [first, end) is in the module's scope
 * (one of its def indices is 0). */
bool facts__in_module(const Facts *f, int s, uint32_t first, uint32_t end);
/* Room in each of to's arrays for as many records as from's has. */
void facts__reserve_like(Facts *to, const Facts *from);
/* The number of records in each section of f. */
void facts__lens(const Facts *f, uint32_t lens[S_COUNT]);

struct FactsContext {
  const Knowledge *knowledge;
  Query *sites;
  int cap_site, cap_fn;
};

/* An own assignment (k-th of its def's stretch) and where its value starts. */
typedef struct {
  uint32_t start, k;
} AssignStart;

typedef struct {
  const FactsContext *ctx;
  const SourceFile *src;
  Facts *f;
  Diags *diags;
  TSNode root;
  int32_t def;
  uint32_t loop_depth;
  uint32_t lambda_depth;
  int32_t loop_index; /* innermost loop of the current def in f->loops, or -1 */
  U32Array absorbed;  /* start bytes of spawn calls whose tasks a gather/wait collects */
  int32_t outer_call;
  uint32_t depth;
  bool depth_reported;
  uint32_t awaited_start, awaited_end; /* byte range of the expression under the nearest await */
  uint32_t statement_start, statement_end; /* the call a statement is (awaited or not) */
  const char *guard; /* the name the innermost enclosing `if` tests for being set (Call.guard) */
  Array(TSNode) assign_values; /* parallel to f->assigns: the value nodes */
  StrMap assigned;             /* the targets of f->assigns so far */
  Array(TSNode) call_nodes;    /* parallel to f->calls: the call nodes */
  Array(TSNode) def_nodes;     /* parallel to f->defs: their nodes (the root for 0; none for
                                  an editor's taken statement's) */
  Array(Span) def_bytes;       /* parallel to f->defs: their bytes (first, end) */
  StrArray dead_flags; /* module names bound to a condition false on CPython 3 (`is_jython`) */
  /* walk_children's cursors, one per depth, reset rather than made anew:
   * a new cursor costs a malloc and a free for every node with children */
  Array(TSTreeCursor) cursors;
  /* The current def's own assignments by target and the names it grows
   * (`xs.append`): built once per def the sites ask about, so a binding
   * costs the bindings of that name, not every one of the def. */
  int32_t bound_def;   /* the def they are for, -1: none yet */
  StrMap bound_first;  /* target -> first index into bound_next */
  U32Array bound_next; /* per own assignment (in order): the next of the same target, or
                          UINT32_MAX; the assignment is assign_order[own.first + k] */
  StrMap grown;        /* names with an .append/.extend/.insert call in the def */
  /* the same assignments ordered by where their values start (an assignment
   * is recorded after those inside its value, so record order is not this) */
  Array(AssignStart) by_start;
  /* after the walk: each def's for loops, chained (facts__loop_source) */
  uint32_t *loop_head, *loop_next; /* per def / per loop: a loop index, UINT32_MAX after the last */
  /* facts_extract_again: where each top-level statement's facts are (being
   * made), the last extraction's, and the statement being walked */
  struct FactsMarks *marks;
  const Facts *old;
  bool same_strings;     /* taken records keep old's strings (FactsMove.same_strings) */
  int32_t stmt;          /* index into marks, -1 outside one */
  uint32_t stmt_assigns; /* the first assignment of the statement being walked */
} Walker;

/* Node helpers. Text and names are owned by the facts' arena. */
/* The elements of a list, tuple, set or argument list: its named children
 * that are not comments. */
uint32_t facts__element_count(TSNode n);
/* The named children of n in order, the first `max` of them into out;
 * returns how many there are. One pass of a cursor (one per thread):
 * ts_node_named_child(n, i) searches the children before i again for each i. */
uint32_t facts__named_children(TSNode n, TSNode *out, uint32_t max);
/* The i-th named child of n, from kids (what facts__named_children gave,
 * with room for max) when it holds it. */
static inline TSNode facts__kid(const TSNode *kids, uint32_t max, TSNode n, uint32_t i) {
  return i < max ? kids[i] : ts_node_named_child(n, i);
}
/* Fill each definition's own_calls, own_assigns, calls_span and assigns_span
 * (facts_defs.c). */
void facts__def_spans(Facts *f);
/* The value of a Python integer literal's text (n bytes): underscores
 * allowed, 0x/0o/0b prefixes; saturates at INT64_MAX. */
int64_t facts__int_value(const char *text, size_t n);
/* The grammar fields the walk reads; their ids are looked up once. */
/* clang-format off */
#define FACTS_FIELDS(X) \
  X(alias) X(alternative) X(arguments) X(attribute) X(body) X(condition) X(consequence) \
  X(definition) X(expression) X(format_specifier) X(function) X(left) \
  X(module_name) X(name) X(object) X(operator) X(parameters) \
  X(return_type) X(right) X(subscript) X(superclasses) X(type) X(value)
/* clang-format on */
typedef enum {
#define FACTS_FIELD_ENUM(f) FIELD_##f,
  FACTS_FIELDS(FACTS_FIELD_ENUM)
#undef FACTS_FIELD_ENUM
      FIELD_COUNT
} FieldName;
TSNode facts__field(TSNode n, FieldName f);
/* The named node kinds the walk tests and dispatches on, looked up once by
 * symbol (one table load per node instead of a chain of strcmp). */
/* clang-format off */
#define FACTS_KINDS(X) \
  X(comment) X(string) X(call) X(await) X(return_statement) X(yield) X(comparison_operator) \
  X(lambda) X(try_statement) X(function_definition) X(class_definition) X(decorated_definition) \
  X(for_statement) X(while_statement) X(list_comprehension) X(generator_expression) \
  X(set_comprehension) X(dictionary_comprehension) X(import_statement) X(import_from_statement) \
  X(assignment) X(with_statement) X(if_statement) X(elif_clause) X(named_expression) \
  X(expression_statement) X(aliased_import) X(argument_list) X(as_pattern) X(assert_statement) \
  X(attribute) X(augmented_assignment) X(binary_operator) X(block) X(break_statement) \
  X(concatenated_string) X(conditional_expression) X(continue_statement) X(decorator) \
  X(default_parameter) X(dictionary) X(dictionary_splat) X(dictionary_splat_pattern) \
  X(dotted_name) X(ellipsis) X(escape_sequence) X(except_clause) X(for_in_clause) X(identifier) \
  X(integer) X(interpolation) X(keyword_argument) X(list) X(list_splat) X(list_splat_pattern) \
  X(none) X(parenthesized_expression) X(pass_statement) X(pattern_list) X(raise_statement) \
  X(relative_import) X(set) X(slice) X(string_content) X(subscript) X(tuple) X(tuple_pattern) \
  X(typed_default_parameter) X(typed_parameter) X(wildcard_import) X(with_clause) X(with_item)
/* clang-format on */
typedef enum {
  KIND_OTHER, /* anonymous nodes and every other named one */
#define FACTS_KIND_ENUM(k) KIND_##k,
  FACTS_KINDS(FACTS_KIND_ENUM)
#undef FACTS_KIND_ENUM
      KIND_COUNT
} NodeKind;
NodeKind facts__kind(TSNode n);
/* Whether n is a named node of kind k (false for a null node). */
bool facts__is(TSNode n, NodeKind k);
/* Whether n is an anonymous token (`async`, `is not`) of this text. */
bool facts__is_token(TSNode n, const char *type);
Pos facts__pos_of(TSNode n);
const char *facts__text_of(Walker *w, TSNode n, size_t max);
/* Dotted text of a name or attribute chain; "?" marks a part that is not a name. */
const char *facts__dotted(Walker *w, TSNode n);
uint32_t facts__add_name(Walker *w, const char *s);
const Def *facts__cur_def(const Walker *w);
/* Index of parameter `name` of the current function, or -1. */
int32_t facts__param_index(const Walker *w, const char *name, size_t n);
bool facts__node_text_eq(const Walker *w, TSNode n, const char *s);
/* The fact of `kind` for a callee, by full text or as ".method" of any object. */
const Fact *facts__callee_fact(const Knowledge *k, FactKind kind, const char *callee);
/* The index-th positional argument of an argument_list, or a null node. */
TSNode facts__positional_arg(TSNode args, uint32_t index);

/* Nesting deeper than this is not walked (a diagnostic says so): the walk is
 * recursive, and generated code can nest expressions thousands deep. */
#define MAX_DEPTH 1500

/* facts_nodes.c: look up the grammar's node kinds and fields (once; any thread). */
void facts__field_ids_init(void);
/* The first of FACTS_KINDS the grammar has no named node for, or NULL (a test). */
const char *facts__kind_unknown(void);

/* facts.c: the walk. */
void facts__walk(Walker *w, TSNode n);
void facts__walk_children(Walker *w, TSNode n);
/* The cursor of this depth (free: the walks below it use deeper ones), set
 * on n; an index into w->cursors, since deeper walks may move the array. */
uint32_t facts__cursor_on(Walker *w, TSNode n);

/* facts_flow.c: control flow. */
void facts__walk_try(Walker *w, TSNode n);
void facts__walk_loop(Walker *w, TSNode n);
void facts__walk_comprehension(Walker *w, TSNode n);
void facts__walk_if(Walker *w, TSNode n);
/* `status == 429`, `resp.status_code in (429, 503)`: a loop checking these retries. */
void facts__note_status_check(Walker *w, TSNode cmp);
/* `# noqa`, `# noqa: FAN101, FAN301` (flake8's syntax, any case). */
void facts__note_noqa(Walker *w, TSNode comment);
/* Whether a condition is false on the CPython 3 that runs an asyncio
 * pipeline: `False`, `0`, a Jython/IronPython platform test, a Python 2
 * version test, or a module name bound to one (`is_jython`). */
bool facts__dead_condition(Walker *w, TSNode cond);

/* facts_log.c: logging callsites. */
/* Whether an expression is a string (a literal, an f-string, a concatenation or format of one). */
bool facts__is_stringish(TSNode e);
/* The template of a message expression, or NULL. */
const char *facts__message_template(Walker *w, TSNode e);
/* Record a log callsite for call `ci` at node `call` if it is one. Not
 * inlined: the walk recurses through the call that makes it, and its frame
 * would ride along at every level of nesting. */
__attribute__((noinline)) void facts__maybe_log_site(Walker *w, uint32_t ci, TSNode call);

/* ---- sites_width.c: how many tasks a fan-out starts ---- */

#define WIDTH_TEXT_MAX 60

/* Subtree searches stop this deep: generated code nests expressions
 * thousands of levels, and the answer is "yes" (the safe side) there. */
#define SEARCH_DEPTH 200

/* Ancestors of a node, innermost first, up to the current def's node (every
 * caller stops at a def). ts_node_parent walks down from the root on every
 * call (linear in the siblings on the way: quadratic over a file of many
 * functions); this takes them all in one descent from the def. */
#define ANCESTORS_MAX 256

typedef struct {
  TSNode items[ANCESTORS_MAX]; /* a ring: the innermost ANCESTORS_MAX */
  uint32_t len;                /* how many there are (may exceed ANCESTORS_MAX) */
} Ancestors;

Width facts__width_make(Walker *w, WidthKind kind, TSNode expr, int32_t param);
Width facts__width_fixed(Walker *w, const char *fmt_name, int64_t n);
/* Index the current def's own assignments by target and by where their
 * values start, and the names it grows (once per def). */
void facts__index_bindings(Walker *w);
/* The value node of the last assignment to `name` in the current def before
 * byte `before`, or a null node. */
TSNode facts__local_binding(Walker *w, TSNode name, uint32_t before);
Width facts__classify_slice(Walker *w, TSNode sub);
void facts__ancestors_of(const Walker *w, TSNode n, Ancestors *a);
/* Ancestor i of the node (0: its parent), or a null node. */
TSNode facts__ancestor(const Ancestors *a, uint32_t i);
/* The iterable of the enclosing `for` that binds this name, or a null node. */
TSNode facts__loop_source(Walker *w, TSNode name);
/* The width of iterating `n`. */
Width facts__classify_iterable(Walker *w, TSNode n, unsigned depth);
/* The innermost loop (or comprehension) around `n` in its def, or a null node. */
TSNode facts__enclosing_loop(const Walker *w, TSNode n);
/* How many times a loop runs, as a width. */
Width facts__loop_width(Walker *w, TSNode loop);

/* Find the fan-out sites and list arguments of a walked file (sites.c). */
void facts__find_sites(Walker *w);

/* ---- facts_reuse.c: an editor's re-extraction ---- */

typedef struct FactsMarks FactsMarks;
FactsMarks *facts__marks_new(void);
/* After the walk: keep the dead flags; `clean`: the next extraction may take from these facts. */
void facts__marks_finish(Walker *w, bool clean);
void facts__marks_free(FactsMarks *m);
/* The answer of the last assignment of `recv` from a call among assignments
 * [lo, hi) (1: a logger factory made it, 0: something else), -1 when none
 * (facts_log.c). */
int facts__logger_assign(const Walker *w, const char *recv, uint32_t lo, uint32_t hi);

/* Whether records were taken keeping old's strings: the new facts then take its arenas. */
bool facts__took_strings(const Walker *w);
/* Walk the root's statements, taking those facts_extract_again can from w->old. */
void facts__walk_top(Walker *w);
/* After the walk: false when a statement was taken but the file's imports
 * changed (a site's callee is read through them): extract again in full. */
bool facts__reuse_holds(const Walker *w);
/* The sites phase by statements: `phase` 0 (sites) or 1 (list arguments);
 * run(w, first, end, arg) does calls [first, end) of a statement walked
 * anew, the rest are copied from the old facts. Without marks, one run over
 * all calls. */
void facts__by_statement(Walker *w, int phase, void (*run)(Walker *, uint32_t, uint32_t, void *),
                         void *arg);
/* A logger receiver's answer that came from before the statement being
 * walked (is_logger_receiver): noted, and checked before a statement is
 * taken again. */
void facts__note_logger(Walker *w, const char *recv, bool answer);

#endif
