#include "kernels/model/llama_hparams.hpp"

#include <cmath>
#include <string>

namespace infergrid::model {
namespace {

// Far beyond any real Llama; larger values mean a corrupt file and would make buffers absurd.
constexpr std::uint32_t layers_max = 1024;
constexpr std::uint32_t width_max = 1u << 17;        // n_embd, n_ff
constexpr std::uint32_t heads_max = 1024;
constexpr std::uint32_t vocab_max = 1u << 20;
constexpr std::uint32_t context_length_max = 1u << 24;

error invalid(std::string message) { return make_error(error_code::malformed_input, std::move(message)); }

result<std::uint32_t> required_u32(const gguf_file& file, std::string_view key, std::uint32_t max) {
  auto value = file.get_u32(key);
  if (!value) return value.err();
  if (*value == 0 || *value > max) {
    return invalid(std::string(key) + " = " + std::to_string(*value) + " is outside 1.." + std::to_string(max));
  }
  return *value;
}

result<std::uint32_t> optional_u32(const gguf_file& file, std::string_view key, std::uint32_t fallback,
                                   std::uint32_t max) {
  if (!file.has(key)) return fallback;
  return required_u32(file, key, max);
}

result<float> optional_positive_f32(const gguf_file& file, std::string_view key, float fallback) {
  if (!file.has(key)) return fallback;
  auto value = file.get_f32(key);
  if (!value) return value.err();
  if (!std::isfinite(*value) || *value <= 0.0f) {
    return invalid(std::string(key) + " = " + std::to_string(*value) + " must be a positive number");
  }
  return *value;
}

result<std::uint32_t> read_vocab_size(const gguf_file& file) {
  if (file.has("tokenizer.ggml.tokens")) {
    auto tokens = file.find("tokenizer.ggml.tokens");
    if (!tokens) return tokens.err();
    if ((*tokens)->type != gguf_value_type::array || (*tokens)->element_type != gguf_value_type::string) {
      return invalid("tokenizer.ggml.tokens is not an array of strings");
    }
    const std::size_t n = (*tokens)->items.size();
    if (n == 0 || n > vocab_max) return invalid("tokenizer.ggml.tokens has " + std::to_string(n) + " entries");
    return static_cast<std::uint32_t>(n);
  }
  const gguf_tensor* embd = file.find_tensor("token_embd.weight");
  if (embd == nullptr || embd->dims.size() != 2 || embd->dims[1] > vocab_max) {
    return invalid("no tokenizer.ggml.tokens and no usable token_embd.weight to take the vocabulary size from");
  }
  return static_cast<std::uint32_t>(embd->dims[1]);
}

// Linear rope scaling: positions are multiplied by 1/factor. Other schemes change the math; refuse them.
result<float> read_rope_freq_scale(const gguf_file& file) {
  std::string type = "linear";
  if (file.has("llama.rope.scaling.type")) {
    auto value = file.get_string("llama.rope.scaling.type");
    if (!value) return value.err();
    type = *value;
  }
  if (type == "none") return 1.0f;
  if (type != "linear") {
    return make_error(error_code::unsupported, "rope scaling type '" + type + "' is not supported (none, linear)");
  }
  const char* key = file.has("llama.rope.scaling.factor") ? "llama.rope.scaling.factor" : "llama.rope.scale_linear";
  auto factor = optional_positive_f32(file, key, 1.0f);
  if (!factor) return factor.err();
  return 1.0f / *factor;
}

}  // namespace

result<llama_hparams> read_llama_hparams(const gguf_file& file) {
  auto architecture = file.get_string("general.architecture");
  if (!architecture) return architecture.err();
  if (*architecture != "llama") {
    return make_error(error_code::unsupported,
                      "general.architecture is '" + *architecture + "'; only 'llama' is supported");
  }
  llama_hparams h;
  auto n_layers = required_u32(file, "llama.block_count", layers_max);
  if (!n_layers) return n_layers.err();
  h.n_layers = *n_layers;
  auto n_embd = required_u32(file, "llama.embedding_length", width_max);
  if (!n_embd) return n_embd.err();
  h.n_embd = *n_embd;
  auto n_heads = required_u32(file, "llama.attention.head_count", heads_max);
  if (!n_heads) return n_heads.err();
  h.n_heads = *n_heads;
  auto n_kv_heads = optional_u32(file, "llama.attention.head_count_kv", h.n_heads, heads_max);
  if (!n_kv_heads) return n_kv_heads.err();
  h.n_kv_heads = *n_kv_heads;
  auto n_ff = required_u32(file, "llama.feed_forward_length", width_max);
  if (!n_ff) return n_ff.err();
  h.n_ff = *n_ff;
  auto context_length = required_u32(file, "llama.context_length", context_length_max);
  if (!context_length) return context_length.err();
  h.context_length = *context_length;
  auto n_vocab = read_vocab_size(file);
  if (!n_vocab) return n_vocab.err();
  h.n_vocab = *n_vocab;

  if (h.n_embd % h.n_heads != 0) {
    return invalid("embedding length " + std::to_string(h.n_embd) + " is not a multiple of head count " +
                   std::to_string(h.n_heads));
  }
  if (h.n_heads % h.n_kv_heads != 0) {
    return invalid("head count " + std::to_string(h.n_heads) + " is not a multiple of kv head count " +
                   std::to_string(h.n_kv_heads));
  }
  h.head_dim = h.n_embd / h.n_heads;
  auto rope_dims = optional_u32(file, "llama.rope.dimension_count", h.head_dim, h.head_dim);
  if (!rope_dims) return rope_dims.err();
  if (*rope_dims % 2 != 0) return invalid("llama.rope.dimension_count must be even");
  h.rope_dims = *rope_dims;
  auto freq_base = optional_positive_f32(file, "llama.rope.freq_base", 10000.0f);
  if (!freq_base) return freq_base.err();
  h.rope_freq_base = *freq_base;
  auto freq_scale = read_rope_freq_scale(file);
  if (!freq_scale) return freq_scale.err();
  h.rope_freq_scale = *freq_scale;
  auto eps = file.get_f32("llama.attention.layer_norm_rms_epsilon");
  if (!eps) return eps.err();
  if (!std::isfinite(*eps) || *eps <= 0.0f || *eps > 1.0f) {
    return invalid("llama.attention.layer_norm_rms_epsilon = " + std::to_string(*eps) + " is not in (0, 1]");
  }
  h.rms_norm_eps = *eps;
  h.content_hash = file.content_hash();
  return h;
}

}  // namespace infergrid::model
