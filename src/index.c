#include "index.h"

#include "where.h"

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RESOLVE_DEPTH 8

static DefRef unresolved(uint32_t file) { return (DefRef){file, -1}; }

/* Names are put together on the stack: one longer than this is no name a
 * project defines, and does not resolve. */
#define NAME_CAP 512

/* `a` (alen bytes), a dot when `b` is not empty, `b` (blen bytes) into out;
 * false when it does not fit. */
static bool join(char out[NAME_CAP], const char *a, size_t alen, const char *b, size_t blen) {
  if (alen + 1 + blen >= NAME_CAP) return false;
  memcpy(out, a, alen);
  if (blen) out[alen++] = '.';
  memcpy(out + alen, b, blen);
  out[alen + blen] = '\0';
  return true;
}

static DefRef resolve_dotted(const Index *ix, const char *full, unsigned depth);
static DefRef global_def_ref(const Index *ix, uint32_t g);
static int32_t param_index(const Facts *f, int32_t def, const char *name);

/* Test code: its mocks are not what production code runs. */
static bool is_test(const Index *ix, uint32_t file) { return ix->kinds[file] & CODE_TEST; }

/* The definition named `qualname` in a file, or -1. */
static int32_t qual_lookup(const Index *ix, uint32_t file, const char *qualname) {
  uint32_t d;
  return strmap_get(&ix->qualnames[file], qualname, &d) ? (int32_t)d : -1;
}

/* The class a base expression names: `Base`, `pkg.Base`, and the generic
 * `Base[In, Out]` or `Generic[T]` without its subscript. */
static DefRef resolve_base(const Index *ix, uint32_t file, const Def *c, const char *text) {
  char name[NAME_CAP];
  size_t n = strcspn(text, "[");
  if (!join(name, text, n, "", 0)) return unresolved(file);
  return index_resolve_name(ix, file, c->parent < 0 ? 0 : c->parent, name);
}

/* The project bases of a class: from the class table once it is built
 * (build_classes), else resolved from the base expressions. */
static uint32_t base_count(const Index *ix, DefRef cls) {
  if (ix->base_start) {
    uint32_t g = index_global_def(ix, cls);
    return ix->base_start[g + 1] - ix->base_start[g];
  }
  return index_def(ix, cls)->bases.count;
}

static DefRef base_at(const Index *ix, DefRef cls, uint32_t i) {
  if (ix->base_start) return ix->bases[ix->base_start[index_global_def(ix, cls)] + i];
  const Facts *f = &ix->files[cls.file];
  const Def *c = &f->defs.items[cls.def];
  return resolve_base(ix, cls.file, c, f->names.items[c->bases.first + i]);
}

/* Method `name` of class `cls`, searching in-project bases depth first. */
static DefRef lookup_method(const Index *ix, DefRef cls, const char *name, unsigned depth) {
  if (depth > RESOLVE_DEPTH) return unresolved(cls.file);
  const Facts *f = &ix->files[cls.file];
  const Def *c = &f->defs.items[cls.def];
  char q[NAME_CAP];
  if (!join(q, c->qualname, strlen(c->qualname), name, strlen(name))) return unresolved(cls.file);
  int32_t d = qual_lookup(ix, cls.file, q);
  if (d >= 0) return (DefRef){cls.file, d};
  for (uint32_t i = 0, n = base_count(ix, cls); i < n; i++) {
    DefRef base = base_at(ix, cls, i);
    if (defref_ok(base) && index_def(ix, base)->kind == DEF_CLASS) {
      DefRef m = lookup_method(ix, base, name, depth + 1);
      if (defref_ok(m)) return m;
    }
  }
  return unresolved(cls.file);
}

/* Finish resolving: `base` is what the first name means; `rest` the
 * remaining dotted parts ("" if none). */
static DefRef resolve_rest(const Index *ix, DefRef base, const char *rest, unsigned depth) {
  if (!*rest) return base;
  const Def *d = index_def(ix, base);
  if (d->kind == DEF_CLASS && !strchr(rest, '.')) return lookup_method(ix, base, rest, depth + 1);
  return unresolved(base.file);
}

static DefRef resolve_in_module(const Index *ix, uint32_t file, const char *rest, unsigned depth) {
  const Facts *f = &ix->files[file];
  size_t first = strcspn(rest, ".");
  const char *after = rest[first] ? rest + first + 1 : "";
  char name[NAME_CAP], full[NAME_CAP];
  DefRef r = unresolved(file);
  if (!join(name, rest, first, "", 0)) return r;
  int32_t d = qual_lookup(ix, file, name);
  if (d >= 0 && f->defs.items[d].parent == 0) {
    r = resolve_rest(ix, (DefRef){file, d}, after, depth);
  } else {
    bool bound = false;
    for (uint32_t i = f->imports.len; i-- > 0;) { /* a re-export: from .x import f */
      const Import *im = &f->imports.items[i];
      if (im->def != 0 || strcmp(im->bound, name) != 0) continue;
      if (join(full, im->target, strlen(im->target), after, strlen(after)))
        r = resolve_dotted(ix, full, depth + 1);
      bound = true;
      break;
    }
    /* from .providers import *: the name may come from any such module */
    for (uint32_t i = f->imports.len; i-- > 0 && !bound && !defref_ok(r);) {
      const Import *im = &f->imports.items[i];
      if (im->def == 0 && strcmp(im->bound, "*") == 0 &&
          join(full, im->target, strlen(im->target), rest, strlen(rest)))
        r = resolve_dotted(ix, full, depth + 1);
    }
  }
  return r;
}

static DefRef resolve_dotted(const Index *ix, const char *full, unsigned depth) {
  DefRef r = unresolved(0);
  char buf[NAME_CAP];
  if (depth > RESOLVE_DEPTH || !join(buf, full, strlen(full), "", 0)) return r;
  /* Longest module prefix first: pkg.mod.Class.method -> module pkg.mod. */
  for (char *dot = buf + strlen(buf); dot; dot = strrchr(buf, '.')) {
    *dot = '\0';
    uint32_t file;
    if (strmap_get(&ix->modules, buf, &file)) {
      const char *rest = full + (dot - buf);
      if (*rest == '.') r = resolve_in_module(ix, file, rest + 1, depth);
      break;
    }
    if (dot == buf) break;
  }
  return r;
}

static int32_t enclosing_class(const Facts *f, int32_t def) {
  /* A method's class is its parent; nested functions inside a method see
   * the method's self. */
  for (int32_t d = def; d > 0; d = f->defs.items[d].parent)
    if (f->defs.items[d].kind == DEF_FUNCTION && f->defs.items[d].parent >= 0 &&
        f->defs.items[f->defs.items[d].parent].kind == DEF_CLASS)
      return f->defs.items[d].parent;
  return -1;
}

static DefRef resolve_name(const Index *ix, uint32_t file, int32_t def, const char *dotted,
                           unsigned depth, DefRef *recv);

/* The project class a value expression makes: `Client(...)` (a call of a
 * class), or a parameter annotated with a class (`client: Client`). */
static DefRef class_of_value(const Index *ix, uint32_t file, int32_t def, const Assign *a,
                             unsigned depth) {
  const Facts *f = &ix->files[file];
  DefRef r = unresolved(file);
  if (a->call >= 0) {
    r = resolve_name(ix, file, def, f->calls.items[a->call].callee, depth + 1, NULL);
  } else {
    const Def *d = &f->defs.items[def];
    for (uint32_t i = 0; i < d->params.count && d->kind == DEF_FUNCTION; i++)
      if (strcmp(f->names.items[d->params.first + i], a->value) == 0) {
        const char *t = f->names.items[d->param_types.first + i];
        size_t n;
        t = annotation_main(t, &n);
        char *name = xstrndup(t, n);
        if (*name) r = resolve_name(ix, file, def, name, depth + 1, NULL);
        /* an annotation naming a class the file never imports (`crawler:
         * "AsyncWebCrawler"`, kept out of the imports to avoid a cycle): the
         * project's one class of that name */
        uint32_t g;
        if (!defref_ok(r) && *name && !strchr(name, '.') && ix->class_names.cap &&
            strmap_get(&ix->class_names, name, &g) && g != UINT32_MAX)
          r = global_def_ref(ix, g);
        free(name);
      }
  }
  return defref_ok(r) && index_def(ix, r)->kind == DEF_CLASS ? r : unresolved(file);
}

/* The definition with global id `g`. */
static DefRef global_def_ref(const Index *ix, uint32_t g) {
  uint32_t lo = 0, hi = ix->nfiles; /* the file whose range holds g */
  while (lo + 1 < hi) {
    uint32_t mid = (lo + hi) / 2;
    if (ix->def_base[mid] <= g) lo = mid;
    else hi = mid;
  }
  return (DefRef){lo, (int32_t)(g - ix->def_base[lo])};
}

/* The class a field declared in a class body holds (here or in a project
 * base): `prompt = SummaryPrompt()`, a dataclass or pydantic field
 * `prompt: P = field(default_factory=SummaryPrompt)`. */
static DefRef field_type(const Index *ix, DefRef cls, const char *attr, unsigned depth) {
  if (depth > RESOLVE_DEPTH) return unresolved(cls.file);
  const Facts *f = &ix->files[cls.file];
  const Def *c = &f->defs.items[cls.def];
  for (uint32_t i = c->assigns_span.first; i < c->assigns_span.end; i++) {
    const Assign *a = &f->assigns.items[i];
    if (a->def != cls.def || a->call < 0 || strcmp(a->target, attr) != 0) continue;
    const Call *call = &f->calls.items[a->call];
    const char *factory = NULL;
    for (uint32_t k = 0; k < call->nkwargs; k++)
      if (strcmp(f->kwargs.items[call->first_kwarg + k].name, "default_factory") == 0)
        factory = f->kwargs.items[call->first_kwarg + k].value;
    DefRef r =
        resolve_name(ix, cls.file, cls.def, factory ? factory : call->callee, depth + 1, NULL);
    if (defref_ok(r) && index_def(ix, r)->kind == DEF_CLASS) return r;
  }
  for (uint32_t b = 0, nb = base_count(ix, cls); b < nb; b++) {
    DefRef base = base_at(ix, cls, b);
    if (!defref_ok(base) || index_def(ix, base)->kind != DEF_CLASS ||
        (base.file == cls.file && base.def == cls.def))
      continue;
    /* `self.x = x` in a method of the base (its __init__, run by super()) */
    const Facts *bf = &ix->files[base.file];
    const Def *bc = index_def(ix, base);
    char self_attr[NAME_CAP];
    if (!join(self_attr, "self", 4, attr, strlen(attr))) continue;
    for (uint32_t i = bc->assigns_span.first; i < bc->assigns_span.end; i++) {
      const Assign *a = &bf->assigns.items[i];
      if (strcmp(a->target, self_attr) != 0 || enclosing_class(bf, a->def) != base.def) continue;
      DefRef r = class_of_value(ix, base.file, a->def, a, depth + 1);
      if (defref_ok(r)) return r;
    }
    DefRef r = field_type(ix, base, attr, depth + 1);
    if (defref_ok(r)) return r;
  }
  return unresolved(cls.file);
}

