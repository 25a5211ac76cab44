#pragma once
// routing_policy: which worker serves a request. Candidates must serve the model, be under their
// capacity, have a reputation at or above the registry's floor (failed audits), and pass the
// request's routing preferences (excluded miners, price caps, allowed
// quantisations, minimum reputation, preferred-only when fallbacks are off). Among them the
// cheapest cost wins:
//   preferred miners first, then
//   cost = load (assigned / slots) + first-token latency EWMA / latency_scale_ms
//          - reputation / 1000
//          + price_weight × ask / median ask,
//   where ask = the worker's prompt + completion ask per 1k tokens and the median is over every
//   worker serving the model (so a worker at the median price weighs price_weight, one at twice
//   the median twice that: a price difference trades against load, latency and reputation);
//   ties broken by completion price, then by who got work least recently (never first; so equal
//   workers take turns on an idle grid), then by worker id — the same state always picks the same
//   worker. The latency EWMA fades while a worker gets no samples (worker_registry::latency_fade_s).
// When nobody qualifies the error says which preference excluded which miners.
#include <set>
#include <string>

#include "actors/matchmaker/worker_registry.hpp"
#include "messages/inference.hpp"
#include "runtime/result.hpp"

namespace infergrid::matchmaker {

// A latency of this many milliseconds weighs as much as a fully loaded worker.
inline constexpr double latency_scale_ms = 1000.0;

// How much price weighs against load (1.0 = a worker at the median ask weighs like a full one).
inline constexpr double default_price_weight = 1.0;

struct routing_weights {
  double price = default_price_weight;
};

// The cost above for one candidate; `median_ask_micro` is the median of prompt + completion asks
// of the model's workers (0 = no price term). Shared with bench/market_sim.
double routing_cost(const worker_entry& worker, const model_offer& offer, std::uint64_t median_ask_micro,
                    const routing_weights& weights);
// The median of prompt + completion asks of the workers serving `model` (0 when none does).
std::uint64_t median_ask_micro(const worker_registry& registry, const std::string& model);

enum class route_outcome { chosen, busy, refused };

struct route_decision {
  route_outcome outcome = route_outcome::refused;
  std::string worker_id;  // when chosen
  error why;              // when refused (or busy: what to say if it stays busy)
};

// `skip`: workers already tried for this attempt (they refused or failed it).
route_decision choose_worker(const worker_registry& registry, const inference_request& request,
                             const std::set<std::string>& skip, const routing_weights& weights = {});

}  // namespace infergrid::matchmaker
