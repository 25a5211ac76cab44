#pragma once
// tool_call_parser: a model's reply split into text and the tool calls in it, as its family writes
// them (chat_template.hpp tool_format): Qwen/Hermes `<tool_call>\n{"name": ..., "arguments": {...}}\n
// </tool_call>` blocks anywhere in the text, or Llama 3.1's whole reply as one {"name": ...,
// "parameters": {...}} object (optionally after <|python_tag|>, or several joined by ";").
// A block that is not such an object stays in the text: nothing the model wrote is lost.
// Ids are left empty (the HTTP bridge names calls); arguments are compact JSON text.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kernels/model/chat/chat_message.hpp"
#include "kernels/model/chat/chat_template.hpp"

namespace infergrid::chat {

struct parsed_reply {
  std::string content;  // the text outside tool calls (trimmed of the whitespace around calls)
  std::vector<tool_call> calls;
};

parsed_reply parse_tool_calls(const tool_format& format, std::string_view text);

// One {"name": ..., <arguments_key>: {...}} object, or nullopt.
std::optional<tool_call> parse_call_object(const tool_format& format, std::string_view json_text);

// The same, incrementally, for a stream: feed() takes each new piece of text and returns the text
// that is certainly content; calls() the calls completed so far (each reported once by take_calls).
// Text that may begin a call is held back until it is decided; finish() releases the rest.
class tool_call_stream {
 public:
  explicit tool_call_stream(tool_format format) : format_(format) {}

  std::string feed(std::string_view piece);
  std::string finish();
  std::vector<tool_call> take_calls();

 private:
  std::string release_hermes(bool at_end);

  tool_format format_;
  std::string pending_;   // text not yet released
  bool whole_json_ = false;  // Llama style: the reply looked like a call, so all of it is held
  bool decided_ = false;     // Llama style: whether it looked like one is known
  bool content_seen_ = false;
  std::vector<tool_call> ready_;
};

}  // namespace infergrid::chat
