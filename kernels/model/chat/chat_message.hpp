#pragma once
// chat_message: one turn of a conversation as the OpenAI chat API and the models' chat templates see it.
#include <optional>
#include <string>

namespace infergrid::chat {

struct chat_message {
  std::string role;  // system, user, assistant, tool ("developer" is read as system by the HTTP bridge)
  std::string content;
  // An assistant turn's reasoning, when given apart from its content (Qwen3's reasoning_content).
  std::optional<std::string> reasoning_content = std::nullopt;
};

}  // namespace infergrid::chat
