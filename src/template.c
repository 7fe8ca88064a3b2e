/* template: log message templates (string literals, f-strings, %-format
 * and str.format with holes) and the PCRE2 expressions that match the lines
 * they produce, run under match and depth limits. */
#include "template.h"

#include <pthread.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

static void put_utf8(StrBuf *out, uint32_t cp) {
  char b[4];
  if (cp < 0x80)
    b[0] = (char)cp, sb_putn(out, b, 1);
  else if (cp < 0x800)
    b[0] = (char)(0xC0 | (cp >> 6)), b[1] = (char)(0x80 | (cp & 0x3F)), sb_putn(out, b, 2);
  else if (cp < 0x10000)
    b[0] = (char)(0xE0 | (cp >> 12)), b[1] = (char)(0x80 | ((cp >> 6) & 0x3F)),
    b[2] = (char)(0x80 | (cp & 0x3F)), sb_putn(out, b, 3);
  else
    b[0] = (char)(0xF0 | (cp >> 18)), b[1] = (char)(0x80 | ((cp >> 12) & 0x3F)),
    b[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), b[3] = (char)(0x80 | (cp & 0x3F)), sb_putn(out, b, 4);
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Decode \n \t \r \\ \' \" \x \u \U and line continuations; other escapes, and \x \u \U that are
 * short, NUL, surrogates or out of range, stay as written. Hole bytes in the source are dropped so
 * text cannot forge a hole. */
void template_unescape(const char *s, size_t n, bool raw, bool fstring, StrBuf *out) {
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (c == TEMPLATE_HOLE) continue; /* never let source text forge a hole */
    if (fstring && (c == '{' || c == '}') && i + 1 < n && s[i + 1] == c) {
      sb_putc(out, c);
      i++;
      continue;
    }
    if (c != '\\' || raw || i + 1 == n) {
      sb_putc(out, c);
      continue;
    }
    char e = s[++i];
    switch (e) {
    case 'n': sb_putc(out, '\n'); break;
    case 't': sb_putc(out, '\t'); break;
    case 'r': sb_putc(out, '\r'); break;
    case '\\': sb_putc(out, '\\'); break;
    case '\'': sb_putc(out, '\''); break;
    case '"': sb_putc(out, '"'); break;
    case '\n': break; /* line continuation */
    case 'x':
    case 'u':
    case 'U': {
      size_t digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
      uint32_t cp = 0;
      size_t k = 0;
      for (; k < digits && i + 1 + k < n && hexval(s[i + 1 + k]) >= 0; k++)
        cp = cp * 16 + (uint32_t)hexval(s[i + 1 + k]);
      if (k == digits && cp <= 0x10FFFF && cp != 0 && !(cp >= 0xD800 && cp <= 0xDFFF)) {
        put_utf8(out, cp);
        i += k;
      } else {
        sb_putc(out, '\\');
        sb_putc(out, e);
      }
      break;
    }
    default: /* unknown escapes stay as written, like Python */ sb_putc(out, '\\'); sb_putc(out, e);
    }
  }
}

char template_spec_type(const char *spec, size_t n) {
  while (n && (spec[n - 1] == ' ' || spec[n - 1] == '}')) n--;
  if (!n) return 'a';
  switch (spec[n - 1]) {
  case 'd':
  case 'i':
  case 'u':
  case 'x':
  case 'X':
  case 'o':
  case 'b':
  case 'n': return 'd';
  case 'f':
  case 'F':
  case 'e':
  case 'E':
  case 'g':
  case 'G':
  case '%': return 'f';
  default: return 'a';
  }
}

static void put_hole(StrBuf *out, char type) {
  sb_putc(out, TEMPLATE_HOLE);
  sb_putc(out, type);
}

void template_convert_percent(const char *t, StrBuf *out) {
  for (size_t i = 0; t[i]; i++) {
    if (t[i] == TEMPLATE_HOLE && t[i + 1]) {
      sb_putn(out, t + i, 2);
      i++;
      continue;
    }
    if (t[i] != '%') {
      sb_putc(out, t[i]);
      continue;
    }
    if (t[i + 1] == '%') {
      sb_putc(out, '%');
      i++;
      continue;
    }
    size_t j = i + 1;
    if (t[j] == '(') { /* %(name)s */
      while (t[j] && t[j] != ')') j++;
      if (t[j]) j++;
    }
    while (t[j] && strchr("#0- +", t[j])) j++;
    while (t[j] && (strchr("0123456789.*", t[j]))) j++;
    while (t[j] && strchr("hlL", t[j])) j++;
    if (t[j] && strchr("diouxXeEfFgGcrsa", t[j])) {
      put_hole(out, template_spec_type(t + j, 1));
      i = j;
    } else {
      sb_putc(out, '%');
    }
  }
}

