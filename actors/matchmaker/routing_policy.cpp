#include "actors/matchmaker/routing_policy.hpp"

#include <algorithm>
#include <map>
#include <numeric>
#include <optional>
#include <tuple>
#include <vector>

#include "market/price_index.hpp"

namespace infergrid::matchmaker {
namespace {

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

std::string short_id(const std::string& worker_id) { return worker_id.substr(0, 12); }

// The preference that rules a worker out, or "" when it passes them all.
std::string excluded_by(const worker_entry& worker, const model_offer& offer, const routing_preferences& routing,
                        std::uint32_t reputation_floor_permille) {
  if (worker.reputation_permille < reputation_floor_permille) return "failed audits (reputation under the floor)";
  if (contains(routing.excluded_miners, worker.worker_id)) return "excluded_miners";
  if (!routing.allow_fallbacks && !contains(routing.preferred_miners, worker.worker_id)) {
    return "allow_fallbacks=false (not a preferred miner)";
  }
  if (routing.max_price_prompt_micro != 0 && offer.price_prompt_micro > routing.max_price_prompt_micro) {
    return "max_price_prompt_micro=" + std::to_string(routing.max_price_prompt_micro);
  }
  if (routing.max_price_completion_micro != 0 && offer.price_completion_micro > routing.max_price_completion_micro) {
    return "max_price_completion_micro=" + std::to_string(routing.max_price_completion_micro);
  }
  if (!routing.allowed_quantisations.empty() && !contains(routing.allowed_quantisations, offer.quantisation)) {
    return "allowed_quantisations (it serves " + offer.quantisation + ")";
  }
  if (worker.reputation_permille < routing.min_reputation_permille) {
    return "min_reputation_permille=" + std::to_string(routing.min_reputation_permille);
  }
  return {};
}

}  // namespace

double routing_cost(const worker_entry& worker, const model_offer& offer, std::uint64_t median_ask,
                    const routing_weights& weights) {
  const double load = static_cast<double>(worker.assigned) / worker.slots;
  const double price = median_ask == 0 ? 0.0
                                       : weights.price * static_cast<double>(offer.price_prompt_micro + offer.price_completion_micro) /
                                             static_cast<double>(median_ask);
  return load + worker.first_token_ms_ewma / latency_scale_ms - worker.reputation_permille / 1000.0 + price;
}

std::uint64_t median_ask_micro(const worker_registry& registry, const std::string& model) {
  std::vector<std::uint64_t> asks;
  for (const auto& [id, worker] : registry.all()) {
    if (const model_offer* offer = worker.offer(model)) asks.push_back(offer->price_prompt_micro + offer->price_completion_micro);
  }
  return market::quantiles_of(std::move(asks)).median_micro;
}

route_decision choose_worker(const worker_registry& registry, const inference_request& request,
                             const std::set<std::string>& skip, const routing_weights& weights) {
  const std::uint64_t median_ask = median_ask_micro(registry, request.model);
  std::map<std::string, std::vector<std::string>> excluded;  // preference -> miners it excluded
  using rank = std::tuple<int, double, std::uint64_t, std::uint64_t, std::string>;
  std::optional<rank> best;
  std::size_t serving = 0;
  for (const auto& [id, worker] : registry.all()) {
    const model_offer* offer = worker.offer(request.model);
    if (offer == nullptr) continue;
    ++serving;
    if (auto reason = excluded_by(worker, *offer, request.routing, registry.reputation_floor_permille); !reason.empty()) {
      excluded[reason].push_back(short_id(id));
      continue;
    }
    if (skip.contains(id) || worker.assigned >= worker.capacity()) continue;
    const int not_preferred = contains(request.routing.preferred_miners, id) ? 0 : 1;
    const double cost = routing_cost(worker, *offer, median_ask, weights);
    rank candidate{not_preferred, cost, offer->price_completion_micro, worker.dispatch_turn, id};
    if (!best || candidate < *best) best = candidate;
  }
  if (best) return {route_outcome::chosen, std::get<4>(*best), {}};
  if (serving == 0) {
    return {route_outcome::refused, {},
            make_error(error_code::not_found, "no worker serves model '" + request.model + "'")};
  }
  if (excluded.empty() || std::accumulate(excluded.begin(), excluded.end(), std::size_t{0},
                                          [](std::size_t n, const auto& e) { return n + e.second.size(); }) < serving) {
    return {route_outcome::busy, {}, make_error(error_code::unavailable, "every worker for '" + request.model + "' is busy")};
  }
  std::string message = "no worker for model '" + request.model + "' satisfies the routing preferences:";
  for (const auto& [preference, miners] : excluded) {
    message += " " + preference + " excluded [";
    for (std::size_t i = 0; i < miners.size(); ++i) message += (i ? "," : "") + miners[i];
    message += "];";
  }
  message.pop_back();
  return {route_outcome::refused, {}, make_error(error_code::unavailable, message)};
}

}  // namespace infergrid::matchmaker
