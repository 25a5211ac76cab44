#include "kernels/model/random_llama.hpp"

#include <cmath>
#include <random>
#include <vector>

#include "kernels/model/architecture.hpp"
#include "kernels/model/llama_hparams.hpp"
#include "kernels/model/llama_weights.hpp"
#include "kernels/model/parallel_chunks.hpp"
#include "kernels/model/spm_vocab_builder.hpp"

namespace infergrid::model {
namespace {

std::uint32_t head_dim_of(const random_llama_options& o) {
  return o.head_dim != 0 ? o.head_dim : o.n_embd / o.n_heads;
}

status check_options(const random_llama_options& o, const architecture& arch) {
  const auto fail = [](const std::string& why) { return make_error(error_code::invalid_argument, why); };
  if (o.n_layers == 0 || o.n_heads == 0 || o.n_kv_heads == 0) return fail("layers and heads must be positive");
  if (o.head_dim == 0 && o.n_embd % o.n_heads != 0) return fail("n_embd must be a multiple of n_heads");
  if (o.n_heads % o.n_kv_heads != 0) return fail("n_heads must be a multiple of n_kv_heads");
  if (head_dim_of(o) % 2 != 0) return fail("head dimension must be even for rope");
  if (o.llama3_rope != llama3_rope_source::none && !arch.rope_freqs) {
    return fail("architecture '" + std::string(arch.name) + "' has no llama3 rope scaling");
  }
  const std::size_t block = traits_of(o.weight_type).block_weights;
  if (!o.mix && (o.n_embd % block != 0 || o.n_ff % block != 0 || (o.n_heads * head_dim_of(o)) % block != 0)) {
    return fail("n_embd and n_ff must be multiples of the weight type's block size");
  }
  return {};
}

class weight_source {
 public:
  weight_source(std::uint64_t seed, bool parallel_draw) : seed_(seed), parallel_draw_(parallel_draw), rng_(seed) {}
  // rows*cols values, normal with standard deviation 1/sqrt(cols): from the one sequential stream,
  // or with parallel_draw on all hardware threads, each run of rows from its own stream (the seed,
  // the matrix's number, the run's first row), so the values do not depend on the thread count.
  std::vector<float> matrix(std::size_t rows, std::size_t cols) {
    const float deviation = 1.0f / std::sqrt(static_cast<float>(cols));
    std::vector<float> v(rows * cols);
    if (!parallel_draw_) {
      std::normal_distribution<float> normal(0.0f, deviation);
      for (float& x : v) x = normal(rng_);
      return v;
    }
    const std::uint64_t matrix_number = matrices_++;
    parallel_chunks(rows, rows_per_stream, [&](std::size_t begin, std::size_t end) {
      std::seed_seq seeds{seed_, matrix_number, static_cast<std::uint64_t>(begin)};
      std::mt19937_64 stream(seeds);
      std::normal_distribution<float> normal(0.0f, deviation);
      for (std::size_t i = begin * cols; i < end * cols; ++i) v[i] = normal(stream);
    });
    return v;
  }
  // A norm's weights: uniform in [0.5, 1.5], so a kernel that skips or swaps them changes the logits.
  std::vector<float> norm(std::size_t width) { return uniform(width, 0.5f, 1.5f); }
  // A bias: uniform in [-0.5, 0.5].
  std::vector<float> bias(std::size_t width) { return uniform(width, -0.5f, 0.5f); }

