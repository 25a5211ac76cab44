#include "runtime/signals.hpp"

#include <csignal>
#include <pthread.h>

namespace infergrid {
namespace {

sigset_t termination_set() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

}  // namespace

void block_termination_signals() {
  const sigset_t set = termination_set();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int wait_for_termination_signal() {
  const sigset_t set = termination_set();
  int received = 0;
  // sigwait only fails for an invalid set; loop until one of ours arrives.
  while (sigwait(&set, &received) != 0) {
  }
  return received;
}

bool termination_signal_pending() {
  sigset_t pending;
  sigemptyset(&pending);
  if (sigpending(&pending) != 0) return false;
  return sigismember(&pending, SIGINT) == 1 || sigismember(&pending, SIGTERM) == 1;
}

}  // namespace infergrid
