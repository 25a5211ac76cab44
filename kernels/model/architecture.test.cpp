// The architecture table as the loaders read it: each architecture's random GGUF resolves with the
// tensors its row requires (and no others); unknown architectures, missing or misshapen tensors and
// tensors of a family the architecture does not have are clear errors naming the key or tensor;
// head size from attention.key_length; llama3 rope factors from the tensor and from metadata agree.
#include "kernels/model/architecture.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "kernels/model/llama_hparams.hpp"
#include "kernels/model/llama_weights.hpp"
#include "kernels/model/random_llama.hpp"
#include "kernels/model/test_support.hpp"

namespace infergrid::model {
namespace {

using testing_support::temp_path;

random_llama_options tiny(const std::string& architecture) {
  random_llama_options o = random_llama_tiny(ggml_type::q8_0);
  o.architecture = architecture;
  return o;
}

result<gguf_file> write_and_open(const gguf_writer& writer, const std::string& name) {
  const std::string path = temp_path(name);
  IG_TRY(writer.write(path));
  return gguf_file::open(path);
}

result<llama_weights> load(const gguf_writer& writer, const std::string& name, std::optional<gguf_file>& keep) {
  auto file = write_and_open(writer, name);
  if (!file) return file.err();
  keep.emplace(std::move(*file));
  auto h = read_llama_hparams(*keep);
  if (!h) return h.err();
  return resolve_llama_weights(*keep, *h);
}

TEST(architecture, table_lists_llama_qwen2_qwen3) {
  EXPECT_EQ(supported_architecture_names(), "llama, qwen2, qwen3");
  EXPECT_EQ(find_architecture("qwen2").value()->rope, rope_style::neox);
  EXPECT_EQ(find_architecture("llama").value()->rope, rope_style::norm);
  EXPECT_EQ(find_architecture("qwen3").value()->key("attention.key_length"), "qwen3.attention.key_length");
}

TEST(architecture, unknown_architecture_lists_the_supported_ones) {
  auto writer = build_random_llama(tiny("llama"));
  ASSERT_TRUE(writer.ok());
  writer->set_string("general.architecture", "mamba");
  auto file = write_and_open(*writer, "arch_mamba.gguf");
  ASSERT_TRUE(file.ok());
  auto h = read_llama_hparams(*file);
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.err().code, error_code::unsupported);
  EXPECT_NE(h.err().message.find("'mamba'"), std::string::npos) << h.err().message;
  EXPECT_NE(h.err().message.find("llama, qwen2, qwen3"), std::string::npos) << h.err().message;
}

TEST(architecture, qwen2_has_biases_and_its_own_keys) {
  auto writer = build_random_llama(tiny("qwen2"));
  ASSERT_TRUE(writer.ok()) << writer.err().message;
  std::optional<gguf_file> file;
  auto w = load(*writer, "arch_qwen2.gguf", file);
  ASSERT_TRUE(w.ok()) << w.err().message;
  EXPECT_TRUE(w->has_qkv_bias());
  EXPECT_FALSE(w->has_qk_norm());
  EXPECT_EQ(w->layers[1].attn_k_bias.name, "blk.1.attn_k.bias");
  EXPECT_EQ(w->layers[1].attn_k_bias.cols, 32u);
  EXPECT_TRUE(file->has("qwen2.block_count"));
  EXPECT_FALSE(file->has("llama.block_count"));
  EXPECT_EQ(read_llama_hparams(*file).value().arch->name, "qwen2");
}

TEST(architecture, qwen2_without_a_bias_names_the_tensor) {
  auto writer = build_random_llama(tiny("qwen2"));
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE(writer->remove_tensor("blk.1.attn_v.bias"));
  std::optional<gguf_file> file;
  auto w = load(*writer, "arch_qwen2_no_bias.gguf", file);
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.err().message.find("blk.1.attn_v.bias"), std::string::npos) << w.err().message;
}

