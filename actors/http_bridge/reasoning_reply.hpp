#pragma once
// reasoning_reply: a thinking model's reply split into reasoning and answer as it streams in
// (chat::reasoning_splitter), and its reasoning tokens counted: exactly the tokens whose bytes lie
// in the <think> block, its tags included — the same count however the worker cut the reply into
// chunks. The tokens' byte lengths come from the model's vocabulary (model_facts::token_bytes).
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "kernels/model/chat/reasoning_splitter.hpp"

namespace infergrid::http {

class reasoning_reply {
 public:
  // `token_bytes`: the bytes each token id stands for, indexed by id (outliving this); null when the
  // vocabulary is unknown, and then every token of a chunk that touched the block counts.
  reasoning_reply(bool open_at_start, const std::vector<std::uint32_t>* token_bytes)
      : splitter_(open_at_start), token_bytes_(token_bytes) {}

  // One chunk: its text and the ids of the tokens it completes.
  chat::reasoning_piece feed(std::string_view text, std::span<const std::int32_t> tokens);
  chat::reasoning_piece finish() { return splitter_.finish(); }
  // The block's tokens so far (all of them once finish() has run).
  std::int64_t reasoning_tokens() const;

 private:
  chat::reasoning_splitter splitter_;
  const std::vector<std::uint32_t>* token_bytes_;
  std::vector<std::uint64_t> token_ends_;  // byte offset past each generated token
  std::int64_t touched_chunk_tokens_ = 0;  // without token_bytes: tokens of chunks that touched the block
};

}  // namespace infergrid::http
