#include "kernels/model/token_logprobs.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace infergrid::model {
namespace {

struct ranked_logit {
  token_id token;
  float logit;
};

// Ranked by the logits themselves, not by the rounded log-probabilities, so the order is exactly
// greedy sampling's: higher logit first, equal logits by lower id.
bool ranks_higher(const ranked_logit& a, const ranked_logit& b) {
  return a.logit > b.logit || (a.logit == b.logit && a.token < b.token);
}

}  // namespace

double log_sum_exp(std::span<const float> logits) {
  assert(!logits.empty());
  const double max = *std::max_element(logits.begin(), logits.end());
  if (!std::isfinite(max)) return max;  // all -inf (or +inf somewhere): nothing to normalise
  double sum = 0.0;
  for (const float logit : logits) sum += std::exp(static_cast<double>(logit) - max);
  return max + std::log(sum);
}

position_logprobs logprobs_at(std::span<const float> logits, token_id chosen, std::size_t top_count) {
  assert(chosen >= 0 && static_cast<std::size_t>(chosen) < logits.size());
  const double normaliser = log_sum_exp(logits);
  auto scored = [&](token_id token) {
    const double logit = logits[static_cast<std::size_t>(token)];
    return scored_token{token, static_cast<float>(logit - normaliser)};
  };
  position_logprobs out;
  out.chosen = scored(chosen);
  top_count = std::min(top_count, logits.size());
  if (top_count == 0) return out;
  // A heap of the best top_count so far, the lowest ranked on top: one pass, O(vocab log top_count).
  std::vector<ranked_logit> best;
  best.reserve(top_count + 1);
  for (std::size_t token = 0; token < logits.size(); ++token) {
    const ranked_logit candidate{static_cast<token_id>(token), logits[token]};
    if (best.size() == top_count && !ranks_higher(candidate, best.front())) continue;
    best.push_back(candidate);
    std::push_heap(best.begin(), best.end(), ranks_higher);
    if (best.size() > top_count) {
      std::pop_heap(best.begin(), best.end(), ranks_higher);
      best.pop_back();
    }
  }
  std::sort_heap(best.begin(), best.end(), ranks_higher);
  out.top.reserve(best.size());
  for (const auto& entry : best) out.top.push_back(scored(entry.token));
  return out;
}

}  // namespace infergrid::model
