#include "actors/http_bridge/bridge_escrow.hpp"

namespace infergrid::http {
namespace {


// The ledger's refusal for an unknown account reads "no account <id>" (ledger_state::existing);
// the runtime's not_found for an unknown actor reads otherwise.
bool names_missing_account(const error& why) {
  return why.code == error_code::not_found && why.message.rfind("no account", 0) == 0;
}

}  // namespace

escrow_request escrow_for(const http_bridge_config& config, const std::string& request_id, const std::string& payer,
                          std::int64_t max_cost_micro, const job_price& caps, std::int64_t now_unix_ms) {
  return escrow_request{"escrow/" + request_id,
                        request_id,
                        payer,
                        max_cost_micro,
                        caps.prompt_per_1k_micro,
                        caps.completion_per_1k_micro,
                        now_unix_ms + config.request_timeout_ms};
}

api_error escrow_refusal(const http_bridge_config& config, const std::string& payer, const error& why) {
  if (why.code == error_code::insufficient_funds) {
    return insufficient_balance("The ledger account '" + payer + "' cannot cover this request's maximum cost: " +
                                why.message + ". Lower max_tokens or deposit funds.");
  }
  if (names_missing_account(why)) {
    return insufficient_balance("The ledger has no account '" + payer + "'; deposit funds to it first.");
  }
  const std::string settlement = "'" + config.settlement + "'";
  if (why.code == error_code::timeout || why.code == error_code::unavailable || why.code == error_code::not_found) {
    return {503, "The settlement actor " + settlement + " cannot escrow this request now: " + why.message, "api_error",
            "", "settlement_unavailable"};
  }
  return {500, "The settlement actor " + settlement + " refused to escrow this request: " + why.message, "api_error",
          "", "settlement_refused"};
}

}  // namespace infergrid::http
