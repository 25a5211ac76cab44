#include "actors/gpu_worker/chunk_claim.hpp"

#include <tuple>

#include <msgpack.hpp>

#include "actors/settlement/ledger/ledger.hpp"
#include "actors/settlement/ledger/operation_codec.hpp"
#include "actors/settlement/price_conversion.hpp"
#include "actors/settlement/request_op_ids.hpp"

namespace infergrid {
namespace {

digest hash_of(std::span<const std::uint8_t> bytes) { return hash_bytes(bytes); }

}  // namespace

digest first_chunk_claim_digest(const std::string& request_id, std::uint32_t first_index) {
  msgpack::sbuffer buffer;
  msgpack::pack(buffer, std::make_tuple(std::string("infergrid.chunk-claim.v1"), request_id, first_index));
  return hash_of(std::span(reinterpret_cast<const std::uint8_t*>(buffer.data()), buffer.size()));
}

digest next_chunk_claim_digest(const digest& previous, std::span<const std::int32_t> tokens) {
  std::vector<std::uint8_t> bytes(previous.begin(), previous.end());
  bytes.reserve(previous.size() + tokens.size() * 4);
  for (const auto t : tokens) {
    const auto u = static_cast<std::uint32_t>(t);
    for (int shift = 0; shift < 32; shift += 8) bytes.push_back(static_cast<std::uint8_t>(u >> shift));
  }
  return hash_of(bytes);
}

std::int64_t chunk_claim_first_index(const token_chunk& chunk) {
  return static_cast<std::int64_t>(chunk.index) + static_cast<std::int64_t>(chunk.tokens.size()) -
         static_cast<std::int64_t>(chunk.claim_completion_tokens);
}

ledger::settlement_receipt chunk_claim_of(const token_chunk& chunk) {
  return ledger::settlement_receipt{chunk.request_id,
                                    chunk.worker_id,
                                    chunk.prompt_token_count,
                                    chunk.claim_completion_tokens,
                                    chunk.claim_digest,
                                    ledger_ask(chunk.claim_price),
                                    chunk_claim_first_index(chunk)};
}

void sign_chunk_claim(token_chunk& chunk, const identity& key) {
  const signature sig = key.sign(ledger::signing_bytes(chunk_claim_of(chunk)));
  chunk.claim_signature.assign(sig.begin(), sig.end());
}

bool has_chunk_claim(const token_chunk& chunk) {
  return chunk.claim_digest.size() == digest{}.size() && chunk.claim_signature.size() == signature{}.size() &&
         chunk.claim_completion_tokens > 0 && chunk_claim_first_index(chunk) >= 0;
}

settle_receipt partial_settlement_of(const token_chunk& chunk) {
  const ledger::settlement_receipt claim = chunk_claim_of(chunk);
  const auto first_index = message_first_index(claim.first_index);
  return settle_receipt{worker_payment_op_id("partial", chunk.request_id, chunk.worker_id, first_index),
                        claim.request_id,
                        claim.miner,
                        claim.prompt_tokens,
                        claim.completion_tokens,
                        claim.receipt_digest,
                        chunk.claim_signature,
                        true,
                        message_price(claim.ask),
                        first_index};
}

}  // namespace infergrid
