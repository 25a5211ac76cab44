#pragma once
// request_op_ids: the ledger op ids one request's life writes — its escrow, its refund, each
// receipt's settlement, each validator's verdict — so `infergrid trace` and the dashboard can ask
// the settlement actor for exactly those entries (entries_query). Library infergrid_ledger_codec.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "messages/challenge.hpp"
#include "messages/inference.hpp"
#include "messages/ledger.hpp"

namespace infergrid {

// Hex digits of the worker id a receipt's op id (and its log lines) carry.
inline constexpr std::size_t worker_id_hex_in_op_id = 16;

// The op id of a worker's payment for a request: "<kind>/<request id>/<first 16 hex of the worker
// id>", then "/<first index>" for a payment of one segment (a partial claim: the same worker may
// stream several segments of one request, A → B → A), or, when that would pass the ledger's op id
// limit, "<kind>/" + BLAKE2b hex of them all: a replayed payment maps to the same op id.
std::string worker_payment_op_id(std::string_view kind, const std::string& request_id, const std::string& worker_id,
                                 std::optional<std::uint32_t> first_index = std::nullopt);

// worker_payment_op_id("receipt", …) of the receipt's request and worker.
std::string receipt_op_id(const completion_receipt& receipt);

// The op id a member's own stake movement is applied under: "<kind>/<first 16 hex of the account>/
// <the member's op id>" (or "<kind>/" + BLAKE2b hex of account and op id past the ledger's limit).
// Op ids are one ledger-wide namespace checked before anything is applied, so a member naming its
// own op ids could otherwise take those a refund, an expiry, a receipt or a verdict will use
// ("refund/<request>"…) and block them for good; a retry of the same message maps to the same id.
std::string member_op_id(std::string_view kind, const std::string& account, const std::string& op_id);

// The op id a verdict is applied under, whatever op id its message names: one verdict per request
// and validator for the ledger's life (a validator cannot count one again under a fresh op id).
std::string verdict_op_id(const std::string& request_id, const std::string& validator);

// The refund of a request's escrow (a bridge's, or the matchmaker's for a job its bridge lost): op
// id "refund/<request_id>", so both map to one entry; the reason cut to 200 bytes (the ledger keeps
// at most 256, ledger_state.hpp).
refund_request refund_for(const std::string& request_id, std::string reason);

// escrow/<id>, refund/<id>, each receipt's op id, verdict/<id>/<validator> for each verdict.
std::vector<std::string> trace_op_ids(const trace_report& trace);

}  // namespace infergrid
