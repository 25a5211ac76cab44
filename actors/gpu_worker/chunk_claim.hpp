#pragma once
// chunk_claim: every token_chunk a worker sends carries its running claim on the request, signed in
// settlement's receipt format (ledger::signing_bytes of a settlement_receipt): "worker W generated
// claim_completion_tokens tokens of request R so far, from generated position first_index (where it
// took the request up: index + tokens.size() − claim_completion_tokens of any of its chunks), after
// prompt_token_count prompt tokens", bound by claim_digest, a BLAKE2b chain over the tokens of
// every chunk it sent for R, with the chunk's fingerprints (one token_fingerprint per token; none
// from older workers, whose chain is then the same as before fingerprints were chained):
//   d0 = BLAKE2b(msgpack["infergrid.chunk-claim.v1", R, first_index]),
//   d(i) = BLAKE2b(d(i-1) ‖ tokens(i) as LE int32 ‖ fingerprints(i)).
// When a request ends without the worker's completion_receipt — it failed over to another worker,
// or the client cancelled the stream — whoever forwarded its chunks turns the last claim into a
// partial settle_receipt, and the ledger pays the worker for exactly the tokens it signed.
// The chain binds the fingerprints to the claim, so a validator can audit what a claim pays for
// (claimed_segment, messages/challenge.hpp) like a receipt.
// Shared by the worker (signs), the matchmaker and the HTTP bridge (forward the claims) and the
// validator (checks a claimed segment's evidence).
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "actors/settlement/ledger/operation.hpp"
#include "messages/challenge.hpp"
#include "messages/inference.hpp"
#include "messages/ledger.hpp"
#include "runtime/identity.hpp"

namespace infergrid {

digest first_chunk_claim_digest(const std::string& request_id, std::uint32_t first_index);
digest next_chunk_claim_digest(const digest& previous, std::span<const std::int32_t> tokens,
                               std::span<const std::uint8_t> fingerprints);
// Advances `chain` (a segment's claim chain so far) over the chunk's tokens and fingerprints;
// true when the chunk's claim_digest is exactly the new chain (its claim binds what was seen).
bool advance_chunk_claim_chain(digest& chain, const token_chunk& chunk);

// Sets chunk.claim_signature over chunk_claim_of(chunk) (claim tokens and digest already set).
void sign_chunk_claim(token_chunk& chunk, const identity& key);
// A digest and a signature of the right sizes and a claim that starts at a position (older workers
// send none; the ledger checks the rest).
bool has_chunk_claim(const token_chunk& chunk);
// Where the claimed tokens start: index + tokens.size() − claim_completion_tokens (negative for a
// claim of more tokens than the stream has had).
std::int64_t chunk_claim_first_index(const token_chunk& chunk);
ledger::settlement_receipt chunk_claim_of(const token_chunk& chunk);

// The partial settle_receipt paying chunk.worker_id for its claim, op id "partial/…/<first index>"
// (worker_payment_op_id, request_op_ids.hpp): the same claim sent by the matchmaker and by the
// bridge is one payment, and each segment of a worker is its own.
settle_receipt partial_settlement_of(const token_chunk& chunk);

// ok when the segment's claim is its worker's, signed, and its digest chains exactly the segment's
// chunks (tokens and fingerprints) from its first position: the evidence binds the miner paid for it.
status verify_claimed_segment(const std::string& request_id, const claimed_segment& segment);

}  // namespace infergrid
