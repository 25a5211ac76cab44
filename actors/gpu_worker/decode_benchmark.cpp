#include "actors/gpu_worker/decode_benchmark.hpp"

#include <algorithm>
#include <chrono>
#include <vector>

namespace infergrid::gpu_worker {

result<decode_speed> measure_decode_speed(engine::llama_engine& engine, std::int32_t start_token, std::uint32_t steps,
                                          std::uint32_t sequences, const benchmark_progress& progress) {
  decode_speed out;
  out.steps = std::min(steps, engine.context_size() - 1);
  out.sequences = std::clamp<std::uint32_t>(sequences, 1, engine.n_slots());
  if (out.steps == 0) return out;
  std::vector<std::int32_t> next(out.sequences, start_token);
  std::vector<engine::sequence_step> batch(out.sequences);
  const auto start = std::chrono::steady_clock::now();
  for (std::uint32_t position = 0; position < out.steps; ++position) {
    for (std::uint32_t slot = 0; slot < out.sequences; ++slot) {
      batch[slot] = engine::sequence_step{slot, std::span<const std::int32_t>(&next[slot], 1), position};
    }
    auto stepped = engine.step(batch, {.logits = true, .greedy = true, .borrow_logits = true});  // as the worker steps
    if (!stepped.ok()) return stepped.err();
    for (std::uint32_t slot = 0; slot < out.sequences && slot < stepped->greedy_ids.size(); ++slot) {
      next[slot] = stepped->greedy_ids[slot];
    }
    if (progress) progress(position + 1, out.steps);
  }
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  out.tokens_per_second = out.seconds > 0 ? out.sequences * static_cast<double>(out.steps) / out.seconds : 0.0;
  return out;
}

}  // namespace infergrid::gpu_worker
