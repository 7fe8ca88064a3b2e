/* logline: one log line taken apart (timestamp, level, logger, message)
 * in the formats Python's logging, JSON lines and `fanout run` write. O(line). */
#include "logline.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* ASCII classes without the locale's tables (a log line's digits and level
 * names are ASCII; this is the hot path of `report`). */
static inline bool is_digit(unsigned char c) { return (unsigned)(c - '0') < 10; }
static inline bool is_upper(unsigned char c) { return (unsigned)(c - 'A') < 26; }
static inline bool is_alnum(unsigned char c) {
  return is_digit(c) || is_upper(c) || (unsigned)(c - 'a') < 26;
}

static const char *const levels[] = {"DEBUG",    "INFO",  "WARNING", "WARN",   "ERROR",
                                     "CRITICAL", "FATAL", "TRACE",   "NOTICE", NULL};

double logline_epoch(int year, int month, int day, int hour, int min, double sec) {
  /* days from civil (Howard Hinnant's algorithm): no timezone, no locale */
  int y = year - (month <= 2);
  int era = (y >= 0 ? y : y - 399) / 400;
  int yoe = y - era * 400;
  int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  long days = (long)era * 146097 + doe - 719468;
  return (double)days * 86400.0 + hour * 3600.0 + min * 60.0 + sec;
}

static int digits(const char *s, size_t n, size_t at, size_t count) {
  if (at + count > n) return -1;
  int v = 0;
  for (size_t i = 0; i < count; i++) {
    if (!is_digit((unsigned char)s[at + i])) return -1;
    v = v * 10 + (s[at + i] - '0');
  }
  return v;
}

/* HH:MM:SS[.,fff] at `at`; returns the length consumed, 0 if none. */
static size_t parse_clock(const char *s, size_t n, size_t at, double *secs) {
  int h = digits(s, n, at, 2), m = digits(s, n, at + 3, 2), sec = digits(s, n, at + 6, 2);
  if (h < 0 || m < 0 || sec < 0 || s[at + 2] != ':' || s[at + 5] != ':' || h > 23 || m > 59 ||
      sec > 60)
    return 0;
  size_t i = at + 8;
  double frac = 0, scale = 0.1;
  if (i < n && (s[i] == '.' || s[i] == ',') && i + 1 < n && is_digit((unsigned char)s[i + 1])) {
    for (i++; i < n && is_digit((unsigned char)s[i]); i++, scale /= 10)
      frac += (s[i] - '0') * scale;
  }
  *secs = h * 3600.0 + m * 60.0 + sec + frac;
  return i - at;
}

/* A timestamp at the start (after an optional '['): date-time or time. */
static size_t parse_time(const char *s, size_t n, double *t, bool *time_of_day) {
  size_t at = s[0] == '[' ? 1 : 0;
  int y = digits(s, n, at, 4), mo = digits(s, n, at + 5, 2), d = digits(s, n, at + 8, 2);
  if (y > 0 && mo > 0 && d > 0 && s[at + 4] == '-' && s[at + 7] == '-' && at + 10 < n &&
      (s[at + 10] == ' ' || s[at + 10] == 'T')) {
    double clock;
    size_t c = parse_clock(s, n, at + 11, &clock);
    if (!c) return 0;
    size_t i = at + 11 + c;
    double offset = 0;
    if (i < n && s[i] == 'Z')
      i++;
    else if (i + 5 < n + 1 && (s[i] == '+' || s[i] == '-') && digits(s, n, i + 1, 2) >= 0) {
      int oh = digits(s, n, i + 1, 2), om = 0;
      size_t j = i + 3;
      if (j < n && s[j] == ':') j++;
      if (digits(s, n, j, 2) >= 0) om = digits(s, n, j, 2), j += 2;
      offset = (s[i] == '+' ? 1 : -1) * (oh * 3600.0 + om * 60.0);
      i = j;
    }
    *t = logline_epoch(y, mo, d, 0, 0, clock) - offset;
    *time_of_day = false;
    if (at && i < n && s[i] == ']') i++;
    return i;
  }
  double clock;
  size_t c = parse_clock(s, n, at, &clock);
  if (!c) return 0;
  *t = clock;
  *time_of_day = true;
  size_t i = at + c;
  if (at && i < n && s[i] == ']') i++;
  return i;
}

static bool is_level(const char *s, size_t n) {
  for (const char *const *l = levels; *l; l++)
    if (strlen(*l) == n && strncmp(*l, s, n) == 0) return true;
  return false;
}

static void skip_separators(const char *s, size_t n, size_t *i) {
  while (*i < n && (s[*i] == ' ' || s[*i] == '\t' || s[*i] == '-' || s[*i] == '|')) (*i)++;
}

