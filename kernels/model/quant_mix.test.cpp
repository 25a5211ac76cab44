// llama.cpp's Q2_K / Q2_K_S / Q3_K_S/M/L / Q4_K_M / Q5_K_M tensor choices (quant_mix.hpp), on the
// shapes of real models and on a written file.
#include "kernels/model/quant_mix.hpp"

#include <gtest/gtest.h>

#include "kernels/model/gguf_file.hpp"
#include "kernels/model/random_llama.hpp"
#include "kernels/model/test_support.hpp"

namespace infergrid::model {
namespace {

const quant_mix q4_k_m = *quant_mix_named("q4_k_m");
const quant_mix q3_k_m = *quant_mix_named("q3_k_m");
const quant_mix q2_k = *quant_mix_named("q2_k");
// Llama 3.1 8B: width 4096, FFN 14336, 32 layers, 32 heads over 8 kv heads — every row whole super-blocks.
const mix_shape llama_8b{32, 4, false};
// Qwen2.5 0.5B: width 896 (3.5 super-blocks), FFN 4864 (19), 24 layers, 14 heads over 2 kv heads, tied output.
const mix_shape qwen_0_5b{24, 7, true};
// Llama 2 7B: 32 layers, 32 heads over 32 kv heads.
const mix_shape llama2_7b{32, 1, false};

TEST(quant_mix, use_more_bits_picks_first_and_last_eighth_and_every_third_between) {
  // 24 layers (Qwen2.5 0.5B): n/8 = 3, 7n/8 = 21.
  std::vector<std::uint32_t> picked;
  for (std::uint32_t layer = 0; layer < 24; ++layer) {
    if (use_more_bits(layer, 24)) picked.push_back(layer);
  }
  EXPECT_EQ(picked, (std::vector<std::uint32_t>{0, 1, 2, 5, 8, 11, 14, 17, 20, 21, 22, 23}));
}

TEST(quant_mix, q4_k_m_on_a_llama_8b_shape) {
  EXPECT_EQ(mixed_tensor_type(q4_k_m, "token_embd.weight", 4096, llama_8b), ggml_type::q4_k);
  EXPECT_EQ(mixed_tensor_type(q4_k_m, "output.weight", 4096, llama_8b), ggml_type::q6_k);
  EXPECT_EQ(mixed_tensor_type(q4_k_m, "blk.0.attn_v.weight", 4096, llama_8b), ggml_type::q6_k);
  EXPECT_EQ(mixed_tensor_type(q4_k_m, "blk.4.attn_v.weight", 4096, llama_8b), ggml_type::q4_k);
  EXPECT_EQ(mixed_tensor_type(q4_k_m, "blk.6.ffn_down.weight", 14336, llama_8b), ggml_type::q6_k);
  EXPECT_EQ(mixed_tensor_type(q4_k_m, "blk.7.ffn_down.weight", 14336, llama_8b), ggml_type::q4_k);
  EXPECT_EQ(mixed_tensor_type(q4_k_m, "blk.31.ffn_down.weight", 14336, llama_8b), ggml_type::q6_k);
  EXPECT_EQ(mixed_tensor_type(q4_k_m, "blk.9.attn_q.weight", 4096, llama_8b), ggml_type::q4_k);
  EXPECT_EQ(mixed_tensor_type(q4_k_m, "blk.9.ffn_gate.weight", 4096, llama_8b), ggml_type::q4_k);
}

TEST(quant_mix, q4_k_m_falls_back_where_rows_are_not_whole_super_blocks) {
  EXPECT_EQ(mixed_tensor_type(q4_k_m, "token_embd.weight", 896, qwen_0_5b), ggml_type::q8_0);
  EXPECT_EQ(mixed_tensor_type(q4_k_m, "blk.3.attn_q.weight", 896, qwen_0_5b), ggml_type::q5_0);
  EXPECT_EQ(mixed_tensor_type(q4_k_m, "blk.0.attn_v.weight", 896, qwen_0_5b), ggml_type::q8_0);
  EXPECT_EQ(mixed_tensor_type(q4_k_m, "blk.3.ffn_down.weight", 4864, qwen_0_5b), ggml_type::q4_k);
  EXPECT_EQ(mixed_tensor_type(q4_k_m, "blk.2.ffn_down.weight", 4864, qwen_0_5b), ggml_type::q6_k);
  const quant_mix q5_k_m = *quant_mix_named("q5_k_m");
  EXPECT_EQ(mixed_tensor_type(q5_k_m, "blk.3.attn_q.weight", 896, qwen_0_5b), ggml_type::q5_1);
  // Rows that not even a 32-weight block divides are F16.
  EXPECT_EQ(mixed_tensor_type(q4_k_m, "blk.3.attn_q.weight", 100, qwen_0_5b), ggml_type::f16);
}

TEST(quant_mix, q3_k_mixes_on_a_llama_8b_shape) {
  // Q3_K_M: attn_v Q5_K in layers 0 and 1 then Q4_K, ffn_down Q5_K below n/16 = 2 then Q4_K,
  // attn_output Q4_K, the rest Q3_K.
  EXPECT_EQ(mixed_tensor_type(q3_k_m, "token_embd.weight", 4096, llama_8b), ggml_type::q3_k);
  EXPECT_EQ(mixed_tensor_type(q3_k_m, "output.weight", 4096, llama_8b), ggml_type::q6_k);
  EXPECT_EQ(mixed_tensor_type(q3_k_m, "blk.1.attn_v.weight", 4096, llama_8b), ggml_type::q5_k);
  EXPECT_EQ(mixed_tensor_type(q3_k_m, "blk.2.attn_v.weight", 4096, llama_8b), ggml_type::q4_k);
  EXPECT_EQ(mixed_tensor_type(q3_k_m, "blk.31.attn_v.weight", 4096, llama_8b), ggml_type::q4_k);
  EXPECT_EQ(mixed_tensor_type(q3_k_m, "blk.1.ffn_down.weight", 14336, llama_8b), ggml_type::q5_k);
  EXPECT_EQ(mixed_tensor_type(q3_k_m, "blk.2.ffn_down.weight", 14336, llama_8b), ggml_type::q4_k);
  EXPECT_EQ(mixed_tensor_type(q3_k_m, "blk.9.attn_output.weight", 4096, llama_8b), ggml_type::q4_k);
  EXPECT_EQ(mixed_tensor_type(q3_k_m, "blk.9.attn_q.weight", 4096, llama_8b), ggml_type::q3_k);
  EXPECT_EQ(mixed_tensor_type(q3_k_m, "blk.9.attn_k.weight", 4096, llama_8b), ggml_type::q3_k);
  EXPECT_EQ(mixed_tensor_type(q3_k_m, "blk.9.ffn_up.weight", 4096, llama_8b), ggml_type::q3_k);
  // Q3_K_S: Q3_K everywhere but the output; Q3_K_L: Q5_K attn_v, ffn_down and attn_output.
  const quant_mix q3_k_s = *quant_mix_named("q3_k_s"), q3_k_l = *quant_mix_named("q3_k_l");
  for (const char* name : {"blk.0.attn_v.weight", "blk.0.ffn_down.weight", "blk.5.attn_output.weight"}) {
    EXPECT_EQ(mixed_tensor_type(q3_k_s, name, 4096, llama_8b), ggml_type::q3_k) << name;
    EXPECT_EQ(mixed_tensor_type(q3_k_l, name, 4096, llama_8b), ggml_type::q5_k) << name;
  }
  EXPECT_EQ(mixed_tensor_type(q3_k_l, "blk.5.ffn_gate.weight", 4096, llama_8b), ggml_type::q3_k);
  EXPECT_EQ(mixed_tensor_type(q3_k_s, "output.weight", 4096, llama_8b), ggml_type::q6_k);
}

TEST(quant_mix, q2_k_gives_attn_v_more_bits_where_kv_heads_are_shared) {
  EXPECT_EQ(mixed_tensor_type(q2_k, "blk.3.attn_v.weight", 4096, llama_8b), ggml_type::q4_k);  // 4 heads per kv head
  EXPECT_EQ(mixed_tensor_type(q2_k, "blk.3.attn_v.weight", 4096, llama2_7b), ggml_type::q3_k);
  EXPECT_EQ(mixed_tensor_type(q2_k, "blk.3.ffn_down.weight", 11008, llama2_7b), ggml_type::q3_k);
  EXPECT_EQ(mixed_tensor_type(q2_k, "blk.3.attn_output.weight", 4096, llama2_7b), ggml_type::q3_k);
  EXPECT_EQ(mixed_tensor_type(q2_k, "blk.3.attn_q.weight", 4096, llama2_7b), ggml_type::q2_k);
  EXPECT_EQ(mixed_tensor_type(q2_k, "token_embd.weight", 4096, llama2_7b), ggml_type::q2_k);
  EXPECT_EQ(mixed_tensor_type(q2_k, "output.weight", 4096, llama2_7b), ggml_type::q6_k);
  // Q2_K and Q3_K on rows that are not whole super-blocks fall back to Q4_0.
  EXPECT_EQ(mixed_tensor_type(q2_k, "blk.3.attn_q.weight", 896, qwen_0_5b), ggml_type::q4_0);
  EXPECT_EQ(mixed_tensor_type(q2_k, "blk.3.attn_output.weight", 896, qwen_0_5b), ggml_type::q4_0);
  EXPECT_EQ(mixed_tensor_type(q2_k, "blk.3.attn_v.weight", 896, qwen_0_5b), ggml_type::q5_0);  // Q4_K's fallback
  EXPECT_EQ(mixed_tensor_type(q3_k_m, "blk.3.ffn_gate.weight", 896, qwen_0_5b), ggml_type::q4_0);
}

TEST(quant_mix, q2_k_s_keeps_q2_k_but_in_shared_attn_v_and_the_first_eighth_of_ffn_down) {
  const quant_mix q2_k_s = *quant_mix_named("q2_k_s");
  EXPECT_EQ(q2_k_s.file_type, 21u);  // LLAMA_FTYPE_MOSTLY_Q2_K_S
  // attn_v: Q4_K where 4 or more query heads share a kv head, else the base Q2_K (not Q2_K's Q3_K).
  EXPECT_EQ(mixed_tensor_type(q2_k_s, "blk.3.attn_v.weight", 4096, llama_8b), ggml_type::q4_k);
  EXPECT_EQ(mixed_tensor_type(q2_k_s, "blk.3.attn_v.weight", 4096, llama2_7b), ggml_type::q2_k);
  // ffn_down: Q4_K below n/8 = 4 of 32 layers, then Q2_K.
  EXPECT_EQ(mixed_tensor_type(q2_k_s, "blk.3.ffn_down.weight", 14336, llama_8b), ggml_type::q4_k);
  EXPECT_EQ(mixed_tensor_type(q2_k_s, "blk.4.ffn_down.weight", 14336, llama_8b), ggml_type::q2_k);
  EXPECT_EQ(mixed_tensor_type(q2_k_s, "blk.31.ffn_down.weight", 14336, llama_8b), ggml_type::q2_k);
  EXPECT_EQ(mixed_tensor_type(q2_k_s, "blk.3.attn_output.weight", 4096, llama_8b), ggml_type::q2_k);
  EXPECT_EQ(mixed_tensor_type(q2_k_s, "blk.3.attn_q.weight", 4096, llama_8b), ggml_type::q2_k);
  EXPECT_EQ(mixed_tensor_type(q2_k_s, "token_embd.weight", 4096, llama_8b), ggml_type::q2_k);
  EXPECT_EQ(mixed_tensor_type(q2_k_s, "output.weight", 4096, llama_8b), ggml_type::q6_k);
  // Qwen2.5 0.5B: 24 layers (n/8 = 3), 896-wide rows fall back (Q2_K -> Q4_0, Q4_K -> Q5_0).
  EXPECT_EQ(mixed_tensor_type(q2_k_s, "blk.2.ffn_down.weight", 4864, qwen_0_5b), ggml_type::q4_k);
  EXPECT_EQ(mixed_tensor_type(q2_k_s, "blk.3.ffn_down.weight", 4864, qwen_0_5b), ggml_type::q2_k);
  EXPECT_EQ(mixed_tensor_type(q2_k_s, "blk.3.attn_v.weight", 896, qwen_0_5b), ggml_type::q5_0);
  EXPECT_EQ(mixed_tensor_type(q2_k_s, "blk.3.attn_output.weight", 896, qwen_0_5b), ggml_type::q4_0);
  EXPECT_EQ(mixed_tensor_type(q2_k_s, "token_embd.weight", 896, qwen_0_5b), ggml_type::q8_0);  // tied output
}

TEST(quant_mix, written_file_holds_the_mix) {
  random_llama_options o;  // width 512, FFN 1408 (5.5 super-blocks), 4 layers: layers 2 and 3 more bits
  o.mix = q4_k_m;
  const std::string path = testing_support::temp_path("quant_mix_q4_k_m.gguf");
  ASSERT_TRUE(write_random_llama(path, o).ok());
  auto file = gguf_file::open(path);
  ASSERT_TRUE(file.ok()) << file.err().message;
  const auto type_of = [&](const std::string& name) { return file->find_tensor(name)->type; };
  EXPECT_EQ(type_of("token_embd.weight"), ggml_type::q4_k);
  EXPECT_EQ(type_of("output.weight"), ggml_type::q6_k);
  EXPECT_EQ(type_of("blk.0.attn_v.weight"), ggml_type::q4_k);
  EXPECT_EQ(type_of("blk.2.attn_v.weight"), ggml_type::q6_k);
  EXPECT_EQ(type_of("blk.0.ffn_down.weight"), ggml_type::q5_0);
  EXPECT_EQ(type_of("blk.3.ffn_down.weight"), ggml_type::q8_0);
  EXPECT_EQ(type_of("blk.1.attn_norm.weight"), ggml_type::f32);
  const auto file_type = file->get_u32("general.file_type");
  ASSERT_TRUE(file_type.ok());
  EXPECT_EQ(*file_type, 15u);  // LLAMA_FTYPE_MOSTLY_Q4_K_M
}

TEST(quant_mix, written_q3_k_m_file_holds_the_mix) {
  random_llama_options o;  // width 512, FFN 1408 (not whole super-blocks), 4 layers, 8 heads over 4 kv heads
  o.mix = q3_k_m;
  const std::string path = testing_support::temp_path("quant_mix_q3_k_m.gguf");
  ASSERT_TRUE(write_random_llama(path, o).ok());
  auto file = gguf_file::open(path);
  ASSERT_TRUE(file.ok()) << file.err().message;
  const auto type_of = [&](const std::string& name) { return file->find_tensor(name)->type; };
  EXPECT_EQ(type_of("token_embd.weight"), ggml_type::q3_k);
  EXPECT_EQ(type_of("blk.0.attn_q.weight"), ggml_type::q3_k);
  EXPECT_EQ(type_of("blk.1.attn_v.weight"), ggml_type::q5_k);
  EXPECT_EQ(type_of("blk.2.attn_v.weight"), ggml_type::q4_k);
  EXPECT_EQ(type_of("blk.2.attn_output.weight"), ggml_type::q4_k);
  EXPECT_EQ(type_of("blk.0.ffn_down.weight"), ggml_type::q5_0);  // Q4_K on 1408-wide rows
  EXPECT_EQ(type_of("output.weight"), ggml_type::q6_k);
  EXPECT_EQ(*file->get_u32("general.file_type"), 12u);  // LLAMA_FTYPE_MOSTLY_Q3_K_M
}

}  // namespace
}  // namespace infergrid::model
