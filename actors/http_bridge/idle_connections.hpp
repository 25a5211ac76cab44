#pragma once
// idle_connections: keep-alive connections with nothing of a next request yet, kept open off the
// HTTP threads while other connections wait for one (edge_server parks them). One thread polls
// them all: a connection whose next request's first bytes arrive (or whose client closes) is handed
// back — `on_ready`, which must only queue it for a thread — and one still silent at its idle
// deadline, the timeout its last answer announced, is let go — `on_expired`. So an idle connection
// is never closed before the Keep-Alive timeout it was promised, and never holds a thread others
// wait for.
#include <chrono>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace infergrid::http {

class idle_connections {
 public:
  using clock = std::chrono::steady_clock;

  idle_connections();
  ~idle_connections();
  idle_connections(const idle_connections&) = delete;
  idle_connections& operator=(const idle_connections&) = delete;

  // Parks `sock` until it is readable (on_ready) or `deadline` passes (on_expired). False once
  // stopped: the caller keeps the connection.
  bool park(int sock, clock::time_point deadline, std::function<void()> on_ready, std::function<void()> on_expired);

  // Ends the thread and hands back each parked connection whose next request has begun (on_ready),
  // letting the others go (on_expired); park() refuses from now on.
  void stop();

 private:
  struct parked {
    int sock;
    clock::time_point deadline;
    std::function<void()> on_ready;
    std::function<void()> on_expired;
  };
  void run();
  void wake();

  std::mutex mutex_;
  std::vector<parked> parked_;
  bool stopped_ = false;
  int wake_fd_ = -1;  // an eventfd: a connection parked, or stop
  std::thread thread_;
};

}  // namespace infergrid::http
