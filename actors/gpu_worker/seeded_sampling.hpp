#pragma once
// seeded_sampling: the token at generated position i is drawn with an RNG seeded from
// (seed, i) alone, and the penalty window is the last repeat_last_n tokens of prompt + output.
// So the next token depends only on (logits, history, seed, i): a job resumed on another worker
// at position i draws exactly the token the first worker would have drawn.
#include <cstdint>
#include <span>

#include "kernels/model/sampler.hpp"
#include "runtime/result.hpp"
#include "messages/inference.hpp"

namespace infergrid::gpu_worker {

model::sampler_config to_sampler_config(const sampling_params& params);
// The seed of the draw at generated position `position`.
std::uint64_t position_seed(std::uint64_t seed, std::uint32_t position);
// `history` = prompt tokens followed by the tokens generated before `position`.
model::token_id sample_at(const sampling_params& params, std::span<const float> logits,
                          std::span<const model::token_id> history, std::uint32_t position);

}  // namespace infergrid::gpu_worker
