/* check_width: what a fan-out's width is, as FAN1xx and FAN2xx read it:
 * data that grows with the input, or bounded by a count, a cap (a slice,
 * min()), configuration, what one model turn proposes (tool calls, planned
 * queries, a reply reshaped), what every caller passes, or windows
 * (batches); and whether its results are held. Value flow is followed a few
 * steps within a function and a level of callers up. */
#include <stdlib.h>

#include "analysis.h"

/* FAN201 reports all results of a data-sized list buffered at once. The width must be
 * input data (rows, texts, URLs, hosts): not a count (`range(n)`), not a slice
 * or `min()` that caps it, not a configured list, not what one model turn
 * proposes (tool calls, planned queries), and not filled and drained in
 * windows. */

static bool ident_char(char c) {
  return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Whether `text` uses `word` as a whole name (`.word` counts as an attribute). */
static bool has_word(const char *text, const char *word) {
  size_t n = strlen(word);
  for (const char *p = strstr(text, word); n && p; p = strstr(p + 1, word))
    if ((p == text || !ident_char(p[-1])) && !ident_char(p[n])) return true;
  return false;
}

/* Whether `text` reads an attribute of an object of settings (rules/api.txt
 * `config.object`: `cfg.max_units`): a width chosen by whoever configures
 * the run, not by the data. */
static bool reads_config(const Model *m, const char *text) {
  for (const Fact *x = knowledge_first(m->k, FACT_CONFIG_OBJECT); x; x = knowledge_next(m->k, x)) {
    size_t n = strlen(x->name);
    for (const char *p = strstr(text, x->name); p; p = strstr(p + 1, x->name))
      if ((p == text || !ident_char(p[-1])) && p[n] == '.' && ident_char(p[n + 1])) return true;
  }
  return false;
}

/* `xs[:k]`, `xs[a:b]` (a stop bound), `min(n, cap)`. */
static bool capped_text(const char *text) {
  for (const char *p = strchr(text, '['); p; p = strchr(p + 1, '[')) {
    const char *colon = strchr(p, ':');
    const char *close = strchr(p, ']');
    if (!colon || (close && close < colon)) continue;
    const char *q = colon + 1;
    while (*q == ' ') q++;
    if (*q && *q != ']') return true; /* a stop (or a text cut after the colon) */
  }
  return has_word(text, "min") && strstr(text, "min(");
}

/* `range(n)`, `range(0, len(xs), step)`: a count or a number of batches; only
 * `range(len(xs))` counts the items of a list. */
static bool count_text(const char *text) {
  const char *r = strstr(text, "range(");
  if (!r || (r > text && ident_char(r[-1]))) return false;
  const char *arg = r + strlen("range(");
  if (strncmp(arg, "len(", 4) != 0) return true;
  int depth = 0;
  for (const char *p = arg; *p; p++) {
    if (*p == '(') depth++;
    if (*p == ')' && --depth < 0) return false; /* range(len(xs)) */
    if (*p == ',' && depth == 0) return true;   /* range(len(xs), ...) */
  }
  return false;
}

/* The tool calls of one model reply (`msg.tool_calls`, `pending_tool_calls`):
 * as many as the model asks for in a turn. */
static bool model_turn_text(const char *text) { return strstr(text, "tool_call") != NULL; }

/* Whether a width text is set by a count, a cap or configuration. */
static bool bounded_text(const Model *m, const char *text) {
  return text &&
         (capped_text(text) || count_text(text) || reads_config(m, text) || model_turn_text(text));
}

/* Whether call `c` of `file` asks a chat model for a reply: an LLM SDK call
 * that is no embedding, or any call passing `max_tokens=` (a generation
 * request by its shape, whatever client sends it). */
static bool chat_call(const Model *m, uint32_t file, uint32_t c) {
  const Facts *f = &m->ix->files[file];
  const Call *call = &f->calls.items[c];
  if (model_kwarg(f, call, "max_tokens") || model_kwarg(f, call, "max_completion_tokens") ||
      model_kwarg(f, call, "max_output_tokens"))
    return true;
  External e;
  if (!model_external_call(m, file, c, &e)) return false;
  const char *kind = fact_get(e.fact, ATTR_KIND);
  external_free(&e);
  return kind && strcmp(kind, "llm") == 0 && !strstr(call->callee, "embed");
}

/* Whether a project function reaches a chat-model call (not an embedding; a
 * call passing `max_tokens=` is one, whatever its client) and fans out over no data of its own:
 * what it returns is one model reply's worth of items (a planner's queries, an outline), not input
 * data. */
static bool asks_model(const Model *m, DefRef d) {
  if (!defref_ok(d) || index_def(m->ix, d)->kind != DEF_FUNCTION) return false;
  DefRefs reach = {0};
  model_reach(m, d, 3, &reach);
  bool chat = false, fans_data = false;
  for (uint32_t r = 0; r < reach.len && !fans_data; r++) {
    DefRef x = reach.items[r];
    uint32_t first, end;
    index_def_sites(m->ix, x, &first, &end);
    for (uint32_t i = first; i < end; i++) {
      const SiteRef *o = &m->ix->sites.items[i];
      if (o->site.def == x.def && o->site.width.kind == WIDTH_DATA) fans_data = true;
    }
    const Facts *f = &m->ix->files[x.file];
    const Def *xd = index_def(m->ix, x);
    for (uint32_t k = xd->own_calls.first; k < xd->own_calls.end && !chat; k++)
      chat = chat_call(m, x.file, f->call_order.items[k]);
  }
  array_free(&reach);
  return chat && !fans_data;
}

/* Whether a function is a tool a model calls (`@tool`, `@function_tool`,
 * `@mcp.tool()`: `tool.decorator` in rules/api.txt): its arguments are what
 * one model turn proposes. */
static bool model_tool(const Model *m, uint32_t file, int32_t def) {
  const Facts *f = &m->ix->files[file];
  const Def *d = &f->defs.items[def];
  for (uint32_t k = 0; k < d->decorators.count; k++) {
    const char *text = f->names.items[d->decorators.first + k];
    char *name = xstrndup(text, strcspn(text, "("));
    char *canon = model_canonical(m, file, def, name);
    const char *dot = strrchr(canon, '.');
    bool tool = knowledge_has(m->k, FACT_TOOL_DECORATOR, canon) ||
                (dot && knowledge_has(m->k, FACT_TOOL_DECORATOR, dot));
    free(canon);
    free(name);
    if (tool) return true;
  }
  return false;
}

/* Whether the value named `root` in def `def` of `file` is a model's reply:
 * bound from an awaited call of a function that asks a model, a parameter of
 * a tool the model calls, or a parameter every caller passes such a value (or
 * a field of one) for. */
static bool model_made(const Model *m, uint32_t file, int32_t def, const char *root, unsigned depth,
                       unsigned steps);

/* The name an iterable's text starts from (`plan.queries` -> `plan`), or NULL. */
static char *iter_root(const char *text) {
  size_t n = strcspn(text, ".[( ");
  return n && ident_char(text[0]) && !(text[0] >= '0' && text[0] <= '9') ? xstrndup(text, n) : NULL;
}

/* What a value reshapes, when it only reshapes one: a name (`xs = ys`), the
 * iterable of a comprehension (`[q.text for q in plan.queries]`) or of `list(...)`,
 * `sorted(...)`, `set(...)`, `dict.fromkeys(...)`. The caller frees. */
static char *reshaped(const char *value) {
  static const char *const copies[] = {"list(", "sorted(", "set(", "tuple(", "dict.fromkeys("};
  if (!value[strcspn(value, ".[( ")]) return iter_root(value); /* another name for it */
  for (size_t i = 0; i < sizeof copies / sizeof *copies; i++)
    if (str_starts_with(value, copies[i])) return iter_root(value + strlen(copies[i]));
  if (value[0] != '[' && value[0] != '{') return NULL;
  const char *in = NULL;
  for (const char *p = strstr(value, " for "); p; p = strstr(p + 1, " for "))
    in = strstr(p, " in ");
  return in ? iter_root(in + 4) : NULL;
}

/* Whether `root` is a copy of a model's reply made in a loop over it: every
 * `root.append(...)` (`extend`, `add`) of the function sits in a `for` over
 * a value model_made says is one (a de-duplicated or filtered reply). */
static bool filled_from_model(const Model *m, uint32_t file, int32_t def, const char *root,
                              unsigned depth, unsigned steps) {
  const Facts *f = &m->ix->files[file];
  static const char *const grows[] = {".append", ".extend", ".add"};
  unsigned fills = 0;
  bool made = true;
  size_t n = strlen(root);
  char small[128]; /* root.append, ...: on the stack when it fits */
  char *callee = n + sizeof ".extend" <= sizeof small ? small : xmalloc(n + sizeof ".extend");
  memcpy(callee, root, n);
  for (size_t g = 0; g < sizeof grows / sizeof *grows && made; g++) {
    strcpy(callee + n, grows[g]);
    for (uint32_t at = 0, i;
         made && (i = model_next_call(m, file, def, callee, &at)) != UINT32_MAX;) {
      const Call *c = &f->calls.items[i];
      const Loop *in = NULL; /* the innermost for loop around the call */
      for (uint32_t k = 0; k < f->loops.len; k++) {
        const Loop *l = &f->loops.items[k];
        if (l->def == def && !l->is_while && l->iter && l->pos.line <= c->pos.line &&
            c->pos.line <= l->end_line && (!in || l->pos.line >= in->pos.line))
          in = l;
      }
      char *from = in ? iter_root(in->iter) : NULL;
      made = from && strcmp(from, root) != 0 && model_made(m, file, def, from, depth, steps + 1);
      free(from);
      fills++;
    }
  }
  if (callee != small) free(callee);
  return made && fills > 0;
}

/* Reshaping (a copy, a comprehension, a filtered list, a new name) keeps
 * what a value is; `steps` bounds how many are followed in one function,
 * `depth` how many callers up. */
static bool model_made(const Model *m, uint32_t file, int32_t def, const char *root, unsigned depth,
                       unsigned steps) {
  const Facts *f = &m->ix->files[file];
  for (uint32_t at = 0, i;
       steps <= 4 && (i = model_next_assign(m, file, def, root, &at)) != UINT32_MAX;) {
    const Assign *a = &f->assigns.items[i];
    if (a->call >= 0 && (chat_call(m, file, (uint32_t)a->call) ||
                         asks_model(m, index_call_target(m->ix, file, (uint32_t)a->call))))
      return true;
    char *from = a->call < 0 && a->value ? reshaped(a->value) : NULL;
    bool made = from && strcmp(from, root) != 0 && model_made(m, file, def, from, depth, steps + 1);
    free(from);
    if (made) return true;
  }
  if (steps <= 4 && filled_from_model(m, file, def, root, depth, steps)) return true;
  const Def *d = &f->defs.items[def];
  int32_t param = -1;
  for (uint32_t i = 0; d->kind == DEF_FUNCTION && i < d->params.count; i++)
    if (strcmp(f->names.items[d->params.first + i], root) == 0) param = (int32_t)i;
  if (param < 0) return false;
  if (model_tool(m, file, def)) return true; /* the model fills a tool's arguments */
  if (depth > 1) return false;
  uint32_t n, seen = 0;
  const CallRef *callers = index_callers(m->ix, (DefRef){file, def}, &n);
  for (uint32_t i = 0; i < n; i++) {
    const Call *c = &m->ix->files[callers[i].file].calls.items[callers[i].call];
    if (c->flags & CALL_REFERENCE) continue;
    const char *arg = index_argument(m->ix, callers[i], (DefRef){file, def}, param);
    if (!arg) return false;
    char *base = xstrndup(arg, strcspn(arg, "."));
    bool made = model_made(m, callers[i].file, c->def, base, depth + 1, 0);
    free(base);
    if (!made) return false;
    seen++;
  }
  return seen > 0;
}

/* The width is a model's reply: `await planner(...)` bound to it, or a field
 * of such a reply (`plan.outline`), here or as the caller passed it. */
static bool model_output(const Model *m, const SiteRef *sr) {
  const char *texts[2] = {sr->site.width.source, sr->site.width.expr};
  for (int t = 0; t < 2; t++) {
    const char *p = texts[t];
    if (!p) continue;
    if (strncmp(p, "await ", 6) == 0) p += 6;
    size_t n = strcspn(p, "(.[ ");
    if (p[n] == '(') {
      char *callee = xstrndup(p, strcspn(p, "("));
      DefRef d = index_resolve_name(m->ix, sr->file, sr->site.def, callee);
      free(callee);
      if (asks_model(m, d)) return true;
      continue;
    }
    char *root = xstrndup(p, n);
    bool made = strcmp(root, "self") != 0 && model_made(m, sr->file, sr->site.def, root, 0, 0);
    free(root);
    if (made) return true;
  }
  return false;
}

/* Whether a list's text is bounded: a comprehension by what it iterates
 * (`[xs[i:i + k] for i in range(0, len(xs), k)]` has as many items as xs has
 * batches, however small each), anything else by bounded_text. */
static bool bounded_list_text(const Model *m, const char *text) {
  const char *in = NULL;
  if (text[0] == '[' || text[0] == '(' || text[0] == '{')
    for (const char *p = strstr(text, " for "); p; p = strstr(p + 1, " for "))
      in = strstr(p, " in ");
  if (!in) return bounded_text(m, text);
  const char *iter = in + 4;
  if (strstr(iter, "range(") && strstr(iter, "len(")) return false; /* batches of a list */
  return bounded_text(m, iter);
}

/* What a caller passes for a parameter: bounded when it is a literal list, a
 * capped or configured value, or a local bound once to one. */
static bool bounded_argument(const Model *m, const Facts *cf, int32_t def, const char *arg) {
  if (!arg) return true; /* omitted: the parameter's default */
  if ((arg[0] == '[' || arg[0] == '(') && !has_word(arg, "for") && !strstr(arg, "*"))
    return true; /* a literal list or tuple */
  if (bounded_list_text(m, arg)) return true;
  for (const char *q = arg; *q; q++)
    if (!ident_char(*q)) return false;
  const Assign *bound = NULL;
  for (uint32_t i = 0; i < cf->assigns.len; i++) {
    const Assign *a = &cf->assigns.items[i];
    if (a->def != def || strcmp(a->target, arg) != 0) continue;
    if (bound) return false; /* rebound: not one value */
    bound = a;
  }
  return bound && bounded_list_text(m, bound->value);
}

/* A width taken from a parameter for which every caller passes a bounded value
 * (`self._crawl(links[: self.config.top_k])`). No caller: the parameter is
 * the public entry point, and its data is the user's. */
static bool callers_bound_width(const Model *m, const SiteRef *sr) {
  int32_t param = sr->site.width.param;
  if (param < 0) return false;
  DefRef orch = {sr->file, sr->site.def};
  const Def *d = index_def(m->ix, orch);
  if (d->kind != DEF_FUNCTION || (uint32_t)param >= d->params.count) return false;
  uint32_t n, seen = 0;
  const CallRef *callers = index_callers(m->ix, orch, &n);
  for (uint32_t i = 0; i < n; i++) {
    const Facts *cf = &m->ix->files[callers[i].file];
    const Call *c = &cf->calls.items[callers[i].call];
    if (c->flags & CALL_REFERENCE) continue;
    if (c->flags & (CALL_STAR_ARGS | CALL_KW_SPLAT)) return false;
    const char *arg = index_argument(m->ix, callers[i], orch, param);
    if (!bounded_argument(m, cf, c->def, arg)) return false;
    seen++;
  }
  return seen > 0;
}

/* The fan-out runs once per window: inside a loop over batches
 * (`range(0, n, step)`, `batched(xs, k)`), or its gather sits in the loop that
 * fills its list (`if len(tasks) == 128: await gather(*tasks)`). */
bool width_windowed(const Model *m, const SiteRef *sr) {
  const Facts *f = &m->ix->files[sr->file];
  const char *expr = sr->site.width.expr;
  bool spawns_in_loop = sr->site.kind == SITE_CREATE_TASK || sr->site.kind == SITE_ENSURE_FUTURE ||
                        sr->site.kind == SITE_START_SOON || sr->site.kind == SITE_RUN_IN_EXECUTOR;
  for (uint32_t i = 0; i < f->loops.len; i++) {
    const Loop *l = &f->loops.items[i];
    if (l->def != sr->site.def || l->is_while || l->pos.line >= sr->site.pos.line ||
        sr->site.pos.line > l->end_line || !l->iter)
      continue;
    if (count_text(l->iter) && strchr(l->iter, ',')) return true; /* range(a, b, step) */
    size_t n = strcspn(l->iter, "(");
    if (l->iter[n]) {
      char *callee = xstrndup(l->iter, n);
      bool batcher = knowledge_has(m->k, FACT_BATCHER, callee) ||
                     knowledge_has(m->k, FACT_BATCHER, str_last_component(callee));
      free(callee);
      if (batcher) return true;
    }
    if (!spawns_in_loop && expr && has_word(l->iter, expr)) return true;
  }
  /* the remainder after such a loop: the list its tasks are appended to is
   * reset inside a loop (`pending = []` after each flush) */
  if (spawns_in_loop || !sr->site.targets.count) return false;
  const char *target = f->names.items[sr->site.targets.first];
  size_t tn = strlen(target);
  for (uint32_t at = 0, j;
       (j = model_next_method(m, sr->file, sr->site.def, "append", &at)) != UINT32_MAX;) {
    const Call *c = &f->calls.items[j];
    if (!c->arg0 || strncmp(c->arg0, target, tn) != 0 || c->arg0[tn] != '(') continue;
    char *list = xstrndup(c->callee, strlen(c->callee) - strlen(".append"));
    bool reset = false;
    for (uint32_t at2 = 0, k;
         !reset && (k = model_next_assign(m, sr->file, sr->site.def, list, &at2)) != UINT32_MAX;) {
      const Assign *a = &f->assigns.items[k];
      for (uint32_t l = 0; l < f->loops.len && !reset; l++) {
        const Loop *lp = &f->loops.items[l];
        reset =
            lp->def == sr->site.def && lp->pos.line < a->pos.line && a->pos.line <= lp->end_line;
      }
    }
    free(list);
    if (reset) return true;
  }
  return false;
}

/* Whether the tasks' results are kept: the function returns a value, or is
 * declared to (an abstract method whose overrides do). */
bool width_keeps_results(const Model *m, const SiteInfo *s) {
  if (!defref_ok(s->target)) return true;
  const Def *t = index_def(m->ix, s->target);
  return t->returns_value || (t->returns && strcmp(t->returns, "None") != 0);
}

/* A keyword argument that asks for a number of items (`num_queries=3`,
 * `limit=settings.page_size`, `top_k=k`); `limit=-1` or `None` asks for all. */
static bool count_keyword(const char *name, const char *value) {
  static const char *const exact[] = {"n", "k", "top_k", "limit", "count", "size", "page_size"};
  bool count = str_starts_with(name, "num_") || str_starts_with(name, "n_") ||
               str_starts_with(name, "max_") || str_ends_with(name, "_count");
  for (size_t i = 0; i < sizeof exact / sizeof *exact && !count; i++)
    count = strcmp(name, exact[i]) == 0;
  return count && value && strcmp(value, "None") != 0 && value[0] != '-';
}

/* Whether a call runs only project functions that return lists written out
 * (a schema's index statements): as many items as their code has. */
static bool returns_literal(const Model *m, uint32_t file, uint32_t call) {
  Targets t = index_call_targets(m->ix, file, call);
  bool literal = t.len > 0;
  for (uint32_t k = 0; k < t.len && literal; k++)
    literal = index_def(m->ix, t.items[k])->returns_literal;
  return literal;
}

/* Whether the local list `name` is made in the def with a bounded size: by a call told how many
 * items to return (a count keyword) or returning a literal list, as a sum of such lists, or by
 * appends each outside any loop (a few fixed sources) or in a `for` over a bounded iterable (an
 * `.extend` makes it unbounded). */
static bool bounded_by_making(const Model *m, const SiteRef *sr, const char *name, unsigned depth) {
  if (depth > 8) return false; /* `a = b + c`, `b = a + d`: a cycle, or too deep to say */
  const Facts *f = &m->ix->files[sr->file];
  int32_t def = sr->site.def;
  const Def *own = &f->defs.items[def];
  for (uint32_t at = 0, j; (j = model_next_assign(m, sr->file, def, name, &at)) != UINT32_MAX;) {
    const Assign *a = &f->assigns.items[j];
    if (a->call < 0) { /* `a + b` of lists made so, or `f() + g()` of literal-returning calls */
      const char *plus = strstr(a->value, " + ");
      if (!plus) continue;
      bool calls = false, literal = true;
      const Def *d = &f->defs.items[def];
      for (uint32_t k = d->own_calls.first; k < d->own_calls.end && literal; k++) {
        uint32_t c = f->call_order.items[k];
        if (f->calls.items[c].pos.line != a->pos.line || f->calls.items[c].outer >= 0) continue;
        calls = true;
        literal = returns_literal(m, sr->file, c);
      }
      if (calls && literal) return true;
      if (strchr(plus + 3, '+') || strpbrk(a->value, "([")) continue;
      char *left = xstrndup(a->value, (size_t)(plus - a->value));
      bool both = strcmp(left, name) != 0 && strcmp(plus + 3, name) != 0 &&
                  bounded_by_making(m, sr, left, depth + 1) &&
                  bounded_by_making(m, sr, plus + 3, depth + 1);
      free(left);
      if (both) return true;
      continue;
    }
    const Call *c = &f->calls.items[a->call];
    for (uint32_t k = 0; k < c->nkwargs; k++) {
      const Kwarg *kw = &f->kwargs.items[c->first_kwarg + k];
      if (count_keyword(kw->name, kw->value)) return true;
    }
    if (returns_literal(m, sr->file, (uint32_t)a->call)) return true;
  }
  size_t n = strlen(name);
  uint32_t appends = 0, in_loop = 0, bounded_loops = 0;
  for (uint32_t j = own->own_calls.first; j < own->own_calls.end; j++) {
    const Call *c = &f->calls.items[f->call_order.items[j]];
    if (strncmp(c->callee, name, n) != 0 || c->callee[n] != '.') continue;
    if (strcmp(c->callee + n, ".append") != 0) {
      if (strcmp(c->callee + n, ".extend") == 0) return false; /* a list's worth at once */
      continue;
    }
    appends++;
    if (!(c->flags & CALL_IN_LOOP)) continue;
    in_loop++;
    const Loop *inner = NULL; /* the innermost loop around the append */
    for (uint32_t l = 0; l < f->loops.len; l++) {
      const Loop *lp = &f->loops.items[l];
      if (lp->def == def && lp->pos.line <= c->pos.line && c->pos.line <= lp->end_line &&
          (!inner || lp->pos.line >= inner->pos.line))
        inner = lp;
    }
    if (inner && !inner->is_while && bounded_text(m, inner->iter)) bounded_loops++;
  }
  return appends && in_loop == bounded_loops;
}

/* Whether the list a site runs over (its width, or the list that width is
 * derived from) is a local made with a bounded size (bounded_by_making). */
static bool made_bounded(const Model *m, const SiteRef *sr) {
  const Width *w = &sr->site.width;
  if (w->param >= 0) return false;
  const char *names[2] = {w->expr, w->source};
  for (int i = 0; i < 2; i++) {
    bool plain = names[i] && *names[i];
    for (const char *q = names[i]; plain && *q; q++) plain = ident_char(*q);
    if (plain && bounded_by_making(m, sr, names[i], 0)) return true;
  }
  return false;
}

/* A data width whose size is set: by a count, a cap or configuration (in
 * its text, in the call that makes the list, or by every caller). One model
 * reply's items are not: the model chooses how many. */
static bool set_text(const Model *m, const char *text) {
  return text && (capped_text(text) || count_text(text) || reads_config(m, text));
}

bool width_set(const Model *m, const SiteRef *sr) {
  const Width *w = &sr->site.width;
  if (set_text(m, w->expr) || set_text(m, w->source)) return true;
  if (made_bounded(m, sr)) return true;
  return callers_bound_width(m, sr);
}

bool width_data(const Model *m, const SiteRef *sr) {
  const Width *w = &sr->site.width;
  if (w->kind != WIDTH_DATA) return false;
  if (bounded_text(m, w->expr) || bounded_text(m, w->source)) return false;
  if (model_output(m, sr)) return false;
  if (made_bounded(m, sr)) return false;
  return !callers_bound_width(m, sr);
}

/* Whether a call of helper `h` holds all results: the helper's own fan-out
 * over a parameter gathers or waits for its tasks outside any window (not
 * `as_completed`, not tasks spawned and drained a few at a time), followed
 * through helpers built on helpers. A helper with no such fan-out seen is
 * taken to gather. */
bool width_helper_buffers(const Model *m, DefRef h, unsigned depth) {
  bool any = false;
  for (uint32_t i = 0; i < m->ix->sites.len; i++) {
    const SiteRef *in = &m->ix->sites.items[i];
    if (in->file != h.file || in->site.def != h.def || in->site.width.param < 0) continue;
    any = true;
    if (in->site.kind == SITE_HELPER) {
      if (!defref_ok(in->helper) || depth >= REACH_DEPTH ||
          width_helper_buffers(m, in->helper, depth + 1))
        return true;
    } else if (in->site.buffered && !width_windowed(m, in)) {
      return true;
    }
  }
  return !any;
}
