// Llama families: Llama 3 and 3.1+ Instruct (their templates' no-tools paths) and Llama 2.
#include "kernels/model/chat/chat_renderers.hpp"

namespace infergrid::chat {
namespace {

constexpr std::string_view begin_of_text = "<|begin_of_text|>";

std::string header_turn(std::string_view role, std::string_view content) {
  return "<|start_header_id|>" + std::string(role) + "<|end_header_id|>\n\n" + std::string(trim(content)) +
         "<|eot_id|>";
}

std::string generation_prompt(const render_options& options) {
  return options.add_generation_prompt ? "<|start_header_id|>assistant<|end_header_id|>\n\n" : "";
}

}  // namespace

std::string render_llama3(const std::vector<chat_message>& messages, const render_options& options) {
  std::string out = options.write_bos ? std::string(begin_of_text) : "";
  for (const auto& m : messages) out += header_turn(m.role, m.content);
  return out + generation_prompt(options);
}

// The system header is always there: the date lines, then the (trimmed) first system message if any.
std::string render_llama3_1(const std::vector<chat_message>& messages, const render_options& options) {
  std::size_t first = 0;
  std::string_view system;
  if (!messages.empty() && messages[0].role == "system") {
    system = trim(messages[0].content);
    first = 1;
  }
  std::string out = options.write_bos ? std::string(begin_of_text) : "";
  out += "<|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n";
  out += std::string(system) + "<|eot_id|>";
  for (std::size_t i = first; i < messages.size(); ++i) {
    const auto& m = messages[i];
    out += header_turn(m.role == "tool" ? "ipython" : m.role, m.content);
  }
  return out + generation_prompt(options);
}

// Llama 2: the system prompt goes inside the first [INST]; assistant turns close with </s>.
std::string render_llama2(const std::vector<chat_message>& messages, const render_options&) {
  std::string out, system;
  bool first_user = true;
  for (const auto& m : messages) {
    if (m.role == "system") {
      system += m.content;
    } else if (m.role == "user" || m.role == "tool") {
      std::string text = m.content;
      if (first_user && !system.empty()) text = "<<SYS>>\n" + system + "\n<</SYS>>\n\n" + text;
      first_user = false;
      out += "[INST] " + text + " [/INST]";
    } else {
      out += " " + m.content + " </s>";
    }
  }
  return out;
}

}  // namespace infergrid::chat
