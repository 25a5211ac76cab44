#pragma once
// answer_replay: the rows of logits a teacher-forced replay of an answer gives, row i predicting
// output[i] — the prompt's prefill (into `slot` from position 0) gives row 0, one scored prefill of
// output[0..n-2] the rest (llama_engine::score). What a validator checks an answer against, and what
// the test-only fingerprint forger writes fingerprints from.
#include <cstdint>
#include <span>

#include "kernels/engine/llama_engine.hpp"
#include "runtime/result.hpp"

namespace infergrid::engine {

struct answer_rows {
  step_result first;  // the prompt's last row
  step_result rest;   // rows 1..n-1 (empty for an answer of one token)
  std::span<const float> row(std::size_t i) const { return i == 0 ? first.logits_of(0) : rest.logits_of(i - 1); }
};

// The prompt is always prefilled; `output` may be empty (no scored prefill then).
result<answer_rows> replay_answer(llama_engine& engine, std::uint32_t slot, std::span<const std::int32_t> prompt,
                                  std::span<const std::int32_t> output);

}  // namespace infergrid::engine
