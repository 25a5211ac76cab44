#pragma once
// metrics: per-actor counters, written by the actor's thread and readable by any thread (the
// health actor reports them; the HTTP bridge exports them for Prometheus).
#include <atomic>
#include <cstdint>
#include <string>

#include <msgpack.hpp>

namespace infergrid {

struct actor_counters {
  std::atomic<std::uint64_t> received{0};               // envelopes decoded and dispatched
  std::atomic<std::uint64_t> sent{0};                   // envelopes handed to the bus
  std::atomic<std::uint64_t> dropped_malformed{0};      // undecodable, wrong type, bad signature
  std::atomic<std::uint64_t> dropped_undeliverable{0};  // unknown recipient, full queue, no handler
  std::atomic<std::uint64_t> errors{0};                 // handler errors and exceptions
  std::atomic<std::uint64_t> restarts{0};               // state re-created after a crash
  std::atomic<std::uint64_t> timeouts{0};               // requests whose reply never came
  std::atomic<std::uint64_t> refused{0};                // unsigned, forged, replayed or unauthorised envelopes
};

// A copy of one actor's counters at one moment (also sent in health_report).
struct actor_metrics {
  std::string address;  // "node/actor"
  std::string kind;
  std::uint64_t received = 0;
  std::uint64_t sent = 0;
  std::uint64_t dropped_malformed = 0;
  std::uint64_t dropped_undeliverable = 0;
  std::uint64_t errors = 0;
  std::uint64_t restarts = 0;
  std::uint64_t timeouts = 0;
  std::uint64_t refused = 0;  // appended: older reports decode it as 0
  MSGPACK_DEFINE(address, kind, received, sent, dropped_malformed, dropped_undeliverable, errors, restarts, timeouts,
                 refused)
};

inline actor_metrics snapshot(const actor_counters& c, std::string address, std::string kind) {
  constexpr auto relaxed = std::memory_order_relaxed;
  return actor_metrics{std::move(address), std::move(kind), c.received.load(relaxed), c.sent.load(relaxed),
                       c.dropped_malformed.load(relaxed), c.dropped_undeliverable.load(relaxed),
                       c.errors.load(relaxed), c.restarts.load(relaxed), c.timeouts.load(relaxed),
                       c.refused.load(relaxed)};
}

}  // namespace infergrid
