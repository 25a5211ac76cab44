#include "actors/http_bridge/delivered_claims.hpp"

#include "actors/gpu_worker/chunk_claim.hpp"

namespace infergrid::http {

void delivered_claims::add(const token_chunk& chunk) {
  if (chunk.worker_id != segment_worker_) {
    segment_worker_ = chunk.worker_id;
    segment_tokens_ = 0;
    segment_claimed_ = false;
    segment_chain_ = first_chunk_claim_digest(chunk.request_id, chunk.index);
  }
  segment_tokens_ += static_cast<std::uint32_t>(chunk.tokens.size());
  // A claim for other than what was received — its count, or a digest not chaining the tokens and
  // fingerprints received — is not kept (an earlier, smaller one may stay).
  const bool chains = advance_chunk_claim_chain(segment_chain_, chunk);
  if (!has_chunk_claim(chunk) || chunk.claim_completion_tokens != segment_tokens_ || !chains) return;
  if (segment_claimed_) {
    claims_.back() = partial_settlement_of(chunk);
  } else {
    claims_.push_back(partial_settlement_of(chunk));
    segment_claimed_ = true;
  }
}

}  // namespace infergrid::http
