#pragma once
// token_fingerprint: what a miner commits to, per generated token, about the distribution it sampled
// from — 2 bytes: the low 4 bits of the rank-1 (argmax) token id and the chosen token's raw
// log-probability (log-softmax of the logits, as token_logprobs.hpp) quantised to 1/64 nat in 12
// bits (saturating at -64 nats). A validator recomputes both from its own teacher-forced logits: a
// different model or a cheaper quantisation moves the log-probabilities by more than honest
// cross-device noise, and the argmax bits catch a distribution that was never computed.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "kernels/model/logit_sums.hpp"
#include "kernels/model/tokenizer.hpp"

namespace infergrid::model {

inline constexpr std::size_t fingerprint_bytes_per_token = 2;
inline constexpr double fingerprint_logprob_step = 1.0 / 64.0;  // nats per quantisation step
inline constexpr std::uint32_t fingerprint_argmax_mask = 0xF;

struct token_fingerprint {
  std::uint8_t argmax_bits = 0;  // argmax id & fingerprint_argmax_mask
  float chosen_logprob = 0;      // quantised, <= 0
};

// From one row of logits and the token drawn from it (a valid index).
token_fingerprint fingerprint_of(std::span<const float> logits, token_id chosen);
// The same from the row's summary (summarize_row(logits)), made already for another use.
token_fingerprint fingerprint_of(const row_summary& row, std::span<const float> logits, token_id chosen);
// Little-endian 16 bits: argmax bits in the top 4, -logprob / step in the low 12.
void append_fingerprint(std::vector<std::uint8_t>& out, const token_fingerprint& fingerprint);
// The i-th fingerprint of `bytes` (i < bytes.size() / fingerprint_bytes_per_token).
token_fingerprint fingerprint_at(std::span<const std::uint8_t> bytes, std::size_t i);

}  // namespace infergrid::model
