#include "actors/gpu_worker/seeded_sampling.hpp"

#include <algorithm>

namespace infergrid::gpu_worker {
namespace {

// SplitMix64 finaliser: a well-mixed 64-bit value from any input.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

}  // namespace

model::sampler_config to_sampler_config(const sampling_params& params) {
  model::sampler_config config;
  config.temperature = params.temperature;
  config.top_k = params.top_k;
  config.top_p = params.top_p;
  config.min_p = params.min_p;
  config.repeat_penalty = params.repeat_penalty;
  config.frequency_penalty = params.frequency_penalty;
  config.presence_penalty = params.presence_penalty;
  config.repeat_last_n = params.repeat_last_n;
  config.seed = params.seed;
  for (const token_bias& b : params.logit_bias) config.logit_bias.emplace_back(b.token, b.bias);
  return config;
}

std::uint64_t position_seed(std::uint64_t seed, std::uint32_t position) { return mix(seed ^ mix(position)); }

bool draws_the_argmax(const sampling_params& params) {
  return params.temperature <= 0.0f && !to_sampler_config(params).changes_logits();
}

model::token_id sample_at(const sampling_params& params, std::span<const float> logits,
                          std::span<const model::token_id> history, std::uint32_t position) {
  model::sampler_config config = to_sampler_config(params);
  config.seed = position_seed(params.seed, position);
  model::sampler picker(config);
  const std::size_t window = static_cast<std::size_t>(std::max(params.repeat_last_n, 0));
  const std::size_t first = history.size() > window ? history.size() - window : 0;
  for (std::size_t i = first; i < history.size(); ++i) picker.accept(history[i]);
  return picker.sample(logits);
}

summarized_draw draw_and_summarize(const sampling_params& params, std::span<const float> logits,
                                   std::span<const float> draw_logits, std::span<const model::token_id> history,
                                   std::uint32_t position) {
  summarized_draw out;
  out.row = model::summarize_row(logits);
  const bool argmax = draw_logits.data() == logits.data() && draws_the_argmax(params);
  out.token = argmax ? static_cast<model::token_id>(out.row.argmax) : sample_at(params, draw_logits, history, position);
  return out;
}

}  // namespace infergrid::gpu_worker
