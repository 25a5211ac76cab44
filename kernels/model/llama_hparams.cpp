#include "kernels/model/llama_hparams.hpp"

#include <algorithm>
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

// "none, linear, llama3, yarn" from the table, for errors.
std::string rope_scaling_name_list() {
  std::string out;
  for (std::string_view name : rope_scaling_names) out += (out.empty() ? "" : ", ") + std::string(name);
  return out;
}

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

result<float> optional_f32_at_least_0(const gguf_file& file, std::string_view key, float fallback) {
  if (!file.has(key)) return fallback;
  auto value = file.get_f32(key);
  if (!value) return value.err();
  if (!std::isfinite(*value) || *value < 0.0f) {
    return invalid(std::string(key) + " = " + std::to_string(*value) + " must be a number >= 0");
  }
  return *value;
}

status read_yarn(const gguf_file& file, const architecture& arch, llama_hparams& h) {
  yarn_rope_scaling& y = h.yarn;
  auto factor = optional_positive_f32(file, arch.key(hparam_key::rope_scaling_factor), 1.0f);
  if (!factor) return factor.err();
  auto original = optional_u32(file, arch.key(hparam_key::rope_scaling_original_context), h.context_length,
                               context_length_max);
  if (!original) return original.err();
  auto ext = optional_f32_at_least_0(file, arch.key(hparam_key::rope_scaling_yarn_ext_factor), 1.0f);
  if (!ext) return ext.err();
  auto attn = optional_positive_f32(file, arch.key(hparam_key::rope_scaling_attn_factor), 1.0f);
  if (!attn) return attn.err();
  attn = optional_positive_f32(file, arch.key(hparam_key::rope_scaling_yarn_attn_factor), *attn);
  if (!attn) return attn.err();
  auto fast = optional_positive_f32(file, arch.key(hparam_key::rope_scaling_yarn_beta_fast), y.beta_fast);
  if (!fast) return fast.err();
  auto slow = optional_positive_f32(file, arch.key(hparam_key::rope_scaling_yarn_beta_slow), y.beta_slow);
  if (!slow) return slow.err();
  if (*fast <= *slow) {
    return invalid(arch.key(hparam_key::rope_scaling_yarn_beta_fast) + " must exceed " +
                   arch.key(hparam_key::rope_scaling_yarn_beta_slow));
  }
  // mscale scales the rotated dimensions only: it folds into the attention scale when all rotate.
  if (h.rope_dims != h.head_dim) {
    return make_error(error_code::unsupported, "YaRN rope scaling with " + std::to_string(h.rope_dims) + " of " +
                                                   std::to_string(h.head_dim) + " head dimensions rotated is not supported");
  }
  y = {*factor, *original, *ext, *attn, *fast, *slow};
  h.rope_scaling_type = rope_scaling::yarn;
  return {};
}

// The embeddings and the output take one row per token of the tokenizer: a mismatch names both sides,
// since either the vocabulary or the tensor may be the wrong one.
status check_rows_per_token(const gguf_file& file, std::size_t n_tokens) {
  for (std::string_view name : {tensor_name::token_embd, tensor_name::output}) {
    const gguf_tensor* tensor = file.find_tensor(name);
    if (tensor == nullptr || tensor->dims.size() != 2 || tensor->dims[1] == n_tokens) continue;
    return invalid("tensor '" + std::string(name) + "' has shape " + shape_text(tensor->dims) + ", " +
                   std::to_string(tensor->dims[1]) + " rows, but tokenizer.ggml.tokens has " +
                   std::to_string(n_tokens) + " tokens: the vocabulary and the weights disagree");
  }
  return {};
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
    IG_TRY(check_rows_per_token(file, n));
    return static_cast<std::uint32_t>(n);
  }
  const gguf_tensor* embd = file.find_tensor("token_embd.weight");
  if (embd == nullptr || embd->dims.size() != 2 || embd->dims[1] > vocab_max) {
    return invalid("no tokenizer.ggml.tokens and no usable token_embd.weight to take the vocabulary size from");
  }
  return static_cast<std::uint32_t>(embd->dims[1]);
}

