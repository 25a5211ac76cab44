#pragma once
// chat_template: turns chat messages into the one prompt string a worker tokenizes, exactly as the
// model's own Jinja template (tokenizer.chat_template) would render it with add_generation_prompt.
//
// Nothing here runs Jinja: the template's family is recognised by the markers its text contains (a
// table, chat_template_families.cpp: first row whose markers all occur wins) and that family's
// renderer reproduces the template's output byte for byte (golden tests against @huggingface/jinja):
//   qwen3        Qwen3: ChatML; <think> blocks of earlier assistant turns dropped, the reasoning of turns
//                after the last user query kept in <think>...</think>; enable_thinking=false appends an
//                empty <think></think> to the generation prompt
//   qwen2_5      Qwen2.5 Instruct: ChatML with the default system "You are Qwen, created by Alibaba Cloud..."
//   chatml       any other <|im_start|> template
//   deepseek_r1  DeepSeek-R1-Distill (Qwen and Llama): BOS, system text, <｜User｜>/<｜Assistant｜> turns with
//                reasoning dropped from history, generation prompt "<｜Assistant｜><think>\n"
//   llama3_1     Llama 3.1/3.2/3.3 Instruct: BOS, a system header with "Cutting Knowledge Date: December
//                2023 / Today Date: 26 Jul 2024", trimmed turns closed by <|eot_id|>
//   llama3       Llama 3 Instruct: BOS, trimmed turns closed by <|eot_id|>
//   llama2       [INST] <<SYS>> ... [/INST] turns
//   zephyr       <|user|> ... </s> turns
//   plain        the documented default for a model without a template or with an unrecognised one:
//                "<system text>\n\n" (if any system message), then "User: <text>\n" or
//                "Assistant: <text>\n" per turn, and finally "Assistant:".
// Tools (render_options::tools) are rendered as the Qwen2.5, Qwen3 and Llama 3.1 templates render
// them, with assistant tool calls and tool results in the history; tool_format_of() says how each
// family's model writes a call, and tools_problem() what a template refuses (raise_exception).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "kernels/model/chat/chat_message.hpp"
#include "kernels/model/json_number_texts.hpp"

namespace infergrid::chat {

enum class template_family { plain, chatml, qwen2_5, qwen3, deepseek_r1, llama3, llama3_1, llama2, zephyr };

struct render_options {
  bool add_generation_prompt = true;
  // Qwen3's enable_thinking template variable; unset = the template's default (thinking on).
  std::optional<bool> enable_thinking = std::nullopt;
  // Whether the BOS text the Llama 3 and DeepSeek-R1 templates start with is written. Off for serving:
  // the worker's tokenizer adds BOS itself (as llama.cpp strips it from rendered prompts); on to
  // reproduce the Jinja output exactly.
  bool write_bos = false;
  // The request's `tools` (OpenAI's [{"type": "function", "function": {...}}], keys in the client's
  // order, since templates print them with tojson); empty: the template's no-tools path.
  nlohmann::ordered_json tools = nlohmann::ordered_json::array();
  // The texts of the tools' numbers that a double does not hold, by pointer from `tools`
  // ("/0/function/parameters/properties/x/minimum"): printed as the client wrote them.
  model::number_texts tool_number_texts = {};
};

// How a family's model writes a tool call: prefix, one JSON object {"name": ..., <arguments_key>:
// {...}}, suffix. `supported` false: its template has no tool calling.
struct tool_format {
  bool supported = false;
  std::string_view prefix;         // "<tool_call>\n" (Qwen, Hermes style) or "" (Llama 3.1)
  std::string_view suffix;         // "\n</tool_call>" or ""
  std::string_view arguments_key;  // "arguments" (Qwen) or "parameters" (Llama 3.1)
  bool parallel = false;           // several calls in one turn
};

std::string_view to_string(template_family family);
// The family of a Jinja template text; `plain` for an empty or unrecognised one.
template_family detect_template(std::string_view jinja_text);

std::string render_chat(template_family family, const std::vector<chat_message>& messages,
                        const render_options& options = {});

tool_format tool_format_of(template_family family);
// Whether the family's model reasons in a <think>...</think> block first (Qwen3, DeepSeek-R1-Distill):
// the HTTP bridge then answers that block as reasoning_content (reasoning_splitter.hpp).
bool thinks(template_family family);
// What the family's template would refuse for this conversation with tools (its raise_exception),
// or nullopt. Checked before render_chat, which assumes it passed.
std::optional<std::string> tools_problem(template_family family, const std::vector<chat_message>& messages,
                                         const render_options& options);

}  // namespace infergrid::chat
