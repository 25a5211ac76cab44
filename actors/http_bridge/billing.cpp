#include "actors/http_bridge/billing.hpp"

#include <algorithm>

#include "actors/http_bridge/account_book.hpp"
#include "actors/http_bridge/bridge_metrics.hpp"
#include "actors/http_bridge/model_pricing.hpp"
#include "actors/settlement/ledger/amount.hpp"

namespace infergrid::http {
namespace {

// Tokens added around a prompt (BOS, and EOS for templates that close turns).
constexpr std::int64_t special_tokens_bound = 2;
constexpr std::int64_t tokens_per_price_unit = 1000;

std::int64_t priced_micro(std::int64_t tokens, std::int64_t price_per_1k) {
  return (tokens * price_per_1k + tokens_per_price_unit - 1) / tokens_per_price_unit;
}

std::int64_t cap_or_default(double usd_per_million, std::int64_t default_micro_per_1k) {
  return usd_per_million > 0 ? static_cast<std::int64_t>(price_micro_per_1k(usd_per_million)) : default_micro_per_1k;
}

}  // namespace

job_price request_price_caps(const http_bridge_config& config, const completion_request& request) {
  return {cap_or_default(request.provider.max_price_prompt, config.prompt_price_micro_per_1k),
          cap_or_default(request.provider.max_price_completion, config.completion_price_micro_per_1k)};
}

job_price charged_price(const job_price& caps, const std::optional<job_price>& worker_price) {
  if (!worker_price) return caps;
  return {std::clamp<std::int64_t>(worker_price->prompt_per_1k_micro, 0, caps.prompt_per_1k_micro),
          std::clamp<std::int64_t>(worker_price->completion_per_1k_micro, 0, caps.completion_per_1k_micro)};
}

std::int64_t prompt_tokens_upper_bound(const std::string& prompt) {
  return static_cast<std::int64_t>(prompt.size()) + special_tokens_bound;
}

std::int64_t max_cost_micro(const job_price& caps, std::int64_t prompt_tokens, std::int64_t max_tokens) {
  return priced_micro(prompt_tokens, caps.prompt_per_1k_micro) + priced_micro(max_tokens, caps.completion_per_1k_micro);
}

std::int64_t charge_micro(const job_price& price, std::int64_t prompt_tokens, std::int64_t completion_tokens) {
  return max_cost_micro(price, prompt_tokens, completion_tokens);
}

std::int64_t ledger_charge_micro(const job_price& price, std::int64_t prompt_tokens, std::int64_t completion_tokens) {
  auto cost = ledger::token_cost_micro(prompt_tokens, price.prompt_per_1k_micro, completion_tokens,
                                       price.completion_per_1k_micro);
  return cost.ok() ? *cost : 0;
}

void job_meter::settle(account_book& accounts, bridge_metrics& metrics) {
  if (settled) return;
  settled = true;
  const job_price price = charged_price(caps, worker_price);
  const std::int64_t charged = paid_by_ledger ? ledger_charge_micro(price, prompt_tokens, completion_tokens)
                                             : charge_micro(price, prompt_tokens, completion_tokens);
  accounts.settle(account, reserved_micro, charged, prompt_tokens, completion_tokens, key_id, paid_by_ledger);
  metrics.count_tokens(prompt_tokens, completion_tokens);
}

}  // namespace infergrid::http
