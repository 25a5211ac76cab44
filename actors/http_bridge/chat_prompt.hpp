#pragma once
// chat_prompt: a chat request turned into the prompt its model's template renders — with the
// request's tools when the template has tool calling (a 400 naming `tools` when it has none) — and,
// for tool_choice required or a named function, the output rules that force one call in the
// family's own format: the prefix (Qwen: "<tool_call>\n"), one JSON object {"name": <const>,
// "arguments"|"parameters": <the function's parameters schema>} (anyOf over the tools when any
// may be called), the suffix. The worker's constrained sampler enforces it; the validator replays it.
// With parallel_tool_calls false and a family that writes several calls (Qwen's blocks), the reply
// ends with the first call's closing tag (`stop_after` "</tool_call>"); for a thinking model, the
// first in its answer (`stop_after_reasoning`: one inside the <think> block is only reasoning).
#include <optional>
#include <string>
#include <variant>

#include "actors/http_bridge/openai_request.hpp"
#include "kernels/model/chat/chat_template.hpp"

namespace infergrid::http {

// `request.output` is set for a forced call; the rendered prompt, or the 400.
std::variant<std::string, api_error> render_chat_prompt(chat::template_family family, completion_request& request);

// A json_schema the worker's mask cannot enforce is a 400 here, naming the keyword (never a 200 with
// unconstrained output, nor a job every worker refuses): param response_format.json_schema.schema, or
// tools for a forced call's parameters.
std::optional<api_error> check_output_rules(const completion_request& request);

// The output rules forcing a call of `tools` (choice required or named) in `format`.
completion_request::output_rules forced_tool_call(const chat::tool_format& format, const tool_request& tools);

}  // namespace infergrid::http
