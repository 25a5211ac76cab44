#include "actors/http_bridge/reasoning_reply.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace infergrid::http {
namespace {

// A toy vocabulary: each id's text (an end-of-text token has none).
const std::vector<std::string> texts = {"<think>", "\n", "hmm", " ok", "</think>", "\n\n", "Hi", " there", "",
                                        "<th", "ink>", "</", "think", ">"};

std::vector<std::uint32_t> bytes_of_texts() {
  std::vector<std::uint32_t> bytes;
  for (const auto& text : texts) bytes.push_back(static_cast<std::uint32_t>(text.size()));
  return bytes;
}

// The reasoning tokens of `reply` (token ids) sent in chunks of `chunk_tokens` tokens each, and the
// reasoning_content it was split into.
std::pair<std::int64_t, std::string> count(const std::vector<std::int32_t>& reply, std::size_t chunk_tokens,
                                           const std::vector<std::uint32_t>* bytes, bool open_at_start = false) {
  reasoning_reply split(open_at_start, bytes);
  std::string reasoning;
  for (std::size_t at = 0; at < reply.size(); at += chunk_tokens) {
    const std::vector<std::int32_t> chunk(reply.begin() + static_cast<std::ptrdiff_t>(at),
                                          reply.begin() + static_cast<std::ptrdiff_t>(std::min(at + chunk_tokens, reply.size())));
    std::string text;
    for (const auto id : chunk) text += texts[static_cast<std::size_t>(id)];
    reasoning += split.feed(text, chunk).reasoning;
  }
  reasoning += split.finish().reasoning;
  return {split.reasoning_tokens(), reasoning};
}

// The worker's chunks hold as many tokens as were ready (load): a chunk holding </think> and
// answer tokens counted them all as reasoning. The block's tokens, tags included, are the count.
TEST(ReasoningReply, CountsTheBlocksTokensHoweverTheReplyIsChunked) {
  const auto bytes = bytes_of_texts();
  struct expected {
    std::vector<std::int32_t> reply;
    bool open_at_start;
    std::int64_t reasoning_tokens;
  };
  const std::vector<expected> cases = {
      {{0, 1, 2, 3, 1, 4, 5, 6, 7, 8}, false, 6},  // <think>\nhmm ok\n</think> then \n\nHi there, end of text
      {{9, 10, 2, 11, 12, 13, 6}, false, 6},       // tags spelled by several tokens
      {{1, 0, 2, 4, 6}, false, 3},                 // whitespace before the block is not in it
      {{2, 3, 4, 5, 6, 7}, true, 3},               // the prompt opened the block
      {{0, 2, 3, 8}, false, 4},                    // cut off inside the block: all of it (its end too)
      {{6, 0, 2, 4}, false, 0},                    // a block after text is no block
  };
  for (const auto& c : cases) {
    for (std::size_t chunk_tokens = 1; chunk_tokens <= c.reply.size(); ++chunk_tokens) {
      EXPECT_EQ(count(c.reply, chunk_tokens, &bytes, c.open_at_start).first, c.reasoning_tokens)
          << "case of " << c.reply.size() << " tokens (first " << c.reply[0] << ") in chunks of " << chunk_tokens;
    }
  }
  EXPECT_EQ(count(cases[0].reply, 3, &bytes).second, "hmm ok");
}

// Without the vocabulary only whole chunks can be counted: what every reply was counted by before.
TEST(ReasoningReply, WithoutTheVocabularyCountsTheChunksThatTouchedTheBlock) {
  const std::vector<std::int32_t> reply = {0, 2, 4, 5, 6, 7};
  EXPECT_EQ(count(reply, 1, nullptr).first, 3);
  EXPECT_EQ(count(reply, 6, nullptr).first, 6);
}

}  // namespace
}  // namespace infergrid::http
