#pragma once
// limits: every tunable of the runtime, one line each with its default. A node's YAML `limits:`
// section overrides any of them by the same key (see config.cpp, deploy/readme/runtime.md).
#include <cstddef>
#include <cstdint>

namespace infergrid {

struct runtime_limits {
  // Largest envelope accepted from the wire, in bytes; bigger ones are counted and dropped.
  std::int64_t max_envelope_bytes = 16 << 20;
  // Messages queued per actor inbox (ZeroMQ high-water mark) before senders see back-pressure.
  std::int64_t inbox_high_water_mark = 100000;
  // Requests one actor may have awaiting a reply; more fail at once with `unavailable`.
  std::int64_t max_pending_requests = 65536;
  // Timers one actor may have armed; more are refused and logged.
  std::int64_t max_timers = 4096;
  // Sockets and fds one actor may watch besides its inbox (actor_context::watch); more are refused.
  std::int64_t max_watches = 64;
  // Timeout of a request whose caller passed 0.
  std::int64_t default_request_timeout_ms = 5000;
  // First and largest delay before a crashed actor is re-created (doubling in between).
  std::int64_t restart_backoff_initial_ms = 10;
  std::int64_t restart_backoff_max_ms = 5000;
  // An actor that has run this long without crashing starts its backoff from the beginning.
  std::int64_t restart_backoff_reset_ms = 10000;
  // Shutdown: an actor stops once its inbox has been quiet this long and no request awaits a reply...
  std::int64_t drain_quiet_ms = 50;
  // ...or, at the latest, this long after the shutdown began.
  std::int64_t drain_timeout_ms = 3000;
  // How long a send waits for room in a full inbox or peer queue before it is dropped and counted.
  std::int64_t send_timeout_ms = 1000;
  // How long sockets keep flushing unsent messages to peers on close.
  std::int64_t socket_linger_ms = 500;
  // Remote sockets and resolved routes cached per actor before the cache is reset.
  std::int64_t max_cached_routes = 4096;
  // A node learned from its traffic (not configured under `peers:`) that has sent nothing this long
  // is forgotten; it is learned again when it next sends. Configured peers are never forgotten.
  std::int64_t learned_peer_idle_ms = 600000;
  // Learned nodes remembered at once; a new one beyond this evicts the longest-silent one.
  std::int64_t max_learned_peers = 4096;
};

}  // namespace infergrid
