#pragma once
// tool_request: the function-calling part of a chat request — `tools`, `tool_choice`,
// `parallel_tool_calls`, and the tool fields of history messages (an assistant's `tool_calls`, a
// tool result's `tool_call_id`) — validated, each failure a 400 naming the field.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "actors/http_bridge/api_error.hpp"
#include "kernels/model/chat/chat_message.hpp"
#include "kernels/model/json_number_texts.hpp"

namespace infergrid::http {

enum class tool_choice { none, automatic, required, named };

struct tool_request {
  // The request's tools as sent ([{"type": "function", "function": {...}}], keys in the client's
  // order: templates print them, and a schema's property order is the order of the output).
  nlohmann::ordered_json definitions = nlohmann::ordered_json::array();
  // The texts of the definitions' numbers that a double does not hold as written, by pointer from
  // `definitions` ("/0/function/parameters/properties/x/minimum"): a schema's bounds as sent.
  model::number_texts number_texts;
  tool_choice choice = tool_choice::automatic;
  std::string named;     // choice named: the function that must be called
  bool parallel = true;  // parallel_tool_calls
  // Whether the model is offered tools at all (tool_choice none renders none and parses none).
  bool active() const { return !definitions.empty() && choice != tool_choice::none; }
  // Whether the output must be a call (tool_choice required or a named function): held to the
  // call's grammar from the first token.
  bool forces_call() const { return active() && (choice == tool_choice::required || choice == tool_choice::named); }
  // The schema of the function `name`'s arguments: its `parameters`, always an object's — one without
  // a "type" is made {"type": "object", ...} (a top-level anyOf/$ref/enum/const: only their objects),
  // and {} or none is {"type": "object", "properties": {}}. With the texts of its numbers (pointers
  // from the schema).
  model::json_with_number_texts parameters_of(const std::string& name) const;
};

// `body` is the request parsed with its key order and its numbers' texts kept.
std::optional<api_error> read_tools(const model::json_with_number_texts& body, tool_request& out);

// An assistant message's `tool_calls` and a tool message's `tool_call_id` (param: "messages[i]").
// `message` comes from the body parsed with its key order and its numbers' texts (`texts`; the
// message at `pointer`, "/messages/i"): arguments given as an object are kept as the client wrote
// them, as arguments given as text are.
std::optional<api_error> read_message_tool_fields(const nlohmann::ordered_json& message, const model::number_texts& texts,
                                                  const std::string& pointer, const std::string& param,
                                                  chat::chat_message& out);

}  // namespace infergrid::http
