#pragma once
// token_logprobs: natural-log probabilities of tokens under one row of logits — the log-softmax
// log p(t) = logit(t) - log(sum over v of exp(logit(v))), with the maximum subtracted first and the
// sum taken in one vectorized pass (logit_sums: each exp within 3e-7, the sum in double). This is the raw model distribution: no temperature, penalties or
// truncation (what OpenAI's and vLLM's `logprobs` report by default).
#include <cstddef>
#include <span>
#include <vector>

#include "kernels/model/tokenizer.hpp"

namespace infergrid::model {

struct scored_token {
  token_id token = 0;
  float logprob = 0;
};

struct position_logprobs {
  scored_token chosen;
  std::vector<scored_token> top;  // the top_count most likely tokens, most likely first (higher logit; ties: lower id)
};

// log(sum over v of exp(logits[v])); logits must not be empty.
double log_sum_exp(std::span<const float> logits);

// The log-probability of `chosen` (a valid index into logits) and the `top_count` most likely
// tokens (all of them when top_count >= logits.size()).
position_logprobs logprobs_at(std::span<const float> logits, token_id chosen, std::size_t top_count);

}  // namespace infergrid::model
