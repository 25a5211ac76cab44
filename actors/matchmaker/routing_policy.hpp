#pragma once
// routing_policy: which worker serves a request. Candidates must serve the model, be under their
// capacity, have a reputation at or above the registry's floor (failed audits), and pass the
// request's routing preferences (excluded miners, price caps, allowed
// quantisations, minimum reputation, preferred-only when fallbacks are off). Among them the
// cheapest cost wins:
//   preferred miners first, then
//   cost = load (assigned / slots) + first-token latency EWMA / latency_scale_ms
//          - reputation / 1000,
//   ties broken by completion price, then by worker id — so the same state always picks the same worker.
// When nobody qualifies the error says which preference excluded which miners.
#include <set>
#include <string>

#include "actors/matchmaker/worker_registry.hpp"
#include "messages/inference.hpp"
#include "runtime/result.hpp"

namespace infergrid::matchmaker {

// A latency of this many milliseconds weighs as much as a fully loaded worker.
inline constexpr double latency_scale_ms = 1000.0;

enum class route_outcome { chosen, busy, refused };

struct route_decision {
  route_outcome outcome = route_outcome::refused;
  std::string worker_id;  // when chosen
  error why;              // when refused (or busy: what to say if it stays busy)
};

// `skip`: workers already tried for this attempt (they refused or failed it).
route_decision choose_worker(const worker_registry& registry, const inference_request& request,
                             const std::set<std::string>& skip);

}  // namespace infergrid::matchmaker
