/* run: `fanout run`: the pipeline as a child in its own process group
 * (given the terminal's foreground when fanout has it), its output
 * timestamped into a log in pieces of at most 1 MiB, the RSS of its process
 * tree sampled, signals forwarded, and the child killed with fanout. */
#define _GNU_SOURCE
#include "run.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t pending_signal;

static void on_signal(int sig) { pending_signal = sig; }

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void write_stamp(FILE *f, double t) {
  time_t secs = (time_t)t;
  struct tm tm;
  gmtime_r(&secs, &tm);
  fprintf(f, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
          tm.tm_hour, tm.tm_min, tm.tm_sec, (int)((t - (double)secs) * 1000));
}

/* Read every process's parent from /proc/PID/stat, collect pid's descendants breadth first and sum
 * their VmRSS. One file read per process, and O(processes x descendants) to find them. */
unsigned long run_tree_rss_kb(int pid) {
  /* parent of every process, then the sum over the descendants of pid */
  DIR *d = opendir("/proc");
  if (!d) return 0;
  Array(int) pids = {0}, ppids = {0};
  for (struct dirent *e; (e = readdir(d));) {
    char *end;
    long p = strtol(e->d_name, &end, 10);
    if (*end || p <= 0) continue;
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%ld/stat", p);
    FILE *f = fopen(path, "r");
    if (!f) continue;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *close = strrchr(buf, ')'); /* the command may contain spaces */
    int ppid;
    char state;
    if (!close || sscanf(close + 1, " %c %d", &state, &ppid) != 2) continue;
    array_push(&pids, (int)p);
    array_push(&ppids, ppid);
  }
  closedir(d);
  Array(int) tree = {0};
  array_push(&tree, pid);
  for (uint32_t head = 0; head < tree.len; head++)
    for (uint32_t i = 0; i < pids.len; i++)
      if (ppids.items[i] == tree.items[head]) array_push(&tree, pids.items[i]);
  unsigned long kb = 0;
  for (uint32_t i = 0; i < tree.len; i++) {
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", tree.items[i]);
    FILE *f = fopen(path, "r");
    if (!f) continue;
    while (fgets(line, sizeof line, f))
      if (strncmp(line, "VmRSS:", 6) == 0) kb += strtoul(line + 6, NULL, 10);
    fclose(f);
  }
  array_free(&pids);
  array_free(&ppids);
  array_free(&tree);
  return kb;
}

/* A child's line longer than this is written to the log in pieces of it. */
#define RUN_LINE_MAX (1u << 20)

typedef struct {
  int fd;
  FILE *tee; /* NULL: quiet */
  StrBuf partial;
  bool open;
} Stream;

/* Copy what arrived to our own stream; write whole lines to the log. */
static void drain(Stream *s, FILE *log, unsigned long *lines) {
  char buf[65536];
  ssize_t n = read(s->fd, buf, sizeof buf);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
  if (n <= 0) {
    s->open = false;
    if (s->partial.len) { /* a last line without its newline */
      write_stamp(log, now_seconds());
      fwrite(s->partial.s, 1, s->partial.len, log); /* NULs and all */
      fputc('\n', log);
      s->partial.len = 0;
      ++*lines;
    }
    fflush(log);
    return;
  }
  if (s->tee) {
    fwrite(buf, 1, (size_t)n, s->tee);
    fflush(s->tee);
  }
  double t = now_seconds();
  for (ssize_t i = 0, start = 0; i < n; i++) {
    if (buf[i] != '\n') {
      if (i == n - 1) sb_putn(&s->partial, buf + start, (size_t)(n - start));
      if (s->partial.len >= RUN_LINE_MAX) { /* an endless line: written in pieces, not held */
        write_stamp(log, t);
        fwrite(s->partial.s, 1, s->partial.len, log);
        fputc('\n', log);
        s->partial.len = 0;
        ++*lines;
      }
      continue;
    }
    write_stamp(log, t);
    if (s->partial.len) fwrite(s->partial.s, 1, s->partial.len, log), s->partial.len = 0;
    fwrite(buf + start, 1, (size_t)(i - start), log);
    fputc('\n', log);
    ++*lines;
    start = i + 1;
  }
  fflush(log);
}

