#pragma once
// model_pricing: a model's price on `GET /v1/models`, in OpenRouter's shape — `pricing.prompt` and
// `pricing.completion` are decimal strings of tokens (the ledger's unit) per token, taken from the
// median of the live workers' asks (micro-units per 1k tokens, so 200 → "0.0000002") — plus the
// matchmaker's whole price index under `price_index` (p10/median/p90 asks and the clearing price of
// the last jobs, micro-units per 1k tokens).
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace infergrid::http {

struct price_index_view {
  std::int64_t ask_prompt_p10 = 0, ask_prompt_median = 0, ask_prompt_p90 = 0;
  std::int64_t ask_completion_p10 = 0, ask_completion_median = 0, ask_completion_p90 = 0;
  std::int64_t cleared_prompt = 0, cleared_completion = 0;  // token-weighted over cleared_jobs
  std::int64_t cleared_jobs = 0;
};

// OpenRouter prices are USD per million tokens; the grid's are micro-units per 1000 tokens
// (1 USD = 1e6 micro): x USD/M = x micro/token = 1000x micro per 1k. 0 for none (≤ 0).
std::uint64_t price_micro_per_1k(double usd_per_million);
// micro-units per 1k tokens → tokens per token as a plain decimal string ("0.0000002", "0").
std::string price_per_token(std::int64_t micro_per_1k);
nlohmann::json pricing_json(const price_index_view& prices);
nlohmann::json price_index_json(const price_index_view& prices);

}  // namespace infergrid::http
