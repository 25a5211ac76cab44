#pragma once
// billing: what a request may cost at most (reserved before it runs) and what it is charged (only
// the tokens delivered to the client), at the bridge's configured prices per 1000 tokens.
#include <cstdint>
#include <string>

#include "actors/http_bridge/http_bridge_config.hpp"

namespace infergrid::http {

class account_book;
class bridge_metrics;

// The prompt is not tokenized here: its byte count plus BOS/EOS bounds its token count from above
// (a SentencePiece token covers at least one byte).
std::int64_t prompt_tokens_upper_bound(const std::string& prompt);
std::int64_t max_cost_micro(const http_bridge_config& config, std::int64_t prompt_tokens, std::int64_t max_tokens);
std::int64_t charge_micro(const http_bridge_config& config, std::int64_t prompt_tokens, std::int64_t completion_tokens);
// What the ledger's receipt settlement charges at the bridge's (the escrow's) prices: rounded down.
std::int64_t ledger_charge_micro(const http_bridge_config& config, std::int64_t prompt_tokens,
                                 std::int64_t completion_tokens);

// One request's reservation and its delivered tokens; settles exactly once.
struct job_meter {
  std::string account;
  std::string key_id;
  std::int64_t reserved_micro = 0;
  bool paid_by_ledger = false;         // settlement mode: escrowed by the ledger, priced by its rule
  std::int64_t prompt_tokens = 0;      // as the worker counted them
  std::int64_t completion_tokens = 0;  // delivered to the client
  bool settled = false;

  void settle(const http_bridge_config& config, account_book& accounts, bridge_metrics& metrics);
};

}  // namespace infergrid::http
