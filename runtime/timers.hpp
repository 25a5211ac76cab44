#pragma once
// timer_queue: one actor's one-shot and periodic timers, ordered by due time. Bounded; used only
// on the actor's own thread.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <queue>
#include <vector>

namespace infergrid {

using steady_time = std::chrono::steady_clock::time_point;

class timer_queue {
 public:
  explicit timer_queue(std::size_t max_timers) : max_timers_(max_timers) {}

  // Returns 0 when max_timers are already armed.
  std::uint64_t add(steady_time due, std::int64_t interval_ms, std::function<void()> callback);
  void cancel(std::uint64_t id) { timers_.erase(id); }
  void clear();
  std::optional<steady_time> next_due();
  // Runs at most one due timer; false when none is due. Periodic timers are re-armed unless
  // their callback cancelled them.
  bool run_one_due(steady_time now);
  std::size_t size() const { return timers_.size(); }

 private:
  struct timer {
    steady_time due;
    std::int64_t interval_ms = 0;
    std::function<void()> callback;
  };
  struct heap_entry {
    steady_time due;
    std::uint64_t id;
    bool operator>(const heap_entry& other) const { return due > other.due; }
  };
  void drop_stale_tops();

  std::size_t max_timers_;
  std::uint64_t next_id_ = 1;
  std::map<std::uint64_t, timer> timers_;
  std::priority_queue<heap_entry, std::vector<heap_entry>, std::greater<>> heap_;
};

}  // namespace infergrid
