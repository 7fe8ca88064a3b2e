/* retry_policy: what a retry policy's arguments amount to (literals behind
 * names, config fields, module constants; a few steps deep), which
 * subclasses a retried method can run for, and what a retry does: random
 * waits, a server's delay, the exceptions it catches. */
#define _GNU_SOURCE /* strcasestr */
#include <stdlib.h>
#include <string.h>

#include "retry_policy.h"

/* ---- values a retry policy is configured with ---- */

/* The text inside the parentheses after `open` in `text` ("stop_after_attempt("),
 * or NULL. The caller frees. */
char *retry_policy_args(const char *text, const char *open) {
  const char *p = text ? strstr(text, open) : NULL;
  if (!p) return NULL;
  const char *start = p + strlen(open), *e = start;
  for (int depth = 0; *e && (depth > 0 || *e != ')'); e++)
    depth += *e == '(' || *e == '[' ? 1 : *e == ')' || *e == ']' ? -1 : 0;
  while (*start == ' ') start++;
  return e > start ? xstrndup(start, (size_t)(e - start)) : NULL;
}

static bool is_dotted_name(const char *s) {
  if (!*s || (*s >= '0' && *s <= '9')) return false;
  for (; *s; s++)
    if (!(*s == '_' || *s == '.' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
          (*s >= '0' && *s <= '9')))
      return false;
  return true;
}

/* The value a name is bound to in `def` or, failing that, at module level
 * here or in the module it is imported from. */
static const char *name_value(const Model *m, uint32_t file, int32_t def, const char *name,
                              unsigned depth) {
  const Facts *f = &m->ix->files[file];
  for (int32_t scope = def;; scope = 0) {
    for (uint32_t i = f->assigns.len; i-- > 0;)
      if (f->assigns.items[i].def == scope && strcmp(f->assigns.items[i].target, name) == 0)
        return retry_policy_value(m, file, scope, f->assigns.items[i].value, depth + 1);
    if (scope == 0) break;
  }
  for (uint32_t i = 0; i < f->imports.len; i++) {
    const Import *im = &f->imports.items[i];
    if (im->def != 0 || !im->is_from || strcmp(im->bound, name) != 0) continue;
    const char *dot = strrchr(im->target, '.');
    char *module = dot ? xstrndup(im->target, (size_t)(dot - im->target)) : NULL;
    uint32_t mf;
    bool found = module && strmap_get(&m->ix->modules, module, &mf);
    free(module);
    if (found && mf != file) return name_value(m, mf, 0, dot + 1, depth + 1);
  }
  return NULL;
}

/* The class a receiver expression holds: `self`, a parameter annotated with a
 * project class, a name bound to a constructor call, or the class itself. */
static DefRef receiver_class(const Model *m, uint32_t file, int32_t def, const char *recv) {
  const Facts *f = &m->ix->files[file];
  DefRef none = {0, -1};
  if (strcmp(recv, "self") == 0 || strcmp(recv, "cls") == 0) {
    for (int32_t d = def; d > 0; d = f->defs.items[d].parent)
      if (f->defs.items[d].kind == DEF_CLASS) return (DefRef){file, d};
    return none;
  }
  for (int32_t d = def; d > 0; d = f->defs.items[d].parent) {
    const Def *x = &f->defs.items[d];
    for (uint32_t i = 0; i < x->params.count && x->kind == DEF_FUNCTION; i++) {
      if (strcmp(f->names.items[x->params.first + i], recv) != 0) continue;
      const char *type = f->names.items[x->param_types.first + i];
      size_t n = strcspn(type, "[| ");
      if (str_starts_with(type, "Optional[")) type += 9, n = strcspn(type, "]| ");
      char *name = xstrndup(type, n);
      DefRef r = index_resolve_name(m->ix, file, d, name);
      free(name);
      return defref_ok(r) && index_def(m->ix, r)->kind == DEF_CLASS ? r : none;
    }
  }
  for (int32_t scope = def;; scope = 0) {
    for (uint32_t i = f->assigns.len; i-- > 0;) {
      const Assign *a = &f->assigns.items[i];
      if (a->def != scope || a->call < 0 || strcmp(a->target, recv) != 0) continue;
      DefRef r = index_resolve_name(m->ix, file, scope, f->calls.items[a->call].callee);
      return defref_ok(r) && index_def(m->ix, r)->kind == DEF_CLASS ? r : none;
    }
    if (scope == 0) break;
  }
  DefRef r = index_resolve_name(m->ix, file, def, recv);
  return defref_ok(r) && index_def(m->ix, r)->kind == DEF_CLASS ? r : none;
}

/* An attribute's value in a class or its project bases: a class-level
 * assignment (a dataclass or settings field) or `self.attr = ...` in a method. */
