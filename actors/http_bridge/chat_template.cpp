#include "actors/http_bridge/chat_template.hpp"

namespace infergrid::http {
namespace {

std::string render_plain(const std::vector<chat_message>& messages) {
  std::string system, turns;
  for (const auto& m : messages) {
    if (m.role == "system") {
      system += (system.empty() ? "" : "\n") + m.content;
    } else {
      turns += (m.role == "user" ? "User: " : "Assistant: ") + m.content + "\n";
    }
  }
  return (system.empty() ? "" : system + "\n\n") + turns + "Assistant:";
}

std::string render_chatml(const std::vector<chat_message>& messages) {
  std::string out;
  for (const auto& m : messages) out += "<|im_start|>" + m.role + "\n" + m.content + "<|im_end|>\n";
  return out + "<|im_start|>assistant\n";
}

std::string render_llama3(const std::vector<chat_message>& messages) {
  std::string out = "<|begin_of_text|>";
  for (const auto& m : messages) {
    out += "<|start_header_id|>" + m.role + "<|end_header_id|>\n\n" + m.content + "<|eot_id|>";
  }
  return out + "<|start_header_id|>assistant<|end_header_id|>\n\n";
}

// Llama 2: the system prompt goes inside the first [INST]; assistant turns close with </s>.
std::string render_llama2(const std::vector<chat_message>& messages) {
  std::string out, system;
  bool first_user = true;
  for (const auto& m : messages) {
    if (m.role == "system") {
      system += m.content;
    } else if (m.role == "user") {
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

std::string render_zephyr(const std::vector<chat_message>& messages) {
  std::string out;
  for (const auto& m : messages) out += "<|" + m.role + "|>\n" + m.content + "</s>\n";
  return out + "<|assistant|>\n";
}

}  // namespace

std::string_view to_string(chat_template_family family) {
  switch (family) {
    case chat_template_family::chatml: return "chatml";
    case chat_template_family::llama3: return "llama3";
    case chat_template_family::llama2: return "llama2";
    case chat_template_family::zephyr: return "zephyr";
    case chat_template_family::plain: break;
  }
  return "plain";
}

chat_template_family detect_chat_template(std::string_view jinja_text) {
  auto has = [&](std::string_view marker) { return jinja_text.find(marker) != std::string_view::npos; };
  if (has("<|im_start|>")) return chat_template_family::chatml;
  if (has("<|start_header_id|>")) return chat_template_family::llama3;
  if (has("[INST]")) return chat_template_family::llama2;
  if (has("<|user|>") && has("<|assistant|>")) return chat_template_family::zephyr;
  return chat_template_family::plain;
}

std::string render_chat(chat_template_family family, const std::vector<chat_message>& messages) {
  switch (family) {
    case chat_template_family::chatml: return render_chatml(messages);
    case chat_template_family::llama3: return render_llama3(messages);
    case chat_template_family::llama2: return render_llama2(messages);
    case chat_template_family::zephyr: return render_zephyr(messages);
    case chat_template_family::plain: break;
  }
  return render_plain(messages);
}

}  // namespace infergrid::http
