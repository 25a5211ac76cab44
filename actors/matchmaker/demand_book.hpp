#pragma once
// demand_book: the matchmaker's demand signal per model — how long the last jobs waited from
// arrival to their first dispatch (p95 over a window) — and the rule that names a model short of
// capacity (market/supply_rule.hpp's thresholds: queue p95 over queue_target_ms, or utilisation at
// saturation_ppm or more, or jobs waiting now) with the slots that would bring it to the target:
//   slots_wanted = ceil((running + queued) × 10^6 / utilisation_target_ppm) − slots, at least 0.
#include <cstdint>
#include <deque>
#include <map>
#include <string>

#include "market/supply_rule.hpp"
#include "messages/match.hpp"

namespace infergrid::matchmaker {

class demand_book {
 public:
  explicit demand_book(std::uint32_t window_jobs, market::supply_rule rule = {}) : window_jobs_(window_jobs), rule_(rule) {}
  void waited(const std::string& model, std::int64_t wait_ms);
  // Fills queue_p95_ms, short_of_capacity and slots_wanted of `row` from its load and the waits.
  void fill(model_supply& row) const;

 private:
  std::uint32_t window_jobs_;
  market::supply_rule rule_;
  std::map<std::string, std::deque<std::int64_t>> waits_;
};

}  // namespace infergrid::matchmaker
