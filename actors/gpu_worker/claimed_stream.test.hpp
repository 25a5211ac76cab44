#pragma once
// claimed_stream (tests): the chunks one worker streams for one segment of a request, each with its
// fingerprints and its running chunk claim signed as a real worker signs it (chunk_claim.hpp) — for tests of whoever
// forwards claims (the matchmaker's forwarded_work, the bridge's delivered_claims).
#include <string>
#include <vector>

#include "actors/gpu_worker/chunk_claim.hpp"
#include "runtime/identity.hpp"

namespace infergrid::testing {

class claimed_stream {
 public:
  // `worker` took `request_id` up at generated position `first_index`.
  claimed_stream(const identity& worker, std::string request_id, std::uint32_t first_index)
      : worker_(worker),
        request_id_(std::move(request_id)),
        next_index_(first_index),
        claimed_(0),
        chained_(first_chunk_claim_digest(request_id_, first_index)) {}

  // The next chunk: `count` tokens, its claim covering every token of the segment so far.
  token_chunk next(std::size_t count, std::uint32_t prompt_tokens = 3) {
    token_chunk chunk;
    chunk.request_id = request_id_;
    chunk.worker_id = to_hex(worker_.public_id());
    chunk.index = next_index_;
    chunk.prompt_token_count = prompt_tokens;
    for (std::size_t i = 0; i < count; ++i) chunk.tokens.push_back(static_cast<std::int32_t>(next_index_ + i));
    for (std::size_t i = 0; i < 2 * count; ++i) chunk.fingerprints.push_back(static_cast<std::uint8_t>(next_index_ + i));
    chained_ = next_chunk_claim_digest(chained_, chunk.tokens, chunk.fingerprints);
    next_index_ += static_cast<std::uint32_t>(count);
    claimed_ += static_cast<std::uint32_t>(count);
    chunk.claim_digest.assign(chained_.begin(), chained_.end());
    chunk.claim_completion_tokens = claimed_;
    sign_chunk_claim(chunk, worker_);
    return chunk;
  }

 private:
  const identity& worker_;
  std::string request_id_;
  std::uint32_t next_index_;
  std::uint32_t claimed_;
  digest chained_;
};

}  // namespace infergrid::testing