/* Make process group `pgrp` the terminal's foreground group (SIGTTOU held
 * off: a background group may not otherwise change it). */
static void give_terminal(pid_t pgrp) {
  struct sigaction ignore, old;
  memset(&ignore, 0, sizeof ignore);
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGTTOU, &ignore, &old);
  if (tcsetpgrp(STDIN_FILENO, pgrp) != 0) { /* no terminal after all: nothing to hand over */
  }
  sigaction(SIGTTOU, &old, NULL);
}

/* The output directory (made if needed; a planted link refused) and its
 * two files, opened without following links. */
static bool open_outputs(const RunOptions *opts, RunResult *out, FILE **log, FILE **rss,
                         Diags *diags) {
  if (mkdir(opts->out_dir, 0755) != 0 && errno != EEXIST) {
    diags_add(diags, DIAG_ERROR, opts->out_dir, 0, "cannot create the output directory: %s",
              strerror(errno));
    return false;
  }
  struct stat dst;
  if (lstat(opts->out_dir, &dst) != 0 || !S_ISDIR(dst.st_mode)) { /* a planted link: refused */
    diags_add(diags, DIAG_ERROR, opts->out_dir, 0,
              "the output directory is a symbolic link or not a directory; not written through");
    return false;
  }
  out->log_path = xasprintf("%s/run.log", opts->out_dir);
  out->rss_path = xasprintf("%s/rss.log", opts->out_dir);
  *log = fopen_write_nofollow(out->log_path);
  *rss = fopen_write_nofollow(out->rss_path);
  if (*log && *rss) return true;
  diags_add(diags, DIAG_ERROR, out->log_path, 0, "cannot write: %s", strerror(errno));
  if (*log) fclose(*log);
  if (*rss) fclose(*rss);
  return false;
}

/* Start the child in its own process group with our pipes as stdout and
 * stderr; `ready` reports an exec failure. Returns its pid, -1 on failure. */
static pid_t start_child(char *const argv[], bool foreground, const int po[2], const int pe[2],
                         const int ready[2], Diags *diags) {
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    diags_add(diags, DIAG_ERROR, NULL, 0, "fork: %s", strerror(errno));
    return -1;
  }
  if (pid == 0) { /* the child: its own process group, our pipes as stdout/stderr */
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL); /* fanout killed: the child does not outlive it */
    if (getppid() != parent) _exit(128 + SIGKILL);
    if (foreground) give_terminal(getpid());
    dup2(po[1], STDOUT_FILENO);
    dup2(pe[1], STDERR_FILENO);
    execvp(argv[0], argv);
    int err = errno; /* tell the parent why exec failed */
    if (write(ready[1], &err, sizeof err) < 0) {
    }
    _exit(127);
  }
  setpgid(pid, pid);
  if (foreground) give_terminal(pid);
  return pid;
}

/* Copy the child's output into the log (and to ours unless quiet) until
 * both pipes close, sampling its process tree's RSS every interval and
 * passing on the signals we catch. */
