#include "actors/matchmaker/demand_book.hpp"

#include <algorithm>
#include <vector>

namespace infergrid::matchmaker {

void demand_book::waited(const std::string& model, std::int64_t wait_ms) {
  auto& window = waits_[model];
  if (window.size() >= std::max<std::uint32_t>(window_jobs_, 1)) window.pop_front();
  window.push_back(std::max<std::int64_t>(wait_ms, 0));
}

void demand_book::fill(model_supply& row) const {
  if (auto found = waits_.find(row.model); found != waits_.end() && !found->second.empty()) {
    std::vector<std::int64_t> sorted(found->second.begin(), found->second.end());
    std::sort(sorted.begin(), sorted.end());
    row.queue_p95_ms = sorted[(sorted.size() * 95 + 99) / 100 - 1];  // nearest rank
  }
  const std::int64_t utilisation_ppm = static_cast<std::int64_t>(row.utilisation_permille) * 1000;
  row.short_of_capacity = row.queued > 0 || market::short_of_supply({0, row.queue_p95_ms, utilisation_ppm}, rule_);
  const std::uint64_t busy = static_cast<std::uint64_t>(row.running) + row.queued;
  const auto target = static_cast<std::uint64_t>(rule_.utilisation_target_ppm);
  const std::uint64_t needed = (busy * 1'000'000 + target - 1) / target;
  row.slots_wanted = needed > row.slots ? static_cast<std::uint32_t>(needed - row.slots) : 0;
}

}  // namespace infergrid::matchmaker
