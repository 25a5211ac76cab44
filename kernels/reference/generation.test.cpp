// The shared generation loop driven by the CPU reference forward pass.
#include "kernels/model/generation.hpp"

#include <gtest/gtest.h>

#include "kernels/model/test_support.hpp"
#include "kernels/reference/llama_forward.hpp"

namespace infergrid::reference {
namespace {

class stories_generation : public ::testing::Test {
 protected:
  void SetUp() override {
    auto file = model::gguf_file::open(model::testing_support::stories260k_path());
    ASSERT_TRUE(file.ok());
    file_ = std::make_unique<model::gguf_file>(std::move(*file));
    auto vocab = model::tokenizer::from_gguf(*file_);
    ASSERT_TRUE(vocab.ok());
    vocab_ = std::make_unique<model::tokenizer>(std::move(*vocab));
    auto forward = llama_forward::create(*file_);
    ASSERT_TRUE(forward.ok());
    forward_ = std::make_unique<llama_forward>(std::move(*forward));
  }

  model::forward_function forward_function() {
    return [this](std::span<const model::token_id> tokens, std::size_t start) { return forward_->forward(tokens, start); };
  }

  std::unique_ptr<model::gguf_file> file_;
  std::unique_ptr<model::tokenizer> vocab_;
  std::unique_ptr<llama_forward> forward_;
};

TEST_F(stories_generation, greedy_streams_the_real_text) {
  model::generation_config config;
  config.max_new_tokens = 20;
  config.sampling.temperature = 0.0f;
  std::string streamed;
  auto result = model::generate(*vocab_, forward_function(), forward_->context_size(), "Once upon a time", config,
                                [&](std::string_view text) {
                                  streamed += text;
                                  return true;
                                });
  ASSERT_TRUE(result.ok()) << result.err().message;
  EXPECT_EQ(result->prompt_tokens, (std::vector<model::token_id>{1, 403, 407, 261, 378}));
  EXPECT_EQ(result->generated_tokens.size(), 20u);
  EXPECT_EQ(result->reason, model::stop_reason::max_tokens);
  EXPECT_EQ(streamed, result->text);
  EXPECT_EQ(result->text.substr(0, 46), ", there was a little girl named Lily. She love");
  EXPECT_GT(result->decode_tokens_per_second(), 0.0);
  EXPECT_GT(result->prefill_tokens_per_second(), 0.0);
}

// The continuation keeps the space that separates it from the prompt: prompt + text reads as one text
// and equals decoding prompt and generated tokens together.
TEST_F(stories_generation, continuation_keeps_its_leading_space) {
  model::generation_config config;
  config.max_new_tokens = 8;
  config.sampling.temperature = 0.0f;
  auto result = model::generate(*vocab_, forward_function(), forward_->context_size(), "Lily", config);
  ASSERT_TRUE(result.ok()) << result.err().message;
  ASSERT_FALSE(result->text.empty());
  EXPECT_EQ(result->text.front(), ' ') << result->text;
  std::vector<model::token_id> all = result->prompt_tokens;
  all.insert(all.end(), result->generated_tokens.begin(), result->generated_tokens.end());
  EXPECT_EQ("Lily" + result->text, vocab_->decode(all));
}

TEST_F(stories_generation, same_seed_same_text) {
  model::generation_config config;
  config.max_new_tokens = 30;
  config.sampling.temperature = 1.0f;
  config.sampling.seed = 1234;
  auto first = model::generate(*vocab_, forward_function(), forward_->context_size(), "Once upon a time", config);
  auto again = llama_forward::create(*file_);
  ASSERT_TRUE(again.ok());
  forward_ = std::make_unique<llama_forward>(std::move(*again));
  auto second = model::generate(*vocab_, forward_function(), forward_->context_size(), "Once upon a time", config);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->generated_tokens, second->generated_tokens);
  EXPECT_EQ(first->text, second->text);
}

TEST_F(stories_generation, stops_when_cancelled_or_context_full) {
  model::generation_config config;
  config.max_new_tokens = 50;
  config.sampling.temperature = 0.0f;
  int calls = 0;
  auto cancelled = model::generate(*vocab_, forward_function(), forward_->context_size(), "Once upon a time", config,
                                   [&](std::string_view) { return ++calls < 3; });
  ASSERT_TRUE(cancelled.ok());
  EXPECT_EQ(cancelled->reason, model::stop_reason::cancelled);
  EXPECT_EQ(calls, 3);

  auto full = model::generate(*vocab_, forward_function(), 8, "Once upon a time", config);
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full->reason, model::stop_reason::context_full);
  EXPECT_EQ(full->prompt_tokens.size() + full->generated_tokens.size(), 9u);  // the 9th comes from position 7's logits

  auto too_long = model::generate(*vocab_, forward_function(), 3, "Once upon a time", config);
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.err().code, error_code::too_large);
}

TEST_F(stories_generation, forward_errors_propagate) {
  model::generation_config config;
  const model::forward_function failing = [](std::span<const model::token_id>, std::size_t) -> result<std::vector<float>> {
    return make_error(error_code::device_error, "device lost");
  };
  auto failed = model::generate(*vocab_, failing, 128, "hi", config);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.err().message, "device lost");
  const model::forward_function short_logits = [](std::span<const model::token_id>, std::size_t) {
    return result<std::vector<float>>(std::vector<float>(10, 0.0f));
  };
  auto wrong = model::generate(*vocab_, short_logits, 128, "hi", config);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.err().code, error_code::internal);
}

}  // namespace
}  // namespace infergrid::reference
