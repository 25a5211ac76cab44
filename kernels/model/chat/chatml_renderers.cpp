// ChatML families: generic ChatML, Qwen2.5 Instruct and Qwen3, with Qwen's tool calling (tool
// definitions in the system turn, <tool_call> blocks in assistant turns, <tool_response> results).
#include "kernels/model/chat/chat_renderers.hpp"
#include "kernels/model/chat/jinja_json.hpp"

namespace infergrid::chat {
namespace {

std::string turn(std::string_view role, std::string_view content) {
  return "<|im_start|>" + std::string(role) + "\n" + std::string(content) + "<|im_end|>\n";
}

// Qwen's tool results: consecutive tool messages share one user turn of <tool_response> blocks.
std::string tool_response(const std::vector<chat_message>& messages, std::size_t i) {
  std::string out;
  if (i == 0 || messages[i - 1].role != "tool") out += "<|im_start|>user";
  out += "\n<tool_response>\n" + messages[i].content + "\n</tool_response>";
  if (i + 1 == messages.size() || messages[i + 1].role != "tool") out += "<|im_end|>\n";
  return out;
}

std::string generation_prompt(const render_options& options) {
  return options.add_generation_prompt ? "<|im_start|>assistant\n" : "";
}

constexpr std::string_view qwen_default_system = "You are Qwen, created by Alibaba Cloud. You are a helpful assistant.";

// The "# Tools" section both Qwen templates append to the system text.
std::string tools_section(const render_options& options) {
  std::string out =
      "# Tools\n\nYou may call one or more functions to assist with the user query.\n\nYou are provided with "
      "function signatures within <tools></tools> XML tags:\n<tools>";
  for (std::size_t i = 0; i < options.tools.size(); ++i) {
    out += "\n" + jinja_tojson(options.tools[i], -1, options.tool_number_texts, "/" + std::to_string(i));
  }
  return out +
         "\n</tools>\n\nFor each function call, return a json object with function name and arguments within "
         "<tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": <function-name>, \"arguments\": "
         "<args-json-object>}\n</tool_call><|im_end|>\n";
}

// One <tool_call> block as both Qwen templates write it (arguments through tojson).
std::string call_block(const tool_call& call) {
  return "<tool_call>\n{\"name\": \"" + call.name + "\", \"arguments\": " + arguments_tojson(call.arguments) +
         "}\n</tool_call>";
}

bool wrapped_tool_response(std::string_view content) {
  return content.starts_with("<tool_response>") && content.ends_with("</tool_response>");
}

}  // namespace

std::string render_chatml(const std::vector<chat_message>& messages, const render_options& options) {
  std::string out;
  for (const auto& m : messages) out += turn(m.role, m.content);
  return out + generation_prompt(options);
}

std::string render_qwen2_5(const std::vector<chat_message>& messages, const render_options& options) {
  std::string out;
  const bool system_first = !messages.empty() && messages[0].role == "system";
  if (!options.tools.empty()) {
    out += "<|im_start|>system\n" + std::string(system_first ? messages[0].content : qwen_default_system) + "\n\n" +
           tools_section(options);
  } else {
    out += turn("system", system_first ? std::string_view(messages[0].content) : qwen_default_system);
  }
  for (std::size_t i = system_first ? 1 : 0; i < messages.size(); ++i) {
    const auto& m = messages[i];
    if (m.role == "tool") {
      out += tool_response(messages, i);
    } else if (m.role == "assistant" && !m.tool_calls.empty()) {
      out += "<|im_start|>assistant";
      if (!m.content.empty()) out += "\n" + m.content;
      for (const tool_call& call : m.tool_calls) out += "\n" + call_block(call);
      out += "<|im_end|>\n";
    } else {
      out += turn(m.role, m.content);
    }
  }
  return out + generation_prompt(options);
}

std::string render_qwen3(const std::vector<chat_message>& messages, const render_options& options) {
  std::string out;
  const bool system_first = !messages.empty() && messages[0].role == "system";
  if (!options.tools.empty()) {
    out += "<|im_start|>system\n" + (system_first ? messages[0].content + "\n\n" : "") + tools_section(options);
  } else if (system_first) {
    out += turn("system", messages[0].content);
  }
  // The last user turn that is a real query (not a wrapped tool response).
  std::size_t last_query = messages.empty() ? 0 : messages.size() - 1;
  for (std::size_t back = messages.size(); back-- > 0;) {
    if (messages[back].role == "user" && !wrapped_tool_response(messages[back].content)) {
      last_query = back;
      break;
    }
  }
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const auto& m = messages[i];
    if (m.role == "user" || (m.role == "system" && i != 0)) {
      out += turn(m.role, m.content);
    } else if (m.role == "assistant") {
      std::string_view content = m.content;
      std::string_view reasoning;
      if (m.reasoning_content) {
        reasoning = *m.reasoning_content;
      } else if (content.find("</think>") != std::string_view::npos) {
        reasoning = lstrip(after_last(rstrip(before_first(m.content, "</think>"), "\n"), "<think>"), "\n");
        content = lstrip(after_last(m.content, "</think>"), "\n");
      }
      out += "<|im_start|>" + m.role + "\n";
      const bool last = i + 1 == messages.size();
      if (i > last_query && (last || !reasoning.empty())) {
        out += "<think>\n" + std::string(strip(reasoning, "\n")) + "\n</think>\n\n" + std::string(lstrip(content, "\n"));
      } else {
        out += content;
      }
      for (std::size_t c = 0; c < m.tool_calls.size(); ++c) {
        if (c > 0 || !content.empty()) out += "\n";
        out += call_block(m.tool_calls[c]);
      }
      out += "<|im_end|>\n";
    } else if (m.role == "tool") {
      out += tool_response(messages, i);
    }
  }
  out += generation_prompt(options);
  if (options.add_generation_prompt && options.enable_thinking == false) out += "<think>\n\n</think>\n\n";
  return out;
}

}  // namespace infergrid::chat
