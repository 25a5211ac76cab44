#include "actors/http_bridge/upstream_request.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

namespace infergrid::http {

std::string ggml_quantisation(const std::string& openrouter_name) {
  std::string lower = openrouter_name;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower == "fp32") return "F32";
  if (lower == "fp16") return "F16";
  if (lower == "bf16") return "BF16";
  if (lower == "int8" || lower == "fp8") return "Q8_0";
  if (lower == "int4" || lower == "fp4") return "Q4_0";
  std::string upper = openrouter_name;
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  return upper;
}

std::string openai_finish_reason(const std::string& upstream) {
  if (upstream == finish_stop) return "stop";
  return "length";  // length, context (window full) and anything newer end for want of room
}

inference_request to_inference_request(const completion_request& request, const std::string& request_id,
                                       std::string prompt, const std::string& reply_to, std::int64_t deadline_ms,
                                       std::uint64_t seed, const job_price& caps) {
  inference_request out;
  out.request_id = request_id;
  out.model = request.model;
  out.prompt = std::move(prompt);
  out.sampling.temperature = static_cast<float>(request.temperature);
  // OpenAI has no top-k: 0 (off) unless asked. top_p 0 keeps only the most likely token, which is
  // top-k 1 (the sampler's nucleus needs a positive mass to reach).
  const bool most_likely_only = request.top_p == 0;
  out.sampling.top_k = most_likely_only ? 1 : static_cast<std::int32_t>(request.top_k);
  out.sampling.top_p = most_likely_only ? 1.0f : static_cast<float>(request.top_p);
  out.sampling.min_p = static_cast<float>(request.min_p);  // nor min-p
  out.sampling.repeat_penalty = static_cast<float>(request.repeat_penalty);
  out.sampling.frequency_penalty = static_cast<float>(request.frequency_penalty);
  out.sampling.presence_penalty = static_cast<float>(request.presence_penalty);
  out.sampling.seed = request.seed.value_or(seed);
  for (const auto& [token, bias] : request.logit_bias) out.sampling.logit_bias.push_back(token_bias{token, bias});
  out.sampling.output_format = request.output.format;
  out.sampling.output_schema = request.output.schema;
  out.sampling.output_prefix = request.output.prefix;
  out.sampling.output_suffix = request.output.suffix;
  out.max_tokens = static_cast<std::uint32_t>(request.max_tokens);
  out.embedding = request.kind == endpoint_kind::embedding;
  out.stop = request.stop;
  out.stop_after = request.stop_after;
  out.stop_after_reasoning = request.stop_after_reasoning;
  out.logprobs = request.logprobs;
  out.top_logprobs = static_cast<std::uint32_t>(request.top_logprobs);
  const routing_preferences& wanted = request.provider;
  auto& routing = out.routing;
  routing.max_price_prompt_micro = static_cast<std::uint64_t>(caps.prompt_per_1k_micro);
  routing.max_price_completion_micro = static_cast<std::uint64_t>(caps.completion_per_1k_micro);
  for (const auto& name : wanted.quantizations) routing.allowed_quantisations.push_back(ggml_quantisation(name));
  routing.excluded_miners = wanted.ignore;
  routing.allow_fallbacks = wanted.allow_fallbacks;
  if (wanted.only.empty()) {
    routing.preferred_miners = wanted.order;
  } else {
    // `only`: those miners and no others, in `order`'s order where it names them.
    for (const auto& miner : wanted.order) {
      if (std::find(wanted.only.begin(), wanted.only.end(), miner) != wanted.only.end()) {
        routing.preferred_miners.push_back(miner);
      }
    }
    for (const auto& miner : wanted.only) {
      if (std::find(routing.preferred_miners.begin(), routing.preferred_miners.end(), miner) ==
          routing.preferred_miners.end()) {
        routing.preferred_miners.push_back(miner);
      }
    }
    routing.allow_fallbacks = false;
  }
  out.deadline_ms = deadline_ms;
  out.stream = true;  // the bridge takes every job as a stream, and tells trace what its client asked
  out.whole_answer_to_client = !request.stream;
  out.reply_to = reply_to;
  return out;
}

}  // namespace infergrid::http
