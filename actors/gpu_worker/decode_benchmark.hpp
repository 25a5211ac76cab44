#pragma once
// decode_benchmark: how fast an engine decodes, measured by running it — `sequences` slots each
// generating `steps` tokens greedily (one token per slot per step, the argmax of the logits fed back,
// logits copied to the host as a serving worker copies them), from one start token. The gpu_worker
// measures single-sequence speed this way when it starts; `infergrid miner join` measures both one
// sequence and every slot at once, with a progress bar.
#include <cstdint>
#include <functional>

#include "kernels/engine/llama_engine.hpp"
#include "runtime/result.hpp"

namespace infergrid::gpu_worker {

struct decode_speed {
  std::uint32_t sequences = 0;
  std::uint32_t steps = 0;            // per sequence
  double seconds = 0;
  double tokens_per_second = 0;       // all sequences together: sequences * steps / seconds
};

// done_steps, total_steps after every step.
using benchmark_progress = std::function<void(std::uint32_t, std::uint32_t)>;

// `steps` is capped at the engine's context size - 1 and `sequences` at its slots.
result<decode_speed> measure_decode_speed(engine::llama_engine& engine, std::int32_t start_token, std::uint32_t steps,
                                          std::uint32_t sequences, const benchmark_progress& progress = {});

}  // namespace infergrid::gpu_worker
