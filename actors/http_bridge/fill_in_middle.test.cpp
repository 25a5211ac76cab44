#include "actors/http_bridge/fill_in_middle.hpp"

#include <gtest/gtest.h>

namespace infergrid::http {
namespace {

TEST(FillInMiddle, MetadataIdsWinOverKnownTexts) {
  const std::vector<std::string> tokens = {"a", "<A>", "<B>", "<C>", "<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>"};
  auto fim = detect_fim(tokens, 1, 2, 3);
  ASSERT_TRUE(fim.has_value());
  EXPECT_EQ(fim_prompt(*fim, "p", "s"), "<A>p<B>s<C>");
}

TEST(FillInMiddle, KnownFamiliesAreFoundByTextAndAllThreeAreNeeded) {
  auto qwen = detect_fim({"x", "<|fim_middle|>", "<|fim_suffix|>", "<|fim_prefix|>"}, -1, -1, -1);
  ASSERT_TRUE(qwen.has_value());
  EXPECT_EQ(fim_prompt(*qwen, "def f(", ")"), "<|fim_prefix|>def f(<|fim_suffix|>)<|fim_middle|>");
  EXPECT_FALSE(detect_fim({"<|fim_prefix|>", "<|fim_suffix|>"}, -1, -1, -1).has_value());
  EXPECT_TRUE(detect_fim({"<PRE>", "<SUF>", "<MID>"}, 0, 1, 7).has_value());  // an id out of range: found by text
  EXPECT_FALSE(detect_fim({"<s>", "</s>"}, -1, -1, -1).has_value());
}

}  // namespace
}  // namespace infergrid::http
