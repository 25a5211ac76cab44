#pragma once
// seeded_sampling: the token at generated position i is drawn with an RNG seeded from
// (seed, i) alone, and the penalty window is the last repeat_last_n tokens of prompt + output.
// So the next token depends only on (logits, history, seed, i): a job resumed on another worker
// at position i draws exactly the token the first worker would have drawn.
#include <cstdint>
#include <span>

#include "kernels/model/logit_sums.hpp"
#include "kernels/model/sampler.hpp"
#include "runtime/result.hpp"
#include "messages/inference.hpp"

namespace infergrid::gpu_worker {

model::sampler_config to_sampler_config(const sampling_params& params);
// The seed of the draw at generated position `position`.
std::uint64_t position_seed(std::uint64_t seed, std::uint32_t position);
// Greedy with nothing that changes the row first (no logit_bias, no penalties): the draw is then
// the row's argmax, whatever the history and position.
bool draws_the_argmax(const sampling_params& params);
// `history` = prompt tokens followed by the tokens generated before `position`.
model::token_id sample_at(const sampling_params& params, std::span<const float> logits,
                          std::span<const model::token_id> history, std::uint32_t position);

// A worker's draw at `position` from `draw_logits` (the raw row `logits`, or its masked copy) with
// the raw row's summary, which the token's fingerprint needs (fingerprint_of(row, logits, token)):
// one pass over the row for both when the draw is the raw row's argmax (draws_the_argmax).
struct summarized_draw {
  model::token_id token = 0;
  model::row_summary row;
};
summarized_draw draw_and_summarize(const sampling_params& params, std::span<const float> logits,
                                   std::span<const float> draw_logits, std::span<const model::token_id> history,
                                   std::uint32_t position);

}  // namespace infergrid::gpu_worker
