#pragma once
// ranked_row: one row of logits read in the sampler's order — highest logit first, equal logits by
// lower id — without sorting it. A draw, top-p and a validator's replay of a draw only need sums of
// weights over the tokens ranked before some token, and the one token at which a running sum of
// weights passes a value: passes over the row that only sum (logit_sums) narrow that down to a band
// of a few dozen tokens, and only the band is sorted. So a draw costs a few vectorized passes, not a
// sort of the vocabulary (~10 ms per generated token for 150k logits). A token's weight is
// exp_of((logit - top) * scale), top the row's largest logit. NaN logits are never candidates.
#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "kernels/model/tokenizer.hpp"

namespace infergrid::model {

struct ranked_token {
  token_id id = 0;
  float logit = 0;
};

// The sampler's total order: the higher logit first, then the lower id.
inline bool ranks_before(const ranked_token& a, const ranked_token& b) {
  return a.logit > b.logit || (a.logit == b.logit && a.id < b.id);
}

// The candidates of a draw: the row's tokens at or above `floor` and, with a `last`, ranked no
// later than it (top-k's and top-p's cuts).
struct ranked_row {
  std::span<const float> logits;
  float top = 0;  // max_logit(logits)
  float floor = 0;
  std::optional<ranked_token> last;

  double weight(float logit, float scale) const;
  bool holds(const ranked_token& t) const;
  ranked_token token(token_id id) const { return {id, logits[static_cast<std::size_t>(id)]}; }
  // The sum of the candidates' weights.
  double total_weight(float scale) const;
  // The sum of the weights of the tokens ranked before `t` (all of them candidates when t is one).
  double weight_before(const ranked_token& t, float scale) const;
  // The first candidate at which the running sum of weights in rank order exceeds `weight`; the
  // last candidate when none does (rounding). The row must hold a candidate.
  ranked_token first_past(double weight, float scale) const;
  // Every candidate, in rank order.
  std::vector<ranked_token> ranked() const;
};

// The `count` best tokens of the row in rank order (top-k; top_logprobs).
std::vector<ranked_token> best_of(std::span<const float> logits, std::size_t count);

}  // namespace infergrid::model
