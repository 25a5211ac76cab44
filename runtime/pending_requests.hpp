#pragma once
// pending_requests: one actor's requests awaiting a reply, by correlation id, with deadlines.
// Bounded; used only on the actor's own thread.
#include <chrono>
#include <cstdint>
#include <optional>
#include <queue>
#include <unordered_map>
#include <vector>

#include "runtime/actor_context.hpp"
#include "runtime/timers.hpp"

namespace infergrid {

class pending_requests {
 public:
  struct entry {
    steady_time deadline;
    message_type reply_type{};
    raw_reply_callback callback;
  };

  explicit pending_requests(std::size_t max_pending) : max_pending_(max_pending) {}

  bool full() const { return entries_.size() >= max_pending_; }
  void add(std::uint64_t correlation_id, entry pending);
  // Takes the request a reply of this type answers (the expected type or an error_reply).
  std::optional<entry> take_answered(std::uint64_t correlation_id, message_type type);
  // Takes one request whose deadline has passed.
  std::optional<entry> take_expired(steady_time now);
  std::optional<steady_time> next_deadline();
  void clear();
  bool empty() const { return entries_.empty(); }

 private:
  struct heap_entry {
    steady_time deadline;
    std::uint64_t id;
    bool operator>(const heap_entry& other) const { return deadline > other.deadline; }
  };
  void drop_answered_tops();

  std::size_t max_pending_;
  std::unordered_map<std::uint64_t, entry> entries_;
  std::priority_queue<heap_entry, std::vector<heap_entry>, std::greater<>> heap_;
};

}  // namespace infergrid
