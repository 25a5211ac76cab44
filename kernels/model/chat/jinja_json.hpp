#pragma once
// jinja_json: the text the `tojson` filter of the Jinja engines that render chat templates writes
// (Python's json.dumps(ensure_ascii=False) as @huggingface/jinja reproduces it): ", " and ": "
// separators, or one item per line with `indent` spaces per level; keys in their given order;
// non-ASCII text as is; numbers as JavaScript prints them (1.5e-7, 1e+21, 2.0 -> 2).
// Templates render tool definitions and tool-call arguments with it, so the prompt a worker sees
// is byte for byte the one the model was trained on.
#include <string>

#include <nlohmann/json.hpp>

namespace infergrid::chat {

std::string jinja_tojson(const nlohmann::ordered_json& value, int indent = -1);
// JSON text parsed (keys in their order), or — when it is not JSON — the text as a JSON string.
// Tool-call arguments travel as JSON text and templates print them as the object they hold.
nlohmann::ordered_json parse_or_string(std::string_view text);

}  // namespace infergrid::chat
