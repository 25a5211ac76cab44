#pragma once
// price_book: the matchmaker's live price index per model (market/price_index.hpp): the asks of
// the workers registered now (p10 / median / p90) and the token-weighted clearing price of the
// last `window_jobs` finished jobs, each at the ask of the worker that finished it.
#include <cstdint>
#include <map>
#include <string>

#include "actors/matchmaker/worker_registry.hpp"
#include "market/price_index.hpp"
#include "messages/match.hpp"

namespace infergrid::matchmaker {

class price_book {
 public:
  explicit price_book(std::uint32_t window_jobs) : window_jobs_(window_jobs) {}
  // A finished job; the number of models is bounded by what workers registered.
  void cleared(const std::string& model, const market::cleared_job& job);
  // Fills the price index fields of `row` (row.model names the model).
  void fill(const worker_registry& registry, model_supply& row) const;

 private:
  std::uint32_t window_jobs_;
  std::map<std::string, market::clearing_window> windows_;
};

}  // namespace infergrid::matchmaker
