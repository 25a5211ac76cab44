#include "kernels/model/llama_weights.hpp"

#include <gtest/gtest.h>

#include "kernels/model/llama_hparams.hpp"
#include "kernels/model/random_llama.hpp"
#include "kernels/model/test_support.hpp"

namespace infergrid::model {
namespace {

using testing_support::stories260k_path;
using testing_support::temp_path;

random_llama_options small_options() { return testing_support::tiny_llama_options(); }

result<gguf_file> write_and_open(const gguf_writer& writer, const std::string& name) {
  const std::string path = temp_path(name);
  IG_TRY(writer.write(path));
  return gguf_file::open(path);
}

TEST(llama_hparams, reads_stories260k) {
  auto file = gguf_file::open(stories260k_path());
  ASSERT_TRUE(file.ok()) << file.err().message;
  auto h = read_llama_hparams(*file);
  ASSERT_TRUE(h.ok()) << h.err().message;
  EXPECT_EQ(h->n_layers, 5u);
  EXPECT_EQ(h->n_embd, 64u);
  EXPECT_EQ(h->n_heads, 8u);
  EXPECT_EQ(h->n_kv_heads, 4u);
  EXPECT_EQ(h->head_dim, 8u);
  EXPECT_EQ(h->n_ff, 172u);
  EXPECT_EQ(h->n_vocab, 512u);
  EXPECT_EQ(h->context_length, 128u);
  EXPECT_EQ(h->rope_dims, 8u);
  EXPECT_FLOAT_EQ(h->rope_freq_base, 10000.0f);
  EXPECT_FLOAT_EQ(h->rope_freq_scale, 1.0f);
  EXPECT_FLOAT_EQ(h->rms_norm_eps, 1e-5f);
  EXPECT_EQ(to_hex(h->content_hash), to_hex(hash_bytes({reinterpret_cast<const std::uint8_t*>(file->file_bytes().data()),
                                                        file->file_bytes().size()})));
}

TEST(llama_weights, resolves_stories260k) {
  auto file = gguf_file::open(stories260k_path());
  ASSERT_TRUE(file.ok());
  auto h = read_llama_hparams(*file);
  ASSERT_TRUE(h.ok());
  auto w = resolve_llama_weights(*file, *h);
  ASSERT_TRUE(w.ok()) << w.err().message;
  ASSERT_EQ(w->layers.size(), 5u);
  EXPECT_FALSE(w->output_tied);
  EXPECT_EQ(w->token_embd.rows, 512u);
  EXPECT_EQ(w->token_embd.cols, 64u);
  EXPECT_EQ(w->layers[4].attn_k.rows, 32u);
  EXPECT_EQ(w->layers[4].ffn_down.cols, 172u);
  EXPECT_EQ(w->layers[0].attn_norm.rows, 1u);
  EXPECT_EQ(w->output.name, "output.weight");
}

TEST(llama_hparams, defaults_and_linear_rope_scaling) {
  auto writer = build_random_llama(small_options());
  ASSERT_TRUE(writer.ok()) << writer.err().message;
  gguf_writer& wr = *writer;
  // Without head_count_kv / rope dims / freq base the defaults apply; a linear factor 4 gives scale 1/4.
  wr.set("llama.attention.head_count_kv", gguf_value::of_unsigned(gguf_value_type::uint8, 4));
  wr.set_string("llama.rope.scaling.type", "linear");
  wr.set_f32("llama.rope.scaling.factor", 4.0f);
  auto file = write_and_open(wr, "hparams_defaults.gguf");
  ASSERT_TRUE(file.ok()) << file.err().message;
  auto h = read_llama_hparams(*file);
  ASSERT_TRUE(h.ok()) << h.err().message;
  EXPECT_EQ(h->n_kv_heads, 4u);
  EXPECT_FLOAT_EQ(h->rope_freq_scale, 0.25f);
  EXPECT_EQ(h->n_vocab, 600u);
}

TEST(llama_hparams, rejects_other_architectures_and_bad_shapes) {
  auto writer = build_random_llama(small_options());
  ASSERT_TRUE(writer.ok());
  writer->set_string("general.architecture", "gpt2");
  auto file = write_and_open(*writer, "hparams_gpt2.gguf");
  ASSERT_TRUE(file.ok());
  auto h = read_llama_hparams(*file);
  ASSERT_FALSE(h.ok());
  EXPECT_NE(h.err().message.find("gpt2"), std::string::npos);

  writer->set_string("general.architecture", "llama");
  writer->set_u32("llama.attention.head_count_kv", 3);
  file = write_and_open(*writer, "hparams_kv3.gguf");
  ASSERT_TRUE(file.ok());
  h = read_llama_hparams(*file);
  ASSERT_FALSE(h.ok());
  EXPECT_NE(h.err().message.find("kv head count"), std::string::npos);

  writer->set_u32("llama.attention.head_count_kv", 2);
  writer->set_string("llama.rope.scaling.type", "longrope");
  file = write_and_open(*writer, "hparams_longrope.gguf");
  ASSERT_TRUE(file.ok());
  h = read_llama_hparams(*file);
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.err().code, error_code::unsupported);
  EXPECT_NE(h.err().message.find("(none, linear, llama3, yarn)"), std::string::npos) << h.err().message;
}

TEST(llama_weights, missing_tensor_is_named) {
  auto writer = build_random_llama(small_options());
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE(writer->remove_tensor("blk.1.ffn_up.weight"));
  auto file = write_and_open(*writer, "weights_missing.gguf");
  ASSERT_TRUE(file.ok());
  auto w = resolve_llama_weights(*file, read_llama_hparams(*file).value());
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.err().message.find("blk.1.ffn_up.weight"), std::string::npos);
}

