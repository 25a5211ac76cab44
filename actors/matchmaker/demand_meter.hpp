#pragma once
// demand_meter: the grid's load and queue time over wall-clock windows, for the settlement
// actor's epoch driver (demand_window_query). The matchmaker samples Σ running jobs and Σ slots on
// every tick into one bucket per second, and records each job's wait before its first dispatch;
// a window's utilisation is Σ running / Σ slots over its buckets (time-weighted), its queue time
// the nearest-rank p95 of the waits recorded in it plus, when the window reaches now, the wait so
// far of the jobs still queued. History is bounded by history_s seconds and waits_max waits.
#include <cstdint>
#include <deque>
#include <span>

#include "messages/match.hpp"

namespace infergrid::matchmaker {

class demand_meter {
 public:
  static constexpr std::size_t waits_max = 100'000;

  explicit demand_meter(std::int64_t history_s) : history_s_(history_s) {}
  // weight: the time the sample stands for (the matchmaker passes the ms since its last tick, which
  // is longer on an idle grid), so a window's utilisation stays time-weighted however ticks are spaced.
  void sample(std::int64_t now_unix_ms, std::uint64_t running, std::uint64_t slots, std::uint64_t weight = 1);
  void waited(std::int64_t now_unix_ms, std::int64_t wait_ms);
  // waiting_now_ms: the waits so far of the jobs queued now (counted when until_unix_ms ≥ now).
  demand_window_report measure(const demand_window_query& window, std::int64_t now_unix_ms,
                               std::span<const std::int64_t> waiting_now_ms) const;

 private:
  struct second {
    std::int64_t unix_s = 0;
    std::uint64_t running = 0;
    std::uint64_t slots = 0;
    std::uint64_t samples = 0;
  };
  struct wait {
    std::int64_t at_unix_ms = 0;
    std::int64_t wait_ms = 0;
  };
  std::int64_t history_s_;
  std::deque<second> seconds_;  // oldest first, one per second that had a sample
  std::deque<wait> waits_;      // oldest first
};

}  // namespace infergrid::matchmaker
