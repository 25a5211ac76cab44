#include "kernels/model/chat/reasoning_splitter.hpp"

#include <gtest/gtest.h>

namespace infergrid::chat {
namespace {

reasoning_piece whole(std::string_view text, bool open_at_start) {
  reasoning_splitter splitter(open_at_start);
  reasoning_piece out = splitter.feed(text);
  reasoning_piece rest = splitter.finish();
  out.reasoning += rest.reasoning;
  out.content += rest.content;
  return out;
}

// The same reply fed one byte at a time gives the same split.
reasoning_piece bytewise(std::string_view text, bool open_at_start) {
  reasoning_splitter splitter(open_at_start);
  reasoning_piece out;
  for (char c : text) {
    auto piece = splitter.feed(std::string_view(&c, 1));
    out.reasoning += piece.reasoning;
    out.content += piece.content;
  }
  auto rest = splitter.finish();
  out.reasoning += rest.reasoning;
  out.content += rest.content;
  return out;
}

TEST(ReasoningSplitter, SplitsQwen3StyleRepliesWholeAndBytewise) {
  struct split_case {
    std::string reply;
    bool open;
    std::string reasoning, content;
  };
  const split_case cases[] = {
      {"<think>\nweighing it\n</think>\n\nThe answer.", false, "weighing it", "The answer."},
      {"\n<think>a < b, so\n\n</think>\n\nYes", false, "a < b, so", "Yes"},
      {"<think>\n\n</think>\n\nNo thoughts", false, "", "No thoughts"},
      {"Plain answer <think>not at the start</think>", false, "", "Plain answer <think>not at the start</think>"},
      {"<thin", false, "", "<thin"},                                                   // ended before a tag
      {"<think>\ncut off by max_tokens", false, "cut off by max_tokens", ""},          // never closed
      {"R1 reasons first\n</think>\n\nthen answers", true, "R1 reasons first", "then answers"},  // prompt opened it
      {"</thin k>", true, "</thin k>", ""},
  };
  for (const auto& c : cases) {
    for (const auto& got : {whole(c.reply, c.open), bytewise(c.reply, c.open)}) {
      EXPECT_EQ(got.reasoning, c.reasoning) << c.reply;
      EXPECT_EQ(got.content, c.content) << c.reply;
    }
  }
}

TEST(ReasoningSplitter, TellsWhichPiecesTouchedTheBlock) {
  reasoning_splitter splitter(false);
  EXPECT_TRUE(splitter.feed("<think>").touched_reasoning);
  EXPECT_TRUE(splitter.feed("hmm").touched_reasoning);
  EXPECT_TRUE(splitter.feed("</think>").touched_reasoning);
  EXPECT_FALSE(splitter.feed("answer").touched_reasoning);
  reasoning_splitter plain(false);
  EXPECT_FALSE(plain.feed("Hello").touched_reasoning);
}

// The block's bytes (tags included, whitespace before it and newlines after it not), wherever the
// text was cut into pieces: what counting its tokens needs.
TEST(ReasoningSplitter, SaysWhereTheBlockLiesHoweverTheTextIsCut) {
  using span = reasoning_splitter::byte_span;
  struct expected {
    std::string reply;
    bool open_at_start;
    std::optional<span> block;
  };
  const std::vector<expected> cases = {
      {"\n<think>\nhmm\n</think>\n\nHi", false, span{1, 21}},
      {"<think>a</think>b", false, span{0, 16}},
      {"hmm\n</think>\n\nHi", true, span{0, 12}},
      {"<think>still thinking", false, span{0, reasoning_splitter::no_end}},
      {"Hello <think>x</think>", false, std::nullopt},
  };
  for (const auto& c : cases) {
    for (std::size_t piece_bytes = 1; piece_bytes <= c.reply.size(); ++piece_bytes) {
      reasoning_splitter splitter(c.open_at_start);
      for (std::size_t at = 0; at < c.reply.size(); at += piece_bytes) splitter.feed(c.reply.substr(at, piece_bytes));
      splitter.finish();
      const auto block = splitter.block();
      ASSERT_EQ(block.has_value(), c.block.has_value()) << c.reply << " in pieces of " << piece_bytes;
      if (!block) continue;
      EXPECT_EQ(block->begin, c.block->begin) << c.reply << " in pieces of " << piece_bytes;
      EXPECT_EQ(block->end, c.block->end) << c.reply << " in pieces of " << piece_bytes;
    }
  }
}

TEST(ReasoningSplitter, KnowsAPromptThatOpenedTheBlock) {
  EXPECT_TRUE(prompt_opens_reasoning("<\xEF\xBD\x9C" "Assistant\xEF\xBD\x9C><think>\n"));
  EXPECT_FALSE(prompt_opens_reasoning("<|im_start|>assistant\n<think>\n\n</think>\n\n"));
  EXPECT_FALSE(prompt_opens_reasoning("<|im_start|>assistant\n"));
}

}  // namespace
}  // namespace infergrid::chat
