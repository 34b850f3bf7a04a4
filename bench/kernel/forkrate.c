// The real kernel's fork+exit+wait rate: the init (pid 1) of a fresh PID namespace
// forks a child that _exits at once and waits for it, N times. What `pidns storm
// --workload wide` simulates, for the "how many times faster" comparison.
// Run by bench/kernel/run.sh (root: unshare(CLONE_NEWPID)).
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 2000;
  if (unshare(CLONE_NEWPID) != 0) { perror("unshare"); return 1; }
  pid_t init = fork();
  if (init < 0) { perror("fork"); return 1; }
  if (init > 0) { int st; waitpid(init, &st, 0); return WEXITSTATUS(st); }
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (int i = 0; i < n; i++) {
    pid_t c = fork();
    if (c == 0) _exit(i & 0xff);
    if (c < 0) { perror("fork"); return 1; }
    int st;
    if (waitpid(c, &st, 0) != c) { perror("waitpid"); return 1; }
  }
  clock_gettime(CLOCK_MONOTONIC, &b);
  double s = (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
  printf("%d cycles in %.3f s: %.0f fork+exit+wait/s (pid %d in its namespace)\n", n, s, n / s, getpid());
  return 0;
}
