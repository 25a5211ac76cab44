#include "actors/http_bridge/responses_response.hpp"

#include <utility>

#include "runtime/identity.hpp"

namespace infergrid::http {

response_outcome outcome_of(const std::string& finish_reason) {
  return {finish_reason == "length" ? "incomplete" : "completed"};
}

std::string new_item_id(const char* prefix) { return std::string(prefix) + random_hex(16); }

ordered_json responses_usage_json(const usage_counts& usage) {
  return {{"input_tokens", usage.prompt_tokens},
          {"input_tokens_details", {{"cached_tokens", 0}}},
          {"output_tokens", usage.completion_tokens},
          {"output_tokens_details", {{"reasoning_tokens", usage.reasoning_tokens.value_or(0)}}},
          {"total_tokens", usage.prompt_tokens + usage.completion_tokens}};
}

ordered_json reasoning_item_json(const std::string& id, const std::string& text) {
  return {{"id", id},
          {"type", "reasoning"},
          {"summary", ordered_json::array()},
          {"content", ordered_json::array({{{"type", "reasoning_text"}, {"text", text}}})}};
}

ordered_json output_text_json(const std::string& text, const std::vector<token_logprob>& logprobs, bool with_logprobs) {
  return {{"type", "output_text"},
          {"text", text},
          {"annotations", ordered_json::array()},
          {"logprobs", with_logprobs ? ordered_json(token_logprobs_json(logprobs)) : ordered_json::array()}};
}

ordered_json message_item_json(const std::string& id, const std::string& status, ordered_json content) {
  return {{"id", id}, {"type", "message"}, {"status", status}, {"role", "assistant"}, {"content", std::move(content)}};
}

ordered_json function_call_item_json(const std::string& id, const std::string& status, const chat::tool_call& call) {
  return {{"id", id},           {"type", "function_call"}, {"status", status},
          {"call_id", call.id}, {"name", call.name},       {"arguments", call.arguments}};
}

ordered_json output_items_json(const completion_piece& answer, bool with_logprobs) {
  ordered_json items = ordered_json::array();
  if (!answer.reasoning.empty()) items.push_back(reasoning_item_json(new_item_id("rs_"), answer.reasoning));
  if (!answer.text.empty() || answer.tool_calls.empty()) {
    const char* status = answer.finish_reason == "length" ? "incomplete" : "completed";
    ordered_json parts = ordered_json::array({output_text_json(answer.text, answer.logprobs, with_logprobs)});
    items.push_back(message_item_json(new_item_id("msg_"), status, std::move(parts)));
  }
  for (const auto& call : answer.tool_calls) items.push_back(function_call_item_json(new_item_id("fc_"), "completed", call));
  return items;
}

ordered_json response_json(const response_header& header, const ordered_json& echo, const response_outcome& outcome,
                           ordered_json output, const usage_counts* usage) {
  ordered_json error = nullptr;
  if (outcome.error) {
    error = {{"code", outcome.error->code.empty() ? "server_error" : outcome.error->code},
             {"message", outcome.error->message}};
  }
  ordered_json incomplete = nullptr;
  if (outcome.status == "incomplete") incomplete = {{"reason", "max_output_tokens"}};
  ordered_json out = {{"id", header.id},
                      {"object", "response"},
                      {"created_at", header.created_s},
                      {"status", outcome.status},
                      {"background", false},
                      {"error", std::move(error)},
                      {"incomplete_details", std::move(incomplete)}};
  for (const auto& [key, value] : echo.items()) out[key] = value;
  out["model"] = header.model;
  out["output"] = std::move(output);
  out["usage"] = usage ? responses_usage_json(*usage) : ordered_json(nullptr);
  out["miner"] = header.miner.empty() ? ordered_json(nullptr) : ordered_json(header.miner);
  return out;
}

}  // namespace infergrid::http
