#include "kernels/reference/llama_forward.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "kernels/model/random_llama.hpp"
#include "kernels/model/sampler.hpp"
#include "kernels/model/test_support.hpp"
#include "kernels/model/tokenizer.hpp"

namespace infergrid::reference {
namespace {

using model::testing_support::stories260k_path;
using model::testing_support::temp_path;

// The first 64 generated tokens of llama2.c's doc/stories260K.md greedy (temperature 0) sample.
constexpr std::string_view stories260k_greedy_text =
    "Once upon a time, there was a little girl named Lily. She loved to play outside in the park. One day, she "
    "saw a big, red ball. She wanted to play with it, but it was too high.\nLily's mom said, \"Lily, let's go to "
    "the park.\" Lily was sad and didn't know what to do.";

std::int32_t argmax(const std::vector<float>& logits) {
  return static_cast<std::int32_t>(std::max_element(logits.begin(), logits.end()) - logits.begin());
}

TEST(llama_forward, stories260k_greedy_continuation_is_the_real_models_text) {
  auto file = model::gguf_file::open(stories260k_path());
  ASSERT_TRUE(file.ok()) << file.err().message;
  auto vocab = model::tokenizer::from_gguf(*file);
  ASSERT_TRUE(vocab.ok());
  auto forward = llama_forward::create(*file);
  ASSERT_TRUE(forward.ok()) << forward.err().message;
  std::vector<model::token_id> tokens = vocab->encode("Once upon a time");
  auto logits = forward->forward(tokens, 0);
  ASSERT_TRUE(logits.ok()) << logits.err().message;
  model::sampler greedy(model::sampler_config{.temperature = 0.0f});
  for (int step = 0; step < 64; ++step) {
    const model::token_id next = greedy.sample(*logits);
    ASSERT_EQ(next, argmax(*logits));
    tokens.push_back(next);
    logits = forward->forward(std::span<const std::int32_t>(&tokens.back(), 1), tokens.size() - 1);
    ASSERT_TRUE(logits.ok()) << logits.err().message;
  }
  const std::string text = vocab->decode(tokens);
  // 64 tokens reach into the sample's second paragraph; compare the whole prefix they produce.
  ASSERT_GE(text.size(), 150u);
  EXPECT_EQ(text, stories260k_greedy_text.substr(0, text.size()));
  EXPECT_EQ(text.substr(0, 40), "Once upon a time, there was a little gir");
}

TEST(llama_forward, batched_prefill_equals_token_by_token) {
  auto file = model::gguf_file::open(stories260k_path());
  ASSERT_TRUE(file.ok());
  auto batched = llama_forward::create(*file);
  auto stepped = llama_forward::create(*file);
  ASSERT_TRUE(batched.ok() && stepped.ok());
  const std::vector<std::int32_t> tokens = {1, 403, 407, 261, 378, 11, 300};
  auto all = batched->forward_all(tokens, 0);
  ASSERT_TRUE(all.ok());
  const std::size_t n_vocab = batched->hparams().n_vocab;
  ASSERT_EQ(all->size(), tokens.size() * n_vocab);
  for (std::size_t t = 0; t < tokens.size(); ++t) {
    auto one = stepped->forward(std::span<const std::int32_t>(&tokens[t], 1), t);
    ASSERT_TRUE(one.ok());
    for (std::size_t i = 0; i < n_vocab; ++i) ASSERT_NEAR((*one)[i], (*all)[t * n_vocab + i], 1e-4f) << t << ":" << i;
  }
}

TEST(llama_forward, rejects_bad_tokens_and_positions) {
  auto file = model::gguf_file::open(stories260k_path());
  ASSERT_TRUE(file.ok());
  auto forward = llama_forward::create(*file, 16);
  ASSERT_TRUE(forward.ok());
  EXPECT_EQ(forward->context_size(), 16u);
  EXPECT_EQ(forward->forward(std::vector<std::int32_t>{512}, 0).err().code, error_code::invalid_argument);
  EXPECT_EQ(forward->forward(std::vector<std::int32_t>{-1}, 0).err().code, error_code::invalid_argument);
  EXPECT_EQ(forward->forward(std::vector<std::int32_t>{}, 0).err().code, error_code::invalid_argument);
  EXPECT_EQ(forward->forward(std::vector<std::int32_t>{1, 2}, 15).err().code, error_code::too_large);
  EXPECT_TRUE(forward->forward(std::vector<std::int32_t>{1}, 15).ok());
}

double relative_l2(const std::vector<float>& a, const std::vector<float>& reference) {
  double diff = 0.0, norm = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff += (a[i] - reference[i]) * (a[i] - reference[i]);
    norm += reference[i] * reference[i];
  }
  return std::sqrt(diff / norm);
}

// A GQA model of width 512 and 4 layers in every weight type: finite logits, and the lower precisions
// stay close to F32 (the float weights are the same for one seed; only their storage differs).
TEST(llama_forward, random_llama_every_type_finite_and_close_to_f32) {
  const std::vector<std::int32_t> prompt = {1, 300, 301, 302, 700, 5, 900, 42};
  std::vector<float> f32_logits;
  // Measured: F16 0.0008, Q8_0 0.019, Q4_0 0.36 — Q4_0's step is 127/8 ≈ 16x Q8_0's, and a random
  // (untrained) network passes the error through 4 layers undamped. Bounds leave ~1.5x-6x headroom.
  const std::pair<model::ggml_type, double> cases[] = {{model::ggml_type::f32, 0.0},
                                                       {model::ggml_type::f16, 0.005},
                                                       {model::ggml_type::q8_0, 0.05},
                                                       {model::ggml_type::q4_0, 0.55}};
  for (const auto& [type, bound] : cases) {
    model::random_llama_options o;  // 4 layers, width 512, 8 heads over 4 kv heads
    o.weight_type = type;
    const std::string path = temp_path("forward_" + std::string(model::traits_of(type).name) + ".gguf");
    ASSERT_TRUE(model::write_random_llama(path, o).ok());
    auto file = model::gguf_file::open(path);
    ASSERT_TRUE(file.ok()) << file.err().message;
    auto forward = llama_forward::create(*file);
    ASSERT_TRUE(forward.ok()) << forward.err().message;
    auto logits = forward->forward(prompt, 0);
    ASSERT_TRUE(logits.ok());
    ASSERT_EQ(logits->size(), o.n_vocab);
    for (float x : *logits) ASSERT_TRUE(std::isfinite(x));
    if (type == model::ggml_type::f32) {
      f32_logits = *logits;
      continue;
    }
    const double error = relative_l2(*logits, f32_logits);
    EXPECT_LT(error, bound) << model::traits_of(type).name;
    std::printf("%s relative L2 error of logits vs F32: %.5f\n", std::string(model::traits_of(type).name).c_str(), error);
  }
}

}  // namespace
}  // namespace infergrid::reference
