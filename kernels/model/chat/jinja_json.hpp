#pragma once
// jinja_json: the text the `tojson` filter of the Jinja engines that render chat templates writes
// (Python's json.dumps(ensure_ascii=False) as @huggingface/jinja reproduces it): ", " and ": "
// separators, or one item per line with `indent` spaces per level; keys in their given order;
// non-ASCII text as is; numbers as JavaScript prints them (1.5e-7, 1e+21, 2.0 -> 2).
// Templates render tool definitions and tool-call arguments with it, so the prompt a worker sees
// is byte for byte the one the model was trained on — except numbers a double does not hold (0.1000000000000000000001,
// 12345678901234567890123): those are written as the client wrote them (`texts`, json_number_texts.hpp),
// so the model reads the bound or argument that was sent, not the nearest double's.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "kernels/model/json_number_texts.hpp"

namespace infergrid::chat {

// `value` sits at `pointer` in the document `texts` point into.
std::string jinja_tojson(const nlohmann::ordered_json& value, int indent = -1, const model::number_texts& texts = {},
                         const std::string& pointer = "");
// Tool-call arguments, which travel as JSON text, as tojson prints the object they hold (keys in
// their order, numbers as written); text that is not JSON (or nests too deep) as a JSON string.
std::string arguments_tojson(std::string_view text);

}  // namespace infergrid::chat
