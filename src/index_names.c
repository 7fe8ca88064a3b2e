/* index_names: what a dotted name means in a scope of a file: local and
 * module names, imports and re-exports, self and cls, attributes typed by
 * annotations or by the values assigned to them, bases' methods. Each
 * lookup is a few map probes per part of the name, RESOLVE_DEPTH deep at most. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "index_int.h"

/* `a` (alen bytes), a dot when `b` is not empty, `b` (blen bytes) into out;
 * false when it does not fit. */
bool index__join(char out[NAME_CAP], const char *a, size_t alen, const char *b, size_t blen) {
  if (alen + 1 + blen >= NAME_CAP) return false;
  memcpy(out, a, alen);
  if (blen) out[alen++] = '.';
  memcpy(out + alen, b, blen);
  out[alen + blen] = '\0';
  return true;
}

static DefRef resolve_dotted(const Index *ix, const char *full, unsigned depth);

/* The definition named `qualname` in a file, or -1. */
int32_t index__qual_lookup(const Index *ix, uint32_t file, const char *qualname) {
  uint32_t d;
  return strmap_get(&index_file(ix, file)->tables.qualnames, qualname, &d) ? (int32_t)d : -1;
}

/* The class a base expression names: `Base`, `pkg.Base`, and the generic
 * `Base[In, Out]` or `Generic[T]` without its subscript. */
DefRef index__resolve_base(const Index *ix, uint32_t file, const Def *c, const char *text) {
  char name[NAME_CAP];
  size_t n = strcspn(text, "[");
  if (!index__join(name, text, n, "", 0)) return index__unresolved(file);
  return index_resolve_name(ix, file, c->parent < 0 ? 0 : c->parent, name);
}

/* The project bases of a class: from the class table once it is built
 * (index__build_classes), else resolved from the base expressions. */
static uint32_t base_count(const Index *ix, DefRef cls) {
  if (ix->base_start) {
    uint32_t g = index_global_def(ix, cls);
    return ix->base_start[g + 1] - ix->base_start[g];
  }
  return index_def(ix, cls)->bases.count;
}

static DefRef base_at(const Index *ix, DefRef cls, uint32_t i) {
  if (ix->base_start) return ix->bases[ix->base_start[index_global_def(ix, cls)] + i];
  const Facts *f = index_file(ix, cls.file);
  const Def *c = &f->defs.items[cls.def];
  return index__resolve_base(ix, cls.file, c, f->names.items[c->bases.first + i]);
}

/* Method `name` of class `cls`, searching in-project bases depth first. */
DefRef index__lookup_method(const Index *ix, DefRef cls, const char *name, unsigned depth) {
  if (depth > RESOLVE_DEPTH) return index__unresolved(cls.file);
  const Facts *f = index_file(ix, cls.file);
  const Def *c = &f->defs.items[cls.def];
  char q[NAME_CAP];
  if (!index__join(q, c->qualname, strlen(c->qualname), name, strlen(name)))
    return index__unresolved(cls.file);
  int32_t d = index__qual_lookup(ix, cls.file, q);
  if (d >= 0) return (DefRef){cls.file, d};
  for (uint32_t i = 0, n = base_count(ix, cls); i < n; i++) {
    DefRef base = base_at(ix, cls, i);
    if (defref_ok(base) && index_def(ix, base)->kind == DEF_CLASS) {
      DefRef m = index__lookup_method(ix, base, name, depth + 1);
      if (defref_ok(m)) return m;
    }
  }
  return index__unresolved(cls.file);
}

/* Finish resolving: `base` is what the first name means; `rest` the
 * remaining dotted parts ("" if none). */
static DefRef resolve_rest(const Index *ix, DefRef base, const char *rest, unsigned depth) {
  if (!*rest) return base;
  const Def *d = index_def(ix, base);
  if (d->kind == DEF_CLASS && !strchr(rest, '.'))
    return index__lookup_method(ix, base, rest, depth + 1);
  return index__unresolved(base.file);
}

