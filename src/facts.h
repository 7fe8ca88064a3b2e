/* facts: what one Python file says, taken in one walk of its syntax tree.
 * Facts depend on the file alone (and the rule data), so files can be
 * processed in parallel and cached. No TSNode escapes this module: every
 * position is a line/column, every name a string owned by the facts' arena.
 * (TSTree appears in facts_extract_tree only, for editors' incremental parses.) */
#ifndef FANOUT_FACTS_H
#define FANOUT_FACTS_H

#include "rules.h"
#include "source.h"

typedef struct {
  uint32_t line, col; /* 1-based; col counts bytes */
} Pos;

typedef enum { DEF_MODULE, DEF_CLASS, DEF_FUNCTION } DefKind;

/* A name pool slice: names.items[first .. first+count). */
typedef struct {
  uint32_t first, count;
} NameList;

/* A slice [first, end) of an array. */
typedef struct {
  uint32_t first, end;
} Span;

typedef struct {
  DefKind kind;
  bool is_async;
  const char *name;
  const char *qualname; /* "Class.method", "outer.inner"; "" for the module */
  int32_t parent;       /* enclosing definition; -1 for the module (def 0) */
  Pos pos;
  uint32_t end_line;
  NameList decorators;     /* decorator expressions, e.g. "retry(stop=stop_after_attempt(3))" */
  uint32_t decorator_pos;  /* positions.items[decorator_pos + i]: where decorator i is (its @) */
  NameList bases;          /* classes: base class expressions */
  NameList params;         /* functions: parameter names ("*args" keeps its star) */
  NameList param_types;    /* their annotations' text, "" when absent (same count) */
  NameList param_defaults; /* their defaults' text, "" when absent (same count) */
  const char *returns;     /* the return annotation's text, or NULL */
  bool returns_value;      /* has a `return <expr>` (or yields) of its own */
  bool
      returns_literal; /* every such return gives a list or tuple literal (`[A, B]`, `[A] + [B]`) */
  /* Where the calls and assignments of this def (and of the defs nested in
   * it) lie in their arrays: the walk records a def's in one stretch. */
  Span calls_span, assigns_span;
  /* Its own (not nested) calls and assignments: call_order.items[own_calls.first
   * .. own_calls.end) are indices into calls, likewise for assignments. */
  Span own_calls, own_assigns;
} Def;

typedef struct {
  const char *bound;  /* the local name the import binds */
  const char *target; /* absolute dotted name bound to it ("a.b", "pkg.x.f") */
  bool is_from;
  int32_t def;
  Pos pos;
} Import;

enum {
  CALL_AWAITED = 1u << 0,
  CALL_IN_LOOP = 1u << 1,   /* inside a for/while loop or comprehension of its def */
  CALL_REFERENCE = 1u << 2, /* a function passed by name (map(f, xs), start_soon(f)) */
  CALL_DECORATOR = 1u << 3, /* a decorator of its def */
  CALL_STAR_ARGS = 1u << 4, /* has a *args argument */
  CALL_IN_LAMBDA = 1u << 5, /* inside a lambda (run later, maybe in a thread) */
  CALL_KW_SPLAT = 1u << 6,  /* has a **kwargs argument (any keyword may be in it) */
  CALL_DISCARDED = 1u << 7, /* its value (awaited or not) is a statement's: nothing keeps it */
};

typedef struct {
  const char *name;
  const char *value; /* source text, shortened */
} Kwarg;

typedef enum { WIDTH_FIXED, WIDTH_DATA, WIDTH_UNKNOWN } WidthKind;

/* How many items a fan-out spawns, as far as the code says. */
typedef struct {
  WidthKind kind;
  int64_t count;      /* fixed: the number of items; else -1 */
  const char *expr;   /* fixed: the count ("3", "MAX_WORKERS=8"); data: the source expression */
  int32_t param;      /* the width comes from this parameter of the enclosing def, or -1 */
  uint32_t batch_by;  /* 1 + the parameter of the enclosing def that sizes the groups the list
                         is cut into (`for b in batched(tasks, size)`), or 0 */
  const char *source; /* data: where the list is derived from (`chunks` for
                         `cleaned = [c for c in chunks]`), or NULL when expr is it */
} Width;

/* A list argument whose items are calls: `[f(x) for x in xs]`, a name bound to
 * one, an .append-filled list, `map(f, xs)`. Used to see fan-outs through helpers. */
typedef struct {
  uint32_t arg; /* positional index */
  Width width;
  uint32_t target; /* names index: callee text of the item calls ("" when unknown: a list
                      passed on, a parameter or a loop's batch) */
  bool more;       /* the next list argument is one of the same call */
} ListArg;

