#pragma once
// token_logprobs: natural-log probabilities of tokens under one row of logits — the log-softmax
// log p(t) = logit(t) - log(sum over v of exp(logit(v))), with the maximum subtracted first and the
// sum taken in one vectorized pass (logit_sums: each exp within 3e-7, the sum in double). This is the raw model distribution: no temperature, penalties or
// truncation (what OpenAI's and vLLM's `logprobs` report by default).
#include <cstddef>
#include <span>
#include <vector>

#include "kernels/model/logit_sums.hpp"
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

// The log-probability of `chosen` (a valid index into logits) and the `top_count` most likely
// tokens (all of them when top_count >= logits.size()).
position_logprobs logprobs_at(std::span<const float> logits, token_id chosen, std::size_t top_count);
// The same with the row's summary (summarize_row(logits)), made already for another use.
position_logprobs logprobs_at(const row_summary& row, std::span<const float> logits, token_id chosen, std::size_t top_count);

}  // namespace infergrid::model
