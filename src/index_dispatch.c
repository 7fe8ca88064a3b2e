/* index_dispatch: every definition a call may run, when the name alone does
 * not say: overrides in the class hierarchy, methods by name (capped at
 * TARGETS_CAP, OVERRIDES_CAP), callables passed as arguments, registries;
 * and the later passes that resolve calls through them. */
#include <ctype.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "index_int.h"

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

static void callable_param_targets(const Index *ix, uint32_t fi, int32_t def, const char *callee,
                                   DefRefs *out, unsigned depth);

/* The overrides of method `name` in the project subclasses of `cls`, at any
 * depth, appended to `out` (breadth first, each class once). */
static void collect_overrides(const Index *ix, DefRef cls, const char *name, DefRefs *out,
                              uint32_t first) {
  DefRefs queue = {0};
  array_push(&queue, cls);
  for (uint32_t head = 0; head < queue.len && queue.len < 256; head++) {
    uint32_t g = index__gdef(ix, queue.items[head]);
    for (uint32_t i = ix->sub_start[g]; i < ix->sub_start[g + 1]; i++) {
      DefRef sub = ix->subs[i];
      bool seen = false;
      for (uint32_t k = 0; k < queue.len && !seen; k++)
        seen = queue.items[k].file == sub.file && queue.items[k].def == sub.def;
      if (seen) continue;
      array_push(&queue, sub);
      const Def *c = index_def(ix, sub);
      char q[NAME_CAP];
      if (!index__join(q, c->qualname, strlen(c->qualname), name, strlen(name))) continue;
      int32_t d = index__qual_lookup(ix, sub.file, q);
      if (d >= 0 && out->len - first < OVERRIDES_CAP)
        push_target(out, first, (DefRef){sub.file, d});
    }
  }
  array_free(&queue);
}

/* The root classes (no project base) above `cls`, into roots. */
static void class_roots(const Index *ix, DefRef cls, DefRefs *roots, unsigned depth) {
  uint32_t g = index__gdef(ix, cls);
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
  if (!n || !index__join(name, type, n, "", 0)) return false;
  if (strcmp(name, "Any") == 0 || strcmp(name, "t.Any") == 0 || strcmp(name, "typing.Any") == 0 ||
      strcmp(name, "object") == 0)
    return false;
  DefRef r = index__resolve_name(ix, file, def, name, 2, NULL);
  return !defref_ok(r) || index_def(ix, r)->kind != DEF_CLASS;
}

/* Whether a value bound to a name is something other than a project object:
 * a literal, or a call of something outside the project. */
static bool foreign_value(const Index *ix, uint32_t file, const Assign *a) {
  const Facts *f = index_file(ix, file);
  if (a->call < 0)
    return strchr("[{(\"'0123456789", a->value[0]) || str_starts_with(a->value, "f\"") ||
           str_starts_with(a->value, "f'");
  const char *callee = f->calls.items[a->call].callee;
  if (strpbrk(callee, "?(")) return true;
  /* an element of a collection (`next(t for t in self.tools if ...)`): of
   * whatever type the collection holds */
  if (strcmp(callee, "next") == 0 || strcmp(callee, "getattr") == 0 || strcmp(callee, "max") == 0 ||
      strcmp(callee, "min") == 0)
    return false;
  return !defref_ok(index__resolve_name(ix, file, a->def, callee, 2, NULL));
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
    const Facts *cf = index_file(ix, callers[i].file);
    int32_t cdef = cf->calls.items[callers[i].call].def;
    if (strchr("[{(\"'0123456789", arg[0])) return true;
    if (!strpbrk(arg, ".([ ") && foreign_name(ix, callers[i].file, cdef, arg, depth + 1))
      return true;
  }
  return false;
}

/* Whether def `def` itself assigns `name` a foreign value (1), only project
 * values (0), or nothing (-1). */
static int assigned_foreign(const Index *ix, uint32_t file, int32_t def, const char *name) {
  const Facts *f = index_file(ix, file);
  Span own = f->defs.items[def].own_assigns;
  int assigned = -1;
  for (uint32_t k = own.first; k < own.end; k++) {
    const Assign *a = &f->assigns.items[f->assign_order.items[k]];
    if (strcmp(a->target, name) != 0) continue;
    if (foreign_value(ix, file, a)) return 1;
    assigned = 0; /* from project code, or an element of a collection */
  }
  return assigned;
}

