#pragma once
// chat_template: turns chat messages into the one prompt string a worker tokenizes.
//
// A GGUF may carry its own template as Jinja text in `tokenizer.chat_template`. The bridge does not
// run Jinja; it recognises the template's family by its markers and renders that family exactly:
//   chatml   (<|im_start|>role\n...<|im_end|>\n ... <|im_start|>assistant\n)
//   llama3   (<|start_header_id|>role<|end_header_id|>\n\n...<|eot_id|> ...)
//   llama2   ([INST] <<SYS>>\n...\n<</SYS>>\n\n... [/INST] ...)
//   zephyr   (<|system|>\n...</s>\n<|user|>\n...</s>\n<|assistant|>\n)
// A model without a template (or with one of no known family) uses the documented default:
//   "<system text>\n\n" (if any system message), then for each turn "User: <text>\n" or
//   "Assistant: <text>\n", and finally "Assistant:" for the model to continue.
#include <string>
#include <string_view>
#include <vector>

#include "actors/http_bridge/openai_request.hpp"

namespace infergrid::http {

enum class chat_template_family { plain, chatml, llama3, llama2, zephyr };

std::string_view to_string(chat_template_family family);
// The family of a Jinja template text; `plain` for an empty or unrecognised one.
chat_template_family detect_chat_template(std::string_view jinja_text);

std::string render_chat(chat_template_family family, const std::vector<chat_message>& messages);

}  // namespace infergrid::http
