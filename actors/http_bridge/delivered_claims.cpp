#include "actors/http_bridge/delivered_claims.hpp"

#include <algorithm>

#include "actors/gpu_worker/chunk_claim.hpp"

namespace infergrid::http {

void delivered_claims::add(const token_chunk& chunk) {
  if (chunk.worker_id != segment_worker_) {
    segment_worker_ = chunk.worker_id;
    segment_tokens_ = 0;
  }
  segment_tokens_ += static_cast<std::uint32_t>(chunk.tokens.size());
  // A claim for other than what was received is not kept (an earlier, smaller one may stay).
  if (!has_chunk_claim(chunk) || chunk.claim_completion_tokens != segment_tokens_) return;
  settle_receipt claim = partial_settlement_of(chunk);
  auto same = std::find_if(claims_.begin(), claims_.end(), [&](const settle_receipt& c) { return c.miner == claim.miner; });
  if (same == claims_.end()) {
    claims_.push_back(std::move(claim));
  } else {
    *same = std::move(claim);
  }
}

}  // namespace infergrid::http
