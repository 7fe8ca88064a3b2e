/* bench_parse: the baseline for `make bench`: read every *.py file under the
 * given directories and parse it with tree-sitter, one thread, nothing else.
 * Prints the number of files and bytes parsed. */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <tree_sitter/api.h>

const TSLanguage *tree_sitter_python(void);

static TSParser *parser;
static unsigned long files, bytes;

static void parse_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = malloc((size_t)n + 1);
  if (buf && fread(buf, 1, (size_t)n, f) == (size_t)n) {
    TSTree *t = ts_parser_parse_string(parser, NULL, buf, (uint32_t)n);
    ts_tree_delete(t);
    files++;
    bytes += (unsigned long)n;
  }
  free(buf);
  fclose(f);
}

static void walk(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return;
  for (struct dirent *e; (e = readdir(d));) {
    if (e->d_name[0] == '.' || strcmp(e->d_name, "__pycache__") == 0) continue;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    struct stat st;
    if (lstat(path, &st) != 0) continue;
    if (S_ISDIR(st.st_mode))
      walk(path);
    else if (S_ISREG(st.st_mode) && strlen(e->d_name) > 3 &&
             strcmp(e->d_name + strlen(e->d_name) - 3, ".py") == 0)
      parse_file(path);
  }
  closedir(d);
}

int main(int argc, char **argv) {
  parser = ts_parser_new();
  ts_parser_set_language(parser, tree_sitter_python());
  for (int i = 1; i < argc; i++) { /* directories are walked, files parsed */
    struct stat st;
    if (stat(argv[i], &st) == 0 && S_ISREG(st.st_mode))
      parse_file(argv[i]);
    else
      walk(argv[i]);
  }
  printf("%lu files, %lu bytes\n", files, bytes);
  ts_parser_delete(parser);
  return 0;
}
