#pragma once
// operation_codec: the canonical byte encoding of operations, outcomes and signed payloads.
// Canonical MessagePack: an operation is the array [kind, [fields in declaration order]], integers
// in their shortest form, strings as str, byte vectors as bin, no maps. decode() rejects any input
// whose re-encoding differs, so one operation has exactly one encoding — the bytes that are hashed.
#include <span>

#include "actors/settlement/ledger/operation.hpp"
#include "actors/settlement/ledger/outcome.hpp"
#include "runtime/result.hpp"

namespace infergrid::ledger {

byte_vector encode_operation(const operation& op);
result<operation> decode_operation(std::span<const std::uint8_t> bytes);

byte_vector encode_outcome(const outcome& out);
result<outcome> decode_outcome(std::span<const std::uint8_t> bytes);

// The bytes a miner signs for a receipt / a validator signs for a verdict: ["infergrid.<what>.v1", body].
byte_vector signing_bytes(const settlement_receipt& receipt);
byte_vector signing_bytes(const verdict& body);

}  // namespace infergrid::ledger