typedef struct {
  const char *callee; /* dotted text ("self.client.get"); a call in the chain is written
                         "f()" ("Path().read_text"), any other non-name part "?" */
  Pos pos;
  uint32_t start_byte, end_byte;
  int32_t def;
  uint32_t flags;
  uint32_t nargs; /* positional arguments */
  uint32_t first_kwarg, nkwargs;
  int32_t outer;       /* the call this one is an argument of, or -1 */
  int32_t list_arg;    /* index into list_args, or -1 */
  const char *message; /* template of a string first argument, or NULL */
  const char *guard;   /* the name an enclosing `if NAME:` / `if NAME is not None:` tests,
                          when the call is in that branch; else NULL */
  const char *arg0;    /* source text of the first positional argument ("*xs" for a
                          splat), shortened, or NULL */
  NameList args;       /* source texts of the positional arguments, shortened */
} Call;

typedef struct {
  const char *target; /* "sem", "self.client" */
  const char *value;  /* source text, shortened */
  int32_t call;       /* the call the value is, or -1 */
  int32_t def;
  Pos pos;
} Assign;

typedef struct {
  const char *expr;   /* the context expression's text */
  const char *callee; /* its callee when it is a call, else NULL */
  const char *alias;  /* `as` target, or NULL */
  bool is_async;
  int32_t def;
  Pos pos;
  uint32_t end_line; /* last line of the with statement's body */
} WithItem;

/* An except clause of a try statement. */
typedef struct {
  const char *types; /* the caught expression's text ("Exception", "(A, B)"), "" for bare except */
  bool trivial;      /* the body only passes (pass, ..., continue) */
  bool exits;     /* the body raises, asserts, returns or breaks out of the loop around the try */
  bool filters;   /* the body tests the caught exception's type and raises (`except
                     BaseException as e: if type(e) not in RETRYABLE: raise`) */
  bool try_falls; /* the try body can end without leaving the loop: its last statement
                     is no return, raise, break or continue (`if ready: return` is not) */
  int32_t def;
  Pos pos;
  uint32_t try_line, end_line; /* the whole try statement */
} Handler;

/* A for or while loop. */
typedef struct {
  bool is_while;
  bool while_true;    /* `while True:` / `while 1:` */
  const char *iter;   /* for: the iterable's text; while: the condition's text */
  const char *target; /* for: the loop variable's text */
  bool checks_status; /* compares with a retryable HTTP status (429, 5xx) in its body */
  int32_t def;
  Pos pos;
  uint32_t end_line;
} Loop;

typedef struct {
  const char *callee;  /* "logger.info", "print" */
  const char *level;   /* "info", "warning", "print", ... */
  const char *message; /* a template (template.h): literal text and TEMPLATE_HOLEs */
  int32_t def;
  int32_t call;
  Pos pos;
} LogSite;

typedef enum {
  SITE_GATHER,
  SITE_CREATE_TASK,
  SITE_ENSURE_FUTURE,
  SITE_AS_COMPLETED,
  SITE_WAIT,
  SITE_RUN_IN_EXECUTOR,
  SITE_START_SOON,
  SITE_BATCH,  /* a model's own batch call (langchain `Runnable.abatch`): one request per input */
  SITE_HELPER, /* a call of a project function that fans out its argument (index) */
  SITE_KIND_COUNT
} SiteKind;

typedef struct {
  SiteKind kind;
  Width width;
  NameList targets;          /* callee texts of what is fanned out */
  uint32_t invariant_args;   /* bit i: positional argument i of the task call is the same for
                                every task (it does not use the loop variable) */
  NameList invariant_kwargs; /* keyword arguments that are the same for every task */
  bool buffered;             /* all results are held until the last task ends (gather, wait) */
  bool identical_tasks;      /* no argument of the task call uses the loop variable: N copies of
                                one worker (a worker pool), not one task per item */
  int32_t def;
  int32_t call;
  Pos pos;
} Site;

typedef struct {
  const char *name;
  int64_t value; /* int constants: the value; literal sequences: their length */
} Const;

/* A `# noqa` comment: bare (codes == "") or with codes ("FAN101,FAN301"). */
typedef struct {
  const char *codes;
  Pos pos;
} Noqa;

/* Lookups over one file's facts, made once by facts_tables_build (in the
 * parallel load, and for an editor's document when it changes) and kept with
 * them, so that building the index over many files does not make them again. */
typedef struct {
  const char *bound;
  uint32_t hash, def, import;
} ImportSlot;

typedef struct {
  bool built;
  StrMap qualnames;       /* qualname -> its first def */
  ImportSlot *imports;    /* (def, bound name) -> the last import binding it there: */
  uint32_t import_cap;    /* open addressing, a power of two (facts_import) */
  U32Array stars;         /* the module-level `from M import *`, in order */
  StrMap assign_targets;  /* assignment target -> its first assignment; */
  uint32_t *assign_next;  /* per assignment, the next to the same target (UINT32_MAX: none), */
  uint32_t *assign_count; /* and at a target's first, how many there are */
} FactsTables;

