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

// escrow/<id>, refund/<id>, each receipt's op id, verdict/<id>/<validator> for each verdict.
std::vector<std::string> trace_op_ids(const trace_report& trace);

}  // namespace infergrid
