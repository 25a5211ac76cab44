#include "actors/http_bridge/billing.hpp"

#include "actors/http_bridge/account_book.hpp"
#include "actors/http_bridge/bridge_metrics.hpp"

namespace infergrid::http {
namespace {

// Tokens added around a prompt (BOS, and EOS for templates that close turns).
constexpr std::int64_t special_tokens_bound = 2;
constexpr std::int64_t tokens_per_price_unit = 1000;

std::int64_t priced_micro(std::int64_t tokens, std::int64_t price_per_1k) {
  // Rounded up, so a reservation always covers the charge.
  return (tokens * price_per_1k + tokens_per_price_unit - 1) / tokens_per_price_unit;
}

}  // namespace

std::int64_t prompt_tokens_upper_bound(const std::string& prompt) {
  return static_cast<std::int64_t>(prompt.size()) + special_tokens_bound;
}

std::int64_t max_cost_micro(const http_bridge_config& config, std::int64_t prompt_tokens, std::int64_t max_tokens) {
  return priced_micro(prompt_tokens, config.prompt_price_micro_per_1k) +
         priced_micro(max_tokens, config.completion_price_micro_per_1k);
}

std::int64_t charge_micro(const http_bridge_config& config, std::int64_t prompt_tokens, std::int64_t completion_tokens) {
  return max_cost_micro(config, prompt_tokens, completion_tokens);
}

void job_meter::settle(const http_bridge_config& config, account_book& accounts, bridge_metrics& metrics) {
  if (settled) return;
  settled = true;
  accounts.settle(account, reserved_micro, charge_micro(config, prompt_tokens, completion_tokens), prompt_tokens,
                  completion_tokens);
  metrics.count_tokens(prompt_tokens, completion_tokens);
}

}  // namespace infergrid::http