/* The project class of a receiver: `self.client` assigned in a method of the
 * class, a local assigned from a class call, a parameter annotated with one. */
/* The element type an annotation of a collection names: `list[Agent]`,
 * `dict[str, Agent]`, `Sequence[Agent]` -> "Agent" (into out). */
static bool element_type(const char *ann, char out[NAME_CAP]) {
  const char *open = strchr(ann, '['), *close = strrchr(ann, ']');
  if (!open || !close || close < open) return false;
  const char *start = open + 1;
  for (const char *p = open + 1; p < close; p++) /* the last top-level argument */
    if (*p == '[') {
      break;
    } else if (*p == ',') {
      start = p + 1;
    }
  while (*start == ' ') start++;
  size_t n = strcspn(start, " ,[]|\"'");
  return n && join(out, start, n, "", 0);
}

/* The annotation text of what `name` is bound to in `def`: a parameter's,
 * or for `self.x` the parameter a method of the class stores in it. */
static const char *annotation_of(const Facts *f, int32_t def, const char *name) {
  if (str_starts_with(name, "self.")) {
    int32_t cls = enclosing_class(f, def);
    Span sp = cls >= 0 ? f->defs.items[cls].assigns_span : (Span){0, 0};
    for (uint32_t i = sp.first; i < sp.end; i++) {
      const Assign *a = &f->assigns.items[i];
      if (a->call >= 0 || strcmp(a->target, name) != 0 || enclosing_class(f, a->def) != cls)
        continue;
      int32_t p = param_index(f, a->def, a->value);
      if (p >= 0) return f->names.items[f->defs.items[a->def].param_types.first + (uint32_t)p];
    }
    return NULL;
  }
  int32_t p = param_index(f, def, name);
  return p >= 0 ? f->names.items[f->defs.items[def].param_types.first + (uint32_t)p] : NULL;
}

static DefRef type_of(const Index *ix, uint32_t file, int32_t def, const char *recv,
                      unsigned depth) {
  const Facts *f = &ix->files[file];
  if (depth > 3) return unresolved(file);
  size_t rn = strlen(recv);
  if (rn > 2 && strcmp(recv + rn - 2, "[]") == 0) { /* self.agents[name]: an element */
    char base[NAME_CAP], elem[NAME_CAP];
    if (!join(base, recv, rn - 2, "", 0)) return unresolved(file);
    const char *ann = annotation_of(f, def, base);
    if (!ann || !element_type(ann, elem)) return unresolved(file);
    DefRef r = resolve_name(ix, file, def, elem, depth + 1, NULL);
    return defref_ok(r) && index_def(ix, r)->kind == DEF_CLASS ? r : unresolved(file);
  }
  if (str_starts_with(recv, "self.") && !strchr(recv + 5, '.')) {
    int32_t cls = enclosing_class(f, def);
    Span sp = cls >= 0 ? f->defs.items[cls].assigns_span : (Span){0, 0};
    for (uint32_t i = sp.first; i < sp.end; i++) {
      const Assign *a = &f->assigns.items[i];
      if (strcmp(a->target, recv) != 0 || enclosing_class(f, a->def) != cls) continue;
      DefRef r = class_of_value(ix, file, a->def, a, depth);
      if (defref_ok(r)) return r;
    }
    return cls >= 0 ? field_type(ix, (DefRef){file, cls}, recv + 5, depth) : unresolved(file);
  }
  if (strchr(recv, '.')) return unresolved(file);
  Span own = f->defs.items[def].own_assigns;
  for (uint32_t k = own.end; k-- > own.first;) {
    const Assign *a = &f->assigns.items[f->assign_order.items[k]];
    if (strcmp(a->target, recv) == 0) return class_of_value(ix, file, def, a, depth);
  }
  Assign param = {recv, recv, -1, def, {0, 0}};
  return class_of_value(ix, file, def, &param, depth);
}

DefRef index_resolve_name(const Index *ix, uint32_t file, int32_t def, const char *dotted) {
  return resolve_name(ix, file, def, dotted, 0, NULL);
}

/* What `dotted` means inside `def`. When it is a method looked up on the
 * class of a receiver (self.m, self.client.m, a typed local's m), *recv is
 * set to that class, even when the class has no such method of its own. */
static DefRef resolve_name(const Index *ix, uint32_t file, int32_t def, const char *dotted,
                           unsigned depth, DefRef *recv) {
  const Facts *f = &ix->files[file];
  if (strpbrk(dotted, "?(")) return unresolved(file); /* not a plain name chain */
  size_t first = strcspn(dotted, ".");
  const char *rest = dotted[first] ? dotted + first + 1 : "";
  if ((first == 4 && strncmp(dotted, "self", 4) == 0) ||
      (first == 3 && strncmp(dotted, "cls", 3) == 0)) {
    int32_t cls = enclosing_class(f, def);
    if (cls < 0) return unresolved(file);
    if (!*rest) { /* self(...): the class's __call__ */
      if (recv) *recv = (DefRef){file, cls};
      return lookup_method(ix, (DefRef){file, cls}, "__call__", 0);
    }
    if (!strchr(rest, '.')) {
      if (recv) *recv = (DefRef){file, cls};
      return lookup_method(ix, (DefRef){file, cls}, rest, 0);
    }
    /* self.client.search(): the class of self.client */
    const char *last = strrchr(dotted, '.');
    char name[NAME_CAP];
    if (!join(name, dotted, (size_t)(last - dotted), "", 0)) return unresolved(file);
    DefRef type = type_of(ix, file, def, name, depth);
    if (!defref_ok(type)) return unresolved(file);
    if (recv) *recv = type;
    return lookup_method(ix, type, last + 1, 0);
  }
  char name[NAME_CAP], q[NAME_CAP];
  DefRef r = unresolved(file);
  bool found = false;
  if (!join(name, dotted, first, "", 0)) return r;
  /* Scopes from the innermost out; class bodies are not enclosing scopes for
   * the functions inside them, only for their own statements. */
  for (int32_t scope = def; scope >= 0 && !found; scope = f->defs.items[scope].parent) {
    if (scope != def && f->defs.items[scope].kind == DEF_CLASS) continue;
    const char *sq = f->defs.items[scope].qualname;
    int32_t d = -1;
    if (!*sq)
      d = qual_lookup(ix, file, name);
    else if (join(q, sq, strlen(sq), name, first))
      d = qual_lookup(ix, file, q);
    if (d >= 0 && f->defs.items[d].parent == scope) {
      r = resolve_rest(ix, (DefRef){file, d}, rest, 0);
      found = true;
      break;
    }
    const Import *im = index_import(ix, file, scope, name, first);
    if (im) {
      if (join(q, im->target, strlen(im->target), rest, strlen(rest))) r = resolve_dotted(ix, q, 0);
      found = true;
    }
  }
  for (uint32_t i = f->imports.len; i-- > 0 && !found;) { /* from .x import * at module level */
    const Import *im = &f->imports.items[i];
    if (im->def != 0 || strcmp(im->bound, "*") != 0) continue;
    if (join(q, im->target, strlen(im->target), dotted, strlen(dotted)))
      r = resolve_dotted(ix, q, depth + 1);
    found = defref_ok(r);
  }
  if (!found && *rest && !strchr(rest, '.')) { /* client.search() on a typed local */
    DefRef type = type_of(ix, file, def, name, depth);
    if (defref_ok(type)) {
      if (recv) *recv = type;
      r = lookup_method(ix, type, rest, 0);
    }
  }
  return r;
}

DefRef index_call_target(const Index *ix, uint32_t file, uint32_t call) {
  return ix->resolved[file][call];
}

Targets index_call_targets(const Index *ix, uint32_t file, uint32_t call) {
  const Dispatch *d = &ix->dispatch[file];
  if (d->span && d->span[call].end > d->span[call].first)
    return (Targets){d->defs.items + d->span[call].first, d->span[call].end - d->span[call].first,
                     (ResolvedHow)d->how[call]};
  const DefRef *r = &ix->resolved[file][call];
  return defref_ok(*r) ? (Targets){r, 1, RESOLVED_EXACT} : (Targets){NULL, 0, RESOLVED_NONE};
}

/* ---- dispatch: class hierarchy, methods by name, called parameters ---- */

enum { FAMILY_ALL = 1, FAMILY_NON_TEST = 2 };

/* At most this many definitions are one call's targets: a name that means
 * more is no interface a reader would follow either. */
#define TARGETS_CAP 16
/* A class hierarchy is no guess: its overrides are followed much further
 * (a metrics or tools framework has dozens of implementations). */
#define OVERRIDES_CAP 96

static bool push_target(DefRefs *out, uint32_t first, DefRef d) {
  for (uint32_t i = first; i < out->len; i++)
    if (out->items[i].file == d.file && out->items[i].def == d.def) return false;
  array_push(out, d);
  return true;
}

static uint32_t gdef(const Index *ix, DefRef d) { return index_global_def(ix, d); }

static void dispatch_set(Dispatch *d, uint32_t ncalls, uint32_t c, const DefRefs *t,
                         ResolvedHow how);
static void callable_param_targets(const Index *ix, uint32_t fi, int32_t def, const char *callee,
                                   DefRefs *out);

/* The overrides of method `name` in the project subclasses of `cls`, at any
 * depth, appended to `out` (breadth first, each class once). */
static void collect_overrides(const Index *ix, DefRef cls, const char *name, DefRefs *out,
                              uint32_t first) {
  DefRefs queue = {0};
  array_push(&queue, cls);
  for (uint32_t head = 0; head < queue.len && queue.len < 256; head++) {
    uint32_t g = gdef(ix, queue.items[head]);
    for (uint32_t i = ix->sub_start[g]; i < ix->sub_start[g + 1]; i++) {
      DefRef sub = ix->subs[i];
      bool seen = false;
      for (uint32_t k = 0; k < queue.len && !seen; k++)
        seen = queue.items[k].file == sub.file && queue.items[k].def == sub.def;
      if (seen) continue;
      array_push(&queue, sub);
      const Def *c = index_def(ix, sub);
      char q[NAME_CAP];
      if (!join(q, c->qualname, strlen(c->qualname), name, strlen(name))) continue;
      int32_t d = qual_lookup(ix, sub.file, q);
      if (d >= 0 && out->len - first < OVERRIDES_CAP)
        push_target(out, first, (DefRef){sub.file, d});
    }
  }
  array_free(&queue);
}