TEST(architecture, bias_of_the_wrong_shape_names_the_tensor) {
  auto writer = build_random_llama(tiny("qwen2"));
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE(writer->remove_tensor("blk.0.attn_q.bias"));
  ASSERT_TRUE(writer->add_tensor("blk.0.attn_q.bias", ggml_type::f32, {32}, std::vector<float>(32, 0.0f)).ok());
  std::optional<gguf_file> file;
  auto w = load(*writer, "arch_qwen2_bias_shape.gguf", file);
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.err().message.find("blk.0.attn_q.bias"), std::string::npos) << w.err().message;
  EXPECT_NE(w.err().message.find("expected [64]"), std::string::npos) << w.err().message;
}

TEST(architecture, qwen3_has_head_norms_and_its_own_head_size) {
  random_llama_options o = tiny("qwen3");
  o.head_dim = 32;
  auto writer = build_random_llama(o);
  ASSERT_TRUE(writer.ok()) << writer.err().message;
  std::optional<gguf_file> file;
  auto w = load(*writer, "arch_qwen3.gguf", file);
  ASSERT_TRUE(w.ok()) << w.err().message;
  const llama_hparams h = read_llama_hparams(*file).value();
  EXPECT_EQ(h.head_dim, 32u);
  EXPECT_EQ(h.q_width(), 128u);
  EXPECT_EQ(w->layers[0].attn_q.rows, 128u);
  EXPECT_EQ(w->layers[0].attn_output.cols, 128u);
  EXPECT_TRUE(w->has_qk_norm());
  EXPECT_FALSE(w->has_qkv_bias());
  EXPECT_EQ(w->layers[1].attn_q_norm.cols, 32u);
}

TEST(architecture, qwen3_with_a_bias_is_refused) {
  auto writer = build_random_llama(tiny("qwen3"));
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE(writer->add_tensor("blk.0.attn_q.bias", ggml_type::f32, {64}, std::vector<float>(64, 0.0f)).ok());
  std::optional<gguf_file> file;
  auto w = load(*writer, "arch_qwen3_bias.gguf", file);
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.err().code, error_code::unsupported);
  EXPECT_NE(w.err().message.find("blk.0.attn_q.bias"), std::string::npos) << w.err().message;
  EXPECT_NE(w.err().message.find("qwen3"), std::string::npos) << w.err().message;
}

// Expects `writer`'s file to be refused with a message containing each of `needles`.
void expect_refused(const gguf_writer& writer, const std::string& name, std::initializer_list<std::string> needles) {
  std::optional<gguf_file> file;
  auto w = load(writer, name, file);
  ASSERT_FALSE(w.ok()) << name << " loaded";
  for (const std::string& needle : needles) EXPECT_NE(w.err().message.find(needle), std::string::npos) << w.err().message;
}

// Optional families are checked in every layer, not only layer 0: once blk.1's q/k/v biases were
// ignored and a llama's blk.1.attn_q_norm.weight accepted, while on blk.0 the same norm was refused.
TEST(architecture, optional_tensors_of_a_later_layer_alone_are_refused) {
  auto biased = build_random_llama(tiny("llama"));
  ASSERT_TRUE(biased.ok());
  for (const char* x : {"q", "k", "v"}) {
    const std::size_t width = std::string(x) == "q" ? 64 : 32;
    ASSERT_TRUE(biased->add_tensor(std::string("blk.1.attn_") + x + ".bias", ggml_type::f32, {width},
                                   std::vector<float>(width, 100.0f)).ok());
  }
  expect_refused(*biased, "arch_llama_bias_l1.gguf", {"'blk.1.attn_q.bias'", "'blk.0.attn_q.bias'"});
  auto normed = build_random_llama(tiny("llama"));
  ASSERT_TRUE(normed.ok());
  ASSERT_TRUE(normed->add_tensor("blk.1.attn_q_norm.weight", ggml_type::f32, {16}, std::vector<float>(16, 1.0f)).ok());
  expect_refused(*normed, "arch_llama_norm_l1.gguf", {"'blk.1.attn_q_norm.weight'", "architecture 'llama'"});
}

