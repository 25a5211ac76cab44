#include "actors/http_bridge/idle_connections.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>

namespace infergrid::http {
namespace {

using std::chrono::milliseconds;

// The longest one poll waits while nothing is due (a deadline or a park wakes it sooner).
constexpr milliseconds longest_wait{1000};

}  // namespace

idle_connections::idle_connections() : wake_fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  thread_ = std::thread([this] { run(); });
}

idle_connections::~idle_connections() {
  stop();
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

bool idle_connections::park(int sock, clock::time_point deadline, std::function<void()> on_ready,
                            std::function<void()> on_expired) {
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return false;
    parked_.push_back({sock, deadline, std::move(on_ready), std::move(on_expired)});
  }
  wake();
  return true;
}

void idle_connections::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    stopped_ = true;
  }
  wake();
  if (thread_.joinable()) thread_.join();
  // The thread is gone: no lock needed. A connection whose next request has begun is handed back
  // (a stopping server answers it); the others are let go.
  for (auto& connection : parked_) {
    pollfd fd{connection.sock, POLLIN, 0};
    if (::poll(&fd, 1, 0) > 0) connection.on_ready();
    else connection.on_expired();
  }
  parked_.clear();
}

void idle_connections::wake() {
  const std::uint64_t one = 1;
  (void)::write(wake_fd_, &one, sizeof one);
}

void idle_connections::run() {
  std::vector<pollfd> fds;
  std::vector<std::function<void()>> due;
  while (true) {
    auto wait = longest_wait;
    fds.assign(1, pollfd{wake_fd_, POLLIN, 0});
    {
      std::lock_guard lock(mutex_);
      if (stopped_) return;
      const auto now = clock::now();
      for (const auto& connection : parked_) {
        fds.push_back(pollfd{connection.sock, POLLIN, 0});
        wait = std::min(wait, std::chrono::ceil<milliseconds>(std::max(connection.deadline - now, clock::duration{0})));
      }
    }
    if (::poll(fds.data(), fds.size(), static_cast<int>(wait.count())) < 0 && errno != EINTR) continue;
    std::uint64_t count;
    (void)::read(wake_fd_, &count, sizeof count);
    {
      // Only this thread removes entries, so parked_[i] is still fds[i + 1]'s; newer ones are past.
      std::lock_guard lock(mutex_);
      if (stopped_) return;
      const auto now = clock::now();
      std::size_t kept = 0;
      for (std::size_t i = 0; i < parked_.size(); ++i) {
        const bool polled = i + 1 < fds.size();
        if (polled && fds[i + 1].revents != 0) {
          due.push_back(std::move(parked_[i].on_ready));
        } else if (parked_[i].deadline <= now) {
          due.push_back(std::move(parked_[i].on_expired));
        } else {
          if (kept != i) parked_[kept] = std::move(parked_[i]);
          ++kept;
        }
      }
      parked_.erase(parked_.begin() + static_cast<std::ptrdiff_t>(kept), parked_.end());
    }
    for (auto& action : due) action();
    due.clear();
  }
}

}  // namespace infergrid::http
