// schema_token_mask on the stories260k vocabulary: a valid document's own tokens are always
// allowed and then only the end; 100 random schemas with random-logit draws under the mask all end
// in documents that parse and pass the independent checker, with the mask cross-checked against
// feeding every token on its own.
#include <gtest/gtest.h>

#include "kernels/model/schema_mask_check.hpp"
#include "kernels/model/test_support.hpp"

namespace infergrid::model {
namespace {

class schema_mask_on_stories : public testing_support::stories_tokenizer_suite {};

TEST_F(schema_mask_on_stories, a_valid_documents_own_tokens_are_allowed_then_only_the_end) {
  const schema_token_mask mask(vocab());
  schema_token_mask::scratch scratch;
  const std::vector<token_id> tokens = vocab().encode(R"(Answer: {"name":"Tom Cat","age":42,"tags":["a","b"]}.)", false);
  std::string bytes;  // what the mask sees (SentencePiece writes a space before the first word)
  for (const token_id t : tokens) bytes += vocab().token_to_piece(t);
  auto schema = compile_json_schema(
      R"({"type":"object","properties":{"name":{"type":"string","maxLength":12},"age":{"type":"integer","minimum":0,"maximum":120},"tags":{"type":"array","items":{"enum":["a","b"]}}},"required":["name","age","tags"],"additionalProperties":false})",
      bytes.substr(0, bytes.find('{')), ".");
  ASSERT_TRUE(schema.ok()) << schema.err().message;
  json_schema_prefix state(*schema);
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    std::vector<float> logits(vocab().vocab_size(), 0.0f);
    mask.apply(state, logits, scratch);
    EXPECT_TRUE(std::isfinite(logits[static_cast<std::size_t>(tokens[i])])) << vocab().decode(std::span(tokens).first(i));
    EXPECT_FALSE(std::isfinite(logits[static_cast<std::size_t>(vocab().eos_id())]));
    ASSERT_TRUE(mask.advance(state, tokens[i]));
  }
  ASSERT_TRUE(state.complete());
  std::vector<float> logits(vocab().vocab_size(), 0.0f);
  mask.apply(state, logits, scratch);
  for (std::size_t id = 0; id < logits.size(); ++id) {
    EXPECT_EQ(std::isfinite(logits[id]), vocab().is_end_of_generation(static_cast<token_id>(id))) << id;
  }
}

TEST_F(schema_mask_on_stories, random_schemas_draw_only_valid_documents) {
  const schema_token_mask mask(vocab());
  const auto report = testing_support::generate_under_random_schemas(vocab(), mask, 2026, 100, 600, 3);
  testing_support::print_and_fail(report);
  EXPECT_EQ(report.schemas, 100);
  EXPECT_GE(report.ended, 95);
}

}  // namespace
}  // namespace infergrid::model
