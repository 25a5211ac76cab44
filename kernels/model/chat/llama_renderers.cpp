// Llama families: Llama 3, Llama 3.1+ Instruct (with its JSON tool calling: tools in the first
// user message, calls as {"name": ..., "parameters": ...}, results as ipython turns) and Llama 2.
#include "kernels/model/chat/chat_renderers.hpp"
#include "kernels/model/chat/jinja_json.hpp"

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

// The system header is always there: "Environment: ipython" when tools are given, the date lines,
// then the (trimmed) first system message if any. The template's default tools_in_user_message=true
// puts the tools before the first user message's text.
std::string render_llama3_1(const std::vector<chat_message>& messages, const render_options& options) {
  std::size_t first = 0;
  std::string_view system;
  if (!messages.empty() && messages[0].role == "system") {
    system = trim(messages[0].content);
    first = 1;
  }
  const bool tools = !options.tools.empty();
  std::string out = options.write_bos ? std::string(begin_of_text) : "";
  out += "<|start_header_id|>system<|end_header_id|>\n\n";
  if (tools) out += "Environment: ipython\n";
  out += "Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n";
  out += std::string(system) + "<|eot_id|>";
  if (tools && first < messages.size()) {
    out += "<|start_header_id|>user<|end_header_id|>\n\nGiven the following functions, please respond with a JSON "
           "for a function call with its proper arguments that best answers the given prompt.\n\nRespond in the "
           "format {\"name\": function name, \"parameters\": dictionary of argument name and its value}.Do not use "
           "variables.\n\n";
    for (std::size_t i = 0; i < options.tools.size(); ++i) {
      out += jinja_tojson(options.tools[i], 4, options.tool_number_texts, "/" + std::to_string(i)) + "\n\n";
    }
    out += std::string(trim(messages[first].content)) + "<|eot_id|>";
    ++first;
  }
  for (std::size_t i = first; i < messages.size(); ++i) {
    const auto& m = messages[i];
    if (!m.tool_calls.empty()) {
      const tool_call& call = m.tool_calls.front();  // tools_problem refuses more than one
      out += "<|start_header_id|>assistant<|end_header_id|>\n\n{\"name\": \"" + call.name + "\", \"parameters\": " +
             arguments_tojson(call.arguments) + "}<|eot_id|>";
    } else if (m.role == "tool") {
      // `message.content is iterable` holds for a string, so the result is printed as a JSON string.
      out += "<|start_header_id|>ipython<|end_header_id|>\n\n" + jinja_tojson(m.content) + "<|eot_id|>";
    } else {
      out += header_turn(m.role, m.content);
    }
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
