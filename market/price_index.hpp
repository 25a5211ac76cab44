#pragma once
// price_index: what a model costs on the grid right now.
//   asks:     the p10, median and p90 of the live workers' asks (nearest rank: the value at sorted
//             position ceil(q × n) − 1), per 1k prompt and per 1k completion tokens;
//   clearing: the price the last N finished jobs were served at, weighted by their tokens:
//             Σ tokens × ask / Σ tokens (rounded down), per kind of token.
// The matchmaker keeps one per model and shows it on the supply report; bench/market_sim uses the
// same code.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

namespace infergrid::market {

struct quantiles {
  std::uint64_t p10_micro = 0;
  std::uint64_t median_micro = 0;
  std::uint64_t p90_micro = 0;
  bool operator==(const quantiles&) const = default;
};

// Nearest-rank quantiles of `values` (zeros when empty). Sorts its copy.
quantiles quantiles_of(std::vector<std::uint64_t> values);

struct cleared_job {
  std::uint64_t prompt_tokens = 0;
  std::uint64_t completion_tokens = 0;
  std::uint64_t price_prompt_micro = 0;      // per 1k, the ask it was routed at
  std::uint64_t price_completion_micro = 0;  // per 1k
};

// The last `jobs_max` finished jobs and their token-weighted prices.
class clearing_window {
 public:
  explicit clearing_window(std::size_t jobs_max);
  void record(const cleared_job& job);
  std::uint64_t prompt_price_micro() const;
  std::uint64_t completion_price_micro() const;
  std::size_t jobs() const { return jobs_.size(); }

 private:
  std::size_t jobs_max_;
  std::deque<cleared_job> jobs_;
};

}  // namespace infergrid::market