 private:
  std::vector<float> uniform(std::size_t width, float low, float high) {
    std::uniform_real_distribution<float> distribution(low, high);
    std::vector<float> v(width);
    for (float& x : v) x = distribution(rng_);
    return v;
  }
  static constexpr std::size_t rows_per_stream = 64;
  std::uint64_t seed_;
  bool parallel_draw_;
  std::uint64_t matrices_ = 0;
  std::mt19937_64 rng_;  // the sequential stream; with parallel_draw only norms and biases
};

status add_matrix(gguf_writer& writer, weight_source& source, const random_llama_options& o, const std::string& name,
                  std::size_t rows, std::size_t cols) {
  const std::vector<float> values = source.matrix(rows, cols);
  const mix_shape shape{o.n_layers, o.n_heads / o.n_kv_heads, o.tied_output};
  const ggml_type type = o.mix ? mixed_tensor_type(*o.mix, name, cols, shape) : o.weight_type;
  return writer.add_tensor(name, type, {cols, rows}, values);
}

status add_vector(gguf_writer& writer, const std::string& name, const std::vector<float>& values) {
  return writer.add_tensor(name, ggml_type::f32, {values.size()}, values);
}

void add_hparams(gguf_writer& writer, const random_llama_options& o, const architecture& arch) {
  writer.set_string("general.architecture", std::string(arch.name));
  writer.set_string("general.name", "random-" + std::string(arch.name));
  writer.set_u32(arch.key(hparam_key::block_count), o.n_layers);
  writer.set_u32(arch.key(hparam_key::embedding_length), o.n_embd);
  writer.set_u32(arch.key(hparam_key::head_count), o.n_heads);
  writer.set_u32(arch.key(hparam_key::head_count_kv), o.n_kv_heads);
  if (o.head_dim != 0) {
    writer.set_u32(arch.key(hparam_key::key_length), o.head_dim);
    writer.set_u32(arch.key(hparam_key::value_length), o.head_dim);
  }
  writer.set_u32(arch.key(hparam_key::feed_forward_length), o.n_ff);
  writer.set_u32(arch.key(hparam_key::context_length), o.context_length);
  writer.set_u32(arch.key(hparam_key::rope_dimension_count), head_dim_of(o));
  writer.set_f32(arch.key(hparam_key::rope_freq_base), o.rope_freq_base);
  writer.set_f32(arch.key(hparam_key::rms_norm_eps), o.rms_norm_eps);
  if (o.llama3_rope == llama3_rope_source::metadata) {
    writer.set_string(arch.key(hparam_key::rope_scaling_type), "llama3");
    writer.set_f32(arch.key(hparam_key::rope_scaling_factor), o.llama3_factor);
    writer.set_u32(arch.key(hparam_key::rope_scaling_original_context), o.llama3_original_context);
  }
  if (o.yarn_factor > 0.0f) {
    writer.set_string(arch.key(hparam_key::rope_scaling_type), "yarn");
    writer.set_f32(arch.key(hparam_key::rope_scaling_factor), o.yarn_factor);
    if (o.yarn_original_context != 0) {
      writer.set_u32(arch.key(hparam_key::rope_scaling_original_context), o.yarn_original_context);
    }
  }
  if (o.mix) writer.set_u32("general.file_type", o.mix->file_type);
}

status add_vocab(gguf_writer& writer, const random_llama_options& o) {
  if (o.tokenizer_fields != nullptr) {
    write_tokenizer_fields(writer, *o.tokenizer_fields);
    return {};
  }
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
  return {.n_layers = 2, .n_embd = 64, .n_heads = 4, .n_kv_heads = 2, .n_ff = 96, .n_vocab = 600,
          .weight_type = weight_type};
}

// Qwen2's published shapes; rope base 1e6 and eps 1e-6 as in their config.json files.
random_llama_options random_qwen2_0_5b(ggml_type weight_type) {
  return {.architecture = "qwen2", .n_layers = 24, .n_embd = 896, .n_heads = 14, .n_kv_heads = 2, .n_ff = 4864,
          .n_vocab = 151936, .context_length = 32768, .rope_freq_base = 1000000.0f, .rms_norm_eps = 1e-6f,
          .weight_type = weight_type, .tied_output = true};
}

random_llama_options random_qwen2_1_5b(ggml_type weight_type) {
  random_llama_options o = random_qwen2_0_5b(weight_type);
  o.n_layers = 28;
  o.n_embd = 1536;
  o.n_heads = 12;
  o.n_ff = 8960;
  return o;
}

random_llama_options random_llama31_8b(ggml_type weight_type) {
  return {.n_layers = 32, .n_embd = 4096, .n_heads = 32, .n_kv_heads = 8, .n_ff = 14336, .n_vocab = 128256,
          .context_length = 131072, .rope_freq_base = 500000.0f, .weight_type = weight_type,
          .llama3_rope = llama3_rope_source::tensor, .llama3_factor = 8.0f, .llama3_original_context = 8192,
          .parallel_draw = true};
}

random_llama_options random_llama_100m(ggml_type weight_type) {
  return {.n_layers = 12, .n_embd = 768, .n_heads = 12, .n_kv_heads = 4, .n_ff = 2048, .n_vocab = 32000,
          .context_length = 2048, .weight_type = weight_type};
}

std::span<const random_llama_size> random_llama_sizes() {
  static const random_llama_size sizes[] = {
      {"tiny", random_llama_tiny},
      {"small", [](ggml_type t) { return random_llama_options{.weight_type = t}; }},  // width 512, 4 layers
      {"100m", random_llama_100m},
      {"qwen2-0.5b", random_qwen2_0_5b},
      {"qwen2-1.5b", random_qwen2_1_5b},
      {"llama3.1-8b", random_llama31_8b}};
  return sizes;
}

std::optional<random_llama_options> random_llama_named(std::string_view size, std::string_view type) {
  const std::optional<quant_mix> mix = quant_mix_named(type);
  const std::optional<ggml_type> plain = type_named(type);
  if (!mix && !plain) return std::nullopt;
  for (const random_llama_size& s : random_llama_sizes()) {
    if (s.name != size) continue;
    random_llama_options options = s.options(mix ? mix->base : *plain);
    options.mix = mix;
    return options;
  }
  return std::nullopt;
}

result<gguf_writer> build_random_llama(const random_llama_options& options) {
  random_llama_options o = options;
  if (o.tokenizer_fields != nullptr) o.n_vocab = static_cast<std::uint32_t>(o.tokenizer_fields->tokens.size());
  auto arch = find_architecture(o.architecture);
  if (!arch) return arch.err();
  const architecture& a = **arch;
  IG_TRY(check_options(o, a));
  gguf_writer writer;
  add_hparams(writer, o, a);
  IG_TRY(add_vocab(writer, o));
  weight_source source(o.seed, o.parallel_draw);
  const std::size_t head_dim = head_dim_of(o);
  const layer_dims dims{o.n_embd, o.n_ff, o.n_heads * head_dim, o.n_kv_heads * head_dim, head_dim};
  const auto wanted = [&](tensor_family family) {
    const presence p = a.of(family);
    return p == presence::required || (p == presence::optional && family == tensor_family::qkv_bias && o.qkv_bias);
  };
  IG_TRY(add_matrix(writer, source, o, std::string(tensor_name::token_embd), o.n_vocab, o.n_embd));
  for (std::uint32_t layer = 0; layer < o.n_layers; ++layer) {
    for (const layer_tensor& t : layer_tensors()) {
      if (!wanted(t.family)) continue;
      const std::string name = layer_tensor_name(layer, t.suffix);
      const std::size_t cols = dims.size_of(t.cols);
      if (t.rows != tensor_dim::one) {
        IG_TRY(add_matrix(writer, source, o, name, dims.size_of(t.rows), cols));
      } else {
        IG_TRY(add_vector(writer, name, t.family == tensor_family::qkv_bias ? source.bias(cols) : source.norm(cols)));
      }
    }
  }
  IG_TRY(add_vector(writer, std::string(tensor_name::output_norm), source.norm(o.n_embd)));
  if (!o.tied_output) IG_TRY(add_matrix(writer, source, o, std::string(tensor_name::output), o.n_vocab, o.n_embd));
  if (o.llama3_rope == llama3_rope_source::tensor) {
    llama_hparams h;
    h.rope_dims = static_cast<std::uint32_t>(head_dim);
    h.rope_freq_base = o.rope_freq_base;
    h.llama3.factor = o.llama3_factor;
    h.llama3.original_context = o.llama3_original_context;
    IG_TRY(add_vector(writer, std::string(tensor_name::rope_freqs), llama3_rope_freq_factors(h)));
  }
  return writer;
}

status write_random_llama(const std::string& path, const random_llama_options& options) {
  auto writer = build_random_llama(options);
  if (!writer) return writer.err();
  return writer->write(path);
}

}  // namespace infergrid::model
