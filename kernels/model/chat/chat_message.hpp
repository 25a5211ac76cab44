#pragma once
// chat_message: one turn of a conversation as the OpenAI chat API and the models' chat templates see it.
#include <optional>
#include <string>
#include <vector>

namespace infergrid::chat {

// A function call an assistant turn made (OpenAI's message.tool_calls[i]).
struct tool_call {
  std::string id;         // "call_..." — a tool message answers it by this id
  std::string name;       // the function's name
  std::string arguments;  // the arguments as JSON text (an object), as OpenAI carries them
};

struct chat_message {
  std::string role;  // system, user, assistant, tool ("developer" is read as system by the HTTP bridge)
  std::string content;
  // An assistant turn's reasoning, when given apart from its content (Qwen3's reasoning_content).
  std::optional<std::string> reasoning_content = std::nullopt;
  std::vector<tool_call> tool_calls = {};  // assistant turns that called tools
  std::string tool_call_id = {};           // tool turns: the call this result answers
};

}  // namespace infergrid::chat
