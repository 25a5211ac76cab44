#pragma once
// upstream_request: an OpenAI request as the matchmaker's `inference_request` (messages/inference.hpp):
// OpenAI sampling (temperature, top_p, penalties, seed; top_k, min_p and the repetition penalty only when
// the request names them, as vLLM and llama.cpp accept), logprobs and OpenRouter's
// `provider` preferences in the matchmaker's routing terms.
#include <cstdint>
#include <string>

#include "actors/http_bridge/openai_request.hpp"
#include "messages/inference.hpp"

namespace infergrid::http {

// `seed` is used when the request names none (so a job resumed elsewhere draws the same tokens).
// `caps` (billing.hpp's request_price_caps) become the routing's price caps: only workers asking at
// most them may serve it, so what the escrow holds covers them.
inference_request to_inference_request(const completion_request& request, const std::string& request_id,
                                       std::string prompt, const std::string& reply_to, std::int64_t deadline_ms,
                                       std::uint64_t seed, const job_price& caps);

// OpenRouter quantization names ("fp16", "int8", "q8_0") as GGML type names ("F16", "Q8_0").
std::string ggml_quantisation(const std::string& openrouter_name);
// The matchmaker's finish reasons as OpenAI's ("context" -> "length").
std::string openai_finish_reason(const std::string& upstream);

}  // namespace infergrid::http
