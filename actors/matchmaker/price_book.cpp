#include "actors/matchmaker/price_book.hpp"

#include <vector>

namespace infergrid::matchmaker {
namespace {

ask_quantiles to_message(const market::quantiles& q) { return {q.p10_micro, q.median_micro, q.p90_micro}; }

}  // namespace

void price_book::cleared(const std::string& model, const market::cleared_job& job) {
  windows_.try_emplace(model, window_jobs_).first->second.record(job);
}

void price_book::fill(const worker_registry& registry, model_supply& row) const {
  std::vector<std::uint64_t> prompt;
  std::vector<std::uint64_t> completion;
  for (const auto& [id, worker] : registry.all()) {
    if (const model_offer* offer = worker.offer(row.model)) {
      prompt.push_back(offer->price_prompt_micro);
      completion.push_back(offer->price_completion_micro);
    }
  }
  row.ask_prompt = to_message(market::quantiles_of(std::move(prompt)));
  row.ask_completion = to_message(market::quantiles_of(std::move(completion)));
  if (auto found = windows_.find(row.model); found != windows_.end()) {
    row.cleared_prompt_micro = found->second.prompt_price_micro();
    row.cleared_completion_micro = found->second.completion_price_micro();
    row.cleared_jobs = static_cast<std::uint32_t>(found->second.jobs());
  }
}

}  // namespace infergrid::matchmaker