static bool parse_json(const char *line, size_t len, LogLine *out) {
  json_error_t err;
  json_t *o = json_loadb(line, len, 0, &err);
  if (!json_is_object(o)) {
    json_decref(o);
    return false;
  }
  const char *keys_t[] = {"ts", "time", "timestamp", "@timestamp", "asctime", NULL};
  const char *keys_m[] = {"msg", "message", "event", NULL};
  for (const char *const *k = keys_t; *k && out->time < 0; k++) {
    json_t *v = json_object_get(o, *k);
    if (json_is_number(v)) {
      double t = json_number_value(v);
      out->time = t > 1e12 ? t / 1000.0 : t; /* milliseconds */
    } else if (json_is_string(v)) {
      const char *s = json_string_value(v);
      bool tod;
      double t;
      if (parse_time(s, strlen(s), &t, &tod)) out->time = t, out->time_of_day = tod;
    }
  }
  StrBuf b = {0};
  for (const char *const *k = keys_m; *k && !b.len; k++)
    if (json_is_string(json_object_get(o, *k)))
      sb_puts(&b, json_string_value(json_object_get(o, *k)));
  json_t *level = json_object_get(o, "level");
  if (!level) level = json_object_get(o, "levelname");
  const char *lv = json_is_string(level) ? json_string_value(level) : "";
  size_t mlen = b.len;
  sb_putc(&b, '\0');
  sb_puts(&b, lv);
  out->owned = sb_take(&b);
  out->message = out->owned;
  out->message_len = mlen;
  out->level = out->owned + mlen + 1;
  out->level_len = strlen(out->level);
  json_decref(o);
  return true;
}

/* The logger name at *i up to a ':', which *i then passes: any text in
 * logging's default format, else a non-empty dotted name. *i stays when
 * there is none. */
static void take_logger(const char *line, size_t len, size_t *i, bool any_text, LogLine *out) {
  size_t k = *i;
  if (any_text) {
    const char *colon = memchr(line + k, ':', len - k);
    k = colon ? (size_t)(colon - line) : len;
  } else {
    while (k < len && (is_alnum((unsigned char)line[k]) || line[k] == '.' || line[k] == '_')) k++;
  }
  if (k < len && line[k] == ':' && (any_text || k > *i)) {
    out->logger = line + *i;
    out->logger_len = k - *i;
    *i = k + 1;
  }
}

/* Peel off in turn a JSON record, a continuation line, a timestamp (a second one after `fanout
 * run`'s prefix is skipped), a level (bare, bracketed or `LEVEL:logger:`) and a logger name; the
 * rest is the message. */
void logline_parse(const char *line, size_t len, LogLine *out) {
  memset(out, 0, sizeof *out);
  out->time = -1;
  out->level = out->logger = "";
  while (len && (line[len - 1] == '\r' || line[len - 1] == '\n')) len--;
  out->message = line;
  out->message_len = len;
  if (len && line[0] == '{' && parse_json(line, len, out)) return;
  if (len &&
      (line[0] == ' ' || line[0] == '\t' || (len >= 11 && memcmp(line, "Traceback (", 11) == 0))) {
    out->continuation = true;
    return;
  }
  size_t i = parse_time(line, len, &out->time, &out->time_of_day);
  if (i) { /* `fanout run`'s prefix may come before the program's own timestamp */
    size_t j = i;
    skip_separators(line, len, &j);
    double inner;
    bool tod;
    size_t k = j < len ? parse_time(line + j, len - j, &inner, &tod) : 0;
    if (k) { /* keep the outer (wall clock) time, skip the inner one */
      i = j + k;
    }
  }
  skip_separators(line, len, &i);
  /* LEVEL, [LEVEL], LEVEL:logger:msg, then an optional logger name and ':' or ' - ' */
  size_t start = i;
  bool bracket = i < len && line[i] == '[';
  if (bracket) i++;
  size_t w = i;
  while (w < len && is_upper((unsigned char)line[w])) w++;
  if (w > i && is_level(line + i, w - i)) {
    out->level = line + i;
    out->level_len = w - i;
    i = w;
    if (bracket && i < len && line[i] == ']') i++;
    if (i < len && line[i] == ':') { /* LEVEL:logger:message (logging's default) */
      i++;
      take_logger(line, len, &i, true, out);
    } else {
      skip_separators(line, len, &i);
      take_logger(line, len, &i, false, out); /* a dotted logger name followed by ':' */
    }
  } else {
    i = start;
  }
  while (i < len && line[i] == ' ') i++;
  out->message = line + i;
  out->message_len = len - i;
}

void logline_free(LogLine *l) {
  free(l->owned);
  l->owned = NULL;
}
