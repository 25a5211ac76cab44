#pragma once
// logit_sums: the passes over a whole row of logits that the per-token host work makes (the sampler,
// log-probabilities, fingerprints, a validator's replay) — written so the compiler vectorizes them
// (this file is built with -O3): a vocabulary of 150k tokens is one such pass per token, not a sort.
// exp here is exp_of, a polynomial of relative error below 3e-7 (vs ~5 ns per std::exp in double),
// and sums accumulate in double (the float terms exactly): what the sampler and the fingerprints need, on every device alike.
#include <cstddef>
#include <cstdint>
#include <span>

namespace infergrid::model {

// e^x for x <= 0 (x above 0 is taken as 0; at or below -86 gives 0), relative error < 3e-7.
float exp_of(float x);

// The largest logit (-inf for an empty row; NaNs are skipped).
float max_logit(std::span<const float> logits);

// Greedy's pick: the index of the largest logit, the lowest among equals (0 for a row of NaNs).
// One pass over the row: the first chunk holding the largest logit is searched again, in cache.
std::size_t argmax_logit(std::span<const float> logits);

// What a token's log-probability and its fingerprint need of a row, from one pass over it (a chunk
// at a time: its max, then its sum in cache; the chunks' sums rescaled to the row's max at the end).
struct row_summary {
  std::size_t argmax = 0;  // as argmax_logit
  float max = 0;           // as max_logit
  double exp_sum = 0;      // the sum of e^(logit - max) over the row (0 unless max is finite)
  // log(sum of e^logit): max itself where it is not finite (a row of -inf, or +inf in it).
  double log_sum_exp() const;
};
row_summary summarize_row(std::span<const float> logits);

// The sum over the row of exp_of((logit - shift) * scale) for the logits at or above `floor`
// (shift >= every such logit, so each term is at most 1).
double sum_of_exps(std::span<const float> logits, float shift, float scale, float floor);

// Depth buckets below the top for ranked_row: bucket b holds the logits whose depth
// (top - logit) * scale lies in [b, b + 1) / depth_buckets_per_unit; the last holds everything deeper
// (weight e^-87 and less: 0 in float) and every logit below `floor` (and NaNs).
constexpr std::size_t depth_buckets_per_unit = 16;
constexpr std::size_t depth_buckets = 87 * depth_buckets_per_unit + 1;
// For each logit its weight exp_of((logit - top) * scale) (0 below `floor`) and its depth bucket.
void weigh_into_buckets(std::span<const float> logits, float top, float scale, float floor, std::span<float> weights,
                        std::span<std::uint16_t> buckets);

// How many logits are at or above `floor`.
std::size_t count_at_least(std::span<const float> logits, float floor);

}  // namespace infergrid::model
