#include "kernels/engine/answer_replay.hpp"

namespace infergrid::engine {

result<answer_rows> replay_answer(llama_engine& engine, std::uint32_t slot, std::span<const std::int32_t> prompt,
                                  std::span<const std::int32_t> output) {
  answer_rows out;
  const sequence_step prefill{slot, prompt, 0};
  auto first = engine.step(std::span(&prefill, 1));
  if (!first.ok()) return first.err();
  out.first = std::move(*first);
  if (output.size() > 1) {
    auto scored = engine.score(slot, output.first(output.size() - 1), static_cast<std::uint32_t>(prompt.size()));
    if (!scored.ok()) return scored.err();
    out.rest = std::move(*scored);
  }
  return out;
}

}  // namespace infergrid::engine