/* Resolve `dotted` (its part after the file's own name) through the star
 * imports of a module, the last one first: the definition found, or an
 * unresolved ref. */
static DefRef through_stars(const Index *ix, uint32_t file, const char *dotted, unsigned depth) {
  const Facts *f = index_file(ix, file);
  const U32Array *stars = &f->tables.stars;
  char full[NAME_CAP];
  DefRef r = index__unresolved(file);
  for (uint32_t k = stars->len; k-- > 0 && !defref_ok(r);) {
    const Import *im = &f->imports.items[stars->items[k]];
    if (index__join(full, im->target, strlen(im->target), dotted, strlen(dotted)))
      r = resolve_dotted(ix, full, depth + 1);
  }
  return r;
}

static DefRef resolve_in_module(const Index *ix, uint32_t file, const char *rest, unsigned depth) {
  const Facts *f = index_file(ix, file);
  size_t first = strcspn(rest, ".");
  const char *after = rest[first] ? rest + first + 1 : "";
  char name[NAME_CAP], full[NAME_CAP];
  DefRef r = index__unresolved(file);
  if (!index__join(name, rest, first, "", 0)) return r;
  int32_t d = index__qual_lookup(ix, file, name);
  if (d >= 0 && f->defs.items[d].parent == 0) {
    r = resolve_rest(ix, (DefRef){file, d}, after, depth);
  } else {
    const Import *im = index_import(ix, file, 0, name, first); /* a re-export: from .x import f */
    if (im) {
      if (index__join(full, im->target, strlen(im->target), after, strlen(after)))
        r = resolve_dotted(ix, full, depth + 1);
    } else { /* from .providers import *: the name may come from any such module */
      r = through_stars(ix, file, rest, depth);
    }
  }
  return r;
}

/* A submodule's name that its package's `__init__` binds again (`from
 * .experiment import experiment`): the package's attribute is that binding,
 * not the module, as `from pkg import experiment` sees it. */
static DefRef rebound_in_package(const Index *ix, const char *module, unsigned depth) {
  const char *dot = strrchr(module, '.');
  char parent[NAME_CAP];
  uint32_t file;
  if (!dot || !index__join(parent, module, (size_t)(dot - module), "", 0) ||
      !strmap_get(&ix->modules, parent, &file))
    return index__unresolved(0);
  const char *name = dot + 1;
  const Facts *f = index_file(ix, file);
  int32_t d = index__qual_lookup(ix, file, name);
  const Import *im = index_import(ix, file, 0, name, strlen(name));
  bool defined = d >= 0 && f->defs.items[d].parent == 0;
  bool imported = im && strcmp(im->target, module) != 0; /* not `from . import name` */
  if (!defined && !imported) return index__unresolved(0);
  return resolve_in_module(ix, file, name, depth + 1);
}

static DefRef resolve_dotted(const Index *ix, const char *full, unsigned depth) {
  DefRef r = index__unresolved(0);
  char buf[NAME_CAP];
  if (depth > RESOLVE_DEPTH || !index__join(buf, full, strlen(full), "", 0)) return r;
  /* Longest module prefix first: pkg.mod.Class.method -> module pkg.mod. */
  for (char *dot = buf + strlen(buf); dot; dot = strrchr(buf, '.')) {
    *dot = '\0';
    uint32_t file;
    if (strmap_get(&ix->modules, buf, &file)) {
      const char *rest = full + (dot - buf);
      if (*rest == '.')
        r = resolve_in_module(ix, file, rest + 1, depth);
      else
        r = rebound_in_package(ix, buf, depth);
      break;
    }
    if (dot == buf) break;
  }
  return r;
}

