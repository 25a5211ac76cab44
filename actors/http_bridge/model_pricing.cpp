#include "actors/http_bridge/model_pricing.hpp"

#include <cmath>

namespace infergrid::http {

std::uint64_t price_micro_per_1k(double usd_per_million) {
  if (usd_per_million <= 0) return 0;
  return static_cast<std::uint64_t>(std::llround(usd_per_million * 1000.0));
}

std::string price_per_token(std::int64_t micro_per_1k) {
  if (micro_per_1k <= 0) return "0";
  // micro per 1k tokens = 10^-9 tokens per token: the integer's digits shifted by nine places.
  std::string digits = std::to_string(micro_per_1k);
  if (digits.size() <= 9) digits.insert(0, 10 - digits.size(), '0');
  digits.insert(digits.size() - 9, ".");
  while (digits.back() == '0') digits.pop_back();
  if (digits.back() == '.') digits.pop_back();
  return digits;
}

nlohmann::json pricing_json(const price_index_view& prices) {
  return {{"prompt", price_per_token(prices.ask_prompt_median)},
          {"completion", price_per_token(prices.ask_completion_median)},
          {"request", "0"},
          {"image", "0"}};
}

nlohmann::json price_index_json(const price_index_view& prices) {
  return {{"unit", "micro-units per 1k tokens"},
          {"ask_prompt", {{"p10", prices.ask_prompt_p10}, {"median", prices.ask_prompt_median}, {"p90", prices.ask_prompt_p90}}},
          {"ask_completion",
           {{"p10", prices.ask_completion_p10}, {"median", prices.ask_completion_median}, {"p90", prices.ask_completion_p90}}},
          {"cleared", {{"prompt", prices.cleared_prompt}, {"completion", prices.cleared_completion}, {"jobs", prices.cleared_jobs}}}};
}

}  // namespace infergrid::http
