#pragma once
// reasoning_splitter: a thinking model's reply (Qwen3, DeepSeek-R1-Distill: chat_template.hpp
// `thinks`) split into its reasoning — the text of the <think>...</think> block it starts with — and
// its answer, incrementally for a stream (a whole reply is one feed and finish). As llama.cpp's
// and vLLM's reasoning parsers do: the block counts only at the start of the reply (after
// whitespace), or from the first byte when the prompt already opened it (DeepSeek-R1's template ends
// with "<think>\n"); the newlines right inside the tags and after "</think>" are dropped; a reply
// that ends inside the block (max_tokens) is all reasoning. Text that may be part of a tag is held
// back until it is decided; finish() releases the rest.
#include <cstddef>
#include <optional>
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
  explicit reasoning_splitter(bool open_at_start)
      : phase_(open_at_start ? phase::reasoning : phase::start), skip_newlines_(open_at_start),
        block_(open_at_start ? std::optional<byte_span>(byte_span{}) : std::nullopt) {}

  reasoning_piece feed(std::string_view text);
  reasoning_piece finish();

  // Where the block lies in the text fed so far, in bytes from its start: `begin` at its opening
  // tag (0 when the prompt opened it), `end` past its closing tag, or no_end while it is open (after
  // finish(): the reply ended inside it). nullopt: no block (yet).
  static constexpr std::size_t no_end = static_cast<std::size_t>(-1);
  struct byte_span {
    std::size_t begin = 0;
    std::size_t end = no_end;
  };
  std::optional<byte_span> block() const { return block_; }
  // Where the answer starts in the text fed so far, in bytes: 0 when the reply opened no block, past
  // the closing tag when it closed one; nullopt while that is undecided or the block is open.
  std::optional<std::size_t> answer_begin() const {
    if (phase_ != phase::content) return std::nullopt;
    return block_ ? block_->end : 0;
  }

 private:
  enum class phase { start, reasoning, content };
  void run(reasoning_piece& out, bool at_end);
  void drop(std::size_t bytes);  // the first `bytes` of pending_ are decided

  phase phase_;
  bool skip_newlines_;  // drop "\n"s before the next other character (after a tag)
  std::string pending_;
  std::size_t decided_bytes_ = 0;  // bytes fed before pending_
  std::optional<byte_span> block_;
};

// Whether a rendered chat prompt already opened the block (it ends with "<think>" and newlines).
bool prompt_opens_reasoning(std::string_view prompt);

}  // namespace infergrid::chat
