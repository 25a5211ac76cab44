#pragma once
// jinja_json: the text the `tojson` filter writes where models' chat templates are rendered —
// transformers' apply_chat_template, whose tojson is Python's json.dumps(ensure_ascii=False): ", " and
// ": " separators, or one item per line with `indent` spaces per level; keys in their given order;
// non-ASCII text as is; integers as digits and floats as Python's repr (1.0, 100.0, 1e-05, 1.5e-07,
// 1e+16 — not JavaScript's 1, 1e-5 that @huggingface/jinja prints: JavaScript has no float 1.0).
// Templates render tool definitions and tool-call arguments with it, so the prompt a worker sees
// is byte for byte the one the model was trained on — except numbers a double does not hold (0.1000000000000000000001,
// 12345678901234567890123): those are written as the client wrote them (`texts`, json_number_texts.hpp),
// so the model reads the bound or argument that was sent, not the nearest double's (Python prints such an
// integer the same way, such a float as its double: 0.1).
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