/* Whether a plain local name or parameter is bound to something other than
 * a project object. */
static bool foreign_name(const Index *ix, uint32_t file, int32_t def, const char *name,
                         unsigned depth) {
  const Facts *f = index_file(ix, file);
  if (depth > 2) return false;
  for (int32_t scope = def; scope >= 0; scope = f->defs.items[scope].parent)
    for (uint32_t i = f->imports.len; i-- > 0;)
      if (f->imports.items[i].def == scope && strcmp(f->imports.items[i].bound, name) == 0)
        return true;
  int own = assigned_foreign(ix, file, def, name);
  if (own == 1) return true;
  bool assigned = own == 0;
  for (uint32_t i = 0; i < f->withs.len; i++)
    if (f->withs.items[i].def == def && f->withs.items[i].alias &&
        strcmp(f->withs.items[i].alias, name) == 0)
      return true;
  int32_t p = index__param_index(f, def, name);
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
  const Facts *f = index_file(ix, file);
  const char *last = strrchr(dotted, '.');
  char recv[NAME_CAP];
  if (!last || !index__join(recv, dotted, (size_t)(last - dotted), "", 0)) return true;
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
  if (!index__join(head, recv, first, "", 0)) return true;
  if (strcmp(head, "self") != 0 && strcmp(head, "cls") != 0)
    return foreign_name(ix, file, def, head, 0) && !strchr(recv + first + 1, '.');
  if (strchr(recv + first + 1, '.')) return false; /* self.a.b: unknown */
  int32_t cls = index__enclosing_class(f, def);
  Span sp = cls >= 0 ? f->defs.items[cls].assigns_span : (Span){0, 0};
  /* self.x = ... in a method of the class */
  AssignIter it = index_assigns_in(ix, file, recv, strlen(recv), sp);
  for (uint32_t i; (i = index_assign_iter_next(&it)) != UINT32_MAX;) {
    const Assign *a = &f->assigns.items[i];
    if (index__enclosing_class(f, a->def) != cls) continue;
    if (foreign_value(ix, file, a)) return true;
    int32_t p = a->call < 0 ? index__param_index(f, a->def, a->value) : -1;
    if (p >= 0) {
      const char *type = f->names.items[f->defs.items[a->def].param_types.first + (uint32_t)p];
      if (foreign_annotation(ix, file, a->def, type)) return true;
    }
  }
  return false;
}

/* Receiver of unknown type: the project methods called `name`, when they
 * all belong to one class family (one root class above all of them: see
 * index__build_classes). */
