// PrepareChildForExec: what a test harness's child process does between fork and exec,
// so that the program it runs (sse-gateway, nats-server) dies with the test and starts
// as a shell would start it.
//
// Call it only in the child, right after fork: it uses async-signal-safe calls only
// (gtest or other threads of the parent may hold locks). PR_SET_PDEATHSIG fires when the
// thread that forked dies, so fork from the test's main thread.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <unistd.h>

namespace ssegw::testing {

// `parent`: getpid() of the parent taken before fork. Returns false when the parent is
// already gone (the child should then _exit).
inline bool PrepareChildForExec(pid_t parent, int stdout_fd, int stderr_fd) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) return false;
  // The test process ignores SIGPIPE (its sockets use it) and gtest may block signals;
  // the program must start with the dispositions a shell would give it.
  signal(SIGPIPE, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  signal(SIGINT, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  dup2(stdout_fd, STDOUT_FILENO);
  dup2(stderr_fd, STDERR_FILENO);
  const int devnull = open("/dev/null", O_RDONLY);
  if (devnull >= 0) dup2(devnull, STDIN_FILENO);
  return true;
}

}  // namespace ssegw::testing