void template_convert_format(const char *t, StrBuf *out) {
  for (size_t i = 0; t[i]; i++) {
    if (t[i] == TEMPLATE_HOLE && t[i + 1]) {
      sb_putn(out, t + i, 2);
      i++;
    } else if ((t[i] == '{' || t[i] == '}') && t[i + 1] == t[i]) {
      sb_putc(out, t[i]);
      i++;
    } else if (t[i] == '{') {
      size_t j = i + 1, colon = 0;
      int depth = 1;
      for (; t[j] && depth; j++) {
        if (t[j] == '{')
          depth++;
        else if (t[j] == '}')
          depth--;
        else if (t[j] == ':' && depth == 1 && !colon)
          colon = j;
      }
      if (depth) { /* unbalanced: keep the text */
        sb_putc(out, '{');
        continue;
      }
      /* `{count=}` (f-string style, as logfire writes): "count=" then the value */
      size_t name_end = colon ? colon : j - 1;
      for (size_t b = i + 1; b < name_end; b++)
        if (t[b] == '!') name_end = b;
      if (name_end > i + 1 && t[name_end - 1] == '=') sb_putn(out, t + i + 1, name_end - i - 1);
      put_hole(out, colon ? template_spec_type(t + colon + 1, j - colon - 2) : 'a');
      i = j - 1;
    } else {
      sb_putc(out, t[i]);
    }
  }
}

size_t template_literal_len(const char *t) {
  size_t n = 0;
  for (size_t i = 0; t[i]; i++) {
    if (t[i] == TEMPLATE_HOLE) {
      if (t[i + 1]) i++;
    } else if (t[i] != ' ' && t[i] != '\t' && t[i] != '\n') {
      n++;
    }
  }
  return n;
}

char *template_substitute(const char *t, unsigned param, const char *arg) {
  StrBuf out = {0};
  for (size_t i = 0; t[i]; i++) {
    if (t[i] == TEMPLATE_HOLE && t[i + 1]) {
      if ((unsigned char)t[i + 1] == '0' + param)
        sb_puts(&out, arg);
      else
        sb_putn(&out, t + i, 2);
      i++;
    } else {
      sb_putc(&out, t[i]);
    }
  }
  return sb_take(&out);
}

char *template_of_literal(const char *src) {
  size_t prefix = strspn(src, "rRfFuUbB");
  bool raw = memchr(src, 'r', prefix) || memchr(src, 'R', prefix);
  bool fstring = memchr(src, 'f', prefix) || memchr(src, 'F', prefix);
  const char *q = src + prefix;
  if (*q != '"' && *q != '\'') return NULL;
  size_t quote = strncmp(q, "\"\"\"", 3) == 0 || strncmp(q, "\'\'\'", 3) == 0 ? 3 : 1;
  size_t n = strlen(q);
  if (n < 2 * quote || memcmp(q, q + n - quote, quote) != 0) return NULL;
  const char *body = q + quote;
  size_t len = n - 2 * quote;
  for (size_t i = 0; i < len; i++) /* one literal, not a concatenation */
    if (body[i] == q[0] && (i == 0 || body[i - 1] != '\\')) return NULL;
  StrBuf raw_text = {0}, out = {0};
  template_unescape(body, len, raw, false, &raw_text); /* `{{` kept for the conversion */
  if (fstring || strchr(sb_str(&raw_text), '{'))
    template_convert_format(sb_str(&raw_text), &out);
  else
    sb_puts(&out, sb_str(&raw_text));
  sb_free(&raw_text);
  return sb_take(&out);
}

char *template_substitute_all(const char *t, char *const *args, unsigned nargs) {
  StrBuf out = {0};
  for (size_t i = 0; t[i]; i++) {
    unsigned p = t[i] == TEMPLATE_HOLE && t[i + 1] ? (unsigned)(unsigned char)t[i + 1] - '0' : ~0u;
    if (p < nargs && args[p])
      sb_puts(&out, args[p]), i++;
    else if (t[i] == TEMPLATE_HOLE && t[i + 1])
      put_hole(&out, 'a'), i++;
    else
      sb_putc(&out, t[i]);
  }
  return sb_take(&out);
}

/* ---- regex ---- */

struct TemplateRegex {
  pcre2_code *code;
  pcre2_match_data *md;
  char *pattern;
  bool gave_up; /* a line made it backtrack past the limits: it matches nothing more */
};

/* A template's pattern is the project's (`f"{a} {b} {c} ... x"`) and the
 * line is the log's: together they can make PCRE2 backtrack for seconds.
 * Past these limits a match fails, and the template is given up. Read-only
 * once made: shared by the threads that match. */
#define MATCH_LIMIT 200000
#define DEPTH_LIMIT 20000
static pcre2_match_context *limits;
static pthread_once_t limits_once = PTHREAD_ONCE_INIT;
static void make_limits(void) {
  limits = pcre2_match_context_create(NULL);
  pcre2_set_match_limit(limits, MATCH_LIMIT);
  pcre2_set_depth_limit(limits, DEPTH_LIMIT);
}