// Tensors the model does not use refuse the file: once llama.block_count 1 on a 2-layer file ran the
// first layer alone.
TEST(architecture, tensors_the_model_does_not_use_are_refused_and_named) {
  auto fewer_layers = build_random_llama(tiny("llama"));
  ASSERT_TRUE(fewer_layers.ok());
  fewer_layers->set_u32("llama.block_count", 1);
  expect_refused(*fewer_layers, "arch_llama_fewer_layers.gguf",
                 {"9 tensors that the model (llama.block_count = 1) does not use", "'blk.1.attn_norm.weight'",
                  "and 5 more"});
  auto stray = build_random_llama(tiny("qwen2"));
  ASSERT_TRUE(stray.ok());
  ASSERT_TRUE(stray->add_tensor("junk", ggml_type::f32, {32}, std::vector<float>(32, 0.0f)).ok());
  expect_refused(*stray, "arch_qwen2_stray.gguf", {"1 tensor that the model (qwen2.block_count = 2) does not use: 'junk'"});
}

TEST(architecture, qwen3_without_a_head_norm_names_the_tensor) {
  auto writer = build_random_llama(tiny("qwen3"));
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE(writer->remove_tensor("blk.1.attn_k_norm.weight"));
  std::optional<gguf_file> file;
  auto w = load(*writer, "arch_qwen3_no_norm.gguf", file);
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.err().message.find("blk.1.attn_k_norm.weight"), std::string::npos) << w.err().message;
}

TEST(architecture, missing_hyperparameter_names_the_key) {
  auto writer = build_random_llama(tiny("qwen2"));
  ASSERT_TRUE(writer.ok());
  // A file that says qwen3 but carries qwen2.* keys: the qwen3 keys are missing.
  writer->set_string("general.architecture", "qwen3");
  auto file = write_and_open(*writer, "arch_wrong_prefix.gguf");
  ASSERT_TRUE(file.ok());
  auto h = read_llama_hparams(*file);
  ASSERT_FALSE(h.ok());
  EXPECT_NE(h.err().message.find("qwen3.block_count"), std::string::npos) << h.err().message;
}

TEST(architecture, llama3_rope_factors_from_tensor_and_metadata_agree) {
  random_llama_options o = tiny("llama");
  o.llama3_original_context = 64;
  o.llama3_rope = llama3_rope_source::tensor;
  std::optional<gguf_file> tensor_file, metadata_file;
  auto from_tensor = load(build_random_llama(o).value(), "arch_llama3_tensor.gguf", tensor_file);
  o.llama3_rope = llama3_rope_source::metadata;
  auto from_metadata = load(build_random_llama(o).value(), "arch_llama3_metadata.gguf", metadata_file);
  ASSERT_TRUE(from_tensor.ok()) << from_tensor.err().message;
  ASSERT_TRUE(from_metadata.ok()) << from_metadata.err().message;
  ASSERT_NE(tensor_file->find_tensor("rope_freqs.weight"), nullptr);
  EXPECT_EQ(read_llama_hparams(*metadata_file).value().rope_scaling_type, rope_scaling::llama3);
  const std::vector<float>& factors = from_tensor->rope_freq_factors;
  ASSERT_EQ(factors.size(), 8u);  // head_dim 16
  EXPECT_EQ(factors, from_metadata->rope_freq_factors);
  // High frequencies (short wavelengths) unscaled, the lowest divided by the whole factor, and the
  // divisors grow with the wavelength.
  EXPECT_FLOAT_EQ(factors.front(), 1.0f);
  EXPECT_FLOAT_EQ(factors.back(), 8.0f);
  EXPECT_TRUE(std::is_sorted(factors.begin(), factors.end()));
  std::optional<gguf_file> plain_file;
  o.llama3_rope = llama3_rope_source::none;
  EXPECT_TRUE(load(build_random_llama(o).value(), "arch_llama_plain.gguf", plain_file).value().rope_freq_factors.empty());
}

