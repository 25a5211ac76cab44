#include "kernels/model/random_llama.hpp"

#include <cmath>
#include <random>
#include <vector>

#include "kernels/model/spm_vocab_builder.hpp"

namespace infergrid::model {
namespace {

status check_options(const random_llama_options& o) {
  const auto fail = [](const std::string& why) { return make_error(error_code::invalid_argument, why); };
  if (o.n_layers == 0 || o.n_heads == 0 || o.n_kv_heads == 0) return fail("layers and heads must be positive");
  if (o.n_embd % o.n_heads != 0) return fail("n_embd must be a multiple of n_heads");
  if (o.n_heads % o.n_kv_heads != 0) return fail("n_heads must be a multiple of n_kv_heads");
  if ((o.n_embd / o.n_heads) % 2 != 0) return fail("head dimension must be even for rope");
  const std::size_t block = traits_of(o.weight_type).block_weights;
  if (o.n_embd % block != 0 || o.n_ff % block != 0) {
    return fail("n_embd and n_ff must be multiples of the weight type's block size");
  }
  return {};
}

class weight_source {
 public:
  explicit weight_source(std::uint64_t seed) : rng_(seed) {}
  // rows*cols values, normal with standard deviation 1/sqrt(cols).
  std::vector<float> matrix(std::size_t rows, std::size_t cols) {
    std::normal_distribution<float> normal(0.0f, 1.0f / std::sqrt(static_cast<float>(cols)));
    std::vector<float> v(rows * cols);
    for (float& x : v) x = normal(rng_);
    return v;
  }
  // A norm's weights: uniform in [0.5, 1.5], so a kernel that skips or swaps them changes the logits.
  std::vector<float> norm(std::size_t width) {
    std::uniform_real_distribution<float> uniform(0.5f, 1.5f);
    std::vector<float> v(width);
    for (float& x : v) x = uniform(rng_);
    return v;
  }

 private:
  std::mt19937_64 rng_;
};

status add_matrix(gguf_writer& writer, weight_source& source, const random_llama_options& o, const std::string& name,
                  std::size_t rows, std::size_t cols) {
  const std::vector<float> values = source.matrix(rows, cols);
  return writer.add_tensor(name, o.weight_type, {cols, rows}, values);
}

status add_norm(gguf_writer& writer, weight_source& source, const std::string& name, std::size_t width) {
  return writer.add_tensor(name, ggml_type::f32, {width}, source.norm(width));
}

void add_hparams(gguf_writer& writer, const random_llama_options& o) {
  writer.set_string("general.architecture", "llama");
  writer.set_string("general.name", "random-llama");
  writer.set_u32("llama.block_count", o.n_layers);
  writer.set_u32("llama.embedding_length", o.n_embd);
  writer.set_u32("llama.attention.head_count", o.n_heads);
  writer.set_u32("llama.attention.head_count_kv", o.n_kv_heads);
  writer.set_u32("llama.feed_forward_length", o.n_ff);
  writer.set_u32("llama.context_length", o.context_length);
  writer.set_u32("llama.rope.dimension_count", o.n_embd / o.n_heads);
  writer.set_f32("llama.rope.freq_base", o.rope_freq_base);
  writer.set_f32("llama.attention.layer_norm_rms_epsilon", o.rms_norm_eps);
}

status add_vocab(gguf_writer& writer, const random_llama_options& o) {
  auto vocab = build_spm_vocab(o.n_vocab, o.seed);
  if (!vocab) return vocab.err();
  writer.set_string("tokenizer.ggml.model", "llama");
  writer.set_string_array("tokenizer.ggml.tokens", vocab->tokens);
  writer.set_f32_array("tokenizer.ggml.scores", vocab->scores);
  writer.set_i32_array("tokenizer.ggml.token_type", vocab->token_types);
  writer.set_u32("tokenizer.ggml.unknown_token_id", static_cast<std::uint32_t>(vocab->unknown_id));
  writer.set_u32("tokenizer.ggml.bos_token_id", static_cast<std::uint32_t>(vocab->bos_id));
  writer.set_u32("tokenizer.ggml.eos_token_id", static_cast<std::uint32_t>(vocab->eos_id));
  writer.set_bool("tokenizer.ggml.add_bos_token", true);
  return {};
}

}  // namespace

random_llama_options random_llama_tiny(ggml_type weight_type) {
  random_llama_options o;
  o.n_layers = 2;
  o.n_embd = 64;
  o.n_heads = 4;
  o.n_kv_heads = 2;
  o.n_ff = 96;
  o.n_vocab = 600;
  o.weight_type = weight_type;
  return o;
}

random_llama_options random_llama_100m(ggml_type weight_type) {
  random_llama_options o;
  o.n_layers = 12;
  o.n_embd = 768;
  o.n_heads = 12;
  o.n_kv_heads = 4;
  o.n_ff = 2048;
  o.n_vocab = 32000;
  o.context_length = 2048;
  o.weight_type = weight_type;
  return o;
}

result<gguf_writer> build_random_llama(const random_llama_options& o) {
  IG_TRY(check_options(o));
  gguf_writer writer;
  add_hparams(writer, o);
  IG_TRY(add_vocab(writer, o));
  weight_source source(o.seed);
  const std::size_t head_dim = o.n_embd / o.n_heads;
  const std::size_t kv_rows = o.n_kv_heads * head_dim;
  IG_TRY(add_matrix(writer, source, o, "token_embd.weight", o.n_vocab, o.n_embd));
  for (std::uint32_t layer = 0; layer < o.n_layers; ++layer) {
    const std::string p = "blk." + std::to_string(layer) + ".";
    IG_TRY(add_norm(writer, source, p + "attn_norm.weight", o.n_embd));
    IG_TRY(add_matrix(writer, source, o, p + "attn_q.weight", o.n_embd, o.n_embd));
    IG_TRY(add_matrix(writer, source, o, p + "attn_k.weight", kv_rows, o.n_embd));
    IG_TRY(add_matrix(writer, source, o, p + "attn_v.weight", kv_rows, o.n_embd));
    IG_TRY(add_matrix(writer, source, o, p + "attn_output.weight", o.n_embd, o.n_embd));
    IG_TRY(add_norm(writer, source, p + "ffn_norm.weight", o.n_embd));
    IG_TRY(add_matrix(writer, source, o, p + "ffn_gate.weight", o.n_ff, o.n_embd));
    IG_TRY(add_matrix(writer, source, o, p + "ffn_up.weight", o.n_ff, o.n_embd));
    IG_TRY(add_matrix(writer, source, o, p + "ffn_down.weight", o.n_embd, o.n_ff));
  }
  IG_TRY(add_norm(writer, source, "output_norm.weight", o.n_embd));
  if (!o.tied_output) IG_TRY(add_matrix(writer, source, o, "output.weight", o.n_vocab, o.n_embd));
  return writer;
}

status write_random_llama(const std::string& path, const random_llama_options& options) {
  auto writer = build_random_llama(options);
  if (!writer) return writer.err();
  return writer->write(path);
}

}  // namespace infergrid::model
