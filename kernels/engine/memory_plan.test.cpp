// The memory plan at load: told before the upload with the numbers the engine then allocates, and a
// model that does not fit the (here: artificially small) device memory refused with those numbers.
#include "kernels/engine/memory_plan.hpp"

#include <gtest/gtest.h>

#include "kernels/engine/kernel_test_support.hpp"
#include "kernels/engine/llama_engine.hpp"
#include "kernels/model/random_llama.hpp"
#include "kernels/model/test_support.hpp"

namespace infergrid::engine {
namespace {

using model::testing_support::temp_path;
using testing_support::shared_device;

std::string tiny_model_path() {
  model::random_llama_options o = model::random_llama_tiny(model::ggml_type::f16);
  o.architecture = "qwen2";
  const std::string path = temp_path("memory_plan_tiny.gguf");
  EXPECT_TRUE(model::write_random_llama(path, o).ok());
  return path;
}

TEST(memory_plan, told_before_upload_and_matches_the_allocations) {
  std::vector<std::string> events;
  engine_options options{.n_slots = 3, .context_size = 40, .warm_up = false};
  options.on_load_message = [&](const std::string& line) { events.push_back(line); };
  options.on_load_progress = [&](std::size_t, std::size_t) {
    if (events.empty() || events.back() != "progress") events.push_back("progress");
  };
  auto engine = llama_engine::load(tiny_model_path(), options);
  ASSERT_TRUE(engine.ok()) << engine.err().message;
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1], "progress");
  EXPECT_NE(events[0].find("memory plan: weights "), std::string::npos) << events[0];
  EXPECT_NE(events[0].find("(3 slots x 40 positions, F32)"), std::string::npos) << events[0];
  // 2 layers x (k + v) x 3 slots x 40 positions x 2 kv heads x 16 dims x 4 bytes.
  EXPECT_EQ(engine->kv_cache_bytes(), 2u * 2 * 3 * 40 * 32 * 4);
  EXPECT_NE(events[0].find("KV cache 0.1 MB"), std::string::npos) << events[0];
}

// The plan counts the weights as the device holds them (Q6_K blocks padded from 210 to 224 bytes,
// rows to whole units), not as the file stores them: within the norms' padding of the upload.
TEST(memory_plan, planned_weights_are_the_device_s_bytes) {
  const std::string path = temp_path("memory_plan_q4_k_m.gguf");
  model::random_llama_options o;  // width 512, 4 layers: output.weight and some layers' ffn_down are Q6_K
  o.mix = model::quant_mix_named("q4_k_m");
  ASSERT_TRUE(model::write_random_llama(path, o).ok());
  auto file = model::gguf_file::open(path);
  ASSERT_TRUE(file.ok()) << file.err().message;
  auto hparams = model::read_llama_hparams(*file);
  ASSERT_TRUE(hparams.ok()) << hparams.err().message;
  auto weights = model::resolve_llama_weights(*file, *hparams);
  ASSERT_TRUE(weights.ok()) << weights.err().message;
  auto engine = llama_engine::create(*file, {.n_slots = 1, .context_size = 16, .warm_up = false});
  ASSERT_TRUE(engine.ok()) << engine.err().message;
  const memory_plan plan = plan_memory(shared_device(), *hparams, *weights, {1, 1, 16, true});
  EXPECT_GT(plan.weight_bytes, weights->file_bytes()) << "Q6_K blocks take 224 bytes on the device";
  EXPECT_NEAR(static_cast<double>(plan.weight_bytes), static_cast<double>(engine->weight_bytes()), 4096.0);
}

TEST(memory_plan, a_model_that_does_not_fit_is_refused_with_the_numbers) {
  engine_options options{.n_slots = 2, .context_size = 64, .warm_up = false, .memory_limit_bytes = 100'000};
  bool uploaded = false;
  options.on_load_progress = [&](std::size_t, std::size_t) { uploaded = true; };
  auto engine = llama_engine::load(tiny_model_path(), options);
  ASSERT_FALSE(engine.ok());
  EXPECT_EQ(engine.err().code, error_code::too_large);
  EXPECT_FALSE(uploaded) << "refused before the upload";
  const std::string& message = engine.err().message;
  EXPECT_NE(message.find("does not fit"), std::string::npos) << message;
  EXPECT_NE(message.find("weights "), std::string::npos) << message;
  EXPECT_NE(message.find("KV cache "), std::string::npos) << message;
  EXPECT_NE(message.find("of 0.1 MB available"), std::string::npos) << message;
}

TEST(memory_plan, default_context_is_the_model_s_up_to_the_cap) {
  model::random_llama_options o = model::random_llama_tiny(model::ggml_type::f16);
  o.context_length = 100;
  const std::string short_path = temp_path("memory_plan_ctx100.gguf");
  ASSERT_TRUE(model::write_random_llama(short_path, o).ok());
  auto engine = llama_engine::load(short_path, {.warm_up = false});
  ASSERT_TRUE(engine.ok()) << engine.err().message;
  EXPECT_EQ(engine->context_size(), 100u);
  o.context_length = 32768;
  const std::string long_path = temp_path("memory_plan_ctx32k.gguf");
  ASSERT_TRUE(model::write_random_llama(long_path, o).ok());
  engine = llama_engine::load(long_path, {.warm_up = false});
  ASSERT_TRUE(engine.ok()) << engine.err().message;
  EXPECT_EQ(engine->context_size(), 4096u);
  engine = llama_engine::load(long_path, {.context_size = 512, .warm_up = false});
  ASSERT_TRUE(engine.ok()) << engine.err().message;
  EXPECT_EQ(engine->context_size(), 512u);
}

}  // namespace
}  // namespace infergrid::engine