/* The root classes (no project base) above `cls`, into roots. */
static void class_roots(const Index *ix, DefRef cls, DefRefs *roots, unsigned depth) {
  uint32_t g = gdef(ix, cls);
  if (depth > RESOLVE_DEPTH) return;
  if (ix->base_start[g] == ix->base_start[g + 1]) {
    push_target(roots, 0, cls);
    return;
  }
  for (uint32_t i = ix->base_start[g]; i < ix->base_start[g + 1]; i++)
    class_roots(ix, ix->bases[i], roots, depth + 1);
}

/* Whether an annotation names something other than a project class. */
static bool foreign_annotation(const Index *ix, uint32_t file, int32_t def, const char *type) {
  if (!*type) return false;
  size_t n;
  type = annotation_main(type, &n);
  char name[NAME_CAP];
  if (!n || !join(name, type, n, "", 0)) return false;
  if (strcmp(name, "Any") == 0 || strcmp(name, "t.Any") == 0 || strcmp(name, "typing.Any") == 0 ||
      strcmp(name, "object") == 0)
    return false;
  DefRef r = resolve_name(ix, file, def, name, 2, NULL);
  return !defref_ok(r) || index_def(ix, r)->kind != DEF_CLASS;
}

/* Whether a value bound to a name is something other than a project object:
 * a literal, or a call of something outside the project. */
static bool foreign_value(const Index *ix, uint32_t file, const Assign *a) {
  const Facts *f = &ix->files[file];
  if (a->call < 0)
    return strchr("[{(\"'0123456789", a->value[0]) || str_starts_with(a->value, "f\"") ||
           str_starts_with(a->value, "f'");
  const char *callee = f->calls.items[a->call].callee;
  if (strpbrk(callee, "?(")) return true;
  /* an element of a collection (`next(t for t in self.tools if ...)`): of
   * whatever type the collection holds */
  if (strcmp(callee, "next") == 0 || strcmp(callee, "getattr") == 0 ||
      strcmp(callee, "max") == 0 || strcmp(callee, "min") == 0)
    return false;
  return !defref_ok(resolve_name(ix, file, a->def, callee, 2, NULL));
}

static bool foreign_name(const Index *ix, uint32_t file, int32_t def, const char *name,
                         unsigned depth);

/* Whether the callers of `def` pass parameter `param` a foreign value. */
static bool foreign_argument(const Index *ix, uint32_t file, int32_t def, int32_t param,
                             unsigned depth) {
  uint32_t n;
  const CallRef *callers = index_callers(ix, (DefRef){file, def}, &n);
  for (uint32_t i = 0; i < n && i < 8; i++) {
    const char *arg = index_argument(ix, callers[i], (DefRef){file, def}, param);
    if (!arg) continue;
    const Facts *cf = &ix->files[callers[i].file];
    int32_t cdef = cf->calls.items[callers[i].call].def;
    if (strchr("[{(\"'0123456789", arg[0])) return true;
    if (!strpbrk(arg, ".([ ") && foreign_name(ix, callers[i].file, cdef, arg, depth + 1))
      return true;
  }
  return false;
}

/* Whether a plain local name or parameter is bound to something other than
 * a project object. */
static bool foreign_name(const Index *ix, uint32_t file, int32_t def, const char *name,
                         unsigned depth) {
  const Facts *f = &ix->files[file];
  if (depth > 2) return false;
  for (int32_t scope = def; scope >= 0; scope = f->defs.items[scope].parent)
    for (uint32_t i = f->imports.len; i-- > 0;)
      if (f->imports.items[i].def == scope && strcmp(f->imports.items[i].bound, name) == 0)
        return true;
  Span own = f->defs.items[def].own_assigns;
  bool assigned = false;
  for (uint32_t k = own.first; k < own.end; k++) {
    const Assign *a = &f->assigns.items[f->assign_order.items[k]];
    if (strcmp(a->target, name) != 0) continue;
    if (foreign_value(ix, file, a)) return true;
    assigned = true; /* from project code, or an element of a collection */
  }
  for (uint32_t i = 0; i < f->withs.len; i++)
    if (f->withs.items[i].def == def && f->withs.items[i].alias &&
        strcmp(f->withs.items[i].alias, name) == 0)
      return true;
  int32_t p = param_index(f, def, name);
  if (assigned) return false;
  if (p < 0) { /* a local: only a loop's variable may be a project object of unknown type */
    for (uint32_t i = 0; i < f->loops.len; i++) {
      const Loop *l = &f->loops.items[i];
      if (l->def != def || !l->target) continue;
      const char *at = strstr(l->target, name);
      size_t n = strlen(name);
      if (at && (at == l->target || !(isalnum((unsigned char)at[-1]) || at[-1] == '_')) &&
          !(isalnum((unsigned char)at[n]) || at[n] == '_'))
        return false;
    }
    return true;
  }
  const char *type = f->names.items[f->defs.items[def].param_types.first + (uint32_t)p];
  if (*type) return foreign_annotation(ix, file, def, type);
  return ix->callers && foreign_argument(ix, file, def, p, depth);
}

/* Whether the receiver of `dotted` is known to be something other than a
 * project object, or is named like a library client called with one of its
 * request methods (`session.get`: rules/libraries.txt external.receiver). */
static bool foreign_receiver(const Index *ix, uint32_t file, int32_t def, const char *dotted) {
  const Facts *f = &ix->files[file];
  const char *last = strrchr(dotted, '.');
  char recv[NAME_CAP];
  if (!last || !join(recv, dotted, (size_t)(last - dotted), "", 0)) return true;
  if (ix->k) {
    const char *word = str_last_component(recv);
    if (*word == '_') word++;
    if (knowledge_has(ix->k, FACT_EXTERNAL_RECEIVER, word) &&
        knowledge_has(ix->k, FACT_EXTERNAL_RECEIVER_METHOD, last + 1))
      return true;
  }
  if (!strchr(recv, '.')) return foreign_name(ix, file, def, recv, 0);
  size_t first = strcspn(recv, ".");
  char head[NAME_CAP];
  if (!join(head, recv, first, "", 0)) return true;
  if (strcmp(head, "self") != 0 && strcmp(head, "cls") != 0)
    return foreign_name(ix, file, def, head, 0) && !strchr(recv + first + 1, '.');
  if (strchr(recv + first + 1, '.')) return false; /* self.a.b: unknown */
  int32_t cls = enclosing_class(f, def);
  Span sp = cls >= 0 ? f->defs.items[cls].assigns_span : (Span){0, 0};
  for (uint32_t i = sp.first; i < sp.end; i++) { /* self.x = ... in a method of the class */
    const Assign *a = &f->assigns.items[i];
    if (strcmp(a->target, recv) != 0 || enclosing_class(f, a->def) != cls) continue;
    if (foreign_value(ix, file, a)) return true;
    int32_t p = a->call < 0 ? param_index(f, a->def, a->value) : -1;
    if (p >= 0) {
      const char *type = f->names.items[f->defs.items[a->def].param_types.first + (uint32_t)p];
      if (foreign_annotation(ix, file, a->def, type)) return true;
    }
  }
  return false;
}

/* Receiver of unknown type: the project methods called `name`, when they
 * all belong to one class family (one root class above all of them: see
 * build_classes). */
static ResolvedHow methods_named(const Index *ix, uint32_t file, const char *name, DefRefs *out,
                                 uint32_t first, bool one_family) {
  uint32_t at;
  bool from_test = is_test(ix, file);
  if (!strmap_get(&ix->method_names, name, &at) ||
      (one_family && !(ix->method_family[at] & (from_test ? FAMILY_ALL : FAMILY_NON_TEST))))
    return RESOLVED_NONE;
  for (uint32_t i = at;
       i < ix->methods.len && strcmp(index_def(ix, ix->methods.items[i])->name, name) == 0; i++)
    if (from_test || !is_test(ix, ix->methods.items[i].file))
      push_target(out, first, ix->methods.items[i]);
  if (out->len - first > TARGETS_CAP) out->len = first + TARGETS_CAP;
  return out->len > first ? RESOLVED_NAME : RESOLVED_NONE;
}

static ResolvedHow by_method_name(const Index *ix, uint32_t file, const char *name, DefRefs *out,
                                  uint32_t first) {
  return methods_named(ix, file, name, out, first, true);
}

/* Whether a class is a typing Protocol: its implementations need not
 * subclass it (structural typing). */
static bool is_protocol(const Index *ix, DefRef cls) {
  const Facts *f = &ix->files[cls.file];
  const Def *c = index_def(ix, cls);
  for (uint32_t b = 0; b < c->bases.count; b++)
    if (strcmp(str_last_component(f->names.items[c->bases.first + b]), "Protocol") == 0)
      return true;
  return false;
}


/* Whether the `n` methods from `at` (those outside tests, or all) share a
 * root class, and are few enough to follow. */
static bool one_family(const Index *ix, uint32_t at, uint32_t n, bool all) {
  DefRefs common = {0}, roots = {0};
  uint32_t seen = 0;
  for (uint32_t i = 0; i < n; i++) {
    DefRef m = ix->methods.items[at + i];
    if (!all && is_test(ix, m.file)) continue;
    if (++seen > TARGETS_CAP) {
      common.len = 0;
      break;
    }
    roots.len = 0;
    class_roots(ix, (DefRef){m.file, index_def(ix, m)->parent}, &roots, 0);
    if (seen == 1) {
      for (uint32_t k = 0; k < roots.len; k++) array_push(&common, roots.items[k]);
      continue;
    }
    uint32_t kept = 0; /* common = common ∩ roots */
    for (uint32_t k = 0; k < common.len; k++) {
      bool in = false;
      for (uint32_t j = 0; j < roots.len && !in; j++)
        in = roots.items[j].file == common.items[k].file &&
             roots.items[j].def == common.items[k].def;
      if (in) common.items[kept++] = common.items[k];
    }
    common.len = kept;
  }
  bool family = common.len > 0;
  array_free(&common);
  array_free(&roots);
  return family;
}

/* Whether `name` is bound in `def` otherwise than by a loop: a parameter,
 * an assignment, a with target or an import. */
static bool bound_in_def(const Index *ix, uint32_t file, int32_t def, const char *name) {
  const Facts *f = &ix->files[file];
  if (param_index(f, def, name) >= 0) return true;
  Span own = f->defs.items[def].own_assigns;
  for (uint32_t k = own.first; k < own.end; k++)
    if (strcmp(f->assigns.items[f->assign_order.items[k]].target, name) == 0) return true;
  for (uint32_t i = 0; i < f->withs.len; i++)
    if (f->withs.items[i].def == def && f->withs.items[i].alias &&
        strcmp(f->withs.items[i].alias, name) == 0)
      return true;
  for (int32_t scope = def; scope >= 0; scope = f->defs.items[scope].parent)
    for (uint32_t i = 0; i < f->imports.len; i++)
      if (f->imports.items[i].def == scope && strcmp(f->imports.items[i].bound, name) == 0)
        return true;
  return false;
}

