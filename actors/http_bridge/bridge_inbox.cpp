#include "actors/http_bridge/bridge_inbox.hpp"

namespace infergrid::http {

// Cancels may exceed the capacity by this much (each in-flight job cancels at most once).
constexpr std::size_t cancel_headroom = 65536;

bool bridge_inbox::push(bridge_command command) {
  {
    std::lock_guard lock(mutex_);
    const std::size_t limit = command.what == bridge_command::kind::cancel ? capacity_ + cancel_headroom : capacity_;
    if (queue_.size() >= limit) return false;
    queue_.push_back(std::move(command));
    size_.store(queue_.size(), std::memory_order_release);
  }
  waker_.wake();
  return true;
}

std::vector<bridge_command> bridge_inbox::take(std::size_t max_items) {
  std::vector<bridge_command> out;
  std::lock_guard lock(mutex_);
  while (!queue_.empty() && out.size() < max_items) {
    out.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  size_.store(queue_.size(), std::memory_order_release);
  return out;
}

}  // namespace infergrid::http
