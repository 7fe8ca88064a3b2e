/* parse: the Python grammar (fetched and verified at build time) and
 * parsing with tree-sitter, one parser per thread. */
#include "parse.h"

#include <pthread.h>

const TSLanguage *tree_sitter_python(void);

const TSLanguage *parse_language(void) { return tree_sitter_python(); }

/* One parser per thread: parsers are not thread-safe but are cheap to keep. */
static pthread_key_t parser_key;
static pthread_once_t parser_once = PTHREAD_ONCE_INIT;

static void parser_destroy(void *p) { ts_parser_delete(p); }
static void parser_key_init(void) { pthread_key_create(&parser_key, parser_destroy); }

static TSParser *thread_parser(void) {
  pthread_once(&parser_once, parser_key_init);
  TSParser *p = pthread_getspecific(parser_key);
  if (!p) {
    p = ts_parser_new();
    ts_parser_set_language(p, parse_language());
    pthread_setspecific(parser_key, p);
  }
  return p;
}

TSTree *parse_source(const char *text, uint32_t len, const TSTree *old) {
  return ts_parser_parse_string(thread_parser(), old, text, len);
}
