#pragma once
// bridge_escrow: the bridge's side of settlement mode (the `settlement` setting). Before a job of
// an account naming a ledger `account` runs, the actor asks the settlement actor to escrow its
// maximum cost at the request's price caps (billing.hpp); the worker's signed receipt settles that
// escrow (the settlement actor pays the miner for the tokens it signed at its signed ask, each price
// capped, and returns the rest); a job that fails
// or is cancelled is refunded in full (workers sign no receipt for a cancelled job).
// Pure functions; the actor (http_bridge_state.cpp) sends them on its own thread.
#include <cstdint>
#include <string>

#include "actors/http_bridge/api_error.hpp"
#include "actors/http_bridge/http_bridge_config.hpp"
#include "messages/ledger.hpp"

namespace infergrid::http {

// op id "escrow/<request_id>": a resent escrow is answered again, never held twice. Its deadline is
// the request's: now + request_timeout_ms (the escrow expires the settlement's grace after it).
// Its prices are the request's caps: the ledger pays the serving worker's ask, capped by them.
escrow_request escrow_for(const http_bridge_config& config, const std::string& request_id, const std::string& payer,
                          std::int64_t max_cost_micro, const job_price& caps, std::int64_t now_unix_ms);

// What the client sees when the escrow is refused: 402 when the ledger account cannot cover the
// maximum cost or does not exist, 503 naming the settlement actor when it cannot be reached or
// does not answer in time, 500 otherwise.
api_error escrow_refusal(const http_bridge_config& config, const std::string& payer, const error& why);

}  // namespace infergrid::http
