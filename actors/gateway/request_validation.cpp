#include "actors/gateway/request_validation.hpp"

#include <cmath>
#include <string>

namespace infergrid::gateway {
namespace {

error invalid(const std::string& what) { return make_error(error_code::invalid_argument, what); }

status validate_sampling(const sampling_params& s) {
  if (!std::isfinite(s.temperature) || s.temperature < 0 || s.temperature > 100) {
    return invalid("sampling.temperature: must be 0..100 (got " + std::to_string(s.temperature) + ")");
  }
  if (!std::isfinite(s.top_p) || s.top_p < 0 || s.top_p > 1) return invalid("sampling.top_p: must be 0..1");
  if (!std::isfinite(s.min_p) || s.min_p < 0 || s.min_p > 1) return invalid("sampling.min_p: must be 0..1");
  if (!std::isfinite(s.repeat_penalty) || s.repeat_penalty <= 0) return invalid("sampling.repeat_penalty: must be > 0");
  if (!std::isfinite(s.frequency_penalty) || !std::isfinite(s.presence_penalty)) {
    return invalid("sampling.frequency_penalty / presence_penalty: must be finite");
  }
  if (s.repeat_last_n < 0 || s.repeat_last_n > 65536) return invalid("sampling.repeat_last_n: must be 0..65536");
  return {};
}

}  // namespace

status validate_request(const inference_request& r, const request_limits& limits) {
  if (r.request_id.empty() || r.request_id.size() > limits.max_request_id_bytes) {
    return invalid("request_id: must be 1.." + std::to_string(limits.max_request_id_bytes) + " bytes");
  }
  if (r.model.empty()) return invalid("model: required");
  if (r.prompt.empty() && r.prompt_tokens.empty()) return invalid("prompt: give prompt text or prompt_tokens");
  if (r.prompt.size() > limits.max_prompt_bytes) {
    return make_error(error_code::too_large, "prompt: longer than " + std::to_string(limits.max_prompt_bytes) + " bytes");
  }
  if (r.prompt_tokens.size() > limits.max_prompt_tokens) {
    return make_error(error_code::too_large, "prompt_tokens: more than " + std::to_string(limits.max_prompt_tokens));
  }
  for (const auto token : r.prompt_tokens) {
    if (token < 0) return invalid("prompt_tokens: negative token id " + std::to_string(token));
  }
  if (r.embedding) {
    if (r.max_tokens != 0) return invalid("max_tokens: an embedding request generates nothing; must be 0");
    if (r.logprobs || !r.sampling.output_format.empty()) {
      return invalid("embedding: logprobs and output_format do not apply to an embedding");
    }
  } else if (r.max_tokens == 0 || r.max_tokens > limits.max_tokens) {
    return invalid("max_tokens: must be 1.." + std::to_string(limits.max_tokens) + " (got " + std::to_string(r.max_tokens) + ")");
  }
  for (const auto& [name, strings] : {std::pair<const char*, const std::vector<std::string>&>{"stop", r.stop}, {"stop_after", r.stop_after}}) {
    if (strings.size() > limits.max_stop_strings) {
      return invalid(std::string(name) + ": at most " + std::to_string(limits.max_stop_strings) + " strings");
    }
    for (const auto& s : strings) {
      if (s.size() > limits.max_stop_bytes) {
        return invalid(std::string(name) + ": a string is longer than " + std::to_string(limits.max_stop_bytes) + " bytes");
      }
    }
  }
  if (r.routing.preferred_miners.size() > limits.max_miner_list || r.routing.excluded_miners.size() > limits.max_miner_list) {
    return invalid("routing: at most " + std::to_string(limits.max_miner_list) + " preferred / excluded miners");
  }
  if (r.top_logprobs > max_top_logprobs) {
    return invalid("top_logprobs: must be 0.." + std::to_string(max_top_logprobs) + " (got " + std::to_string(r.top_logprobs) + ")");
  }
  if (r.top_logprobs > 0 && !r.logprobs) return invalid("top_logprobs: needs logprobs=true");
  if (r.routing.min_reputation_permille > 1000) return invalid("routing.min_reputation_permille: must be 0..1000");
  if (!r.routing.allow_fallbacks && r.routing.preferred_miners.empty()) {
    return invalid("routing: allow_fallbacks=false needs at least one preferred miner");
  }
  return validate_sampling(r.sampling);
}

}  // namespace infergrid::gateway