static bool limited_match(const TemplateRegex *re, const char *line, size_t n, pcre2_match_data *md,
                          uint32_t options) {
  if (__atomic_load_n(&re->gave_up, __ATOMIC_RELAXED)) return false;
  pthread_once(&limits_once, make_limits);
  int rc = pcre2_match(re->code, (PCRE2_SPTR)line, n, 0, options, md, limits);
  if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT)
    __atomic_store_n(&((TemplateRegex *)re)->gave_up, true, __ATOMIC_RELAXED);
  return rc >= 0;
}

bool template_regex_gave_up(const TemplateRegex *re) {
  return __atomic_load_n(&re->gave_up, __ATOMIC_RELAXED);
}

static void put_literal(StrBuf *re, char c) {
  if (strchr("\\^$.|?*+()[]{}", c)) sb_putc(re, '\\');
  sb_putc(re, c);
}

/* The first line of the template with some literal text on it. */
static void pick_line(const char *t, const char **start, size_t *len) {
  const char *line = t;
  *start = t;
  *len = strlen(t);
  while (*line) {
    const char *end = strchr(line, '\n');
    size_t n = end ? (size_t)(end - line) : strlen(line);
    char *copy = xstrndup(line, n);
    size_t lit = template_literal_len(copy);
    free(copy);
    if (lit >= 3) {
      *start = line;
      *len = n;
      return;
    }
    if (!end) break;
    line = end + 1;
  }
}

/* Literal text becomes escaped literals, a run of whitespace `\s+`, a `d` or `f` hole a signed
 * integer or number, and any other hole one lazy `.*?` (never two in a row). Compiled with UTF
 * checks on, and JIT when available. */
TemplateRegex *template_regex_new(const char *tmpl) {
  const char *t;
  size_t n;
  pick_line(tmpl, &t, &n);
  char *line = xstrndup(t, n);
  if (template_literal_len(line) < 3) {
    free(line);
    return NULL;
  }
  StrBuf re = {0};
  bool last_any = false;
  for (size_t i = 0; line[i]; i++) {
    char c = line[i];
    if (c == TEMPLATE_HOLE && line[i + 1]) {
      char type = line[++i];
      if (type == 'd')
        sb_puts(&re, "\\s*[-+]?\\d+"), last_any = false;
      else if (type == 'f')
        sb_puts(&re, "\\s*(?:[-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?%?|nan|inf|-inf)"),
            last_any = false;
      else if (!last_any)
        sb_puts(&re, ".*?"), last_any = true;
    } else if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      while (line[i + 1] == ' ' || line[i + 1] == '\t') i++;
      sb_puts(&re, "\\s+");
      last_any = false;
    } else {
      put_literal(&re, c);
      last_any = false;
    }
  }
  free(line);
  int err;
  PCRE2_SIZE off;
  /* PCRE2 checks the pattern is UTF-8: a template is bytes from a file or
   * an editor, and an invalid one must be refused, not compiled (found by
   * fuzz_template: PCRE2_NO_UTF_CHECK here crashed on 0xff bytes) */
  pcre2_code *code = pcre2_compile((PCRE2_SPTR)sb_str(&re), re.len, PCRE2_UTF, &err, &off, NULL);
  if (!code) {
    sb_free(&re);
    return NULL;
  }
  pcre2_jit_compile(code, PCRE2_JIT_COMPLETE); /* optional speed-up */
  TemplateRegex *r = xcalloc(1, sizeof *r);
  r->code = code;
  r->md = pcre2_match_data_create_from_pattern(code, NULL);
  r->pattern = sb_take(&re);
  return r;
}

const char *template_regex_pattern(const TemplateRegex *re) { return re->pattern; }

bool template_regex_match(const TemplateRegex *re, const char *line, size_t n) {
  return limited_match(re, line, n, re->md, 0);
}

bool template_regex_match_in(const TemplateRegex *re, const char *line, size_t n, void *match_data,
                             bool checked) {
  return limited_match(re, line, n, match_data, checked ? PCRE2_NO_UTF_CHECK : 0);
}

void template_regex_free(TemplateRegex *re) {
  if (!re) return;
  pcre2_match_data_free(re->md);
  pcre2_code_free(re->code);
  free(re->pattern);
  free(re);
}

char *template_display(const char *t) {
  StrBuf out = {0};
  for (size_t i = 0; t[i]; i++) {
    if (t[i] == TEMPLATE_HOLE && t[i + 1]) {
      sb_puts(&out, "{}");
      i++;
    } else if (t[i] == '\n') {
      sb_puts(&out, "\\n");
    } else if (t[i] == '"' || t[i] == '\\') {
      sb_putc(&out, '\\');
      sb_putc(&out, t[i]);
    } else {
      sb_putc(&out, t[i]);
    }
  }
  return sb_take(&out);
}
