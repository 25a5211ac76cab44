#include "runtime/timers.hpp"

namespace infergrid {

std::uint64_t timer_queue::add(steady_time due, std::int64_t interval_ms, std::function<void()> callback) {
  if (timers_.size() >= max_timers_) return 0;
  const auto id = next_id_++;
  timers_.emplace(id, timer{due, interval_ms, std::move(callback)});
  heap_.push(heap_entry{due, id});
  return id;
}

void timer_queue::clear() {
  timers_.clear();
  heap_ = {};
}

// Heap entries of cancelled or re-armed timers are skipped lazily.
void timer_queue::drop_stale_tops() {
  while (!heap_.empty()) {
    auto found = timers_.find(heap_.top().id);
    if (found != timers_.end() && found->second.due == heap_.top().due) return;
    heap_.pop();
  }
}

std::optional<steady_time> timer_queue::next_due() {
  drop_stale_tops();
  if (heap_.empty()) return std::nullopt;
  return heap_.top().due;
}

bool timer_queue::run_one_due(steady_time now) {
  drop_stale_tops();
  if (heap_.empty() || heap_.top().due > now) return false;
  const auto id = heap_.top().id;
  heap_.pop();
  auto found = timers_.find(id);
  // The callback may cancel this timer or add others, so it runs from a local copy.
  std::function<void()> callback = std::move(found->second.callback);
  const auto interval_ms = found->second.interval_ms;
  if (interval_ms <= 0) timers_.erase(found);
  callback();
  if (interval_ms > 0) {
    auto still = timers_.find(id);
    if (still != timers_.end()) {
      still->second.callback = std::move(callback);
      // Next tick counts from now, so a slow callback cannot make a periodic timer fire in a burst.
      still->second.due = now + std::chrono::milliseconds(interval_ms);
      heap_.push(heap_entry{still->second.due, id});
    }
  }
  return true;
}

}  // namespace infergrid
