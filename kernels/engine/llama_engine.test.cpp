// Whole-model tests of the Vulkan engine against the CPU reference forward pass
// (kernels/reference/llama_forward): logits on stories260k and on a random GQA Llama in every
// weight type, greedy text on stories260k token for token, and batched decode over slots equal to
// each sequence run alone.
#include "kernels/engine/llama_engine.hpp"
#include "kernels/engine/load_progress_lines.hpp"
#include "kernels/engine/engine_test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "kernels/model/random_llama.hpp"
#include "kernels/model/test_support.hpp"
#include "kernels/model/tokenizer.hpp"
#include "kernels/reference/llama_forward.hpp"

namespace infergrid::engine {
namespace {

using model::testing_support::stories260k_path;
using model::testing_support::temp_path;
using testing_support::argmax;
using testing_support::compare_with_reference;
using testing_support::relative_l2;

// A quick random GQA Llama (2 layers of width 64, 4 heads over 2 kv heads, vocabulary 600).
model::random_llama_options small_model(model::ggml_type type) {
  model::random_llama_options o = model::random_llama_tiny(type);
  o.context_length = 64;
  return o;
}

TEST(llama_engine, stories260k_logits_match_reference) {
  const std::vector<std::int32_t> prompt = {1, 403, 407, 261, 378, 11, 300, 42, 17, 99, 250, 33, 7, 401, 5, 61,
                                            80, 90, 100, 110};  // 20 tokens: two submits of 16 and 4
  const double error = compare_with_reference(stories260k_path(), prompt, 8);
  EXPECT_LT(error, 2e-5);  // measured 3e-7 on lavapipe
  std::printf("stories260k: worst relative L2 error of logits vs CPU reference %.2e\n", error);
}

class random_llama_engine : public ::testing::TestWithParam<model::ggml_type> {};

TEST_P(random_llama_engine, logits_match_reference) {
  model::random_llama_options o;  // width 512, 4 layers, 8 heads over 4 kv heads
  o.weight_type = GetParam();
  o.context_length = 64;
  const std::string path = temp_path("engine_" + std::string(model::traits_of(o.weight_type).name) + ".gguf");
  ASSERT_TRUE(model::write_random_llama(path, o).ok());
  const std::vector<std::int32_t> prompt = {1, 300, 301, 302, 700, 5, 900, 42, 77, 1000, 3};
  // Same dequantized values on both sides; only float summation order differs.
  const double error = compare_with_reference(path, prompt, 4);
  EXPECT_LT(error, 1e-4) << model::traits_of(o.weight_type).name;  // measured ~2e-6 for every type on lavapipe
  std::printf("%s: worst relative L2 error of logits vs CPU reference %.2e\n",
              std::string(model::traits_of(o.weight_type).name).c_str(), error);
}

// The K-quants, Q5_0, Q5_1 and Q8_0 run whole-model in the llama.cpp mixes below (each type's kernels
// are checked on their own in matmul.test.cpp); a model load compiles every variant it uses, so the
// suite stays lean by not loading each of them again uniformly.
INSTANTIATE_TEST_SUITE_P(every_type, random_llama_engine,
                         ::testing::Values(model::ggml_type::f32, model::ggml_type::f16, model::ggml_type::bf16,
                                           model::ggml_type::q8_0, model::ggml_type::q4_0, model::ggml_type::q4_1),
                         [](const auto& info) { return std::string(model::traits_of(info.param).name); });

// llama.cpp's tensor mixes (quant_mix.hpp) on the width-512 model, whose FFN width 1408 is not whole
// super-blocks: Q4_K_M (Q4_K, Q6_K, the Q5_0 / Q8_0 fallbacks), Q5_K_M (Q5_K, Q6_K, Q5_1, Q8_0),
// Q3_K_M (Q3_K, Q4_K, Q5_K, Q6_K, Q5_0) and Q2_K (Q2_K, Q3_K, Q6_K, the Q4_0 fallback) in one file
// each. Logits against the reference, then greedy continuations token for token. Q3_K_S, Q3_K_L and
// Q2_K_S hold no type these do not (quant_mix.test.cpp checks their choices).
class mixed_llama_engine : public ::testing::TestWithParam<model::quant_mix> {};

TEST_P(mixed_llama_engine, logits_and_greedy_continuation_match_reference) {
  model::random_llama_options o;
  o.mix = GetParam();
  o.context_length = 64;
  const std::string path = temp_path("engine_" + std::string(GetParam().cli_name) + ".gguf");
  ASSERT_TRUE(model::write_random_llama(path, o).ok());
  const std::vector<std::int32_t> prompt = {1, 300, 301, 302, 700, 5, 900, 42, 77, 1000, 3};
  const double error = compare_with_reference(path, prompt, 4);
  EXPECT_LT(error, 1e-4) << GetParam().cli_name;
  std::printf("%s: worst relative L2 error of logits vs CPU reference %.2e\n", std::string(GetParam().cli_name).c_str(),
              error);

  auto file = model::gguf_file::open(path);
  ASSERT_TRUE(file.ok());
  auto reference = reference::llama_forward::create(*file);
  auto engine = llama_engine::create(*file);
  ASSERT_TRUE(reference.ok() && engine.ok());
  std::vector<std::int32_t> cpu(prompt.begin(), prompt.end()), gpu = cpu;
  auto cpu_logits = reference->forward(cpu, 0);
  const sequence_step prefill{0, gpu, 0};
  auto gpu_out = engine->step(std::span(&prefill, 1), {.logits = false, .greedy = true});
  ASSERT_TRUE(cpu_logits.ok() && gpu_out.ok());
  for (int i = 0; i < 16; ++i) {
    cpu.push_back(argmax(*cpu_logits));
    gpu.push_back(gpu_out->greedy_ids[0]);
    ASSERT_EQ(gpu.back(), cpu.back()) << "token " << i;
    cpu_logits = reference->forward(std::span(&cpu.back(), 1), static_cast<std::uint32_t>(cpu.size() - 1));
    const sequence_step next{0, std::span(&gpu.back(), 1), static_cast<std::uint32_t>(gpu.size() - 1)};
    gpu_out = engine->step(std::span(&next, 1), {.logits = false, .greedy = true});
    ASSERT_TRUE(cpu_logits.ok() && gpu_out.ok());
  }
}

INSTANTIATE_TEST_SUITE_P(llama_cpp_mixes, mixed_llama_engine,
                         ::testing::Values(*model::quant_mix_named("q4_k_m"), *model::quant_mix_named("q5_k_m"),
                                           *model::quant_mix_named("q3_k_m"), *model::quant_mix_named("q2_k")),
                         [](const auto& info) { return std::string(info.param.cli_name); });

// The engine with the choices it makes on GPUs (split-column matmul, subgroup reductions combined
// through shared memory, 2 rows per workgroup) and with the fallbacks (storage buffers, shared-memory
// reductions), so those paths are checked whole-model here on lavapipe too.
TEST(llama_engine, gpu_and_fallback_kernel_choices_match_reference) {
  model::random_llama_options o;
  o.weight_type = model::ggml_type::q8_0;
  o.context_length = 64;
  const std::string path = temp_path("engine_choices.gguf");
  ASSERT_TRUE(model::write_random_llama(path, o).ok());
  const std::vector<std::int32_t> prompt = {1, 300, 301, 302, 700, 5, 900, 42, 77};
  kernel_options gpu_defaults;
  gpu_defaults.layout = matmul_layout::split_columns;
  gpu_defaults.subgroup_only = false;
  gpu_defaults.matmul_rows = 2;
  EXPECT_LT(compare_with_reference(path, prompt, 2, gpu_defaults), 1e-4);
  kernel_options fallbacks;
  fallbacks.access = weight_access::storage;
  fallbacks.use_subgroups = false;
  fallbacks.layout = matmul_layout::split_columns;
  fallbacks.fuse_matmul_inputs = false;  // the GPU layout with separate norm and SwiGLU dispatches
  EXPECT_LT(compare_with_reference(path, prompt, 2, fallbacks), 1e-4);
}

// Prefill through the tiled GEMM (matmul_tiled.comp), in the tile of each device kind beside the
// layout it runs with (GPU: split columns, separate norms; CPU: row_per_lane, norms fused into the
// tiled reads, SwiGLU pairs in its epilogue), from 4 tokens so the 37-token prompt's submits of 16,
// 16 and 5 all run tiled: logits and 16 greedy ids against the reference, on F16 and the Q4_K_M mix.
TEST(llama_engine, tiled_prefill_matches_reference) {
  const std::vector<std::int32_t> prompt = {1,   300, 301, 302, 700, 5,   900, 42,  77,  1000, 3,  17, 250,
                                            460, 461, 9,   88,  120, 121, 122, 640, 641, 13,  14,  15, 999,
                                            512, 6,   7,   8,   400, 401, 402, 403, 30,  31,   32};
  for (const bool cpu_tile : {false, true}) {
    kernel_options kernels;
    if (!cpu_tile) {
      kernels.layout = matmul_layout::split_columns;
      kernels.subgroup_only = false;
      kernels.matmul_rows = 2;
    }
    kernels.tiled_matmul = tiled_matmul_shape_for(cpu_tile);
    kernels.tiled_matmul->min_tokens = 4;
    for (const char* mix : {"f16", "q4_k_m"}) {
      model::random_llama_options o;
      if (auto m = model::quant_mix_named(mix)) o.mix = *m;
      else o.weight_type = model::ggml_type::f16;
      o.context_length = 64;
      const std::string path = temp_path(std::string("engine_tiled_") + mix + ".gguf");
      ASSERT_TRUE(model::write_random_llama(path, o).ok());
      int mismatches = 0;
      EXPECT_LT(compare_with_reference(path, prompt, 16, kernels, 0, &mismatches), 1e-4)
          << mix << (cpu_tile ? " CPU tile" : " GPU tile");
      EXPECT_EQ(mismatches, 0) << mix << (cpu_tile ? " CPU tile" : " GPU tile");
    }
  }
}

// Matrices too big for one binding are split by rows (here forced at 2 KB = 16 rows: the 600-row
// embedding and output tables and every projection become several parts).
TEST(llama_engine, weights_split_into_parts_match_reference) {
  model::random_llama_options o = small_model(model::ggml_type::f16);
  const std::string path = temp_path("engine_parts.gguf");
  ASSERT_TRUE(model::write_random_llama(path, o).ok());
  const std::vector<std::int32_t> prompt = {1, 300, 599, 2, 550, 5, 17, 42};
  EXPECT_LT(compare_with_reference(path, prompt, 2, {}, 2'000), 1e-4);
  // Parts of 32 rows: on CPU devices gate|up is stored in swiglu pairs (groups of 16 gate and 16 up
  // rows), split between groups, each part writing its outputs.
  EXPECT_LT(compare_with_reference(path, prompt, 2, {}, 4'096), 1e-4);
  o.tied_output = true;
  ASSERT_TRUE(model::write_random_llama(path, o).ok());
  EXPECT_LT(compare_with_reference(path, prompt, 2, {}, 2'000), 1e-4);
}

TEST(llama_engine, stories260k_greedy_text_equals_cpu_token_for_token) {
  auto file = model::gguf_file::open(stories260k_path());
  ASSERT_TRUE(file.ok());
  auto vocab = model::tokenizer::from_gguf(*file);
  ASSERT_TRUE(vocab.ok());
  auto reference = reference::llama_forward::create(*file);
  auto engine = llama_engine::create(*file);
  ASSERT_TRUE(reference.ok() && engine.ok());
  std::vector<std::int32_t> cpu = vocab->encode("Once upon a time");
  std::vector<std::int32_t> gpu = cpu;
  const std::size_t prompt_size = cpu.size();
  auto cpu_logits = reference->forward(cpu, 0);
  const sequence_step prefill{0, gpu, 0};
  auto gpu_out = engine->step(std::span(&prefill, 1), {.logits = false, .greedy = true});
  ASSERT_TRUE(cpu_logits.ok() && gpu_out.ok());
  for (int i = 0; i < 64; ++i) {
    cpu.push_back(argmax(*cpu_logits));
    gpu.push_back(gpu_out->greedy_ids[0]);
    ASSERT_EQ(gpu.back(), cpu.back()) << "token " << i;
    cpu_logits = reference->forward(std::span(&cpu.back(), 1), cpu.size() - 1);
    const sequence_step next{0, std::span(&gpu.back(), 1), static_cast<std::uint32_t>(gpu.size() - 1)};
    gpu_out = engine->step(std::span(&next, 1), {.logits = false, .greedy = true});
    ASSERT_TRUE(cpu_logits.ok() && gpu_out.ok());
  }
  const std::string text = vocab->decode(gpu);
  EXPECT_EQ(text.substr(0, 60), "Once upon a time, there was a little girl named Lily. She lo");
  EXPECT_GT(gpu.size(), prompt_size + 63);
}

// Once loaded, the weights live in the device copy: the mapped file's pages (read to hash and to
// upload it) do not stay in the process's resident set beside them (on lavapipe both are host memory).
TEST(llama_engine, loading_leaves_the_mapped_file_out_of_the_resident_set) {
  auto file = model::gguf_file::open(stories260k_path());
  ASSERT_TRUE(file.ok());
  auto engine = llama_engine::create(*file);
  ASSERT_TRUE(engine.ok()) << engine.err().message;
  EXPECT_GT(file->file_bytes().size(), 1000u * 1024u);
  EXPECT_LT(model::testing_support::resident_kib_of_mapped_file(stories260k_path()), 64u);
}

TEST(llama_engine, batched_decode_over_slots_equals_each_sequence_alone) {
  const model::random_llama_options o = small_model(model::ggml_type::q8_0);
  const std::string path = temp_path("engine_batched.gguf");
  ASSERT_TRUE(model::write_random_llama(path, o).ok());
  const std::vector<std::vector<std::int32_t>> prompts = {{1, 5, 9, 200}, {1, 77}, {1, 300, 301, 302, 303, 304, 8}};
  const int decode_steps = 6;

  // Each sequence alone in slot 0 of its own run.
  std::vector<std::vector<std::vector<float>>> alone(prompts.size());
  std::vector<std::vector<std::int32_t>> alone_tokens(prompts.size());
  {
    auto engine = llama_engine::load(path, {.n_slots = 1});
    ASSERT_TRUE(engine.ok()) << engine.err().message;
    for (std::size_t s = 0; s < prompts.size(); ++s) {
      std::vector<std::int32_t> tokens = prompts[s];
      sequence_step entry{0, tokens, 0};
      for (int i = 0; i <= decode_steps; ++i) {
        auto out = engine->step(std::span(&entry, 1), {.logits = true, .greedy = true});
        ASSERT_TRUE(out.ok()) << out.err().message;
        alone[s].emplace_back(out->logits.begin(), out->logits.end());
        tokens.push_back(out->greedy_ids[0]);
        entry = {0, std::span(&tokens.back(), 1), static_cast<std::uint32_t>(tokens.size() - 1)};
      }
      alone_tokens[s] = tokens;
    }
  }
  // All together: one step prefills all three prompts in slots 2, 0, 1, then each step decodes all.
  auto engine = llama_engine::load(path, {.n_slots = 3});
  ASSERT_TRUE(engine.ok());
  const std::uint32_t slot_of[] = {2, 0, 1};
  std::vector<std::vector<std::int32_t>> tokens = prompts;
  std::vector<sequence_step> batch;
  for (std::size_t s = 0; s < prompts.size(); ++s) batch.push_back({slot_of[s], tokens[s], 0});
  for (int i = 0; i <= decode_steps; ++i) {
    auto out = engine->step(batch, {.logits = true, .greedy = true});
    ASSERT_TRUE(out.ok()) << out.err().message;
    for (std::size_t s = 0; s < prompts.size(); ++s) {
      EXPECT_LT(relative_l2(out->logits_of(s), alone[s][static_cast<std::size_t>(i)]), 1e-5) << s << " step " << i;
      tokens[s].push_back(out->greedy_ids[s]);
    }
    batch.clear();
    for (std::size_t s = 0; s < prompts.size(); ++s) {
      batch.push_back({slot_of[s], std::span(&tokens[s].back(), 1), static_cast<std::uint32_t>(tokens[s].size() - 1)});
    }
  }
  for (std::size_t s = 0; s < prompts.size(); ++s) EXPECT_EQ(tokens[s], alone_tokens[s]) << s;
}

// An F16 KV cache (llama.cpp's default type): half the cache memory; K and V rounded to 16 bits once,
// so the logits stay within F16 rounding of the reference and greedy continuations agree.
TEST(llama_engine, f16_kv_cache_halves_the_cache_and_matches_reference) {
  for (const model::ggml_type type : {model::ggml_type::f32, model::ggml_type::q8_0}) {
    const std::string path = temp_path("engine_kv_f16.gguf");
    ASSERT_TRUE(model::write_random_llama(path, small_model(type)).ok());
    const std::vector<std::int32_t> prompt = {1, 5, 9, 200, 31, 77, 4};
    int mismatches = 0;
    const double error = compare_with_reference(path, prompt, 24, {}, 0, &mismatches, true);
    std::printf("%s with an F16 KV cache: worst relative L2 error of logits vs CPU reference %.2e, %d greedy mismatches\n",
                std::string(model::traits_of(type).name).c_str(), error, mismatches);
    EXPECT_LT(error, 5e-3);
    EXPECT_EQ(mismatches, 0);
    auto f32 = llama_engine::load(path, {.n_slots = 2, .context_size = 64});
    auto f16 = llama_engine::load(path, {.n_slots = 2, .context_size = 64, .kv_cache_f16 = true});
    ASSERT_TRUE(f32.ok() && f16.ok());
    EXPECT_EQ(f16->kv_cache_bytes() * 2, f32->kv_cache_bytes());
  }
}

// borrow_logits: a step of one submit views the rows where the device wrote them, bit for bit the rows
// a copying step returns; a step longer than one submit copies them (its submits reuse the buffer).
TEST(llama_engine, borrowed_logits_are_the_copied_rows_and_long_steps_copy) {
  const std::string path = temp_path("engine_borrowed.gguf");
  ASSERT_TRUE(model::write_random_llama(path, small_model(model::ggml_type::f16)).ok());
  auto engine = llama_engine::load(path, {.n_slots = 3, .max_batch_tokens = 8});
  ASSERT_TRUE(engine.ok()) << engine.err().message;
  const std::int32_t firsts[] = {1, 7, 300};
  std::vector<sequence_step> batch;
  for (std::uint32_t slot = 0; slot < 3; ++slot) batch.push_back({slot, std::span(&firsts[slot], 1), 0});
  auto copied = engine->step(batch, {.logits = true, .greedy = true});
  ASSERT_TRUE(copied.ok()) << copied.err().message;
  auto borrowed = engine->step(batch, {.logits = true, .greedy = true, .borrow_logits = true});  // the same positions again
  ASSERT_TRUE(borrowed.ok()) << borrowed.err().message;
  EXPECT_TRUE(borrowed->logits.empty());
  ASSERT_EQ(borrowed->borrowed.size(), copied->logits.size());
  for (std::size_t entry = 0; entry < batch.size(); ++entry) {
    const auto a = borrowed->logits_of(entry), b = copied->logits_of(entry);
    EXPECT_TRUE(std::equal(a.begin(), a.end(), b.begin(), b.end())) << entry;
  }
  EXPECT_EQ(borrowed->greedy_ids, copied->greedy_ids);
  // Ten tokens: two submits of at most 8, so the rows are copied.
  std::vector<std::int32_t> prompt(10, 5);
  const sequence_step longer{0, prompt, 1};
  auto copied_long = engine->step(std::span(&longer, 1), {.logits = true, .borrow_logits = true});
  ASSERT_TRUE(copied_long.ok()) << copied_long.err().message;
  EXPECT_TRUE(copied_long->borrowed.empty());
  EXPECT_EQ(copied_long->logits.size(), copied_long->n_vocab);
}

// score() returns the logits after every token of a teacher-forced prefill, in submits of
// max_output_rows tokens, equal to the reference fed one token at a time.
TEST(llama_engine, score_returns_every_positions_logits_like_the_reference) {
  const model::random_llama_options o = small_model(model::ggml_type::f16);
  const std::string path = temp_path("engine_score.gguf");
  ASSERT_TRUE(model::write_random_llama(path, o).ok());
  auto file = model::gguf_file::open(path);
  ASSERT_TRUE(file.ok());
  auto reference = reference::llama_forward::create(*file);
  ASSERT_TRUE(reference.ok()) << reference.err().message;
  auto engine = llama_engine::create(*file, {.n_slots = 2, .max_batch_tokens = 16, .max_output_rows = 8});
  ASSERT_TRUE(engine.ok()) << engine.err().message;
  std::vector<std::int32_t> tokens;
  for (std::int32_t i = 0; i < 21; ++i) tokens.push_back((i * 37 + 1) % 600);
  auto scored = engine->score(1, tokens, 0);
  ASSERT_TRUE(scored.ok()) << scored.err().message;
  ASSERT_EQ(scored->logits.size(), tokens.size() * scored->n_vocab);
  for (std::uint32_t i = 0; i < tokens.size(); ++i) {
    auto expected = reference->forward(std::span(&tokens[i], 1), i);
    ASSERT_TRUE(expected.ok()) << expected.err().message;
    EXPECT_LT(relative_l2(scored->logits_of(i), *expected), 2e-3) << "position " << i;
  }
  // A later decode step in the same slot continues from the scored cache.
  const std::int32_t next = 5;
  const sequence_step entry{1, std::span(&next, 1), static_cast<std::uint32_t>(tokens.size())};
  auto stepped = engine->step(std::span(&entry, 1));
  ASSERT_TRUE(stepped.ok());
  auto expected = reference->forward(std::span(&next, 1), static_cast<std::uint32_t>(tokens.size()));
  ASSERT_TRUE(expected.ok());
  EXPECT_LT(relative_l2(stepped->logits_of(0), *expected), 2e-3);
  EXPECT_EQ(engine->score(2, tokens, 0).err().code, error_code::invalid_argument);
}

// embed() is the mean of the final-normed hidden states over a prompt longer than one submit,
// equal to the reference's; the logits path is untouched by it.
TEST(llama_engine, embed_is_the_mean_final_hidden_state_like_the_reference) {
  for (model::ggml_type type : {model::ggml_type::f16, model::ggml_type::q8_0}) {
    const std::string path = temp_path("engine_embed.gguf");
    ASSERT_TRUE(model::write_random_llama(path, small_model(type)).ok());
    auto file = model::gguf_file::open(path);
    ASSERT_TRUE(file.ok());
    auto reference = reference::llama_forward::create(*file);
    ASSERT_TRUE(reference.ok()) << reference.err().message;
    auto engine = llama_engine::create(*file, {.n_slots = 2, .max_batch_tokens = 16});
    ASSERT_TRUE(engine.ok()) << engine.err().message;
    std::vector<std::int32_t> tokens;
    for (std::int32_t i = 0; i < 37; ++i) tokens.push_back((i * 53 + 7) % 600);
    auto embedded = engine->embed(1, tokens);
    ASSERT_TRUE(embedded.ok()) << embedded.err().message;
    auto expected = reference->mean_hidden_state(tokens);
    ASSERT_TRUE(expected.ok()) << expected.err().message;
    ASSERT_EQ(embedded->size(), engine->hparams().n_embd);
    EXPECT_LT(relative_l2(*embedded, *expected), 2e-3) << model::traits_of(type).name;
    // A shorter prompt gives another vector, and a prefill afterwards still matches the reference.
    auto shorter = engine->embed(1, std::span(tokens).first(5));
    ASSERT_TRUE(shorter.ok());
    EXPECT_GT(relative_l2(*shorter, *embedded), 1e-2);
    const sequence_step prefill{0, tokens, 0};
    auto stepped = engine->step(std::span(&prefill, 1));
    ASSERT_TRUE(stepped.ok());
    auto reference_logits = reference->forward(tokens, 0);
    ASSERT_TRUE(reference_logits.ok());
    EXPECT_LT(relative_l2(stepped->logits_of(0), *reference_logits), 2e-3);
  }
  auto engine = llama_engine::load(stories260k_path(), {.n_slots = 1});
  ASSERT_TRUE(engine.ok());
  EXPECT_EQ(engine->embed(1, std::vector<std::int32_t>{1, 2}).err().code, error_code::invalid_argument);
  EXPECT_EQ(engine->embed(0, std::vector<std::int32_t>{}).err().code, error_code::invalid_argument);
}

TEST(llama_engine, rejects_bad_batches) {
  auto engine = llama_engine::load(stories260k_path(), {.n_slots = 2, .context_size = 16});
  ASSERT_TRUE(engine.ok()) << engine.err().message;
  const std::vector<std::int32_t> ok_tokens = {1, 2, 3};
  const std::vector<std::int32_t> bad_token = {1, 512};
  const sequence_step bad_slot{2, ok_tokens, 0};
  EXPECT_EQ(engine->step(std::span(&bad_slot, 1)).err().code, error_code::invalid_argument);
  const sequence_step twice[] = {{0, ok_tokens, 0}, {0, ok_tokens, 0}};
  EXPECT_EQ(engine->step(twice).err().code, error_code::invalid_argument);
  const sequence_step past_end{1, ok_tokens, 14};
  EXPECT_EQ(engine->step(std::span(&past_end, 1)).err().code, error_code::too_large);
  const sequence_step bad_id{0, bad_token, 0};
  EXPECT_EQ(engine->step(std::span(&bad_id, 1)).err().code, error_code::invalid_argument);
  const sequence_step empty{0, {}, 0};
  EXPECT_EQ(engine->step(std::span(&empty, 1)).err().code, error_code::invalid_argument);
  const sequence_step fine{1, ok_tokens, 13};
  EXPECT_TRUE(engine->step(std::span(&fine, 1)).ok());
}

TEST(llama_engine, profile_times_every_dispatch_of_each_step) {
  for (const bool fused : {false, true}) {
    kernel_options kernels;
    kernels.fuse_matmul_inputs = fused;
    auto engine =
        llama_engine::load(stories260k_path(), {.n_slots = 1, .context_size = 16, .kernels = kernels, .profile = true});
    ASSERT_TRUE(engine.ok()) << engine.err().message;
    EXPECT_TRUE(engine->kernel_profile().empty());  // the warm-up steps are not counted
    const std::vector<std::int32_t> prompt = {1, 403, 407};
    const sequence_step entry{0, prompt, 0};
    for (int step = 0; step < 2; ++step) ASSERT_TRUE(engine->step(std::span(&entry, 1), {.greedy = true}).ok());
    const kernel_times& times = engine->kernel_profile();
    const std::uint32_t layers = engine->hparams().n_layers;
    std::uint64_t dispatches = 0;
    for (const auto& [label, time] : times) {
      dispatches += time.dispatches;
      EXPECT_GE(time.seconds, 0.0) << label;
    }
    // Per step: embedding, 9 per layer (6 when the norms and SwiGLU are fused into the matmuls),
    // final norm, logits, argmax (stories260k is small: one part each).
    EXPECT_EQ(dispatches, 2u * (1 + (fused ? 6 : 9) * layers + 3)) << "fused " << fused;
    const std::string down_stage = fused ? "swiglu_ffn_down matmul_f32_" : "ffn_down matmul_f32_";
    const auto down = std::find_if(times.begin(), times.end(),
                                   [&](const auto& entry) { return entry.first.starts_with(down_stage); });
    ASSERT_NE(down, times.end()) << down_stage;
    EXPECT_EQ(down->second.dispatches, 2u * layers);
    EXPECT_GT(down->second.seconds, 0.0);
    engine->reset_kernel_profile();
    EXPECT_TRUE(engine->kernel_profile().empty());
  }
}

// With the row_per_lane layout (the CPU default) and fused inputs, decode runs the norms inside the
// matmuls and keeps SwiGLU in the gate/up epilogue (gate|up in swiglu pairs: n_ff 96 is whole
// groups): 6 dispatches per layer, none of them a norm or a swiglu.
TEST(llama_engine, row_per_lane_decode_fuses_norms_and_keeps_swiglu_pairs) {
  const model::random_llama_options o = small_model(model::ggml_type::f16);
  const std::string path = temp_path("engine_fused_pairs.gguf");
  ASSERT_TRUE(model::write_random_llama(path, o).ok());
  kernel_options kernels;
  kernels.layout = matmul_layout::row_per_lane;
  kernels.fuse_matmul_inputs = true;
  auto engine = llama_engine::load(path, {.n_slots = 1, .context_size = 16, .kernels = kernels, .profile = true});
  ASSERT_TRUE(engine.ok()) << engine.err().message;
  const std::vector<std::int32_t> token = {1};
  const sequence_step entry{0, token, 0};
  ASSERT_TRUE(engine->step(std::span(&entry, 1), {.greedy = true}).ok());
  std::uint64_t dispatches = 0;
  bool gate_up_swiglu = false;
  for (const auto& [label, time] : engine->kernel_profile()) {
    dispatches += time.dispatches;
    gate_up_swiglu = gate_up_swiglu || label.starts_with("ffn_norm_gate_up_swiglu ");
    EXPECT_FALSE(label.starts_with("attn_norm ") || label.starts_with("ffn_norm ") || label.starts_with("swiglu"))
        << label;
  }
  EXPECT_TRUE(gate_up_swiglu);
  EXPECT_EQ(dispatches, 1 + 6u * o.n_layers + 3);
}

TEST(llama_engine, load_progress_counts_every_weight_byte_up_to_the_total) {
  std::vector<std::pair<std::size_t, std::size_t>> calls;
  engine_options options{.n_slots = 1, .context_size = 16, .warm_up = false};
  options.on_load_progress = [&](std::size_t done, std::size_t total) { calls.emplace_back(done, total); };
  auto engine = llama_engine::load(stories260k_path(), options);
  ASSERT_TRUE(engine.ok()) << engine.err().message;
  auto file = model::gguf_file::open(stories260k_path());
  ASSERT_TRUE(file.ok());
  std::size_t weight_bytes = 0;
  for (const auto& t : file->tensors()) weight_bytes += t.bytes;
  // The embedding table, the output table unless tied to it, the final norm, then each layer.
  const std::size_t output_table = file->find_tensor("output.weight") != nullptr ? 1 : 0;
  ASSERT_EQ(calls.size(), 2u + output_table + engine->hparams().n_layers);
  for (std::size_t i = 0; i < calls.size(); ++i) {
    EXPECT_EQ(calls[i].second, weight_bytes);
    if (i > 0) {
      EXPECT_GT(calls[i].first, calls[i - 1].first);
    }
  }
  EXPECT_EQ(calls.back().first, weight_bytes);

  // A slow load (each call 20 ms later): a line per 10% once a second has passed, then 100% once.
  auto clock = std::chrono::steady_clock::time_point{};
  std::vector<std::string> lines;
  load_progress_lines printer([&](const std::string& line) { lines.push_back(line); }, [&] { return clock; });
  for (std::size_t done = 0; done <= 1000; done += 7) {
    clock += std::chrono::milliseconds(20);
    printer(done, 1000);
  }
  printer(1000, 1000);
  ASSERT_EQ(lines.size(), 8u);  // 34% (the 50th call, at 1 s), 40%, ... 90%, then 100% once
  EXPECT_EQ(lines.front(), "loading weights: 34% (0.0 of 0.0 MB)");
  EXPECT_NE(lines.back().find("100%"), std::string::npos);
  // A fast load: only its last line.
  std::vector<std::string> quick;
  load_progress_lines quiet([&](const std::string& line) { quick.push_back(line); }, [] { return std::chrono::steady_clock::time_point{}; });
  for (std::size_t done = 0; done <= 1000; done += 7) quiet(done, 1000);
  quiet(1000, 1000);
  EXPECT_EQ(quick, std::vector<std::string>{"loading weights: 100% (0.0 of 0.0 MB)"});
}

TEST(llama_engine, kv_cache_beyond_the_device_limit_is_a_clear_error) {
  // 2^22 positions x 16 slots x 32 floats of k per layer = 8 GiB, past every device's storage range.
  auto engine = llama_engine::load(stories260k_path(), {.n_slots = 16, .context_size = 1u << 22, .warm_up = false});
  ASSERT_FALSE(engine.ok());
  EXPECT_EQ(engine.err().code, error_code::too_large);
  EXPECT_NE(engine.err().message.find("KV cache"), std::string::npos) << engine.err().message;
}

}  // namespace
}  // namespace infergrid::engine