/* A receiver annotated with a union (`llm: Union[BaseLLM, InstructorLLM]`,
 * `client: A | B | None`): method `name` of each project class in it and
 * their overrides, into out. Returns how many members are project classes. */
static uint32_t union_targets(const Index *ix, uint32_t file, int32_t def, const char *dotted,
                              const char *name, DefRefs *out, uint32_t first) {
  char recv[NAME_CAP];
  if (!join(recv, dotted, (size_t)(name - 1 - dotted), "", 0)) return 0;
  const char *ann = annotation_of(&ix->files[file], def, recv);
  if (!ann) return 0;
  size_t len;
  const char *u = strstr(ann, "Union[");
  const char *p = u ? u + 6 : annotation_main(ann, &len), *end = p + strlen(p);
  if (!u && !strchr(p, '|')) return 0; /* `A | B`, inside Optional[...] too */
  uint32_t classes = 0;
  for (int nest = 0; p < end;) {
    while (*p == ' ' || *p == '"' || *p == '\'' || *p == ',' || *p == '|') p++;
    size_t n = strcspn(p, " ,|[]\"'");
    char member[NAME_CAP];
    if (n && join(member, p, n, "", 0) && strcmp(member, "None") != 0 && nest == 0) {
      DefRef cls = resolve_name(ix, file, def, member, 1, NULL);
      if (defref_ok(cls) && index_def(ix, cls)->kind == DEF_CLASS) {
        classes++;
        DefRef m = lookup_method(ix, cls, name, 0);
        if (defref_ok(m) && out->len - first < OVERRIDES_CAP) push_target(out, first, m);
        collect_overrides(ix, cls, name, out, first);
      }
    }
    p += n;
    if (*p == '[')
      nest++, p++;
    else if (*p == ']' && nest-- == 0)
      break;
    else if (*p == ']')
      p++;
    else if (!n && *p && !strchr(" ,|\"'", *p))
      p++;
  }
  return classes;
}

static ResolvedHow targets_of(const Index *ix, uint32_t file, int32_t def, const char *dotted,
                              DefRefs *out, bool by_name) {
  uint32_t first = out->len;
  DefRef recv = unresolved(file);
  DefRef r = resolve_name(ix, file, def, dotted, 0, &recv);
  if (defref_ok(r)) push_target(out, first, r);
  const char *name = strrchr(dotted, '.');
  if (!name || strpbrk(dotted, "?(")) return defref_ok(r) ? RESOLVED_EXACT : RESOLVED_NONE;
  name++;
  if (str_starts_with(name, "__")) return defref_ok(r) ? RESOLVED_EXACT : RESOLVED_NONE;
  if (union_targets(ix, file, def, dotted, name, out, first) > 1)
    return out->len - first ? RESOLVED_OVERRIDES : RESOLVED_NONE;
  if (defref_ok(recv)) {
    if (defref_ok(r) && index_def(ix, r)->kind != DEF_FUNCTION) return RESOLVED_EXACT;
    collect_overrides(ix, recv, name, out, first);
    uint32_t n = out->len - first;
    /* a Protocol: every project method of that name may implement it */
    if (n <= 1 &&
        is_protocol(ix, defref_ok(r) ? (DefRef){r.file, index_def(ix, r)->parent} : recv) &&
        !(ix->k && knowledge_has(ix->k, FACT_BUILTIN_METHOD, name)) &&
        methods_named(ix, file, name, out, first, false) == RESOLVED_NAME && out->len - first > n)
      return RESOLVED_NAME;
    return n == 0 ? RESOLVED_NONE : n == 1 && defref_ok(r) ? RESOLVED_EXACT : RESOLVED_OVERRIDES;
  }
  if (defref_ok(r) || !by_name) return defref_ok(r) ? RESOLVED_EXACT : RESOLVED_NONE;
  if (ix->k && knowledge_has(ix->k, FACT_BUILTIN_METHOD, name)) return RESOLVED_NONE;
  uint32_t at;
  if (!strmap_get(&ix->method_names, name, &at) || !ix->method_family[at] ||
      foreign_receiver(ix, file, def, dotted))
    return RESOLVED_NONE;
  return by_method_name(ix, file, name, out, first);
}

/* A registry of functions: `HANDLERS[kind](item)` where HANDLERS (a name
 * of the def, the module, or self.x) is bound to a dict or list literal of
 * names (`{"pdf": parse_pdf, "html": parse_html}`): every function named. */
static void registry_targets(const Index *ix, uint32_t file, int32_t def, const char *dotted,
                             DefRefs *out) {
  const Facts *f = &ix->files[file];
  size_t n = strlen(dotted);
  if (n < 3 || strcmp(dotted + n - 2, "[]") != 0) return;
  char name[NAME_CAP];
  if (!join(name, dotted, n - 2, "", 0) || strpbrk(name, "[]?(")) return;
  bool on_self = str_starts_with(name, "self.");
  if (strchr(on_self ? name + 5 : name, '.')) return;
  int32_t cls = on_self ? enclosing_class(f, def) : -1;
  uint32_t first = out->len;
  for (uint32_t i = 0; i < f->assigns.len; i++) {
    const Assign *a = &f->assigns.items[i];
    bool scope = on_self ? cls >= 0 && enclosing_class(f, a->def) == cls
                         : a->def == def || a->def == 0;
    if (!scope || strcmp(a->target, name) != 0 || (a->value[0] != '{' && a->value[0] != '['))
      continue;
    /* the identifiers that are values: after ':' in a dict, every item in a list */
    bool dict = a->value[0] == '{';
    for (const char *p = a->value + 1; *p;) {
      if (dict) {
        const char *colon = strchr(p, ':');
        if (!colon) break;
        p = colon + 1;
      }
      while (*p == ' ' || *p == '\n') p++;
      size_t len = 0;
      while (isalnum((unsigned char)p[len]) || p[len] == '_' || p[len] == '.') len++;
      char item[NAME_CAP];
      if (len && (p[len] == ',' || p[len] == '}' || p[len] == ']' || p[len] == ' ') &&
          join(item, p, len, "", 0)) {
        DefRef r = resolve_name(ix, file, a->def, item, 1, NULL);
        if (defref_ok(r) && index_def(ix, r)->kind == DEF_FUNCTION && out->len - first < TARGETS_CAP)
          push_target(out, first, r);
      }
      const char *comma = strchr(p, ',');
      if (!comma) break;
      p = comma + 1;
    }
  }
}

ResolvedHow index_name_targets(const Index *ix, uint32_t file, int32_t def, const char *dotted,
                               DefRefs *out) {
  ResolvedHow how = targets_of(ix, file, def, dotted, out, true);
  if (how == RESOLVED_NONE) { /* a called parameter, or a registry's entry */
    uint32_t first = out->len;
    callable_param_targets(ix, file, def, dotted, out);
    if (out->len == first) registry_targets(ix, file, def, dotted, out);
    if (out->len > first) return RESOLVED_CALLABLE;
  }
  /* a task over a comprehension's variable (`agent.run(q) for agent in
   * agents`): a name bound nowhere else in the def may be a project object */
  const char *dot = strchr(dotted, '.');
  char name[NAME_CAP];
  if (how != RESOLVED_NONE || !dot || strchr(dot + 1, '.') ||
      !join(name, dotted, (size_t)(dot - dotted), "", 0) || strcmp(name, "self") == 0 ||
      strcmp(name, "cls") == 0 || bound_in_def(ix, file, def, name) ||
      (ix->k && knowledge_has(ix->k, FACT_BUILTIN_METHOD, dot + 1)))
    return how;
  return by_method_name(ix, file, dot + 1, out, out->len);
}

const Import *index_import(const Index *ix, uint32_t file, int32_t scope, const char *name,
                           size_t n) {
  char buf[256];
  int len = snprintf(buf, sizeof buf, "%d\t%.*s", scope, (int)n, name);
  uint32_t i;
  if (len < 0 || (size_t)len >= sizeof buf || !strmap_get(&ix->imports[file], buf, &i)) return NULL;
  return &ix->files[file].imports.items[i];
}

const CallRef *index_callers(const Index *ix, DefRef d, uint32_t *count) {
  uint32_t g = index_global_def(ix, d);
  *count = ix->caller_start[g + 1] - ix->caller_start[g];
  return ix->callers + ix->caller_start[g];
}

