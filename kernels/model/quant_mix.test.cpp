// llama.cpp's Q4_K_M / Q5_K_M tensor choices (quant_mix.hpp), on the shapes of real models and on a
// written file.
#include "kernels/model/quant_mix.hpp"

#include <gtest/gtest.h>

#include "kernels/model/gguf_file.hpp"
#include "kernels/model/random_llama.hpp"
#include "kernels/model/test_support.hpp"

namespace infergrid::model {
namespace {

const quant_mix q4_k_m = *quant_mix_named("q4_k_m");

TEST(quant_mix, use_more_bits_picks_first_and_last_eighth_and_every_third_between) {
  // 24 layers (Qwen2.5 0.5B): n/8 = 3, 7n/8 = 21.
  std::vector<std::uint32_t> picked;
  for (std::uint32_t layer = 0; layer < 24; ++layer) {
    if (use_more_bits(layer, 24)) picked.push_back(layer);
  }
  EXPECT_EQ(picked, (std::vector<std::uint32_t>{0, 1, 2, 5, 8, 11, 14, 17, 20, 21, 22, 23}));
}

TEST(quant_mix, q4_k_m_on_a_llama_8b_shape) {
  // Llama 3.1 8B: width 4096, FFN 14336, 32 layers — every row whole super-blocks.
  EXPECT_EQ(mixed_tensor_type(q4_k_m, "token_embd.weight", 4096, 32, false), ggml_type::q4_k);
  EXPECT_EQ(mixed_tensor_type(q4_k_m, "output.weight", 4096, 32, false), ggml_type::q6_k);
  EXPECT_EQ(mixed_tensor_type(q4_k_m, "blk.0.attn_v.weight", 4096, 32, false), ggml_type::q6_k);
  EXPECT_EQ(mixed_tensor_type(q4_k_m, "blk.4.attn_v.weight", 4096, 32, false), ggml_type::q4_k);
  EXPECT_EQ(mixed_tensor_type(q4_k_m, "blk.6.ffn_down.weight", 14336, 32, false), ggml_type::q6_k);
  EXPECT_EQ(mixed_tensor_type(q4_k_m, "blk.7.ffn_down.weight", 14336, 32, false), ggml_type::q4_k);
  EXPECT_EQ(mixed_tensor_type(q4_k_m, "blk.31.ffn_down.weight", 14336, 32, false), ggml_type::q6_k);
  EXPECT_EQ(mixed_tensor_type(q4_k_m, "blk.9.attn_q.weight", 4096, 32, false), ggml_type::q4_k);
  EXPECT_EQ(mixed_tensor_type(q4_k_m, "blk.9.ffn_gate.weight", 4096, 32, false), ggml_type::q4_k);
}

TEST(quant_mix, q4_k_m_falls_back_where_rows_are_not_whole_super_blocks) {
  // Qwen2.5 0.5B: width 896 (3.5 super-blocks), FFN 4864 (19), 24 layers, tied output.
  EXPECT_EQ(mixed_tensor_type(q4_k_m, "token_embd.weight", 896, 24, true), ggml_type::q8_0);
  EXPECT_EQ(mixed_tensor_type(q4_k_m, "blk.3.attn_q.weight", 896, 24, true), ggml_type::q5_0);
  EXPECT_EQ(mixed_tensor_type(q4_k_m, "blk.0.attn_v.weight", 896, 24, true), ggml_type::q8_0);
  EXPECT_EQ(mixed_tensor_type(q4_k_m, "blk.3.ffn_down.weight", 4864, 24, true), ggml_type::q4_k);
  EXPECT_EQ(mixed_tensor_type(q4_k_m, "blk.2.ffn_down.weight", 4864, 24, true), ggml_type::q6_k);
  const quant_mix q5_k_m = *quant_mix_named("q5_k_m");
  EXPECT_EQ(mixed_tensor_type(q5_k_m, "blk.3.attn_q.weight", 896, 24, true), ggml_type::q5_1);
  // Rows that not even a 32-weight block divides are F16.
  EXPECT_EQ(mixed_tensor_type(q4_k_m, "blk.3.attn_q.weight", 100, 24, true), ggml_type::f16);
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

}  // namespace
}  // namespace infergrid::model
