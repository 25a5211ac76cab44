#include "actors/gpu_worker/logprob_entry.hpp"

#include <algorithm>

#include "kernels/model/token_logprobs.hpp"

namespace infergrid::gpu_worker {
namespace {

token_probability describe(const model::tokenizer& vocab, const model::scored_token& scored) {
  return {scored.token, vocab.token_to_piece(scored.token), scored.logprob};
}

}  // namespace

token_logprob logprob_entry(const model::tokenizer& vocab, const model::row_summary& row, std::span<const float> logits,
                            model::token_id chosen, std::uint32_t top_count) {
  const auto scored = model::logprobs_at(row, logits, chosen, std::min(top_count, max_top_logprobs));
  token_logprob out;
  out.chosen = describe(vocab, scored.chosen);
  out.top.reserve(scored.top.size());
  for (const auto& alternative : scored.top) out.top.push_back(describe(vocab, alternative));
  return out;
}

}  // namespace infergrid::gpu_worker