// Rope scaling: none, linear (positions multiplied by 1/factor), llama3 (per-frequency divisors) or
// yarn (divisors and an attention scale). Other schemes change the math; refuse them.
status read_rope_scaling(const gguf_file& file, const architecture& arch, llama_hparams& h) {
  std::string type = "linear";
  if (file.has(arch.key(hparam_key::rope_scaling_type))) {
    auto value = file.get_string(arch.key(hparam_key::rope_scaling_type));
    if (!value) return value.err();
    type = *value;
  }
  if (type == "none") return {};
  const std::string factor_key = file.has(arch.key(hparam_key::rope_scaling_factor))
                                     ? arch.key(hparam_key::rope_scaling_factor)
                                     : arch.key(hparam_key::rope_scale_linear);
  if (type == "llama3") {
    llama3_rope_scaling& l = h.llama3;
    auto factor = optional_positive_f32(file, arch.key(hparam_key::rope_scaling_factor), l.factor);
    if (!factor) return factor.err();
    auto low = optional_positive_f32(file, arch.key(hparam_key::rope_scaling_low_freq_factor), l.low_freq_factor);
    if (!low) return low.err();
    auto high = optional_positive_f32(file, arch.key(hparam_key::rope_scaling_high_freq_factor), l.high_freq_factor);
    if (!high) return high.err();
    auto original = optional_u32(file, arch.key(hparam_key::rope_scaling_original_context), l.original_context,
                                 context_length_max);
    if (!original) return original.err();
    if (*high <= *low) {
      return invalid(arch.key(hparam_key::rope_scaling_high_freq_factor) + " must exceed " +
                     arch.key(hparam_key::rope_scaling_low_freq_factor));
    }
    l = {*factor, *low, *high, *original};
    h.rope_scaling_type = rope_scaling::llama3;
    return {};
  }
  if (type == "yarn") return read_yarn(file, arch, h);
  if (type != "linear") {
    return make_error(error_code::unsupported, arch.key(hparam_key::rope_scaling_type) + " '" + type +
                                                   "' is not supported (" + rope_scaling_name_list() + ")");
  }
  auto factor = optional_positive_f32(file, factor_key, 1.0f);
  if (!factor) return factor.err();
  h.rope_freq_scale = 1.0f / *factor;
  h.rope_scaling_type = *factor == 1.0f ? rope_scaling::none : rope_scaling::linear;
  return {};
}

}  // namespace

float llama_hparams::attention_logit_factor() const {
  if (rope_scaling_type != rope_scaling::yarn) return 1.0f;
  float mscale = yarn.attn_factor;
  if (yarn.ext_factor != 0.0f) mscale *= 1.0f + 0.1f * std::log(yarn.factor);
  return mscale * mscale;
}

result<llama_hparams> read_llama_hparams(const gguf_file& file) {
  auto arch = architecture_of(file);
  if (!arch) return arch.err();
  const architecture& a = **arch;
  llama_hparams h;
  h.arch = &a;
  struct required_field {
    std::uint32_t* target;
    std::string_view suffix;
    std::uint32_t max;
  };
  const required_field fields[] = {
      {&h.n_layers, hparam_key::block_count, layers_max},
      {&h.n_embd, hparam_key::embedding_length, width_max},
      {&h.n_heads, hparam_key::head_count, heads_max},
      {&h.n_ff, hparam_key::feed_forward_length, width_max},
      {&h.context_length, hparam_key::context_length, context_length_max},
  };
  for (const required_field& f : fields) {
    auto value = required_u32(file, a.key(f.suffix), f.max);
    if (!value) return value.err();
    *f.target = *value;
  }
  auto n_kv_heads = optional_u32(file, a.key(hparam_key::head_count_kv), h.n_heads, heads_max);
  if (!n_kv_heads) return n_kv_heads.err();
  h.n_kv_heads = *n_kv_heads;
  auto n_vocab = read_vocab_size(file);
  if (!n_vocab) return n_vocab.err();
  h.n_vocab = *n_vocab;

  if (h.n_heads % h.n_kv_heads != 0) {
    return invalid("head count " + std::to_string(h.n_heads) + " is not a multiple of kv head count " +
                   std::to_string(h.n_kv_heads));
  }
  // Head dimension: attention.key_length when given (Qwen3: 128 whatever the width), else the width
  // split over the heads.
  if (!file.has(a.key(hparam_key::key_length)) && h.n_embd % h.n_heads != 0) {
    return invalid("embedding length " + std::to_string(h.n_embd) + " is not a multiple of head count " +
                   std::to_string(h.n_heads));
  }
  auto head_dim = optional_u32(file, a.key(hparam_key::key_length), h.n_embd / std::max(h.n_heads, 1u), width_max);
  if (!head_dim) return head_dim.err();
  h.head_dim = *head_dim;
  auto value_dim = optional_u32(file, a.key(hparam_key::value_length), h.head_dim, width_max);
  if (!value_dim) return value_dim.err();
  if (*value_dim != h.head_dim) {
    return make_error(error_code::unsupported, a.key(hparam_key::value_length) + " = " + std::to_string(*value_dim) +
                                                   " differs from the key length " + std::to_string(h.head_dim) +
                                                   "; only equal q/k and v head sizes are supported");
  }
  if (h.head_dim % 2 != 0) return invalid("head dimension " + std::to_string(h.head_dim) + " must be even");
  auto rope_dims = optional_u32(file, a.key(hparam_key::rope_dimension_count), h.head_dim, h.head_dim);
  if (!rope_dims) return rope_dims.err();
  if (*rope_dims % 2 != 0) return invalid(a.key(hparam_key::rope_dimension_count) + " must be even");
  h.rope_dims = *rope_dims;
  auto freq_base = optional_positive_f32(file, a.key(hparam_key::rope_freq_base), 10000.0f);
  if (!freq_base) return freq_base.err();
  h.rope_freq_base = *freq_base;
  IG_TRY(read_rope_scaling(file, a, h));
  const std::string eps_key = a.key(hparam_key::rms_norm_eps);
  auto eps = file.get_f32(eps_key);
  if (!eps) return eps.err();
  if (!std::isfinite(*eps) || *eps <= 0.0f || *eps > 1.0f) {
    return invalid(eps_key + " = " + std::to_string(*eps) + " is not in (0, 1]");
  }
  h.rms_norm_eps = *eps;
  h.content_hash = file.content_hash();
  return h;
}

}  // namespace infergrid::model