TEST(llama_weights, wrong_shape_is_named) {
  auto writer = build_random_llama(small_options());
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE(writer->remove_tensor("blk.0.attn_k.weight"));
  const std::vector<float> values(64 * 64, 0.5f);  // n_heads rows of head_dim instead of n_kv_heads
  ASSERT_TRUE(writer->add_tensor("blk.0.attn_k.weight", ggml_type::q8_0, {64, 64}, values).ok());
  auto file = write_and_open(*writer, "weights_shape.gguf");
  ASSERT_TRUE(file.ok());
  auto w = resolve_llama_weights(*file, read_llama_hparams(*file).value());
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.err().message.find("blk.0.attn_k.weight"), std::string::npos);
  EXPECT_NE(w.err().message.find("[64, 32]"), std::string::npos);
}

// One token dropped from the vocabulary once blamed the embeddings alone ("token_embd.weight has shape
// [64, 600], expected [64, 599]"); the error names the tokenizer's count as the other side.
TEST(llama_hparams, a_vocabulary_the_embeddings_disagree_with_names_both_counts) {
  auto writer = build_random_llama(small_options());
  ASSERT_TRUE(writer.ok());
  auto full = write_and_open(*writer, "hparams_full_vocab.gguf");
  ASSERT_TRUE(full.ok());
  std::vector<std::string> tokens = full->get_string_array("tokenizer.ggml.tokens").value();
  tokens.pop_back();
  writer->set_string_array("tokenizer.ggml.tokens", tokens);
  auto file = write_and_open(*writer, "hparams_short_vocab.gguf");
  ASSERT_TRUE(file.ok()) << file.err().message;
  auto h = read_llama_hparams(*file);
  ASSERT_FALSE(h.ok());
  EXPECT_NE(h.err().message.find("tensor 'token_embd.weight' has shape [64, 600], 600 rows, but "
                                 "tokenizer.ggml.tokens has 599 tokens"),
            std::string::npos)
      << h.err().message;
}

TEST(llama_weights, tied_output_falls_back_to_token_embd) {
  random_llama_options o = small_options();
  o.tied_output = true;
  const std::string path = temp_path("weights_tied.gguf");
  ASSERT_TRUE(write_random_llama(path, o).ok());
  auto file = gguf_file::open(path);
  ASSERT_TRUE(file.ok());
  auto w = resolve_llama_weights(*file, read_llama_hparams(*file).value());
  ASSERT_TRUE(w.ok()) << w.err().message;
  EXPECT_TRUE(w->output_tied);
  EXPECT_EQ(w->output.data, w->token_embd.data);
  EXPECT_EQ(w->output.type, ggml_type::q8_0);
}

TEST(random_llama, every_weight_type_loads_with_gqa) {
  for (ggml_type type : {ggml_type::f32, ggml_type::f16, ggml_type::q8_0, ggml_type::q4_0}) {
    random_llama_options o = small_options();
    o.weight_type = type;
    const std::string path = temp_path("random_" + std::string(traits_of(type).name) + ".gguf");
    ASSERT_TRUE(write_random_llama(path, o).ok());
    auto file = gguf_file::open(path);
    ASSERT_TRUE(file.ok()) << file.err().message;
    auto h = read_llama_hparams(*file);
    ASSERT_TRUE(h.ok()) << h.err().message;
    EXPECT_EQ(h->n_kv_heads, 2u);
    auto w = resolve_llama_weights(*file, *h);
    ASSERT_TRUE(w.ok()) << w.err().message;
    EXPECT_EQ(w->layers[1].attn_q.type, type);
    EXPECT_EQ(w->layers[1].attn_norm.type, ggml_type::f32);
  }
}

TEST(random_llama, rejects_inconsistent_options) {
  random_llama_options o = small_options();
  o.n_kv_heads = 3;
  EXPECT_FALSE(build_random_llama(o).ok());
  o = small_options();
  o.n_ff = 100;  // not a multiple of the Q8_0 block
  EXPECT_FALSE(build_random_llama(o).ok());
}

}  // namespace
}  // namespace infergrid::model