static const char *class_attr(const Model *m, DefRef cls, const char *attr, unsigned depth) {
  const Facts *f = &m->ix->files[cls.file];
  const Def *c = index_def(m->ix, cls);
  char *self_attr = xasprintf("self.%s", attr);
  const char *value = NULL;
  int32_t scope = cls.def;
  for (uint32_t i = c->assigns_span.first; i < c->assigns_span.end && !value; i++) {
    const Assign *a = &f->assigns.items[i];
    if (a->def == cls.def && strcmp(a->target, attr) == 0) value = a->value;
  }
  for (uint32_t i = c->assigns_span.first; i < c->assigns_span.end && !value; i++) {
    const Assign *a = &f->assigns.items[i];
    if (a->def != cls.def && f->defs.items[a->def].parent == cls.def &&
        strcmp(a->target, self_attr) == 0)
      value = a->value, scope = a->def;
  }
  free(self_attr);
  if (value) return retry_policy_value(m, cls.file, scope, value, depth + 1);
  uint32_t g = index_global_def(m->ix, cls);
  for (uint32_t i = m->ix->base_start[g]; i < m->ix->base_start[g + 1] && depth < 6; i++)
    if ((value = class_attr(m, m->ix->bases[i], attr, depth + 1))) return value;
  return NULL;
}

/* What an argument of a retry policy amounts to: a literal, or the literal a
 * name, a config object's field (`run_config.max_retries`, a dataclass or
 * settings default) or a module constant holds. NULL when unknown. */
const char *retry_policy_value(const Model *m, uint32_t file, int32_t def, const char *text,
                               unsigned depth) {
  if (!text || depth > 6) return NULL;
  while (*text == ' ') text++;
  if (str_starts_with(text, "field(") || str_starts_with(text, "Field(")) {
    const char *d = strstr(text, "default=");
    if (d) return d + 8; /* the rest of the text starts with the default */
    return text[6] != ')' && !strchr("'\"", text[6]) ? text + 6 : NULL;
  }
  if (!is_dotted_name(text) || strcmp(text, "None") == 0 || strcmp(text, "True") == 0 ||
      strcmp(text, "False") == 0)
    return text;
  const char *dot = strrchr(text, '.');
  if (!dot) return name_value(m, file, def, text, depth);
  char *recv = xstrndup(text, (size_t)(dot - text));
  const char *value = NULL;
  if (!strchr(recv, '.')) {
    DefRef cls = receiver_class(m, file, def, recv);
    if (defref_ok(cls)) value = class_attr(m, cls, dot + 1, depth);
  }
  free(recv);
  return value;
}

/* ---- which subclasses can run a retried method ---- */

static int32_t class_of(const Index *ix, DefRef d) {
  int32_t p = index_def(ix, d)->parent;
  return p > 0 && ix->files[d.file].defs.items[p].kind == DEF_CLASS ? p : -1;
}

/* The method `name` instances of `cls` run: its own or the first along its
 * project bases. */
static DefRef class_method(const Index *ix, DefRef cls, const char *name, unsigned depth) {
  char *q = xasprintf("%s.%s", index_def(ix, cls)->qualname, name);
  uint32_t d;
  bool own = strmap_get(&ix->files[cls.file].tables.qualnames, q, &d);
  free(q);
  if (own) return (DefRef){cls.file, (int32_t)d};
  uint32_t g = index_global_def(ix, cls);
  for (uint32_t i = ix->base_start[g]; i < ix->base_start[g + 1] && depth < 8; i++) {
    DefRef r = class_method(ix, ix->bases[i], name, depth + 1);
    if (defref_ok(r)) return r;
  }
  return (DefRef){0, -1};
}

static bool is_subclass(const Index *ix, DefRef sub, DefRef base, unsigned depth) {
  if (sub.file == base.file && sub.def == base.def) return true;
  uint32_t g = index_global_def(ix, sub);
  for (uint32_t i = ix->base_start[g]; i < ix->base_start[g + 1] && depth < 8; i++)
    if (is_subclass(ix, ix->bases[i], base, depth + 1)) return true;
  return false;
}

/* Whether an instance of exactly `cls` can run method `meth`: it has a caller
 * that is not a `self.` call (any instance), or a `self.` caller that `cls`
 * itself runs (its name is not overridden away) and that can run in turn.
 * A method nothing in the project calls is an entry point: it can. */
static bool class_runs(const Index *ix, DefRef meth, DefRef cls, unsigned depth) {
  uint32_t n;
  const CallRef *callers = index_callers(ix, meth, &n);
  if (n == 0 || depth > 6) return true;
  for (uint32_t i = 0; i < n; i++) {
    const Facts *f = &ix->files[callers[i].file];
    const Call *c = &f->calls.items[callers[i].call];
    if (!str_starts_with(c->callee, "self.")) return true;
    DefRef caller = {callers[i].file, c->def};
    if (class_of(ix, caller) < 0) return true;
    if (caller.file == meth.file && caller.def == meth.def) continue; /* recursion */
    DefRef runs = class_method(ix, cls, index_def(ix, caller)->name, 0);
    if (runs.file == caller.file && runs.def == caller.def &&
        class_runs(ix, caller, cls, depth + 1))
      return true;
  }
  return false;
}

