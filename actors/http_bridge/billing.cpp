#include "actors/http_bridge/billing.hpp"

#include "actors/http_bridge/account_book.hpp"
#include "actors/http_bridge/bridge_metrics.hpp"
#include "actors/settlement/ledger/amount.hpp"

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

std::int64_t ledger_charge_micro(const http_bridge_config& config, std::int64_t prompt_tokens,
                                 std::int64_t completion_tokens) {
  auto cost = ledger::token_cost_micro(prompt_tokens, config.prompt_price_micro_per_1k, completion_tokens,
                                       config.completion_price_micro_per_1k);
  return cost.ok() ? *cost : 0;
}

void job_meter::settle(const http_bridge_config& config, account_book& accounts, bridge_metrics& metrics) {
  if (settled) return;
  settled = true;
  const std::int64_t charged = paid_by_ledger ? ledger_charge_micro(config, prompt_tokens, completion_tokens)
                                             : charge_micro(config, prompt_tokens, completion_tokens);
  accounts.settle(account, reserved_micro, charged, prompt_tokens, completion_tokens, key_id, paid_by_ledger);
  metrics.count_tokens(prompt_tokens, completion_tokens);
}

}  // namespace infergrid::http
