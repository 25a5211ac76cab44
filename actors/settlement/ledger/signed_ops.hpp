#pragma once
// signed_ops: building the operations that carry a third party's signature — a miner's receipt
// and a validator's verdict — from that party's identity (the signing side of state_escrow.cpp and
// state_verdicts.cpp). The account id of a key holder is its public key in hex.
#include <optional>
#include <string>

#include "actors/settlement/ledger/operation.hpp"
#include "runtime/identity.hpp"

namespace infergrid::ledger {

std::string account_of(const identity& holder);

// `ask`: the miner's signed prices (paid up to the escrow's); none = paid at the escrow's prices.
// `first_index`: the generated position the claimed tokens start at; none = a receipt signed
// before receipts said (its miner is paid once per request).
settle_op make_settle(const identity& miner, std::string request_id, std::int64_t prompt_tokens,
                      std::int64_t completion_tokens, const digest& receipt_digest,
                      std::optional<receipt_ask> ask = std::nullopt,
                      std::optional<std::int64_t> first_index = std::nullopt);

// The same claim, paid without ending the escrow (a failed-over worker's or a cancelled stream's tokens).
partial_settle_op make_partial_settle(const identity& miner, std::string request_id, std::int64_t prompt_tokens,
                                      std::int64_t completion_tokens, const digest& receipt_digest,
                                      std::optional<receipt_ask> ask = std::nullopt,
                                      std::optional<std::int64_t> first_index = std::nullopt);

verdict_op make_verdict(const identity& validator, std::string request_id, std::string miner_account, bool guilty);

}  // namespace infergrid::ledger
