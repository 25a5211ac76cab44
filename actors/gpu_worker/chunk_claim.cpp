#include "actors/gpu_worker/chunk_claim.hpp"

#include <algorithm>
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

digest next_chunk_claim_digest(const digest& previous, std::span<const std::int32_t> tokens,
                               std::span<const std::uint8_t> fingerprints) {
  std::vector<std::uint8_t> bytes(previous.begin(), previous.end());
  bytes.reserve(previous.size() + tokens.size() * 4 + fingerprints.size());
  for (const auto t : tokens) {
    const auto u = static_cast<std::uint32_t>(t);
    for (int shift = 0; shift < 32; shift += 8) bytes.push_back(static_cast<std::uint8_t>(u >> shift));
  }
  bytes.insert(bytes.end(), fingerprints.begin(), fingerprints.end());
  return hash_of(bytes);
}

bool advance_chunk_claim_chain(digest& chain, const token_chunk& chunk) {
  chain = next_chunk_claim_digest(chain, chunk.tokens, chunk.fingerprints);
  return std::equal(chain.begin(), chain.end(), chunk.claim_digest.begin(), chunk.claim_digest.end());
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

status verify_claimed_segment(const std::string& request_id, const claimed_segment& segment) {
  const settle_receipt& claim = segment.claim;
  const std::size_t claimed = segment.output_tokens.size() - std::min<std::size_t>(segment.first_index, segment.output_tokens.size());
  std::size_t chunked = 0;
  for (const auto n : segment.chunk_tokens) chunked += n;
  const bool shaped = claim.request_id == request_id && claim.miner == segment.worker_id && claim.partial &&
                      claim.first_index == segment.first_index && segment.first_index <= segment.output_tokens.size() &&
                      claim.completion_tokens == static_cast<std::int64_t>(claimed) && chunked == claimed &&
                      (segment.fingerprints.empty() || segment.fingerprints.size() == 2 * claimed);
  if (!shaped) {
    return make_error(error_code::invalid_argument, "the segment of " + request_id + " does not match its claim's request, miner, positions or token count");
  }
  // The chain, chunk by chunk (fingerprints: two bytes per token, or none from older workers).
  const std::size_t fingerprint_bytes = segment.fingerprints.empty() ? 0 : 2;
  digest chain = first_chunk_claim_digest(request_id, segment.first_index);
  std::size_t at = segment.first_index;
  for (const auto n : segment.chunk_tokens) {
    const auto tokens = std::span(segment.output_tokens).subspan(at, n);
    const auto prints = std::span(segment.fingerprints).subspan((at - segment.first_index) * fingerprint_bytes, n * fingerprint_bytes);
    chain = next_chunk_claim_digest(chain, tokens, prints);
    at += n;
  }
  if (!std::equal(chain.begin(), chain.end(), claim.receipt_digest.begin(), claim.receipt_digest.end())) {
    return make_error(error_code::bad_signature, "the claim on " + request_id + " does not chain the segment's tokens and fingerprints");
  }
  public_key signer{};
  IG_TRY(from_hex(claim.miner, signer));
  signature sig{};
  if (claim.miner_signature.size() != sig.size()) return make_error(error_code::bad_signature, "the claim on " + request_id + " is unsigned");
  std::copy(claim.miner_signature.begin(), claim.miner_signature.end(), sig.begin());
  if (!verify_signature(signer, ledger::signing_bytes(settlement_receipt_of(claim)), sig)) {
    return make_error(error_code::bad_signature, "the claim on " + request_id + " is not signed by " + claim.miner);
  }
  return {};
}

}  // namespace infergrid
