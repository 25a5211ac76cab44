#pragma once
// replay_guard: refuses an envelope seen before. Each sending address's message ids only grow
// (actor_runner starts them from the clock), so per sender it keeps the highest id and a bitmap of
// the 64 below it (an IPsec-style window); an envelope sent more than the window ago (by its signed
// sent_at_ms), past its deadline, or from the future beyond the window is refused outright, which
// is what lets a sender's entry be forgotten once it has been silent for two windows.
// Used by the ingress thread only.
#include <cstdint>
#include <string>

#include "messages/envelope.hpp"
#include "runtime/idle_map.hpp"
#include "runtime/result.hpp"

namespace infergrid {

class replay_guard {
 public:
  replay_guard(std::int64_t window_ms, std::size_t max_senders) : window_ms_(window_ms), max_senders_(max_senders) {}

  // ok (and remembered) when `message` is fresh; else an error naming why.
  status admit(const envelope& message, std::int64_t now_ms);
  // Senders the cleanup of silent ones has looked at so far (a full guard costs each newcomer a few).
  std::uint64_t cleanup_visits() const { return senders_.entries_visited(); }

 private:
  struct window {
    std::uint64_t highest = 0;
    std::uint64_t seen_below = 0;  // bit i: highest - 1 - i was seen
  };

  const std::int64_t window_ms_;
  const std::size_t max_senders_;
  idle_map<window> senders_;
};

}  // namespace infergrid