int32_t index__enclosing_class(const Facts *f, int32_t def) {
  /* A method's class is its parent; nested functions inside a method see
   * the method's self. */
  for (int32_t d = def; d > 0; d = f->defs.items[d].parent)
    if (f->defs.items[d].kind == DEF_FUNCTION && f->defs.items[d].parent >= 0 &&
        f->defs.items[f->defs.items[d].parent].kind == DEF_CLASS)
      return f->defs.items[d].parent;
  return -1;
}

/* The project class a value expression makes: `Client(...)` (a call of a
 * class), or a parameter annotated with a class (`client: Client`). */
static DefRef class_of_value(const Index *ix, uint32_t file, int32_t def, const Assign *a,
                             unsigned depth) {
  const Facts *f = index_file(ix, file);
  DefRef r = index__unresolved(file);
  if (a->call >= 0) {
    r = index__resolve_name(ix, file, def, f->calls.items[a->call].callee, depth + 1, NULL);
  } else {
    const Def *d = &f->defs.items[def];
    for (uint32_t i = 0; i < d->params.count && d->kind == DEF_FUNCTION; i++)
      if (strcmp(f->names.items[d->params.first + i], a->value) == 0) {
        const char *t = f->names.items[d->param_types.first + i];
        size_t n;
        t = annotation_main(t, &n);
        char *name = xstrndup(t, n);
        if (*name) r = index__resolve_name(ix, file, def, name, depth + 1, NULL);
        /* an annotation naming a class the file never imports (`crawler:
         * "AsyncWebCrawler"`, kept out of the imports to avoid a cycle): the
         * project's one class of that name */
        uint32_t g;
        if (!defref_ok(r) && *name && !strchr(name, '.') && ix->class_names.cap &&
            strmap_get(&ix->class_names, name, &g) && g != UINT32_MAX)
          r = index__def_ref(ix, g);
        free(name);
      }
  }
  return defref_ok(r) && index_def(ix, r)->kind == DEF_CLASS ? r : index__unresolved(file);
}

DefRef index__def_ref(const Index *ix, uint32_t g) {
  uint32_t lo = 0, hi = ix->nfiles; /* the file whose range holds g */
  while (lo + 1 < hi) {
    uint32_t mid = (lo + hi) / 2;
    if (ix->def_base[mid] <= g)
      lo = mid;
    else
      hi = mid;
  }
  return (DefRef){lo, (int32_t)(g - ix->def_base[lo])};
}

/* The class a field declared in a class body holds (here or in a project
 * base): `prompt = SummaryPrompt()`, a dataclass or pydantic field
 * `prompt: P = field(default_factory=SummaryPrompt)`. */
static DefRef field_type(const Index *ix, DefRef cls, const char *attr, unsigned depth) {
  if (depth > RESOLVE_DEPTH) return index__unresolved(cls.file);
  const Facts *f = index_file(ix, cls.file);
  const Def *c = &f->defs.items[cls.def];
  for (uint32_t i = c->assigns_span.first; i < c->assigns_span.end; i++) {
    const Assign *a = &f->assigns.items[i];
    if (a->def != cls.def || a->call < 0 || strcmp(a->target, attr) != 0) continue;
    const Call *call = &f->calls.items[a->call];
    const char *factory = NULL;
    for (uint32_t k = 0; k < call->nkwargs; k++)
      if (strcmp(f->kwargs.items[call->first_kwarg + k].name, "default_factory") == 0)
        factory = f->kwargs.items[call->first_kwarg + k].value;
    DefRef r = index__resolve_name(ix, cls.file, cls.def, factory ? factory : call->callee,
                                   depth + 1, NULL);
    if (defref_ok(r) && index_def(ix, r)->kind == DEF_CLASS) return r;
  }
  for (uint32_t b = 0, nb = base_count(ix, cls); b < nb; b++) {
    DefRef base = base_at(ix, cls, b);
    if (!defref_ok(base) || index_def(ix, base)->kind != DEF_CLASS ||
        (base.file == cls.file && base.def == cls.def))
      continue;
    /* `self.x = x` in a method of the base (its __init__, run by super()) */
    const Facts *bf = index_file(ix, base.file);
    const Def *bc = index_def(ix, base);
    char self_attr[NAME_CAP];
    if (!index__join(self_attr, "self", 4, attr, strlen(attr))) continue;
    AssignIter it = index_assigns_in(ix, base.file, self_attr, strlen(self_attr), bc->assigns_span);
    for (uint32_t i; (i = index_assign_iter_next(&it)) != UINT32_MAX;) {
      const Assign *a = &bf->assigns.items[i];
      if (index__enclosing_class(bf, a->def) != base.def) continue;
      DefRef r = class_of_value(ix, base.file, a->def, a, depth + 1);
      if (defref_ok(r)) return r;
    }
    DefRef r = field_type(ix, base, attr, depth + 1);
    if (defref_ok(r)) return r;
  }
  return index__unresolved(cls.file);
}

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
  return n && index__join(out, start, n, "", 0);
}

