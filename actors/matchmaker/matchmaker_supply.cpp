// matchmaker_state::supply: the supply signal per model — capacity, load, queue and the price index;
// demand_window: the grid's load and queue time over a window (the epoch driver's measure).
#include <algorithm>

#include "actors/matchmaker/matchmaker_state.hpp"
#include "runtime/actor_runner.hpp"

namespace infergrid::matchmaker {

supply_report matchmaker_state::supply(const std::string& model) const {
  std::map<std::string, model_supply> by_model;
  for (const auto& [id, worker] : registry_.all()) {
    for (const auto& offer : worker.models) {
      if (!model.empty() && offer.name != model) continue;
      model_supply& s = by_model[offer.name];
      s.model = offer.name;
      ++s.workers;
      s.slots += worker.slots;
      s.free_slots += worker.slots > worker.assigned ? worker.slots - worker.assigned : 0;
      if (s.min_price_completion_micro == 0 || offer.price_completion_micro < s.min_price_completion_micro) {
        s.min_price_completion_micro = offer.price_completion_micro;
      }
    }
  }
  for (const auto& [id, j] : jobs_) {
    if (!model.empty() && j.request.model != model) continue;
    model_supply& s = by_model[j.request.model];
    s.model = j.request.model;
    if (j.worker_id.empty()) ++s.queued; else ++s.running;
  }
  supply_report out;
  for (auto& [name, s] : by_model) {
    s.utilisation_permille = s.slots == 0 ? 1000 : std::min<std::uint32_t>(1000, s.running * 1000 / s.slots);
    if (auto counted = counters_.models.find(name); counted != counters_.models.end()) {
      s.completed = counted->second.completed;
      s.failovers = counted->second.failovers;
    }
    prices_.fill(registry_, s);
    demand_.fill(s);
    out.models.push_back(s);
  }
  out.evictions = counters_.evictions;
  return out;
}

result<demand_window_report> matchmaker_state::demand_window(const demand_window_query& window) const {
  if (window.from_unix_ms < 0 || window.until_unix_ms <= window.from_unix_ms) {
    return make_error(error_code::invalid_argument, "a demand window needs 0 <= from_unix_ms < until_unix_ms");
  }
  const auto now = steady_now();
  std::vector<std::int64_t> waiting_ms;
  for (const auto& [id, j] : jobs_) {
    if (j.worker_id.empty() && j.attempt == 0) {
      waiting_ms.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(now - j.arrived).count());
    }
  }
  return meter_.measure(window, ctx_.now_ms(), waiting_ms);
}

}  // namespace infergrid::matchmaker
