// The family table: how each template is recognised and which renderer reproduces it.
#include <array>

#include "kernels/model/chat/chat_template.hpp"
#include "kernels/model/chat/chat_renderers.hpp"

namespace infergrid::chat {
namespace {

struct family_row {
  template_family family;
  std::string_view name;
  std::array<std::string_view, 2> markers;  // all must occur in the template text (empty = none)
  std::string (*render)(const std::vector<chat_message>&, const render_options&);
  tool_format tools;  // how the family's model writes tool calls (unsupported when its template has none)
  bool thinks = false;  // its model reasons in a <think>...</think> block before answering
};

constexpr tool_format hermes_calls{true, "<tool_call>\n", "\n</tool_call>", "arguments", true};
constexpr tool_format llama_json_calls{true, "", "", "parameters", false};
constexpr tool_format no_tools{};

// Specific rows before the general ones they would also match.
const std::array<family_row, 8> rows = {{
    {template_family::qwen3, "qwen3", {"<|im_start|>", "</think>"}, &render_qwen3, hermes_calls, true},
    {template_family::qwen2_5, "qwen2_5", {"<|im_start|>", "You are Qwen, created by Alibaba Cloud"}, &render_qwen2_5,
     hermes_calls},
    {template_family::chatml, "chatml", {"<|im_start|>", ""}, &render_chatml, no_tools},
    {template_family::deepseek_r1, "deepseek_r1",
     {"<\xEF\xBD\x9C" "User\xEF\xBD\x9C>", "<\xEF\xBD\x9C" "Assistant\xEF\xBD\x9C>"}, &render_deepseek_r1, no_tools,
     true},
    {template_family::llama3_1, "llama3_1", {"<|start_header_id|>", "Cutting Knowledge Date"}, &render_llama3_1,
     llama_json_calls},
    {template_family::llama3, "llama3", {"<|start_header_id|>", ""}, &render_llama3, no_tools},
    {template_family::llama2, "llama2", {"[INST]", ""}, &render_llama2, no_tools},
    {template_family::zephyr, "zephyr", {"<|user|>", "<|assistant|>"}, &render_zephyr, no_tools},
}};

const family_row* row_of(template_family family) {
  for (const auto& row : rows) {
    if (row.family == family) return &row;
  }
  return nullptr;
}

}  // namespace

bool thinks(template_family family) {
  const family_row* row = row_of(family);
  return row != nullptr && row->thinks;
}

std::string_view to_string(template_family family) {
  const family_row* row = row_of(family);
  return row == nullptr ? "plain" : row->name;
}

template_family detect_template(std::string_view jinja_text) {
  for (const auto& row : rows) {
    bool all = true;
    for (std::string_view marker : row.markers) all = all && jinja_text.find(marker) != std::string_view::npos;
    if (all) return row.family;
  }
  return template_family::plain;
}

std::string render_chat(template_family family, const std::vector<chat_message>& messages,
                        const render_options& options) {
  const family_row* row = row_of(family);
  return row == nullptr ? render_plain(messages, options) : row->render(messages, options);
}

tool_format tool_format_of(template_family family) {
  const family_row* row = row_of(family);
  return row == nullptr ? no_tools : row->tools;
}

std::optional<std::string> tools_problem(template_family family, const std::vector<chat_message>& messages,
                                         const render_options& options) {
  const tool_format format = tool_format_of(family);
  bool history_calls = false;
  for (const chat_message& m : messages) {
    history_calls = history_calls || !m.tool_calls.empty();
    if (!format.parallel && m.tool_calls.size() > 1) {
      return "the model's chat template (" + std::string(to_string(family)) +
             ") allows one tool call per assistant turn";
    }
  }
  if ((!options.tools.empty() || history_calls) && !format.supported) {
    return "the model's chat template (" + std::string(to_string(family)) + ") has no tool calling";
  }
  if (family == template_family::llama3_1 && !options.tools.empty()) {
    const std::size_t after_system = !messages.empty() && messages[0].role == "system" ? 1 : 0;
    if (messages.size() <= after_system) return "the template puts the tools in the first user message: send one";
  }
  return std::nullopt;
}

}  // namespace infergrid::chat