static ResolvedHow methods_named(const Index *ix, uint32_t file, const char *name, DefRefs *out,
                                 uint32_t first, bool one_family) {
  uint32_t at;
  bool from_test = index__is_test(ix, file);
  if (!strmap_get(&ix->method_names, name, &at) ||
      (one_family && !(ix->method_family[at] & (from_test ? FAMILY_ALL : FAMILY_NON_TEST))))
    return RESOLVED_NONE;
  for (uint32_t i = at;
       i < ix->methods.len && strcmp(index_def(ix, ix->methods.items[i])->name, name) == 0; i++)
    if (from_test || !index__is_test(ix, ix->methods.items[i].file))
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
  const Facts *f = index_file(ix, cls.file);
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
    if (!all && index__is_test(ix, m.file)) continue;
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
  const Facts *f = index_file(ix, file);
  if (index__param_index(f, def, name) >= 0) return true;
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
  if (!index__join(recv, dotted, (size_t)(name - 1 - dotted), "", 0)) return 0;
  const char *ann = index__annotation_of(ix, file, def, recv);
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
    if (n && index__join(member, p, n, "", 0) && strcmp(member, "None") != 0 && nest == 0) {
      DefRef cls = index__resolve_name(ix, file, def, member, 1, NULL);
      if (defref_ok(cls) && index_def(ix, cls)->kind == DEF_CLASS) {
        classes++;
        DefRef m = index__lookup_method(ix, cls, name, 0);
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

ResolvedHow index__targets_of(const Index *ix, uint32_t file, int32_t def, const char *dotted,
                              DefRefs *out, bool by_name) {
  uint32_t first = out->len;
  DefRef recv = index__unresolved(file);
  DefRef r = index__resolve_name(ix, file, def, dotted, 0, &recv);
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
  const Facts *f = index_file(ix, file);
  size_t n = strlen(dotted);
  if (n < 3 || strcmp(dotted + n - 2, "[]") != 0) return;
  char name[NAME_CAP];
  if (!index__join(name, dotted, n - 2, "", 0) || strpbrk(name, "[]?(")) return;
  bool on_self = str_starts_with(name, "self.");
  if (strchr(on_self ? name + 5 : name, '.')) return;
  int32_t cls = on_self ? index__enclosing_class(f, def) : -1;
  uint32_t first = out->len;
  for (uint32_t i = 0; i < f->assigns.len; i++) {
    const Assign *a = &f->assigns.items[i];
    bool scope = on_self ? cls >= 0 && index__enclosing_class(f, a->def) == cls
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
          index__join(item, p, len, "", 0)) {
        DefRef r = index__resolve_name(ix, file, a->def, item, 1, NULL);
        if (defref_ok(r) && index_def(ix, r)->kind == DEF_FUNCTION &&
            out->len - first < TARGETS_CAP)
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
  ResolvedHow how = index__targets_of(ix, file, def, dotted, out, true);
  if (how == RESOLVED_NONE) { /* a called parameter, or a registry's entry */
    uint32_t first = out->len;
    callable_param_targets(ix, file, def, dotted, out, 0);
    if (out->len == first) registry_targets(ix, file, def, dotted, out);
    if (out->len > first) return RESOLVED_CALLABLE;
  }
  /* a task over a comprehension's variable (`agent.run(q) for agent in
   * agents`): a name bound nowhere else in the def may be a project object */
  const char *dot = strchr(dotted, '.');
  char name[NAME_CAP];
  if (how != RESOLVED_NONE || !dot || strchr(dot + 1, '.') ||
      !index__join(name, dotted, (size_t)(dot - dotted), "", 0) || strcmp(name, "self") == 0 ||
      strcmp(name, "cls") == 0 || bound_in_def(ix, file, def, name) ||
      assigned_foreign(ix, file, 0, name) == 1 || /* `llm = ChatOpenAI(...)` at module level */
      (ix->k && knowledge_has(ix->k, FACT_BUILTIN_METHOD, dot + 1)))
    return how;
  return by_method_name(ix, file, dot + 1, out, out->len);
}

const Import *index_import(const Index *ix, uint32_t file, int32_t scope, const char *name,
                           size_t n) {
  const Facts *f = index_file(ix, file);
  uint32_t i = facts_import(f, scope, name, n);
  return i == UINT32_MAX ? NULL : &f->imports.items[i];
}

AssignIter index_assigns_in(const Index *ix, uint32_t file, const char *target, size_t n,
                            Span span) {
  const Facts *f = index_file(ix, file);
  AssignIter it = {f, target, n, span.first, span.first, span.end, false};
  uint32_t head;
  if (!strmap_getn(&f->tables.assign_targets, target, n, &head)) {
    it.at = it.end; /* none anywhere */
  } else if (f->tables.assign_count[head] < span.end - span.first) {
    it.chained = true;
    it.at = head;
  }
  return it;
}

uint32_t index_assign_iter_next(AssignIter *it) {
  const Facts *f = it->f;
  if (it->chained) {
    while (it->at != UINT32_MAX && it->at < it->first) it->at = f->tables.assign_next[it->at];
    if (it->at == UINT32_MAX || it->at >= it->end) return it->at = UINT32_MAX;
    uint32_t i = it->at;
    it->at = f->tables.assign_next[i];
    return i;
  }
  while (it->at < it->end) {
    uint32_t i = it->at++;
    const char *t = f->assigns.items[i].target;
    if (strncmp(t, it->target, it->n) == 0 && t[it->n] == '\0') return i;
  }
  return UINT32_MAX;
}

const CallRef *index_callers(const Index *ix, DefRef d, uint32_t *count) {
  uint32_t g = index_global_def(ix, d);
  *count = ix->caller_start[g + 1] - ix->caller_start[g];
  return ix->callers + ix->caller_start[g];
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
  index__targets_of(ix, file, def, name, &t, true);
  for (uint32_t k = 0; k < t.len && out->len - first < TARGETS_CAP; k++)
    if (index_def(ix, t.items[k])->kind == DEF_FUNCTION) push_target(out, first, t.items[k]);
  array_free(&t);
}

/* How many parameters a callable is handed through (`func` passed on as
 * `func`) before its callers are no longer followed. */
enum { PASSED_ON_MAX = 3 };

/* The functions decorated with a call of the function around `d`, when `d`
 * is a function nested in a decorator factory (`def experiment(...): def
 * decorator(func): ...`, used as `@experiment(...)`): what `d` is handed as
 * its first parameter. Appended to `out`. */
static void decorated_by_parent(const Index *ix, uint32_t fi, int32_t d, DefRefs *out,
                                uint32_t first) {
  const Facts *f = index_file(ix, fi);
  int32_t parent = f->defs.items[d].parent;
  if (parent <= 0 || f->defs.items[parent].kind != DEF_FUNCTION) return;
  uint32_t ncallers;
  const CallRef *callers = index_callers(ix, (DefRef){fi, parent}, &ncallers);
  for (uint32_t k = 0; k < ncallers && out->len - first < TARGETS_CAP; k++) {
    const Facts *cf = index_file(ix, callers[k].file);
    const Call *c = &cf->calls.items[callers[k].call];
    if ((c->flags & CALL_DECORATOR) && c->outer < 0 && cf->defs.items[c->def].kind == DEF_FUNCTION)
      push_target(out, first, (DefRef){callers[k].file, c->def});
  }
}

/* The functions decorated with `d` itself (`@experiment` over `async def run(row)`): what
 * it is handed as its first parameter. A scan of every decorated def: asked only at the
 * end of a chain of parameters passed on, which few calls reach. */
static void decorated_by(const Index *ix, uint32_t fi, int32_t d, DefRefs *out, uint32_t first) {
  const char *name = index_file(ix, fi)->defs.items[d].name;
  for (uint32_t file = 0; file < ix->nfiles && out->len - first < TARGETS_CAP; file++) {
    const Facts *f = index_file(ix, file);
    for (uint32_t i = 0; i < f->defs.len && out->len - first < TARGETS_CAP; i++) {
      const Def *g = &f->defs.items[i];
      for (uint32_t k = 0; k < g->decorators.count && g->kind == DEF_FUNCTION; k++) {
        const char *text = f->names.items[g->decorators.first + k];
        const char *last = strrchr(text, '.');
        if (strcmp(last ? last + 1 : text, name) != 0) continue;
        DefRef r = index__resolve_name(ix, file, g->parent, text, 0, NULL);
        if (r.file == fi && r.def == d) push_target(out, first, (DefRef){file, (int32_t)i});
      }
    }
  }
}

/* A called parameter, directly (`fn(row)`) or held on self from one in
 * __init__ (`self.func(item)`): the functions the callers pass for it,
 * appended to `out`; a parameter passed on as a caller's own parameter is
 * followed to that caller's callers, and a decorator (or a decorator
 * factory's inner function) is handed the functions it decorates. */
static void callable_param_targets(const Index *ix, uint32_t fi, int32_t def, const char *callee,
                                   DefRefs *out, unsigned depth) {
  const Facts *f = index_file(ix, fi);
  int32_t owner = def; /* the def whose parameter it is */
  if (str_starts_with(callee, "self.") && !strchr(callee + 5, '.')) {
    int32_t cls = index__enclosing_class(f, def); /* self.func = func in a method of the class */
    owner = -1;
    Span sp = cls >= 0 ? f->defs.items[cls].assigns_span : (Span){0, 0};
    AssignIter it = index_assigns_in(ix, fi, callee, strlen(callee), sp);
    for (uint32_t i; owner < 0 && (i = index_assign_iter_next(&it)) != UINT32_MAX;) {
      const Assign *a = &f->assigns.items[i];
      if (a->call < 0 && index__param_index(f, a->def, a->value) >= 0) {
        owner = a->def;
        callee = a->value;
      }
    }
    if (owner < 0) return;
  } else if (strpbrk(callee, ".?(")) {
    return;
  }
  int32_t param = index__param_index(f, owner, callee);
  if (param < 0) return;
  uint32_t ncallers;
  const Def *od = &f->defs.items[owner];
  bool init = strcmp(od->name, "__init__") == 0 && od->parent > 0; /* called as the class */
  const CallRef *callers = index_callers(ix, (DefRef){fi, init ? od->parent : owner}, &ncallers);
  uint32_t first = out->len;
  for (uint32_t k = 0; k < ncallers && k < 32; k++) {
    const char *arg = index_argument(ix, callers[k], (DefRef){fi, owner}, param);
    if (!arg) continue;
    const Facts *cf = index_file(ix, callers[k].file);
    int32_t cdef = cf->calls.items[callers[k].call].def;
    uint32_t before = out->len;
    callable_targets(ix, callers[k].file, cdef, arg, out, first);
    if (out->len == before && depth < PASSED_ON_MAX && index__param_index(cf, cdef, arg) >= 0)
      callable_param_targets(ix, callers[k].file, cdef, arg, out, depth + 1);
  }
  if (!ncallers && param == 0 && !init && od->parent > 0)
    decorated_by_parent(ix, fi, owner, out, first);
  else if (!ncallers && param == 0 && !init && od->parent == 0 && depth > 0)
    decorated_by(ix, fi, owner, out, first);
}

/* Calls on receivers of unknown type: the project methods of that name,
 * when one class family defines them all. */
ResolvedHow index__by_name_pass(const Index *ix, uint32_t file, const Call *c, DefRefs *out) {
  const char *dot = strrchr(c->callee, '.');
  uint32_t at; /* most calls left are a library's: their method is no project family's */
  if (!dot || !strmap_get(&ix->method_names, dot + 1, &at) || !ix->method_family[at])
    return RESOLVED_NONE;
  return index__targets_of(ix, file, c->def, c->callee, out, true) == RESOLVED_NAME ? RESOLVED_NAME
                                                                                    : RESOLVED_NONE;
}

/* Calls of a parameter: what its callers pass. */
ResolvedHow index__callable_pass(const Index *ix, uint32_t file, const Call *c, DefRefs *out) {
  callable_param_targets(ix, file, c->def, c->callee, out, 0);
  if (!out->len) registry_targets(ix, file, c->def, c->callee, out);
  return RESOLVED_CALLABLE;
}

enum { MORE_RUNS = 16 };

typedef struct {
  Index *ix;
  IndexPass pass;
  uint32_t from[MORE_RUNS + 1]; /* the files of each run (index_file_runs) */
  uint32_t nruns;
  _Atomic uint32_t next;
  _Atomic bool any;
} MoreWork;

static void *more_worker(void *arg) {
  MoreWork *w = arg;
  Index *ix = w->ix;
  DefRefs t = {0};
  for (uint32_t k; (k = atomic_fetch_add(&w->next, 1)) < w->nruns;)
    for (uint32_t fi = w->from[k]; fi < w->from[k + 1]; fi++) {
      const Facts *f = index_file(ix, fi);
      for (uint32_t ci = 0; ci < f->calls.len; ci++) {
        const Call *c = &f->calls.items[ci];
        if (defref_ok(ix->resolved[fi][ci]) || (c->flags & CALL_REFERENCE)) continue;
        t.len = 0;
        ResolvedHow how = w->pass(ix, fi, c, &t);
        if (how == RESOLVED_NONE || !t.len) continue;
        ix->resolved[fi][ci] = t.items[0];
        index__dispatch_set(&ix->dispatch[fi], f->calls.len, ci, &t, how);
        atomic_store(&w->any, true);
      }
    }
  array_free(&t);
  return NULL;
}

/* A call's targets in a later pass are a function of what the passes before
 * made (the pass reads no row it writes), so runs of files go to threads. */
bool index__resolve_more(Index *ix, IndexPass pass) {
  MoreWork w = {ix, pass, {0}, 0, 0, false};
  w.nruns = index_file_runs(ix, MORE_RUNS, w.from);
  void *args[2] = {&w, &w};
  threads_run(more_worker, args, ix->nfiles >= 16 && cpu_count() > 1 ? 2 : 1);
  return atomic_load(&w.any);
}

/* Record the targets of call `c` of a file with `ncalls` calls. */
void index__dispatch_set(Dispatch *d, uint32_t ncalls, uint32_t c, const DefRefs *t,
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

static const char *method_name(const void *ix, uint32_t k) {
  const Index *x = ix;
  return index_def(x, x->methods.items[k])->name;
}

/* Put each name's methods together (in file and def order), map the name to
 * its first, and mark the names whose methods are one class family. */
static void group_methods(Index *ix) {
  uint32_t n = ix->methods.len;
  uint32_t *next = xmalloc(((size_t)n + 1) * sizeof(uint32_t));
  StrMap heads = {0};
  strmap_chain(&heads, n, method_name, ix, next);
  DefRefs grouped = {0};
  array_reserve(&grouped, n);
  ix->method_family = xcalloc((size_t)n + 1, 1);
  for (uint32_t k = 0; k < n; k++) {
    uint32_t head;
    const char *name = method_name(ix, k);
    if (!strmap_get(&heads, name, &head) || head != k) continue; /* not the first of its name */
    uint32_t at = grouped.len;
    for (uint32_t j = k; j != UINT32_MAX; j = next[j])
      grouped.items[grouped.len++] = ix->methods.items[j];
    strmap_put(&ix->method_names, name, at);
  }
  strmap_free(&heads);
  free(next);
  array_free(&ix->methods);
  ix->methods.items = grouped.items;
  ix->methods.len = grouped.len;
  ix->methods.cap = grouped.cap;
  for (uint32_t i = 0, len; i < n; i += len) {
    const char *name = method_name(ix, i);
    for (len = 1; i + len < n && strcmp(method_name(ix, i + len), name) == 0;) len++;
    ix->method_family[i] = (uint8_t)((one_family(ix, i, len, true) ? FAMILY_ALL : 0) |
                                     (one_family(ix, i, len, false) ? FAMILY_NON_TEST : 0));
  }
}

/* The class tables: each class's project bases and direct subclasses, and
 * the methods of every class by name. */
void index__build_classes(Index *ix) {
  DefRefs edges = {0}; /* pairs: class, base */
  for (uint32_t fi = 0; fi < ix->nfiles; fi++) {
    const Facts *f = index_file(ix, fi);
    for (uint32_t d = 1; d < f->defs.len; d++) {
      const Def *c = &f->defs.items[d];
      if (c->kind == DEF_FUNCTION && c->parent > 0 && f->defs.items[c->parent].kind == DEF_CLASS)
        array_push(&ix->methods, ((DefRef){fi, (int32_t)d}));
      if (c->kind != DEF_CLASS) continue;
      if (c->parent == 0 && !index__is_test(ix, fi)) { /* module-level classes by name */
        uint32_t g = ix->def_base[fi] + d, seen;
        strmap_put(&ix->class_names, c->name,
                   strmap_get(&ix->class_names, c->name, &seen) ? UINT32_MAX : g);
      }
      for (uint32_t b = 0; b < c->bases.count; b++) {
        DefRef base = index__resolve_base(ix, fi, c, f->names.items[c->bases.first + b]);
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
    ix->base_start[index__gdef(ix, edges.items[2 * e]) + 1]++;
    ix->sub_start[index__gdef(ix, edges.items[2 * e + 1]) + 1]++;
  }
  for (uint32_t g = 0; g < ix->ndefs; g++) {
    ix->base_start[g + 1] += ix->base_start[g];
    ix->sub_start[g + 1] += ix->sub_start[g];
  }
  uint32_t *bfill = xcalloc((size_t)ix->ndefs + 1, sizeof(uint32_t));
  uint32_t *sfill = xcalloc((size_t)ix->ndefs + 1, sizeof(uint32_t));
  for (uint32_t e = 0; e < n; e++) {
    uint32_t c = index__gdef(ix, edges.items[2 * e]), b = index__gdef(ix, edges.items[2 * e + 1]);
    ix->bases[ix->base_start[c] + bfill[c]++] = edges.items[2 * e + 1];
    ix->subs[ix->sub_start[b] + sfill[b]++] = edges.items[2 * e];
  }
  free(bfill);
  free(sfill);
  array_free(&edges);
  group_methods(ix);
}