/* The annotation text of what `name` is bound to in `def`: a parameter's,
 * or for `self.x` the parameter a method of the class stores in it. */
const char *index__annotation_of(const Index *ix, uint32_t file, int32_t def, const char *name) {
  const Facts *f = index_file(ix, file);
  if (str_starts_with(name, "self.")) {
    int32_t cls = index__enclosing_class(f, def);
    Span sp = cls >= 0 ? f->defs.items[cls].assigns_span : (Span){0, 0};
    AssignIter it = index_assigns_in(ix, file, name, strlen(name), sp);
    for (uint32_t i; (i = index_assign_iter_next(&it)) != UINT32_MAX;) {
      const Assign *a = &f->assigns.items[i];
      if (a->call >= 0 || index__enclosing_class(f, a->def) != cls) continue;
      int32_t p = index__param_index(f, a->def, a->value);
      if (p >= 0) return f->names.items[f->defs.items[a->def].param_types.first + (uint32_t)p];
    }
    return NULL;
  }
  int32_t p = index__param_index(f, def, name);
  return p >= 0 ? f->names.items[f->defs.items[def].param_types.first + (uint32_t)p] : NULL;
}

/* The project class of a receiver: `self.client` assigned in a method of the
 * class, a local assigned from a class call, a parameter annotated with one. */
static DefRef type_of(const Index *ix, uint32_t file, int32_t def, const char *recv,
                      unsigned depth) {
  const Facts *f = index_file(ix, file);
  if (depth > 3) return index__unresolved(file);
  size_t rn = strlen(recv);
  if (rn > 2 && strcmp(recv + rn - 2, "[]") == 0) { /* self.agents[name]: an element */
    char base[NAME_CAP], elem[NAME_CAP];
    if (!index__join(base, recv, rn - 2, "", 0)) return index__unresolved(file);
    const char *ann = index__annotation_of(ix, file, def, base);
    if (!ann || !element_type(ann, elem)) return index__unresolved(file);
    DefRef r = index__resolve_name(ix, file, def, elem, depth + 1, NULL);
    return defref_ok(r) && index_def(ix, r)->kind == DEF_CLASS ? r : index__unresolved(file);
  }
  if (str_starts_with(recv, "self.") && !strchr(recv + 5, '.')) {
    int32_t cls = index__enclosing_class(f, def);
    Span sp = cls >= 0 ? f->defs.items[cls].assigns_span : (Span){0, 0};
    AssignIter it = index_assigns_in(ix, file, recv, rn, sp);
    for (uint32_t i; (i = index_assign_iter_next(&it)) != UINT32_MAX;) {
      const Assign *a = &f->assigns.items[i];
      if (index__enclosing_class(f, a->def) != cls) continue;
      DefRef r = class_of_value(ix, file, a->def, a, depth);
      if (defref_ok(r)) return r;
    }
    return cls >= 0 ? field_type(ix, (DefRef){file, cls}, recv + 5, depth)
                    : index__unresolved(file);
  }
  if (strchr(recv, '.')) return index__unresolved(file);
  Span own = f->defs.items[def].own_assigns;
  for (uint32_t k = own.end; k-- > own.first;) {
    const Assign *a = &f->assigns.items[f->assign_order.items[k]];
    if (strcmp(a->target, recv) == 0) return class_of_value(ix, file, def, a, depth);
  }
  Assign param = {recv, recv, -1, def, {0, 0}};
  return class_of_value(ix, file, def, &param, depth);
}