// Golden values from ggml's rope_yarn_corr_dims / rope_yarn_ramp / rope_yarn (llama.cpp), worked out
// independently for Qwen2.5-7B's long-context setting: 128 rotated dims, base 1e6, factor 4 over an
// original context of 32768. The ramp runs from dim pair 23 (beta_fast) to 40 (beta_slow).
TEST(architecture, yarn_divisors_and_attention_scale_match_llama_cpp) {
  llama_hparams h;
  h.head_dim = 128;
  h.rope_dims = 128;
  h.rope_freq_base = 1e6f;
  h.rope_scaling_type = rope_scaling::yarn;
  h.yarn = {4.0f, 32768, 1.0f, 1.0f, 32.0f, 1.0f};
  const std::vector<float> f = yarn_rope_freq_factors(h);
  ASSERT_EQ(f.size(), 64u);
  for (int i : {0, 10, 22}) EXPECT_FLOAT_EQ(f[i], 1.0f) << i;  // extrapolated: unchanged
  EXPECT_NEAR(f[25], 1.096774193548387, 1e-5);
  EXPECT_NEAR(f[30], 1.446808510638298, 1e-5);
  EXPECT_NEAR(f[35], 2.125, 1e-5);
  for (int i : {40, 41, 63}) EXPECT_FLOAT_EQ(f[i], 4.0f) << i;  // interpolated: divided by the factor
  EXPECT_NEAR(h.attention_logit_factor(), 1.2964769927807063, 1e-5);  // (1 + 0.1 ln 4)^2
  h.yarn.ext_factor = 0.0f;  // no ramp: plain interpolation, no mscale
  for (float divisor : yarn_rope_freq_factors(h)) EXPECT_FLOAT_EQ(divisor, 4.0f);
  EXPECT_FLOAT_EQ(h.attention_logit_factor(), 1.0f);
}

TEST(architecture, yarn_metadata_is_read_and_partial_rotation_refused) {
  random_llama_options o = tiny("qwen2");
  o.yarn_factor = 4.0f;
  o.yarn_original_context = 32;
  std::optional<gguf_file> file;
  auto w = load(build_random_llama(o).value(), "arch_qwen2_yarn.gguf", file);
  ASSERT_TRUE(w.ok()) << w.err().message;
  const llama_hparams h = read_llama_hparams(*file).value();
  EXPECT_EQ(h.rope_scaling_type, rope_scaling::yarn);
  EXPECT_FLOAT_EQ(h.yarn.factor, 4.0f);
  EXPECT_EQ(h.yarn.original_context, 32u);
  EXPECT_EQ(w->rope_freq_factors, yarn_rope_freq_factors(h));
  auto writer = build_random_llama(o);
  ASSERT_TRUE(writer.ok());
  writer->set_u32("qwen2.rope.dimension_count", 8);  // half of each 16-dim head
  auto partial = write_and_open(*writer, "arch_qwen2_yarn_partial.gguf");
  ASSERT_TRUE(partial.ok());
  auto refused = read_llama_hparams(*partial);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.err().code, error_code::unsupported);
  EXPECT_NE(refused.err().message.find("YaRN"), std::string::npos) << refused.err().message;
}

TEST(architecture, rope_freqs_of_the_wrong_length_is_named) {
  random_llama_options o = tiny("llama");
  auto writer = build_random_llama(o);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE(writer->add_tensor("rope_freqs.weight", ggml_type::f32, {5}, std::vector<float>(5, 1.0f)).ok());
  std::optional<gguf_file> file;
  auto w = load(*writer, "arch_rope_freqs_shape.gguf", file);
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.err().message.find("rope_freqs.weight"), std::string::npos) << w.err().message;
}

TEST(architecture, qwen2_sizes_have_qwen2_shapes) {
  const random_llama_options small = random_qwen2_0_5b(ggml_type::q8_0);
  EXPECT_EQ(small.architecture, "qwen2");
  EXPECT_EQ(small.n_embd, 896u);
  EXPECT_EQ(small.n_layers, 24u);
  EXPECT_EQ(small.n_heads, 14u);
  EXPECT_EQ(small.n_kv_heads, 2u);
  EXPECT_EQ(small.n_ff, 4864u);
  EXPECT_EQ(small.n_vocab, 151936u);
  EXPECT_TRUE(small.tied_output);
  const random_llama_options large = random_qwen2_1_5b(ggml_type::q8_0);
  EXPECT_EQ(large.n_embd, 1536u);
  EXPECT_EQ(large.n_layers, 28u);
  EXPECT_EQ(large.n_heads, 12u);
  EXPECT_EQ(large.n_ff, 8960u);
}

}  // namespace
}  // namespace infergrid::model