typedef struct {
  Arena arena;
  Arena kept; /* an editor's re-extraction: the strings of facts before, which records taken
                 from them point into (facts_extract_again) */
  const char *path;
  const char *module;
  bool is_package;
  bool has_errors; /* the tree had syntax errors (analysis went on) */
  Array(Def) defs;
  Array(Import) imports;
  Array(Call) calls;
  Array(Kwarg) kwargs;
  Array(ListArg) list_args;
  Array(Assign) assigns;
  Array(WithItem) withs;
  Array(LogSite) logs;
  Array(Site) sites;
  Array(Const) consts;
  Array(Handler) handlers;
  Array(Pos) positions;
  Array(Noqa) noqas;
  Array(Loop) loops;
  Array(const char *) names;
  Array(uint32_t) call_order, assign_order; /* indices grouped by def (see Def.own_calls) */
  FactsTables tables;                       /* not packed: made from the rest */
  struct FactsMarks *marks; /* an editor's document: where each top-level statement's facts are,
                               for its next extraction (facts_extract_again); else NULL */
} Facts;

typedef struct FactsContext FactsContext;
typedef struct TSTree TSTree; /* tree-sitter's, opaque here */

/* Load the site queries and rule data. Returns NULL and adds diagnostics on
 * bad rule files. Free with facts_context_free. Shareable across threads. */
FactsContext *facts_context_new(const Knowledge *k, Diags *diags);
void facts_context_free(FactsContext *ctx);

/* Whether a file with this (NUL-terminated) source can hold a finding of its
 * own: it mentions async code, a fan-out name of rules/sites.scm, a sleep, a
 * retry library or a fanout code (a `# noqa: FAN...`). A file that cannot
 * matters only when a file that can imports it. */
bool facts_may_matter(const FactsContext *ctx, const char *text);

/* Parse `src` and extract its facts into `out` (which must be zeroed). The
 * tree is freed before returning. Returns false only when parsing failed. */
bool facts_extract(const FactsContext *ctx, const SourceFile *src, Facts *out, Diags *diags);
/* The same from a tree the caller parsed (and keeps: an editor's document,
 * re-parsed incrementally). `src` must be the text the tree was parsed from. */
void facts_extract_tree(const FactsContext *ctx, const SourceFile *src, TSTree *tree, Facts *out,
                        Diags *diags);
/* The same for an editor's document, taking the facts of each top-level
 * def or class whose text is unchanged since `old` was extracted by this
 * function (moved as a whole: lines and bytes shift) instead of walking it
 * again. `old` may be NULL or facts made otherwise (then all is walked).
 * The facts are those facts_extract_tree makes, byte for byte. The taken
 * records keep old's strings: `out` takes old's arenas (Facts.kept), so old
 * is to be freed next, or take them back (facts_take_place, facts_give_back). */
void facts_extract_again(const FactsContext *ctx, const SourceFile *src, TSTree *tree, Facts *old,
                         Facts *out, Diags *diags);
/* `now` says what `was` says but for where its calls are in the bytes (a
 * comment typed): `was` takes those, the marks and back its strings, so it
 * is what now is. */
void facts_take_place(Facts *was, Facts *now);
/* `was` takes back the strings facts_extract_again gave `now` (now is to be freed). */
void facts_give_back(Facts *was, Facts *now);
/* How many top-level statements facts_extract_again took from the old facts. */
uint32_t facts_reused(const Facts *f);
void facts_free(Facts *f);
/* Make f->tables (once; they point into the facts, which must not change after). */
void facts_tables_build(Facts *f);
/* The last import binding `name` (its first n bytes) in def `def` itself,
 * or UINT32_MAX. O(1). */
uint32_t facts_import(const Facts *f, int32_t def, const char *name, size_t n);

/* Append the facts' bytes (all but path, module and is_package, which come
 * from where the file is) to `out`: a function of the facts alone. */
void facts_pack(const Facts *f, StrBuf *out);
/* Whether a and b say the same to the analysis: equal but for where their
 * calls are in the bytes, which the analysis only compares with each other
 * (a call's end with the starts of the calls after it, index_sites.c): their
 * order among themselves is the same (a comment typed above them). */
bool facts_same_but_call_bytes(const Facts *a, const Facts *b);
/* Rebuild facts from facts_pack's bytes into `out`, which owns copies of all
 * it needs. Returns false, `out` empty, when the bytes are not such a pack:
 * every string offset and index is checked, nothing is trusted. */
bool facts_unpack(const void *data, size_t len, Facts *out);
/* Set where unpacked facts are from: path and module copied into one block
 * of their exact size (an unpacked arena has no room to spare: a string put
 * in it the usual way would take a whole new 16 KB block). */
void facts_set_place(Facts *f, const char *path, const char *module, bool is_package);
/* Pack `f` into `pack` and replace it with its unpacked copy: the same facts
 * in exactly sized arrays, each string once (what a project keeps). */
void facts_compact(Facts *f, StrBuf *pack);

/* The module constant `name` of a file: bound once at module level to an int
 * or a literal list or tuple, and never grown (append, extend, insert,
 * update, a subscript store) anywhere in the file; NULL when it is not one. */
const Const *facts_module_const(const Facts *f, const char *name);

/* Name of a site kind as printed ("gather", "create_task", ...). */
const char *site_kind_name(SiteKind k);
/* A width as printed: "fixed 3", "data (from queries)", "unknown". The caller frees. */
char *width_text(const Width *w);

#endif
