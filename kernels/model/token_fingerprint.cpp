#include "kernels/model/token_fingerprint.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "kernels/model/logit_sums.hpp"

namespace infergrid::model {
namespace {

constexpr std::uint32_t logprob_steps_max = 0xFFF;

std::uint16_t pack(const token_fingerprint& f) {
  const double steps = std::round(-static_cast<double>(f.chosen_logprob) / fingerprint_logprob_step);
  const auto quantised = static_cast<std::uint32_t>(std::clamp(steps, 0.0, static_cast<double>(logprob_steps_max)));
  return static_cast<std::uint16_t>(((f.argmax_bits & fingerprint_argmax_mask) << 12) | quantised);
}

}  // namespace

token_fingerprint fingerprint_of(std::span<const float> logits, token_id chosen) {
  // Greedy's order: the highest logit, the lowest id among equals. One pass over the row for both.
  return fingerprint_of(summarize_row(logits), logits, chosen);
}

token_fingerprint fingerprint_of(const row_summary& row, std::span<const float> logits, token_id chosen) {
  assert(chosen >= 0 && static_cast<std::size_t>(chosen) < logits.size());
  const auto top = static_cast<std::uint32_t>(row.argmax);
  const double logprob = static_cast<double>(logits[static_cast<std::size_t>(chosen)]) - row.log_sum_exp();
  token_fingerprint exact{static_cast<std::uint8_t>(top & fingerprint_argmax_mask), static_cast<float>(logprob)};
  const std::uint16_t packed = pack(exact);
  return {static_cast<std::uint8_t>(packed >> 12),
          static_cast<float>(-static_cast<double>(packed & logprob_steps_max) * fingerprint_logprob_step)};
}

void append_fingerprint(std::vector<std::uint8_t>& out, const token_fingerprint& fingerprint) {
  const std::uint16_t packed = pack(fingerprint);
  out.push_back(static_cast<std::uint8_t>(packed & 0xFF));
  out.push_back(static_cast<std::uint8_t>(packed >> 8));
}

token_fingerprint fingerprint_at(std::span<const std::uint8_t> bytes, std::size_t i) {
  assert((i + 1) * fingerprint_bytes_per_token <= bytes.size());
  const auto packed = static_cast<std::uint16_t>(bytes[2 * i] | (bytes[2 * i + 1] << 8));
  return {static_cast<std::uint8_t>(packed >> 12),
          static_cast<float>(-static_cast<double>(packed & logprob_steps_max) * fingerprint_logprob_step)};
}

}  // namespace infergrid::model
