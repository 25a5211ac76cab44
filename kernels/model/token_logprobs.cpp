#include "kernels/model/token_logprobs.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "kernels/model/logit_sums.hpp"
#include "kernels/model/ranked_row.hpp"

namespace infergrid::model {

position_logprobs logprobs_at(std::span<const float> logits, token_id chosen, std::size_t top_count) {
  assert(!logits.empty());
  return logprobs_at(summarize_row(logits), logits, chosen, top_count);
}

position_logprobs logprobs_at(const row_summary& row, std::span<const float> logits, token_id chosen, std::size_t top_count) {
  assert(chosen >= 0 && static_cast<std::size_t>(chosen) < logits.size());
  const double normaliser = row.log_sum_exp();
  auto scored = [&](token_id token) {
    const double logit = logits[static_cast<std::size_t>(token)];
    return scored_token{token, static_cast<float>(logit - normaliser)};
  };
  position_logprobs out;
  out.chosen = scored(chosen);
  top_count = std::min(top_count, logits.size());
  if (top_count == 0) return out;
  // Ranked by the logits themselves, not by the rounded log-probabilities, so the order is exactly
  // greedy sampling's: higher logit first, equal logits by lower id.
  const std::vector<ranked_token> best = best_of(logits, top_count);
  out.top.reserve(best.size());
  for (const ranked_token& t : best) out.top.push_back(scored(t.id));
  return out;
}

}  // namespace infergrid::model