DefRef index_resolve_name(const Index *ix, uint32_t file, int32_t def, const char *dotted) {
  return index__resolve_name(ix, file, def, dotted, 0, NULL);
}

/* What `dotted` means inside `def`. When it is a method looked up on the
 * class of a receiver (self.m, self.client.m, a typed local's m), *recv is
 * set to that class, even when the class has no such method of its own. */
DefRef index__resolve_name(const Index *ix, uint32_t file, int32_t def, const char *dotted,
                           unsigned depth, DefRef *recv) {
  const Facts *f = index_file(ix, file);
  if (strpbrk(dotted, "?(")) return index__unresolved(file); /* not a plain name chain */
  size_t first = strcspn(dotted, ".");
  const char *rest = dotted[first] ? dotted + first + 1 : "";
  if ((first == 4 && strncmp(dotted, "self", 4) == 0) ||
      (first == 3 && strncmp(dotted, "cls", 3) == 0)) {
    int32_t cls = index__enclosing_class(f, def);
    if (cls < 0) return index__unresolved(file);
    if (!*rest) { /* self(...): the class's __call__ */
      if (recv) *recv = (DefRef){file, cls};
      return index__lookup_method(ix, (DefRef){file, cls}, "__call__", 0);
    }
    if (!strchr(rest, '.')) {
      if (recv) *recv = (DefRef){file, cls};
      return index__lookup_method(ix, (DefRef){file, cls}, rest, 0);
    }
    /* self.client.search(): the class of self.client */
    const char *last = strrchr(dotted, '.');
    char name[NAME_CAP];
    if (!index__join(name, dotted, (size_t)(last - dotted), "", 0)) return index__unresolved(file);
    DefRef type = type_of(ix, file, def, name, depth);
    if (!defref_ok(type)) return index__unresolved(file);
    if (recv) *recv = type;
    return index__lookup_method(ix, type, last + 1, 0);
  }
  char name[NAME_CAP], q[NAME_CAP];
  DefRef r = index__unresolved(file);
  bool found = false;
  if (!index__join(name, dotted, first, "", 0)) return r;
  /* Scopes from the innermost out; class bodies are not enclosing scopes for
   * the functions inside them, only for their own statements. */
  for (int32_t scope = def; scope >= 0 && !found; scope = f->defs.items[scope].parent) {
    if (scope != def && f->defs.items[scope].kind == DEF_CLASS) continue;
    const char *sq = f->defs.items[scope].qualname;
    int32_t d = -1;
    if (!*sq)
      d = index__qual_lookup(ix, file, name);
    else if (index__join(q, sq, strlen(sq), name, first))
      d = index__qual_lookup(ix, file, q);
    if (d >= 0 && f->defs.items[d].parent == scope) {
      r = resolve_rest(ix, (DefRef){file, d}, rest, 0);
      found = true;
      break;
    }
    const Import *im = index_import(ix, file, scope, name, first);
    if (im) {
      if (index__join(q, im->target, strlen(im->target), rest, strlen(rest)))
        r = resolve_dotted(ix, q, 0);
      found = true;
    }
  }
  if (!found) { /* from .x import * at module level */
    r = through_stars(ix, file, dotted, depth);
    found = defref_ok(r);
  }
  if (!found && *rest && !strchr(rest, '.')) { /* client.search() on a typed local */
    DefRef type = type_of(ix, file, def, name, depth);
    if (defref_ok(type)) {
      if (recv) *recv = type;
      r = index__lookup_method(ix, type, rest, 0);
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