/* The first site at or after (file, line). */
static uint32_t site_lower_bound(const Index *ix, uint32_t file, uint32_t line) {
  uint32_t lo = 0, hi = ix->sites.len;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    const SiteRef *s = &ix->sites.items[mid];
    if (s->file < file || (s->file == file && s->site.pos.line < line))
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

void index_def_sites(const Index *ix, DefRef d, uint32_t *first, uint32_t *end) {
  const Def *def = index_def(ix, d);
  uint32_t from = d.def > 0 ? def->pos.line : 0, to = d.def > 0 ? def->end_line : UINT32_MAX - 1;
  *first = site_lower_bound(ix, d.file, from);
  *end = site_lower_bound(ix, d.file, to + 1);
}

char *index_def_name(const Index *ix, DefRef r) {
  const Facts *f = &ix->files[r.file];
  const char *q = r.def > 0 ? f->defs.items[r.def].qualname : "<module>";
  return xasprintf("%s:%s", f->path, q);
}

/* Parameter position that call argument `arg` lands in (methods take self). */
static uint32_t param_for_arg(const Facts *f, int32_t def, uint32_t arg, bool via_attribute) {
  const Def *d = &f->defs.items[def];
  if (via_attribute && d->parent >= 0 && f->defs.items[d->parent].kind == DEF_CLASS &&
      d->params.count) {
    const char *p0 = f->names.items[d->params.first];
    if (strcmp(p0, "self") == 0 || strcmp(p0, "cls") == 0) return arg + 1;
  }
  return arg;
}

static int cmp_sites(const void *pa, const void *pb) {
  const SiteRef *a = pa, *b = pb;
  if (a->file != b->file) return a->file < b->file ? -1 : 1;
  if (a->site.pos.line != b->site.pos.line) return a->site.pos.line < b->site.pos.line ? -1 : 1;
  if (a->site.pos.col != b->site.pos.col) return a->site.pos.col < b->site.pos.col ? -1 : 1;
  return 0;
}

/* A fan-out over a name imported from a module of the project that binds it
 * once to a literal and never grows it (`from .config import MODELS`, also
 * `range(N)`): as fixed as it is there. Re-exports are followed. */
static void imported_width(Index *ix, uint32_t file, int32_t def, Width *w) {
  if (w->kind != WIDTH_DATA || w->param >= 0 || w->source || !w->expr) return;
  const char *name = w->expr;
  size_t n = strlen(name);
  bool range = n > 7 && strncmp(name, "range(", 6) == 0 && name[n - 1] == ')';
  if (range) name += 6, n -= 7;
  if (!n || n >= NAME_CAP) return;
  for (size_t i = 0; i < n; i++)
    if (!(name[i] == '_' || isalnum((unsigned char)name[i]))) return;
  char want[NAME_CAP];
  memcpy(want, name, n);
  want[n] = '\0';
  uint32_t at = file;
  int32_t scope = def;
  for (unsigned hop = 0; hop < RESOLVE_DEPTH; hop++) {
    const Facts *f = &ix->files[at];
    const Const *k = hop ? facts_module_const(f, want) : NULL;
    if (k && (range || k->value >= 0)) {
      char *text = xasprintf("%lld (%s)", (long long)k->value, w->expr);
      w->kind = WIDTH_FIXED;
      w->count = k->value;
      w->expr = arena_strdup(&ix->strings, text);
      free(text);
      return;
    }
    const Import *im = NULL; /* the import binding it, in the def or the module */
    for (uint32_t i = f->imports.len; i-- > 0 && !im;)
      if (f->imports.items[i].is_from && strcmp(f->imports.items[i].bound, want) == 0 &&
          (f->imports.items[i].def == 0 || f->imports.items[i].def == scope))
        im = &f->imports.items[i];
    const char *dot = im ? strrchr(im->target, '.') : NULL;
    if (!dot || (size_t)(dot - im->target) >= NAME_CAP || strlen(dot + 1) >= NAME_CAP) return;
    char module[NAME_CAP];
    memcpy(module, im->target, (size_t)(dot - im->target));
    module[dot - im->target] = '\0';
    memmove(want, dot + 1, strlen(dot + 1) + 1);
    if (!strmap_get(&ix->modules, module, &at)) return;
    scope = 0;
  }
}

/* The callers of every definition, from every call's targets. */
static void build_callers(Index *ix) {
  free(ix->caller_start);
  free(ix->callers);
  ix->caller_start = xcalloc((size_t)ix->ndefs + 1, sizeof(uint32_t));
  for (uint32_t i = 0; i < ix->nfiles; i++)
    for (uint32_t c = 0; c < ix->files[i].calls.len; c++) {
      Targets t = index_call_targets(ix, i, c);
      for (uint32_t k = 0; k < t.len; k++) ix->caller_start[gdef(ix, t.items[k]) + 1]++;
    }
  for (uint32_t g = 0; g < ix->ndefs; g++) ix->caller_start[g + 1] += ix->caller_start[g];
  ix->callers = xcalloc(ix->caller_start[ix->ndefs] + 1, sizeof(CallRef));
  uint32_t *fill = xcalloc((size_t)ix->ndefs + 1, sizeof(uint32_t));
  for (uint32_t i = 0; i < ix->nfiles; i++)
    for (uint32_t c = 0; c < ix->files[i].calls.len; c++) {
      Targets t = index_call_targets(ix, i, c);
      for (uint32_t k = 0; k < t.len; k++) {
        uint32_t g = gdef(ix, t.items[k]);
        ix->callers[ix->caller_start[g] + fill[g]++] = (CallRef){i, c};
      }
    }
  free(fill);
}

/* The parameter of `def` named `name` (its position), or -1; self and cls
 * count, as a call's arguments are matched with param_for_arg. */
static int32_t param_index(const Facts *f, int32_t def, const char *name) {
  const Def *d = &f->defs.items[def];
  for (uint32_t i = 0; i < d->params.count && d->kind == DEF_FUNCTION; i++) {
    const char *p = f->names.items[d->params.first + i];
    if (*p == '*') p++;
    if (strcmp(p, name) == 0) return (int32_t)i;
  }
  return -1;
}

const char *index_argument(const Index *ix, CallRef cr, DefRef callee, int32_t param) {
  const Facts *cf = &ix->files[cr.file];
  const Call *c = &cf->calls.items[cr.call];
  const Facts *tf = &ix->files[callee.file];
  const char *pname = tf->names.items[index_def(ix, callee)->params.first + (uint32_t)param];
  if (c->flags & CALL_REFERENCE) return NULL;
  for (uint32_t k = 0; k < c->nkwargs; k++)
    if (strcmp(cf->kwargs.items[c->first_kwarg + k].name, pname) == 0)
      return cf->kwargs.items[c->first_kwarg + k].value;
  bool init = strcmp(index_def(ix, callee)->name, "__init__") == 0; /* Class(args): self is made */
  for (uint32_t a = 0; a < c->args.count; a++)
    if (param_for_arg(tf, callee.def, a, init || strchr(c->callee, '.') != NULL) == (uint32_t)param)
      return cf->names.items[c->args.first + a];
  return NULL;
}

/* The functions an argument text names: `f`, `self.method`, `obj.method`,
 * `partial(f, ...)` / `functools.partial(f, ...)`. */
static void callable_targets(const Index *ix, uint32_t file, int32_t def, const char *arg,
                             DefRefs *out, uint32_t first) {
  char name[NAME_CAP];
  size_t n = strlen(arg);
  if (n >= NAME_CAP) return;
  if ((str_starts_with(arg, "partial(") || str_starts_with(arg, "functools.partial("))) {
    const char *open = strchr(arg, '(') + 1;
    n = strcspn(open, ",)");
    memcpy(name, open, n);
  } else {
    memcpy(name, arg, n);
  }
  name[n] = '\0';
  for (size_t i = 0; i < n; i++)
    if (!(name[i] == '_' || name[i] == '.' || isalnum((unsigned char)name[i]))) return;
  DefRefs t = {0};
  targets_of(ix, file, def, name, &t, true);
  for (uint32_t k = 0; k < t.len && out->len - first < TARGETS_CAP; k++)
    if (index_def(ix, t.items[k])->kind == DEF_FUNCTION) push_target(out, first, t.items[k]);
  array_free(&t);
}

/* A called parameter, directly (`fn(row)`) or held on self from one in
 * __init__ (`self.func(item)`): the functions the callers pass for it,
 * appended to `out`. */
static void callable_param_targets(const Index *ix, uint32_t fi, int32_t def, const char *callee,
                                   DefRefs *out) {
  const Facts *f = &ix->files[fi];
  int32_t owner = def; /* the def whose parameter it is */
  if (str_starts_with(callee, "self.") && !strchr(callee + 5, '.')) {
    int32_t cls = enclosing_class(f, def); /* self.func = func in a method of the class */
    owner = -1;
    Span sp = cls >= 0 ? f->defs.items[cls].assigns_span : (Span){0, 0};
    for (uint32_t i = sp.first; i < sp.end && owner < 0; i++) {
      const Assign *a = &f->assigns.items[i];
      if (a->call < 0 && strcmp(a->target, callee) == 0 && param_index(f, a->def, a->value) >= 0) {
        owner = a->def;
        callee = a->value;
      }
    }
    if (owner < 0) return;
  } else if (strpbrk(callee, ".?(")) {
    return;
  }
  int32_t param = param_index(f, owner, callee);
  if (param < 0) return;
  uint32_t ncallers;
  const Def *od = &f->defs.items[owner];
  bool init = strcmp(od->name, "__init__") == 0 && od->parent > 0; /* called as the class */
  const CallRef *callers = index_callers(ix, (DefRef){fi, init ? od->parent : owner}, &ncallers);
  uint32_t first = out->len;
  for (uint32_t k = 0; k < ncallers && k < 32; k++) {
    const char *arg = index_argument(ix, callers[k], (DefRef){fi, owner}, param);
    if (!arg) continue;
    const Facts *cf = &ix->files[callers[k].file];
    callable_targets(ix, callers[k].file, cf->calls.items[callers[k].call].def, arg, out, first);
  }
}

/* Calls on receivers of unknown type: the project methods of that name,
 * when one class family defines them all. */
static ResolvedHow by_name_pass(const Index *ix, uint32_t file, const Call *c, DefRefs *out) {
  const char *dot = strrchr(c->callee, '.');
  uint32_t at; /* most calls left are a library's: their method is no project family's */
  if (!dot || !strmap_get(&ix->method_names, dot + 1, &at) || !ix->method_family[at])
    return RESOLVED_NONE;
  return targets_of(ix, file, c->def, c->callee, out, true) == RESOLVED_NAME ? RESOLVED_NAME
                                                                             : RESOLVED_NONE;
}

/* Calls of a parameter: what its callers pass. */
static ResolvedHow callable_pass(const Index *ix, uint32_t file, const Call *c, DefRefs *out) {
  callable_param_targets(ix, file, c->def, c->callee, out);
  if (!out->len) registry_targets(ix, file, c->def, c->callee, out);
  return RESOLVED_CALLABLE;
}

/* A pass over the calls still unresolved after resolution by name (they
 * need the callers, which need the calls resolved first): each gets the
 * targets `pass` finds. Returns whether any call gained targets. */
static bool resolve_more(Index *ix,
                         ResolvedHow (*pass)(const Index *, uint32_t, const Call *, DefRefs *)) {
  bool any = false;
  DefRefs t = {0};
  for (uint32_t fi = 0; fi < ix->nfiles; fi++) {
    const Facts *f = &ix->files[fi];
    for (uint32_t ci = 0; ci < f->calls.len; ci++) {
      const Call *c = &f->calls.items[ci];
      if (defref_ok(ix->resolved[fi][ci]) || (c->flags & CALL_REFERENCE)) continue;
      t.len = 0;
      ResolvedHow how = pass(ix, fi, c, &t);
      if (how == RESOLVED_NONE || !t.len) continue;
      ix->resolved[fi][ci] = t.items[0];
      dispatch_set(&ix->dispatch[fi], f->calls.len, ci, &t, how);
      any = true;
    }
  }
  array_free(&t);
  return any;
}

/* The parameter of `def` that positional argument `arg` lands in: from a
 * `*args` parameter on, every later argument lands in it; -1 past the last. */
static int32_t helper__param(const Facts *tf, int32_t def, uint32_t arg, bool via_attribute) {
  const Def *d = &tf->defs.items[def];
  uint32_t p = param_for_arg(tf, def, arg, via_attribute);
  for (uint32_t i = 0; i < d->params.count && i <= p; i++) {
    const char *name = tf->names.items[d->params.first + i];
    if (name[0] == '*') return name[1] == '*' ? -1 : (int32_t)i;
  }
  return p < d->params.count ? (int32_t)p : -1;
}

/* Whether a site of this kind runs the items of a list it is given (not
 * functions to call, as run_in_executor does). */
static bool helper__runs_items(SiteKind k) {
  return k == SITE_GATHER || k == SITE_WAIT || k == SITE_AS_COMPLETED || k == SITE_CREATE_TASK ||
         k == SITE_ENSURE_FUTURE || k == SITE_START_SOON || k == SITE_HELPER;
}

/* Whether a wrapper awaits what it is given (`async with sem: return await
 * coro`, also through wait_for or shield) rather than passing it as data to
 * a call of its own (`return await self.run(question)`). */
static bool mentions(const char *text, const char *name);

static bool helper__awaits_param(const Facts *f, int32_t def) {
  const Def *d = &f->defs.items[def];
  for (uint32_t k = d->own_calls.first; k < d->own_calls.end; k++) {
    const Call *c = &f->calls.items[f->call_order.items[k]];
    const char *last = strrchr(c->callee, '.') ? strrchr(c->callee, '.') + 1 : c->callee;
    if (strcmp(last, "wait_for") == 0 || strcmp(last, "shield") == 0) continue;
    for (uint32_t p = 0; p < d->params.count; p++) {
      const char *name = f->names.items[d->params.first + p];
      /* the parameter used in an argument (`get(URL, params={"q": query})`):
       * data the wrapper builds a request from, not a coroutine it awaits */
      for (uint32_t a = 0; a < c->args.count; a++)
        if (mentions(f->names.items[c->args.first + a], name)) return false;
      for (uint32_t k2 = 0; k2 < c->nkwargs; k2++)
        if (mentions(f->kwargs.items[c->first_kwarg + k2].value, name)) return false;
    }
  }
  return true;
}

/* Whether a site of helper `h` runs the items of the list it is given, not
 * tasks it makes from them: its items are opaque (`gather(*coros)`), or each
 * is wrapped in a function defined inside the helper (`bounded(c)` taking a
 * semaphore). A list of data passed on to an orchestrator is no fan-out of
 * the caller's: that one is reported where the orchestrator makes its tasks. */
static bool helper__runs_given_items(const Index *ix, DefRef h, const SiteRef *sr) {
  const Facts *f = &ix->files[sr->file];
  for (uint32_t t = 0; t < sr->site.targets.count; t++) {
    DefRef r =
        index_resolve_name(ix, sr->file, sr->site.def, f->names.items[sr->site.targets.first + t]);
    if (!defref_ok(r) || r.file != h.file) return false;
    int32_t d = r.def;
    while (d > 0 && d != h.def) d = f->defs.items[d].parent;
    if (d != h.def || !helper__awaits_param(f, r.def)) return false;
  }
  return true;
}

/* The source text a call passes for parameter `param` of `target`, by
 * position or by keyword, or NULL. */
static const char *helper__arg_text(const Index *ix, uint32_t file, const Call *c, DefRef target,
                                    uint32_t param) {
  const Facts *f = &ix->files[file], *tf = &ix->files[target.file];
  const Def *d = &tf->defs.items[target.def];
  if (param >= d->params.count) return NULL;
  uint32_t shift = param_for_arg(tf, target.def, 0, strchr(c->callee, '.') != NULL);
  if (param >= shift && param - shift < c->args.count && !(c->flags & CALL_STAR_ARGS))
    return f->names.items[c->args.first + param - shift];
  const char *name = tf->names.items[d->params.first + param];
  for (uint32_t k = 0; k < c->nkwargs; k++)
    if (strcmp(f->kwargs.items[c->first_kwarg + k].name, name) == 0)
      return f->kwargs.items[c->first_kwarg + k].value;
  return NULL;
}

/* The width of a call of a helper whose own fan-out over the list has width
 * `inner`: the helper's batches when it cuts the list into groups of a
 * constant size, or of the size the call passes; else the list's width. */
static Width helper__width(Index *ix, uint32_t file, const Call *c, DefRef target,
                           const ListArg *la, const Width *inner) {
  Width w = la->width;
  const char *size = NULL;
  if (inner->kind == WIDTH_FIXED) {
    w = *inner;
  } else if (inner->batch_by &&
             (size = helper__arg_text(ix, file, c, target, inner->batch_by - 1)) != NULL) {
    char *end;
    long long n = strtoll(size, &end, 10);
    const Const *k = facts_module_const(&ix->files[file], size);
    bool literal = *size && !*end && n >= 0;
    if (literal || (k && (n = k->value, true))) {
      char *text = literal ? xasprintf("%lld", n) : xasprintf("%lld (%s)", n, size);
      w.kind = WIDTH_FIXED;
      w.count = n;
      w.expr = arena_strdup(&ix->strings, text);
      w.source = NULL;
      free(text);
    }
  }
  w.param = la->width.param; /* a helper handing its own parameter on is a helper too */
  w.batch_by = la->width.batch_by;
  return w;
}

/* Whether the items of a list are what project functions return, not
 * coroutines: every definition the item call may run is a sync function
 * (`[row.as_payload() for row in rows]`). */
static bool sync_items(const Index *ix, uint32_t file, int32_t def, const char *callee) {
  DefRefs t = {0};
  index_name_targets(ix, file, def, callee, &t);
  bool sync = t.len > 0;
  for (uint32_t i = 0; i < t.len && sync; i++) {
    const Def *d = index_def(ix, t.items[i]);
    sync = d->kind == DEF_FUNCTION && !d->is_async;
  }
  array_free(&t);
  return sync;
}

/* Calls of project functions that fan out a list argument: the function has
 * a site (or such a call, found in an earlier round) whose width comes from
 * the parameter the list lands in. Rounds repeat until none adds a site, so
 * helpers built on helpers are seen (bounded by RESOLVE_DEPTH rounds). */
static void find_helper_sites(Index *ix) {
  uint32_t cap = ix->sites.len + 64;
  int32_t *first = xmalloc((size_t)ix->ndefs * sizeof(int32_t) + 1);
  int32_t *next = xmalloc(cap * sizeof(int32_t));
  for (uint32_t g = 0; g < ix->ndefs; g++) first[g] = -1;
  for (uint32_t i = ix->sites.len; i-- > 0;) { /* chains in site order */
    const SiteRef *sr = &ix->sites.items[i];
    uint32_t g = index_global_def(ix, (DefRef){sr->file, sr->site.def});
    next[i] = first[g];
    first[g] = (int32_t)i;
  }
  uint8_t **done = xcalloc(ix->nfiles ? ix->nfiles : 1, sizeof(uint8_t *));
  for (uint32_t fi = 0; fi < ix->nfiles; fi++) done[fi] = xcalloc(ix->files[fi].calls.len + 1, 1);
  bool added = true;
  for (unsigned round = 0; added && round < RESOLVE_DEPTH; round++) {
    added = false;
    for (uint32_t fi = 0; fi < ix->nfiles; fi++) {
      const Facts *f = &ix->files[fi];
      for (uint32_t ci = 0; ci < f->calls.len; ci++) {
        const Call *c = &f->calls.items[ci];
        DefRef target = ix->resolved[fi][ci];
        if (c->list_arg < 0 || done[fi][ci] || !defref_ok(target)) continue;
        const Facts *tf = &ix->files[target.file];
        if (tf->defs.items[target.def].kind != DEF_FUNCTION) continue;
        const ListArg *la = NULL;
        const Width *inner = NULL;
        for (int32_t a = c->list_arg; a >= 0 && !inner; a++) {
          la = &f->list_args.items[a];
          int32_t param = helper__param(tf, target.def, la->arg, strchr(c->callee, '.') != NULL);
          /* no calls seen, or calls of sync functions: data or a param */
          bool passed_on = !*f->names.items[la->target] ||
                           sync_items(ix, fi, c->def, f->names.items[la->target]);
          for (int32_t s = first[index_global_def(ix, target)]; s >= 0 && param >= 0 && !inner;
               s = next[s]) {
            const Site *site = &ix->sites.items[s].site;
            if (site->width.param == param && helper__runs_items(site->kind) &&
                (!passed_on || helper__runs_given_items(ix, target, &ix->sites.items[s])))
              inner = &site->width;
          }
          if (!la->more) break;
        }
        if (!inner) continue;
        done[fi][ci] = 1;
        SiteRef sr = {0};
        sr.file = fi;
        sr.helper = target;
        sr.site.kind = SITE_HELPER;
        sr.site.width = helper__width(ix, fi, c, target, la, inner);
        if (sr.site.width.kind == WIDTH_FIXED && sr.site.width.count >= 0 &&
            sr.site.width.count <= 1)
          continue;
        imported_width(ix, fi, c->def, &sr.site.width);
        const char *item = f->names.items[la->target];
        sr.site.targets = (NameList){la->target, *item ? 1 : 0};
        sr.site.def = c->def;
        sr.site.call = (int32_t)ci;
        sr.site.pos = c->pos;
        array_push(&ix->sites, sr);
        if (ix->sites.len > cap) {
          cap *= 2;
          next = xrealloc(next, cap * sizeof(int32_t));
        }
        int32_t *link = &first[index_global_def(ix, (DefRef){fi, c->def})];
        while (*link >= 0) link = &next[*link]; /* found later, tried last */
        *link = (int32_t)ix->sites.len - 1;
        next[ix->sites.len - 1] = -1;
        added = true;
      }
    }
  }
  for (uint32_t fi = 0; fi < ix->nfiles; fi++) free(done[fi]);
  free(done);
  free(first);
  free(next);
}

/* Record the targets of call `c` of a file with `ncalls` calls. */
static void dispatch_set(Dispatch *d, uint32_t ncalls, uint32_t c, const DefRefs *t,
                         ResolvedHow how) {
  if (!d->span) {
    d->span = xcalloc(ncalls, sizeof(Span));
    d->how = xcalloc(ncalls, 1);
  }
  d->span[c].first = d->defs.len;
  for (uint32_t k = 0; k < t->len; k++) array_push(&d->defs, t->items[k]);
  d->span[c].end = d->defs.len;
  d->how[c] = (uint8_t)how;
}

typedef struct {
  const char *name;
  DefRef def;
} NamedDef;

static int cmp_named(const void *pa, const void *pb) {
  const NamedDef *a = pa, *b = pb;
  int c = strcmp(a->name, b->name);
  if (c) return c;
  if (a->def.file != b->def.file) return a->def.file < b->def.file ? -1 : 1;
  return a->def.def < b->def.def ? -1 : a->def.def > b->def.def;
}

/* The class tables: each class's project bases and direct subclasses, and
 * the methods of every class by name. */
static void build_classes(Index *ix) {
  DefRefs edges = {0}; /* pairs: class, base */
  for (uint32_t fi = 0; fi < ix->nfiles; fi++) {
    const Facts *f = &ix->files[fi];
    for (uint32_t d = 1; d < f->defs.len; d++) {
      const Def *c = &f->defs.items[d];
      if (c->kind == DEF_FUNCTION && c->parent > 0 && f->defs.items[c->parent].kind == DEF_CLASS)
        array_push(&ix->methods, ((DefRef){fi, (int32_t)d}));
      if (c->kind != DEF_CLASS) continue;
      if (c->parent == 0 && !is_test(ix, fi)) { /* module-level classes by name */
        uint32_t g = ix->def_base[fi] + d, seen;
        strmap_put(&ix->class_names, c->name, strmap_get(&ix->class_names, c->name, &seen) ? UINT32_MAX : g);
      }
      for (uint32_t b = 0; b < c->bases.count; b++) {
        DefRef base = resolve_base(ix, fi, c, f->names.items[c->bases.first + b]);
        if (!defref_ok(base) || index_def(ix, base)->kind != DEF_CLASS ||
            (base.file == fi && base.def == (int32_t)d))
          continue;
        array_push(&edges, ((DefRef){fi, (int32_t)d}));
        array_push(&edges, base);
      }
    }
  }
  ix->base_start = xcalloc((size_t)ix->ndefs + 1, sizeof(uint32_t));
  ix->sub_start = xcalloc((size_t)ix->ndefs + 1, sizeof(uint32_t));
  uint32_t n = edges.len / 2;
  ix->bases = xcalloc(n + 1, sizeof(DefRef));
  ix->subs = xcalloc(n + 1, sizeof(DefRef));
  for (uint32_t e = 0; e < n; e++) {
    ix->base_start[gdef(ix, edges.items[2 * e]) + 1]++;
    ix->sub_start[gdef(ix, edges.items[2 * e + 1]) + 1]++;
  }
  for (uint32_t g = 0; g < ix->ndefs; g++) {
    ix->base_start[g + 1] += ix->base_start[g];
    ix->sub_start[g + 1] += ix->sub_start[g];
  }
  uint32_t *bfill = xcalloc((size_t)ix->ndefs + 1, sizeof(uint32_t));
  uint32_t *sfill = xcalloc((size_t)ix->ndefs + 1, sizeof(uint32_t));
  for (uint32_t e = 0; e < n; e++) {
    uint32_t c = gdef(ix, edges.items[2 * e]), b = gdef(ix, edges.items[2 * e + 1]);
    ix->bases[ix->base_start[c] + bfill[c]++] = edges.items[2 * e + 1];
    ix->subs[ix->sub_start[b] + sfill[b]++] = edges.items[2 * e];
  }
  free(bfill);
  free(sfill);
  array_free(&edges);
  Array(NamedDef) named = {0};
  array_reserve(&named, ix->methods.len);
  for (uint32_t i = 0; i < ix->methods.len; i++)
    named.items[named.len++] =
        (NamedDef){index_def(ix, ix->methods.items[i])->name, ix->methods.items[i]};
  if (named.len) qsort(named.items, named.len, sizeof(NamedDef), cmp_named);
  for (uint32_t i = 0; i < named.len; i++) ix->methods.items[i] = named.items[i].def;
  for (uint32_t i = named.len; i-- > 0;) /* the first of each name wins */
    strmap_put(&ix->method_names, named.items[i].name, i);
  ix->method_family = xcalloc(named.len + 1, 1);
  for (uint32_t i = 0, len; i < named.len; i += len) {
    for (len = 1;
         i + len < named.len && strcmp(named.items[i + len].name, named.items[i].name) == 0;)
      len++;
    ix->method_family[i] = (uint8_t)((one_family(ix, i, len, true) ? FAMILY_ALL : 0) |
                                     (one_family(ix, i, len, false) ? FAMILY_NON_TEST : 0));
  }
  array_free(&named);
}

/* ---- deferred fan-outs: an executor's submit in a loop ---------------- */

/* Whether `text` uses `name` as a whole identifier. */
static bool mentions(const char *text, const char *name) {
  size_t n = strlen(name);
  for (const char *p = strstr(text, name); n && p; p = strstr(p + 1, name)) {
    bool left = p == text || !(isalnum((unsigned char)p[-1]) || p[-1] == '_' || p[-1] == '.');
    bool right = !(isalnum((unsigned char)p[n]) || p[n] == '_');
    if (left && right) return true;
  }
  return false;
}

/* The parameter of method `m` that it queues on its object: a call
 * `self.jobs.append(...)` (or appendleft, put_nowait) whose argument holds the
 * parameter, or a local made from it (`wrapped = self.wrap(fn)`). -1: none. */
static int32_t queued_param(const Index *ix, DefRef m) {
  const Facts *f = &ix->files[m.file];
  const Def *d = index_def(ix, m);
  for (uint32_t k = d->own_calls.first; k < d->own_calls.end; k++) {
    const Call *c = &f->calls.items[f->call_order.items[k]];
    const char *last = str_last_component(c->callee);
    if (!str_starts_with(c->callee, "self.") || !c->arg0 || (c->flags & CALL_AWAITED) ||
        !(strcmp(last, "append") == 0 || strcmp(last, "appendleft") == 0 ||
          strcmp(last, "put_nowait") == 0))
      continue;
    for (uint32_t p = 1; p < d->params.count; p++) {
      const char *name = f->names.items[d->params.first + p];
      if (*name == '*') continue;
      bool held = mentions(c->arg0, name);
      for (uint32_t a = d->own_assigns.first; a < d->own_assigns.end && !held; a++) {
        const Assign *as = &f->assigns.items[f->assign_order.items[a]];
        held = as->call >= 0 && mentions(as->value, name) && mentions(c->arg0, as->target);
      }
      if (held) return (int32_t)p;
    }
  }
  return -1;
}

/* Where class `cls` runs what it queues concurrently: the first of its
 * methods (or a function nested in one) that holds a fan-out site; def -1
 * when none does. */
static DefRef class_fan_out(const Index *ix, DefRef cls) {
  const Facts *f = &ix->files[cls.file];
  for (uint32_t i = 0; i < ix->sites.len; i++) {
    const SiteRef *sr = &ix->sites.items[i];
    if (sr->file != cls.file) continue;
    for (int32_t d = sr->site.def; d > 0; d = f->defs.items[d].parent)
      if (f->defs.items[d].parent == cls.def) return (DefRef){cls.file, sr->site.def};
  }
  return unresolved(cls.file);
}

/* A helper that gathers its `*coros` called with a few coroutines written
 * out (`semaphore_gather(edge_search(q), node_search(q))`): a fan-out of
 * fixed width, listed like `asyncio.gather(a(), b())`. The tasks are the
 * argument calls; the helper's site must run what it is given. */
static void find_fixed_helper_calls(Index *ix) {
  uint32_t nsites = ix->sites.len;
  int32_t *first = xmalloc(((size_t)ix->ndefs + 1) * sizeof(int32_t)); /* sites by def */
  int32_t *next = xmalloc(((size_t)nsites + 1) * sizeof(int32_t));
  for (uint32_t g = 0; g < ix->ndefs; g++) first[g] = -1;
  for (uint32_t i = nsites; i-- > 0;) {
    uint32_t g = index_global_def(ix, (DefRef){ix->sites.items[i].file, ix->sites.items[i].site.def});
    next[i] = first[g];
    first[g] = (int32_t)i;
  }
  for (uint32_t fi = 0; fi < ix->nfiles; fi++) {
    const Facts *f = &ix->files[fi];
    for (uint32_t ci = 0; ci < f->calls.len; ci++) {
      const Call *c = &f->calls.items[ci];
      DefRef h = ix->resolved[fi][ci];
      if (c->list_arg >= 0 || c->nargs < 2 || (c->flags & (CALL_STAR_ARGS | CALL_REFERENCE)) ||
          !defref_ok(h) || index_def(ix, h)->kind != DEF_FUNCTION)
        continue;
      const Facts *hf = &ix->files[h.file];
      const Def *hd = index_def(ix, h);
      int32_t star = -1; /* the *coros parameter */
      for (uint32_t p = 0; p < hd->params.count && star < 0; p++) {
        const char *name = hf->names.items[hd->params.first + p];
        if (name[0] == '*' && name[1] != '*') star = (int32_t)p;
      }
      if (star < 0) continue;
      bool gathers = false;
      for (int32_t i = first[index_global_def(ix, h)]; i >= 0 && !gathers; i = next[i]) {
        const SiteRef *sr = &ix->sites.items[i];
        gathers = sr->site.width.param == star && helper__runs_items(sr->site.kind) &&
                  (sr->site.kind == SITE_HELPER || helper__runs_given_items(ix, h, sr));
      }
      if (!gathers) continue;
      uint32_t items = 0; /* calls written as the arguments */
      for (uint32_t k = ci + 1; k < f->calls.len && f->calls.items[k].start_byte < c->end_byte; k++)
        if (f->calls.items[k].outer == (int32_t)ci) items++;
      if (items < 2) continue;
      SiteRef sr = {0};
      sr.file = fi;
      sr.helper = h;
      sr.site.kind = SITE_HELPER;
      char *text = xasprintf("%u", items);
      sr.site.width = (Width){.kind = WIDTH_FIXED, .count = items,
                              .expr = arena_strdup(&ix->strings, text), .param = -1};
      free(text);
      sr.site.def = c->def;
      sr.site.call = (int32_t)ci;
      sr.site.pos = c->pos;
      array_push(&ix->sites, sr);
    }
  }
  free(first);
  free(next);
}

/* A call of an executor's submit-style method (one that queues a callable
 * on a class that fans out what it queues) made in a loop is a fan-out
 * site: one task per iteration, running the callable passed. */
static void find_submit_sites(Index *ix) {
  for (uint32_t fi = 0; fi < ix->nfiles; fi++) {
    const Facts *f = &ix->files[fi];
    for (uint32_t d = 1; d < f->defs.len; d++) {
      const Def *m = &f->defs.items[d];
      if (m->kind != DEF_FUNCTION || m->parent <= 0 || f->defs.items[m->parent].kind != DEF_CLASS)
        continue;
      DefRef method = {fi, (int32_t)d};
      int32_t param = queued_param(ix, method);
      DefRef runner = param < 0 ? unresolved(fi) : class_fan_out(ix, (DefRef){fi, m->parent});
      if (!defref_ok(runner)) continue;
      uint32_t n;
      const CallRef *callers = index_callers(ix, method, &n);
      for (uint32_t i = 0; i < n; i++) {
        const Facts *cf = &ix->files[callers[i].file];
        const Call *c = &cf->calls.items[callers[i].call];
        if (!(c->flags & CALL_IN_LOOP) || (c->flags & CALL_REFERENCE)) continue;
        uint32_t arg = (uint32_t)param - 1; /* called on an object: self is not passed */
        if (arg >= c->args.count) continue;
        const Loop *loop = NULL; /* the innermost loop around the call */
        for (uint32_t l = 0; l < cf->loops.len; l++) {
          const Loop *lp = &cf->loops.items[l];
          if (lp->def == c->def && lp->pos.line <= c->pos.line && c->pos.line <= lp->end_line &&
              (!loop || lp->pos.line >= loop->pos.line))
            loop = lp;
        }
        if (!loop || !loop->iter || loop->is_while) continue;
        SiteRef sr = {0};
        sr.file = callers[i].file;
        sr.helper = runner; /* its limiter and timeout apply to every queued task */
        sr.site.kind = SITE_HELPER;
        sr.site.width = (Width){.kind = WIDTH_DATA,
                                .count = -1,
                                .expr = loop->iter,
                                .param = param_index(cf, c->def, loop->iter)};
        sr.site.targets = (NameList){c->args.first + arg, 1};
        sr.site.def = c->def;
        sr.site.call = (int32_t)callers[i].call;
        sr.site.pos = c->pos;
        bool dup = false;
        for (uint32_t k = 0; k < ix->sites.len && !dup; k++)
          dup = ix->sites.items[k].file == sr.file && ix->sites.items[k].site.call == sr.site.call;
        if (!dup) array_push(&ix->sites, sr);
      }
    }
  }
}

/* A race, not a fan-out of work: `asyncio.wait` of two awaitables until
 * the first completes (a result against a timeout or a cancel signal). */
static bool is_race(const Facts *f, const Site *site) {
  if (site->kind != SITE_WAIT || site->call < 0 || site->width.kind != WIDTH_FIXED ||
      site->width.count < 0 || site->width.count > 2)
    return false;
  const Call *c = &f->calls.items[site->call];
  for (uint32_t k = 0; k < c->nkwargs; k++) {
    const Kwarg *kw = &f->kwargs.items[c->first_kwarg + k];
    if (strcmp(kw->name, "return_when") == 0 && strstr(kw->value, "FIRST_COMPLETED")) return true;
  }
  return false;
}

/* Whether a gather or wait only drains tasks it has cancelled (teardown:
 * `for t in tasks: t.cancel()` then `gather(*tasks, return_exceptions=True)`):
 * it waits for no work, so it is no fan-out. */
static bool is_drain(const Facts *f, const Site *site) {
  if ((site->kind != SITE_GATHER && site->kind != SITE_WAIT) || site->call < 0) return false;
  const Call *c = &f->calls.items[site->call];
  const char *tasks = c->arg0 ? c->arg0 + (*c->arg0 == '*') : NULL;
  if (!tasks) return false;
  for (uint32_t i = 0; i < f->loops.len; i++) {
    const Loop *l = &f->loops.items[i];
    if (l->def != site->def || l->is_while || !l->target || strcmp(l->iter, tasks) != 0 ||
        l->end_line >= site->pos.line)
      continue;
    size_t n = strlen(l->target);
    for (uint32_t k = 0; k < f->calls.len; k++) {
      const Call *x = &f->calls.items[k];
      if (x->def == site->def && x->pos.line > l->pos.line && x->pos.line <= l->end_line &&
          strncmp(x->callee, l->target, n) == 0 && strcmp(x->callee + n, ".cancel") == 0)
        return true;
    }
  }
  return false;
}

/* Resolving every call reads the index and writes one row per file: files
 * are shared out over threads. */
typedef struct {
  Index *ix;
  uint32_t next;
  pthread_mutex_t lock;
} ResolveWork;

static void *resolve_worker(void *arg) {
  ResolveWork *w = arg;
  Index *ix = w->ix;
  for (;;) {
    pthread_mutex_lock(&w->lock);
    uint32_t i = w->next++;
    pthread_mutex_unlock(&w->lock);
    if (i >= ix->nfiles) return NULL;
    const Facts *f = &ix->files[i];
    DefRef *row = xcalloc(f->calls.len ? f->calls.len : 1, sizeof(DefRef));
    Dispatch *d = &ix->dispatch[i];
    DefRefs t = {0};
    for (uint32_t c = 0; c < f->calls.len; c++) {
      t.len = 0;
      ResolvedHow how =
          targets_of(ix, i, f->calls.items[c].def, f->calls.items[c].callee, &t, false);
      row[c] = t.len ? t.items[0] : unresolved(i);
      if (t.len > 1 || resolved_inferred(how)) dispatch_set(d, f->calls.len, c, &t, how);
    }
    array_free(&t);
    ix->resolved[i] = row;
  }
}

static void resolve_all(Index *ix) {
  ResolveWork w = {ix, 0, PTHREAD_MUTEX_INITIALIZER};
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  unsigned jobs = ix->nfiles < 16 || cores < 2 ? 1 : cores > 8 ? 8 : (unsigned)cores;
  pthread_t threads[8];
  unsigned started = 0;
  for (; started + 1 < jobs; started++)
    if (pthread_create(&threads[started], NULL, resolve_worker, &w) != 0) break;
  resolve_worker(&w);
  for (unsigned t = 0; t < started; t++) pthread_join(threads[t], NULL);
  pthread_mutex_destroy(&w.lock);
}

/* The length of the directory all the files share ("/tmp/x/docs/" for a run
 * over one docs folder): what a file is for is read below it, so a project
 * that lives under a `docs` or `test` directory is not all docs or tests,
 * and a run over `tests/` alone shows its findings. */
static size_t common_dir(const Facts *files, uint32_t n) {
  if (!n) return 0;
  const char *first = files[0].path;
  size_t len = strlen(first);
  for (uint32_t i = 1; i < n && len; i++) {
    size_t k = 0;
    while (k < len && files[i].path[k] == first[k]) k++;
    len = k;
  }
  while (len && first[len - 1] != '/') len--; /* back to a whole directory */
  return len;
}

void index_build(Index *ix, Facts *files, uint32_t n, const Knowledge *k) {
  memset(ix, 0, sizeof *ix);
  ix->k = k;
  ix->files = files;
  ix->nfiles = n;
  ix->qualnames = xcalloc(n ? n : 1, sizeof(StrMap));
  ix->imports = xcalloc(n ? n : 1, sizeof(StrMap));
  ix->def_base = xcalloc((size_t)n + 1, sizeof(uint32_t));
  ix->resolved = xcalloc(n ? n : 1, sizeof(DefRef *));
  ix->kinds = xcalloc(n ? n : 1, 1);
  size_t root = common_dir(files, n);
  for (uint32_t i = 0; i < n; i++) {
    Facts *f = &files[i];
    ix->kinds[i] = (uint8_t)where_code(f->path + root);
    uint32_t existing;
    /* Two files claiming one module (scripts in different dirs): the first,
     * in path order, keeps the name. */
    if (!strmap_get(&ix->modules, f->module, &existing)) strmap_put(&ix->modules, f->module, i);
    for (uint32_t d = 1; d < f->defs.len; d++)
      if (!strmap_get(&ix->qualnames[i], f->defs.items[d].qualname, NULL))
        strmap_put(&ix->qualnames[i], f->defs.items[d].qualname, d);
    for (uint32_t m = 0; m < f->imports.len; m++) { /* a later one overwrites */
      char *key = xasprintf("%d\t%s", f->imports.items[m].def, f->imports.items[m].bound);
      strmap_put(&ix->imports[i], arena_strdup(&ix->strings, key), m);
      free(key);
    }
    ix->def_base[i + 1] = ix->def_base[i] + f->defs.len;
  }
  /* Namespace packages (no __init__.py, PEP 420) and directories put on
   * sys.path by scripts: `bot/handlers/text.py` also answers to
   * `handlers.text` and `bot.handlers.text` when no real module has the name. */
  for (uint32_t i = 0; i < n; i++) {
    char *path = xstrdup(files[i].path);
    size_t len = strlen(path);
    if (len > 3 && strcmp(path + len - 3, ".py") == 0) path[len - 3] = '\0';
    if (str_ends_with(path, "/__init__")) path[strlen(path) - 9] = '\0';
    for (char *p = path; *p; p++)
      if (*p == '/') *p = '.';
    for (char *dot = strrchr(path, '.'); dot;) {
      char *name = dot + 1;
      if (strchr(name, '.') && !strmap_get(&ix->modules, name, NULL)) {
        char *key = xstrdup(name);
        array_push(&ix->module_aliases, key);
        strmap_put(&ix->modules, key, i);
      }
      *dot = '\0';
      char *prev = strrchr(path, '.');
      *dot = '.';
      dot = prev;
      if (!dot && !strmap_get(&ix->modules, path, NULL) && strchr(path, '.')) {
        char *key = xstrdup(path);
        array_push(&ix->module_aliases, key);
        strmap_put(&ix->modules, key, i);
      }
    }
    free(path);
  }
  ix->ndefs = ix->def_base[n];
  ix->dispatch = xcalloc(n ? n : 1, sizeof(Dispatch));
  build_classes(ix);
  resolve_all(ix);
  build_callers(ix);
  bool more = resolve_more(ix, by_name_pass);
  more = resolve_more(ix, callable_pass) || more;
  if (more) build_callers(ix);
  for (uint32_t i = 0; i < n; i++)
    for (uint32_t s = 0; s < files[i].sites.len; s++) {
      SiteRef sr = {i, files[i].sites.items[s], {0, -1}};
      if (is_race(&files[i], &sr.site) || is_drain(&files[i], &sr.site)) continue;
      imported_width(ix, i, sr.site.def, &sr.site.width);
      array_push(&ix->sites, sr);
    }
  find_helper_sites(ix);
  find_fixed_helper_calls(ix);
  find_submit_sites(ix);
  if (ix->sites.len) qsort(ix->sites.items, ix->sites.len, sizeof(SiteRef), cmp_sites);
}

void index_free(Index *ix) {
  for (uint32_t i = 0; i < ix->nfiles; i++) {
    strmap_free(&ix->qualnames[i]);
    strmap_free(&ix->imports[i]);
    free(ix->resolved[i]);
  }
  free(ix->qualnames);
  free(ix->imports);
  free(ix->resolved);
  free(ix->kinds);
  free(ix->def_base);
  free(ix->caller_start);
  free(ix->callers);
  for (uint32_t i = 0; i < ix->nfiles; i++) {
    free(ix->dispatch[i].span);
    free(ix->dispatch[i].how);
    array_free(&ix->dispatch[i].defs);
  }
  free(ix->dispatch);
  free(ix->base_start);
  free(ix->sub_start);
  free(ix->bases);
  free(ix->subs);
  strmap_free(&ix->method_names);
  strmap_free(&ix->class_names);
  free(ix->method_family);
  array_free(&ix->methods);
  array_free(&ix->sites);
  strmap_free(&ix->modules);
  arena_free(&ix->strings);
  for (uint32_t i = 0; i < ix->module_aliases.len; i++) free(ix->module_aliases.items[i]);
  array_free(&ix->module_aliases);
  memset(ix, 0, sizeof *ix);
}