static void follow_child(pid_t pid, const RunOptions *opts, int out_fd, int err_fd, FILE *log,
                         FILE *rss, RunResult *out) {
  Stream streams[2] = {{out_fd, opts->quiet ? NULL : stdout, {0}, true},
                       {err_fd, opts->quiet ? NULL : stderr, {0}, true}};
  unsigned interval = opts->rss_interval_ms ? opts->rss_interval_ms : 200;
  double next_sample = now_seconds();
  while (streams[0].open || streams[1].open) {
    if (pending_signal) { /* Ctrl-C: the child stops; we still write the report */
      kill(-pid, pending_signal);
      pending_signal = 0;
    }
    double t = now_seconds();
    if (t >= next_sample) {
      unsigned long kb = run_tree_rss_kb(pid);
      if (kb) fprintf(rss, "%.3f %lu\n", t, kb), fflush(rss);
      next_sample = t + interval / 1000.0;
    }
    struct pollfd fds[2];
    nfds_t nfds = 0;
    Stream *which[2];
    for (int i = 0; i < 2; i++)
      if (streams[i].open)
        fds[nfds] = (struct pollfd){streams[i].fd, POLLIN, 0}, which[nfds++] = &streams[i];
    int wait_ms = (int)((next_sample - now_seconds()) * 1000);
    int ready_n = poll(fds, nfds, wait_ms < 0 ? 0 : wait_ms);
    for (nfds_t i = 0; ready_n > 0 && i < nfds; i++)
      if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) drain(which[i], log, &out->lines);
  }
  sb_free(&streams[0].partial);
  sb_free(&streams[1].partial);
}

/* Start the child in its own process group (given the terminal when fanout has it), learn through a
 * close-on-exec pipe whether exec failed, then follow its output and forward signals until it
 * exits. The status is its exit code, or 128 + the signal that ended it. */
bool run_command(char *const argv[], const RunOptions *opts, RunResult *out, Diags *diags) {
  memset(out, 0, sizeof *out);
  FILE *log, *rss;
  if (!open_outputs(opts, out, &log, &rss, diags)) return false;
  int po[2], pe[2], ready[2];
  if (pipe2(po, O_CLOEXEC) != 0 || pipe2(pe, O_CLOEXEC) != 0 || pipe2(ready, O_CLOEXEC) != 0) {
    diags_add(diags, DIAG_ERROR, NULL, 0, "pipe: %s", strerror(errno));
    fclose(log), fclose(rss);
    return false;
  }
  fflush(stdout), fflush(stderr);
  /* Like a shell: when fanout runs in the terminal's foreground, the child's
   * process group gets the terminal (else its first read stops it), and
   * fanout takes it back when the child is done. */
  bool foreground = isatty(STDIN_FILENO) && tcgetpgrp(STDIN_FILENO) == getpgrp();
  pid_t pid = start_child(argv, foreground, po, pe, ready, diags);
  if (pid < 0) {
    fclose(log), fclose(rss);
    return false;
  }
  close(po[1]), close(pe[1]), close(ready[1]);
  int exec_err = 0;
  if (read(ready[0], &exec_err, sizeof exec_err) == (ssize_t)sizeof exec_err) {
    diags_add(diags, DIAG_ERROR, argv[0], 0, "cannot run: %s", strerror(exec_err));
    close(ready[0]), close(po[0]), close(pe[0]);
    waitpid(pid, NULL, 0);
    fclose(log), fclose(rss);
    return false;
  }
  close(ready[0]);
  struct sigaction sa, old_int, old_term, old_hup, old_quit;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, &old_int);
  sigaction(SIGTERM, &sa, &old_term);
  sigaction(SIGHUP, &sa, &old_hup);
  sigaction(SIGQUIT, &sa, &old_quit);
  pending_signal = 0;
  follow_child(pid, opts, po[0], pe[0], log, rss, out);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    if (pending_signal) kill(-pid, pending_signal), pending_signal = 0;
  }
  if (foreground) give_terminal(getpgrp());
  sigaction(SIGINT, &old_int, NULL);
  sigaction(SIGTERM, &old_term, NULL);
  sigaction(SIGHUP, &old_hup, NULL);
  sigaction(SIGQUIT, &old_quit, NULL);
  out->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  close(po[0]), close(pe[0]);
  fclose(log);
  fclose(rss);
  return true;
}

void run_result_free(RunResult *r) {
  free(r->log_path);
  free(r->rss_path);
}
