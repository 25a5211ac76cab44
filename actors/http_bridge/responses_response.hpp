#pragma once
// responses_response: the Responses API's shapes — the `response` object (the whole answer, and what
// the stream's response.created / response.completed events carry), its output items (reasoning
// with its text, a message with one output_text part, function_call) and its usage. Every response
// names the miner that served it in an extra top-level `miner` field, as chat completions do.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/http_bridge/api_error.hpp"
#include "actors/http_bridge/openai_response.hpp"
#include "kernels/model/chat/chat_message.hpp"

namespace infergrid::http {

using ordered_json = nlohmann::ordered_json;

// How a response ended: "completed", "incomplete" (max_output_tokens reached) or "failed"
// ("in_progress" while it streams).
struct response_outcome {
  std::string status = "in_progress";
  std::optional<api_error> error = std::nullopt;  // failed: why
};

// A finish_reason's outcome: "length" is incomplete, anything else completed.
response_outcome outcome_of(const std::string& finish_reason);

// New item ids: "msg_…", "rs_…", "fc_…" (random).
std::string new_item_id(const char* prefix);

ordered_json responses_usage_json(const usage_counts& usage);
ordered_json reasoning_item_json(const std::string& id, const std::string& text);
ordered_json output_text_json(const std::string& text, const std::vector<token_logprob>& logprobs, bool with_logprobs);
// `content`: the message's parts (one output_text, or none yet while it streams).
ordered_json message_item_json(const std::string& id, const std::string& status, ordered_json content);
ordered_json function_call_item_json(const std::string& id, const std::string& status, const chat::tool_call& call);

// A whole answer's output items in order: its reasoning, its text (unless it is only calls), its calls.
ordered_json output_items_json(const completion_piece& answer, bool with_logprobs);

// The response object. `echo`: the request's settings (responses_request); `usage` null while streaming.
ordered_json response_json(const response_header& header, const ordered_json& echo, const response_outcome& outcome,
                           ordered_json output, const usage_counts* usage);

}  // namespace infergrid::http
