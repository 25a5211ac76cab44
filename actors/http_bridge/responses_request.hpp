#pragma once
// responses_request: `POST /v1/responses` bodies (OpenAI's Responses API) read as the chat request
// they amount to, so that one validator and one pipeline serve both APIs. `instructions` and the
// `input` items (messages with text parts, function_call, function_call_output; reasoning items are
// dropped as chat templates drop past reasoning) become chat messages; `max_output_tokens`,
// `text.format`, `reasoning.effort`, flat function `tools` and `include` become their chat
// counterparts; `previous_response_id` puts the conversation it ended (response_store) before the
// input. An error the chat reader finds names the Responses field ("input[2].arguments",
// "max_output_tokens", "text.format.schema"), not the chat one. `conversation` (server-side
// conversations), hosted tools, non-text input and the other settings the grid cannot honour are
// 400s that say so.
#include <functional>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "actors/http_bridge/api_error.hpp"
#include "actors/http_bridge/openai_request.hpp"

namespace infergrid::http {

struct responses_request {
  completion_request chat;  // what the grid runs (kind chat, one choice)
  // The request's settings as the response object repeats them (instructions, max_output_tokens,
  // metadata, parallel_tool_calls, reasoning, store, temperature, text, tool_choice, tools, top_p, ...).
  nlohmann::ordered_json echo = nlohmann::ordered_json::object();
  // The conversation as chat messages — the previous response's, then the input — without the
  // instructions (kept with the answer when `store`).
  nlohmann::ordered_json conversation = nlohmann::ordered_json::array();
  bool store = true;  // `store` (OpenAI's default: true)
};

using parsed_responses_request = std::variant<responses_request, api_error>;

// The chat messages of the conversation a previous response ended, or the error refusing the id;
// empty when the bridge keeps no responses.
using previous_conversation = std::function<std::variant<nlohmann::ordered_json, api_error>(const std::string& id)>;

parsed_responses_request parse_responses_request(std::string_view body, const request_limits& limits,
                                                 const previous_conversation& previous = {});

}  // namespace infergrid::http
