// DeepSeek-R1-Distill, Zephyr and the plain default.
#include "kernels/model/chat/chat_renderers.hpp"

namespace infergrid::chat {

// BOS, then the last system message's text as is, then the turns; earlier reasoning is dropped from
// assistant turns (text after the last </think>).
std::string render_deepseek_r1(const std::vector<chat_message>& messages, const render_options& options) {
  std::string system;
  for (const auto& m : messages) {
    if (m.role == "system") system = m.content;
  }
  std::string out = options.write_bos ? "<\xEF\xBD\x9C" "begin\xE2\x96\x81of\xE2\x96\x81sentence\xEF\xBD\x9C>" : "";
  out += system;
  for (const auto& m : messages) {
    if (m.role == "user" || m.role == "tool") {
      out += "<\xEF\xBD\x9C" "User\xEF\xBD\x9C>" + m.content;
    } else if (m.role == "assistant") {
      out += "<\xEF\xBD\x9C" "Assistant\xEF\xBD\x9C>" + std::string(after_last(m.content, "</think>")) +
             "<\xEF\xBD\x9C" "end\xE2\x96\x81of\xE2\x96\x81sentence\xEF\xBD\x9C>";
    }
  }
  if (options.add_generation_prompt) out += "<\xEF\xBD\x9C" "Assistant\xEF\xBD\x9C><think>\n";
  return out;
}

std::string render_zephyr(const std::vector<chat_message>& messages, const render_options& options) {
  std::string out;
  for (const auto& m : messages) out += "<|" + m.role + "|>\n" + m.content + "</s>\n";
  return out + (options.add_generation_prompt ? "<|assistant|>\n" : "");
}

std::string render_plain(const std::vector<chat_message>& messages, const render_options& options) {
  std::string system, turns;
  for (const auto& m : messages) {
    if (m.role == "system") {
      system += (system.empty() ? "" : "\n") + m.content;
    } else {
      turns += (m.role == "assistant" ? "Assistant: " : "User: ") + m.content + "\n";
    }
  }
  return (system.empty() ? "" : system + "\n\n") + turns + (options.add_generation_prompt ? "Assistant:" : "");
}

}  // namespace infergrid::chat