/* The same for `cls` or any of its project subclasses. */
static bool family_runs(const Index *ix, DefRef meth, DefRef cls, unsigned depth) {
  if (class_runs(ix, meth, cls, 0)) return true;
  uint32_t g = index_global_def(ix, cls);
  for (uint32_t i = ix->sub_start[g]; i < ix->sub_start[g + 1] && depth < 8; i++)
    if (family_runs(ix, meth, ix->subs[i], depth + 1)) return true;
  return false;
}

/* Whether a definition reached from retried method `meth` through overrides
 * can run under it: when it is a method of a subclass of meth's class, that
 * subclass (or one below it) must be able to call `meth` at all. A base
 * class's `generate()` retrying `self._call()` does not wrap the `_call` of a
 * subclass whose own `generate()` never goes through the retry. */
bool retry_policy_runs_under(const Index *ix, DefRef meth, DefRef reached) {
  int32_t base = class_of(ix, meth), sub = class_of(ix, reached);
  if (base < 0 || sub < 0) return true;
  DefRef b = {meth.file, base}, s = {reached.file, sub};
  if ((b.file == s.file && b.def == s.def) || !is_subclass(ix, s, b, 0)) return true;
  return family_runs(ix, meth, s, 0);
}

/* ---- what a retry does (shared by decorators and hand loops) ---- */

/* Whether an expression uses a random wait (wait_random, random.uniform...). */
bool retry_has_randomness(const Model *m, const char *text) {
  if (!text) return false;
  for (const Fact *f = knowledge_first(m->k, FACT_RETRY_RANDOM); f; f = knowledge_next(m->k, f))
    if (strstr(text, str_last_component(f->name))) return true;
  return strstr(text, "random") || strstr(text, "jitter");
}

/* Whether a delay is the server's: a Retry-After value (honouring it is what
 * the API asks; the server spreads its clients). */
bool retry_server_delay(const char *text) {
  return text && (strcasestr(text, "retry_after") || strcasestr(text, "retry-after") ||
                  strcasestr(text, "retryafter"));
}

/* Whether call `call` of `file` runs a project function whose class (or, for
 * a plain function, itself) draws random numbers: a jittered backoff helper
 * (`backoff.delay()`). */
bool retry_random_helper(const Model *m, uint32_t file, int32_t call) {
  if (call < 0) return false;
  DefRef t = index_call_target(m->ix, file, (uint32_t)call);
  if (!defref_ok(t)) return false;
  const Facts *tf = &m->ix->files[t.file];
  int32_t scope = t.def, parent = tf->defs.items[t.def].parent;
  if (parent > 0 && tf->defs.items[parent].kind == DEF_CLASS) scope = parent;
  const Def *s = &tf->defs.items[scope];
  for (uint32_t c = s->calls_span.first; c < s->calls_span.end; c++)
    if (retry_has_randomness(m, tf->calls.items[c].callee)) return true;
  return false;
}

/* Exception types that include programming errors: bare, Exception, BaseException. */
bool retry_catches_everything(const char *types) {
  if (!types || !*types) return true;
  const char *words[] = {"BaseException", "Exception"};
  for (size_t i = 0; i < 2; i++)
    for (const char *p = strstr(types, words[i]); p; p = strstr(p + 1, words[i])) {
      char before = p == types ? ' ' : p[-1];
      char after = p[strlen(words[i])];
      if ((before == ' ' || before == '(' || before == ',' || before == '.') &&
          (after == '\0' || after == ',' || after == ')' || after == ' '))
        return true;
    }
  return false;
}

/* Whether every type a handler catches is a fact of `kind` (by its dotted or
 * last name). */
bool retry_types_all(const Model *m, const char *types, FactKind kind) {
  if (!types || !*types) return false;
  char *copy = xstrdup(types);
  bool all = true, any = false;
  for (char *tok = strtok(copy, "(), "); tok; tok = strtok(NULL, "(), ")) {
    any = true;
    if (!knowledge_has(m->k, kind, tok) && !knowledge_has(m->k, kind, str_last_component(tok)))
      all = false;
  }
  free(copy);
  return any && all;
}

bool retry_reprompt_only(const Model *m, const char *types) {
  /* a bad model output is re-asked, and a control signal (an empty queue,
   * an exhausted iterator) is no failure: neither makes a loop a retry */
  return retry_types_all(m, types, FACT_REPROMPT) ||
         retry_types_all(m, types, FACT_CONTROL_EXCEPTION);
}

/* A finding that rests on an inferred call target says which: confidence medium. */
void retry_mark_inferred(const Model *m, Finding *fd, CallRef via) {
  if (via.call == UINT32_MAX) return;
  const Facts *f = &m->ix->files[via.file];
  Targets t = index_call_targets(m->ix, via.file, via.call);
  char *tail = xasprintf("called at %s:%u", f->path, f->calls.items[via.call].pos.line);
  finding_mark_inferred(fd, f->calls.items[via.call].callee, t.len, t.how, tail);
  free(tail);
}
