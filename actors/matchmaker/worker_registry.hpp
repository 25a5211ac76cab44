#pragma once
// worker_registry: the workers the matchmaker knows, with liveness. A worker is alive while its
// heartbeats keep coming; one silent for heartbeat_timeout_ms is evicted (and its jobs fail over).
// Re-registering replaces the entry (a worker that flaps keeps one entry, never a pile of them).
// A worker is its key: one that re-registers while still listed (it crashed and restarted within the
// heartbeat timeout) is the same miner, so its standing, latency, tokens and join time carry on; a
// leave or an eviction forgets it.
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "messages/match.hpp"
#include "runtime/result.hpp"

namespace infergrid::matchmaker {

using clock = std::chrono::steady_clock;

// The neutral reputation every miner starts with until validators and settlement feed real scores.
inline constexpr std::uint32_t neutral_reputation_permille = 500;

struct worker_entry {
  std::string worker_id;
  std::string address;
  std::vector<model_offer> models;
  std::uint32_t slots = 0;
  std::uint32_t queue_capacity = 0;
  std::uint32_t reported_free_slots = 0;
  std::uint32_t assigned = 0;                 // jobs the matchmaker has on it now
  std::uint32_t reputation_permille = neutral_reputation_permille;
  double first_token_ms_ewma = 0;             // dispatch -> first chunk, smoothed; fades while unsampled
  double first_token_ms_measured = 0;         // the same smoothing, never faded (the dashboard's figure)
  std::uint32_t stalls = 0;
  clock::time_point last_progress{};          // last chunk from it, or when it got work while idle
  clock::time_point last_seen{};
  // As the worker stated at registration and last reported in a heartbeat (the dashboard's view).
  std::uint64_t stake_micro = 0;
  std::uint32_t reported_running = 0;
  std::uint32_t reported_queued = 0;
  std::uint64_t tokens_generated = 0;         // by the running process, as it last reported
  std::uint64_t tokens_before_restart = 0;    // by earlier processes of this key while it stayed listed
  clock::time_point registered_at{};          // when the key joined (kept over a restart while listed)
  std::uint64_t dispatch_turn = 0;            // the registry's dispatch count when it last got a job (0 = never)

  const model_offer* offer(const std::string& model) const;
  std::uint32_t capacity() const { return slots + queue_capacity; }
  std::uint64_t tokens_since_joined() const { return tokens_before_restart + tokens_generated; }
};

class worker_registry {
 public:
  // Weight of the newest sample in the latency EWMA.
  static constexpr double latency_ewma_weight = 0.2;
  // A latency estimate with no new sample fades towards 0 with this time constant (it falls to 37%
  // in 10 s), so a worker that was slow once is tried again on an idle grid and measured afresh
  // instead of being passed over forever by a frozen estimate.
  static constexpr double latency_fade_s = 10.0;

  // Adds or replaces a worker; limited to max_workers entries.
  status upsert(const worker_register& hello, std::size_t max_workers, clock::time_point now);
  // not_found when the worker is unknown (it should register again).
  status heartbeat(const worker_heartbeat& beat, clock::time_point now);
  bool remove(const std::string& worker_id);
  // Workers silent for longer than `timeout` (the caller evicts them).
  std::vector<std::string> silent_workers(clock::time_point now, clock::duration timeout) const;

  worker_entry* find(const std::string& worker_id);
  const std::map<std::string, worker_entry>& all() const { return workers_; }
  void note_first_token(const std::string& worker_id, double milliseconds);
  // Every latency estimate fades by exp(-elapsed / latency_fade_s) (the matchmaker's tick).
  void fade_latencies(clock::duration elapsed);
  // `worker` got a job: it goes behind every equal-cost worker (ties rotate; routing_policy.hpp).
  void note_dispatch(worker_entry& worker) { worker.dispatch_turn = ++dispatches_; }
  // Workers under this reputation get no jobs (failed audits; reputation_book.hpp). 0 = no floor.
  std::uint32_t reputation_floor_permille = 0;

 private:
  std::map<std::string, worker_entry> workers_;  // ordered by id: deterministic iteration
  std::uint64_t dispatches_ = 0;
};

}  // namespace infergrid::matchmaker
