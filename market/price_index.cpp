#include "market/price_index.hpp"

#include <algorithm>

namespace infergrid::market {
namespace {

__extension__ typedef unsigned __int128 wide_unsigned;

std::uint64_t nearest_rank(const std::vector<std::uint64_t>& sorted, std::uint32_t percent) {
  const std::size_t rank = (sorted.size() * percent + 99) / 100;  // ceil(q × n)
  return sorted[std::max<std::size_t>(rank, 1) - 1];
}

std::uint64_t weighted_price(const std::deque<cleared_job>& jobs, std::uint64_t cleared_job::*tokens,
                             std::uint64_t cleared_job::*price) {
  wide_unsigned value = 0;
  wide_unsigned count = 0;
  for (const cleared_job& job : jobs) {
    value += static_cast<wide_unsigned>(job.*tokens) * (job.*price);
    count += job.*tokens;
  }
  return count == 0 ? 0 : static_cast<std::uint64_t>(value / count);
}

}  // namespace

quantiles quantiles_of(std::vector<std::uint64_t> values) {
  if (values.empty()) return {};
  std::sort(values.begin(), values.end());
  return {nearest_rank(values, 10), nearest_rank(values, 50), nearest_rank(values, 90)};
}

clearing_window::clearing_window(std::size_t jobs_max) : jobs_max_(std::max<std::size_t>(jobs_max, 1)) {}

void clearing_window::record(const cleared_job& job) {
  if (jobs_.size() == jobs_max_) jobs_.pop_front();
  jobs_.push_back(job);
}

std::uint64_t clearing_window::prompt_price_micro() const {
  return weighted_price(jobs_, &cleared_job::prompt_tokens, &cleared_job::price_prompt_micro);
}

std::uint64_t clearing_window::completion_price_micro() const {
  return weighted_price(jobs_, &cleared_job::completion_tokens, &cleared_job::price_completion_micro);
}

}  // namespace infergrid::market
