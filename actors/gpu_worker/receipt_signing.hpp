#pragma once
// receipt_signing: a completion_receipt carries two Ed25519 signatures by the worker's key, both
// over the receipt body with both signature fields empty:
//   - `signature`: over the MessagePack encoding of that body (matchmaker, validators check it);
//   - `settlement_signature`: over settlement's receipt payload (ledger::signing_bytes of
//     settlement_claim_of(receipt)), so the settlement actor can pay the miner without asking it.
// worker_id is the key in hex, so anyone can check a receipt.
#include <span>
#include <string>

#include "actors/settlement/ledger/operation.hpp"
#include "messages/inference.hpp"
#include "runtime/identity.hpp"
#include "runtime/result.hpp"

namespace infergrid {

void sign_receipt(completion_receipt& receipt, const identity& key);
// ok when the signature verifies against receipt.worker_id; bad_signature / malformed_input otherwise.
status verify_receipt(const completion_receipt& receipt);

// BLAKE2b-256 hex of the prompt token ids as little-endian int32 (the receipt's prompt_hash).
std::string prompt_hash_of(std::span<const std::int32_t> prompt_tokens);

// BLAKE2b-256 of the body as signed (both signatures empty).
digest receipt_digest(const completion_receipt& receipt);
// What the miner claims from settlement for this receipt: its own prompt and completion tokens,
// bound to the whole receipt by its digest. The one conversion the worker signs and settlement checks.
ledger::settlement_receipt settlement_claim_of(const completion_receipt& receipt);

}  // namespace infergrid
