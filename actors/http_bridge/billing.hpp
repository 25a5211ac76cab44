#pragma once
// billing: what a request may cost at most (reserved or escrowed before it runs) and what it is
// charged (only the tokens delivered to the client). A request's price caps per 1000 tokens are its
// `provider.max_price` where it sets one, else the bridge's defaults (prompt_price_micro_per_1k,
// completion_price_micro_per_1k); it is charged the serving worker's signed price, each capped —
// the rule the ledger pays receipts by (deploy/readme/settlement.md, "Prices").
#include <cstdint>
#include <optional>
#include <string>

#include "actors/http_bridge/http_bridge_config.hpp"
#include "actors/http_bridge/openai_request.hpp"
#include "messages/job_price.hpp"

namespace infergrid::http {

class account_book;
class bridge_metrics;

job_price request_price_caps(const http_bridge_config& config, const completion_request& request);
// The worker's price, each capped; the caps themselves when no worker price is known.
job_price charged_price(const job_price& caps, const std::optional<job_price>& worker_price);

// The prompt is not tokenized here: its byte count plus BOS/EOS bounds its token count from above
// (a SentencePiece token covers at least one byte).
std::int64_t prompt_tokens_upper_bound(const std::string& prompt);
// Rounded up, so a reservation always covers the charge.
std::int64_t max_cost_micro(const job_price& caps, std::int64_t prompt_tokens, std::int64_t max_tokens);
// A keys-file account's charge: rounded up like its reservation.
std::int64_t charge_micro(const job_price& price, std::int64_t prompt_tokens, std::int64_t completion_tokens);
// What the ledger's receipt settlement charges: rounded down.
std::int64_t ledger_charge_micro(const job_price& price, std::int64_t prompt_tokens, std::int64_t completion_tokens);

// One request's reservation and its delivered tokens; settles exactly once.
struct job_meter {
  std::string account;
  std::string key_id;
  std::int64_t reserved_micro = 0;
  bool paid_by_ledger = false;         // settlement mode: escrowed by the ledger, priced by its rule
  std::int64_t prompt_tokens = 0;      // as the worker counted them
  std::int64_t completion_tokens = 0;  // delivered to the client
  bool settled = false;
  job_price caps;                         // the request's price caps
  std::optional<job_price> worker_price;  // the serving worker's signed price, once a chunk told it

  void settle(account_book& accounts, bridge_metrics& metrics);
};

}  // namespace infergrid::http
