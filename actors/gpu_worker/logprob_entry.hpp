#pragma once
// logprob_entry: what a chunk carries for one generated token of a request that asked for
// logprobs — the sampled token's log-probability and the top_logprobs most likely tokens, each with
// the bytes it stands for. Computed on the CPU from the step's logits, i.e. the raw model
// distribution before temperature and penalties (OpenAI's and vLLM's default), so a sampled token
// need not be the most likely one.
#include <cstdint>
#include <span>

#include "kernels/model/logit_sums.hpp"
#include "kernels/model/tokenizer.hpp"
#include "messages/inference.hpp"

namespace infergrid::gpu_worker {

// top_count is capped at max_top_logprobs.
// `row`: summarize_row(logits), which the worker has made for the token's fingerprint.
token_logprob logprob_entry(const model::tokenizer& vocab, const model::row_summary& row, std::span<const float> logits,
                            model::token_id chosen, std::uint32_t top_count);

}  // namespace infergrid::gpu_worker
