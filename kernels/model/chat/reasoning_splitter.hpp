#pragma once
// reasoning_splitter: a thinking model's reply (Qwen3, DeepSeek-R1-Distill: chat_template.hpp
// `thinks`) split into its reasoning — the text of the <think>...</think> block it starts with — and
// its answer, incrementally for a stream (a whole reply is one feed and finish). As llama.cpp's
// and vLLM's reasoning parsers do: the block counts only at the start of the reply (after
// whitespace), or from the first byte when the prompt already opened it (DeepSeek-R1's template ends
// with "<think>\n"); the newlines right inside the tags and after "</think>" are dropped; a reply
// that ends inside the block (max_tokens) is all reasoning. Text that may be part of a tag is held
// back until it is decided; finish() releases the rest.
#include <string>
#include <string_view>

namespace infergrid::chat {

struct reasoning_piece {
  std::string reasoning;
  std::string content;
  bool touched_reasoning = false;  // some of the text fed was inside the block or one of its tags
};

class reasoning_splitter {
 public:
  explicit reasoning_splitter(bool open_at_start) : phase_(open_at_start ? phase::reasoning : phase::start),
                                                     skip_newlines_(open_at_start) {}

  reasoning_piece feed(std::string_view text);
  reasoning_piece finish();

 private:
  enum class phase { start, reasoning, content };
  void run(reasoning_piece& out, bool at_end);

  phase phase_;
  bool skip_newlines_;  // drop "\n"s before the next other character (after a tag)
  std::string pending_;
};

// Whether a rendered chat prompt already opened the block (it ends with "<think>" and newlines).
bool prompt_opens_reasoning(std::string_view prompt);

}  // namespace infergrid::chat
