#pragma once
// architecture: the one table of model architectures the loaders, the CPU reference forward and the
// Vulkan forward read (in the spirit of llama.cpp's llama-arch: data, not per-model code). A row
// names the `general.architecture` value (also the prefix of its hyperparameter keys), the rope
// ordering, and which optional tensor families its files carry. Tensor names are one table shared
// by every architecture (layer_tensors()), as in llama.cpp's GGUF files. Adding an architecture
// whose graph is Llama's plus these options is one row here.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "kernels/model/gguf_file.hpp"
#include "runtime/result.hpp"

namespace infergrid::model {

// Rotary embedding ordering; the value is the STYLE push constant of rope_kv.comp.
// norm: pairs (2i, 2i+1) within a head (Llama). neox: pairs (i, i + rope_dims/2) (GPT-NeoX, Qwen).
enum class rope_style : std::uint32_t { norm = 0, neox = 1 };

// Whether a family of tensors must, may or must not be in a file of the architecture.
enum class presence { absent, optional, required };

// Tensor families beyond the core Llama graph.
enum class tensor_family {
  core,      // every architecture: embeddings, norms, attention and FFN projections
  qkv_bias,  // blk.N.attn_{q,k,v}.bias, added to the projections' outputs
  qk_norm,   // blk.N.attn_{q,k}_norm.weight: RMSNorm of each q and k head (before rope)
};

struct architecture {
  std::string_view name;  // general.architecture; hyperparameter keys are "<name>.<suffix>"
  rope_style rope;
  presence qkv_bias;
  presence qk_norm;
  // rope_freqs.weight (llama3-style per-frequency divisors) may appear; without it, rope scaling
  // type "llama3" in the metadata computes the same divisors.
  bool rope_freqs;

  presence of(tensor_family family) const {
    return family == tensor_family::qkv_bias  ? qkv_bias
           : family == tensor_family::qk_norm ? qk_norm
                                              : presence::required;
  }
  std::string key(std::string_view suffix) const { return std::string(name) + "." + std::string(suffix); }
};

// Every supported architecture (llama, qwen2, qwen3).
std::span<const architecture> architectures();
// "llama, qwen2, qwen3".
std::string supported_architecture_names();
// The row named `name`, or an `unsupported` error listing the supported ones.
result<const architecture*> find_architecture(std::string_view name);
// The row of the file's general.architecture.
result<const architecture*> architecture_of(const gguf_file& file);

// Hyperparameter key suffixes (the key is architecture::key(suffix)).
namespace hparam_key {
inline constexpr std::string_view block_count = "block_count";
inline constexpr std::string_view embedding_length = "embedding_length";
inline constexpr std::string_view feed_forward_length = "feed_forward_length";
inline constexpr std::string_view context_length = "context_length";
inline constexpr std::string_view head_count = "attention.head_count";
inline constexpr std::string_view head_count_kv = "attention.head_count_kv";
inline constexpr std::string_view key_length = "attention.key_length";      // head dim of q and k
inline constexpr std::string_view value_length = "attention.value_length";  // head dim of v
inline constexpr std::string_view rms_norm_eps = "attention.layer_norm_rms_epsilon";
inline constexpr std::string_view rope_dimension_count = "rope.dimension_count";
inline constexpr std::string_view rope_freq_base = "rope.freq_base";
inline constexpr std::string_view rope_scaling_type = "rope.scaling.type";
inline constexpr std::string_view rope_scaling_factor = "rope.scaling.factor";
inline constexpr std::string_view rope_scale_linear = "rope.scale_linear";  // older files
inline constexpr std::string_view rope_scaling_original_context = "rope.scaling.original_context_length";
inline constexpr std::string_view rope_scaling_low_freq_factor = "rope.scaling.low_freq_factor";
inline constexpr std::string_view rope_scaling_high_freq_factor = "rope.scaling.high_freq_factor";
inline constexpr std::string_view rope_scaling_attn_factor = "rope.scaling.attn_factor";
inline constexpr std::string_view rope_scaling_yarn_ext_factor = "rope.scaling.yarn_ext_factor";
inline constexpr std::string_view rope_scaling_yarn_attn_factor = "rope.scaling.yarn_attn_factor";
inline constexpr std::string_view rope_scaling_yarn_beta_fast = "rope.scaling.yarn_beta_fast";
inline constexpr std::string_view rope_scaling_yarn_beta_slow = "rope.scaling.yarn_beta_slow";
}  // namespace hparam_key

// Whole-model tensor names.
namespace tensor_name {
inline constexpr std::string_view token_embd = "token_embd.weight";
inline constexpr std::string_view output_norm = "output_norm.weight";
inline constexpr std::string_view output = "output.weight";  // absent: tied to token_embd
inline constexpr std::string_view rope_freqs = "rope_freqs.weight";
}  // namespace tensor_name

// What a layer tensor's shape is made of (resolved against the hyperparameters by the loader).
enum class tensor_dim { one, n_embd, n_ff, q_width, kv_width, head_dim };

// The sizes a tensor_dim stands for.
struct layer_dims {
  std::size_t n_embd, n_ff, q_width, kv_width, head_dim;
  std::size_t size_of(tensor_dim dim) const {
    switch (dim) {
      case tensor_dim::one: return 1;
      case tensor_dim::n_embd: return n_embd;
      case tensor_dim::n_ff: return n_ff;
      case tensor_dim::q_width: return q_width;
      case tensor_dim::kv_width: return kv_width;
      case tensor_dim::head_dim: return head_dim;
    }
    return 0;
  }
};

// One per-layer tensor: its name after "blk.N.", its shape [rows][cols] (rows one: a vector, stored
// F32) and its family.
enum class layer_tensor_id {
  attn_norm, attn_q, attn_k, attn_v, attn_q_bias, attn_k_bias, attn_v_bias, attn_q_norm, attn_k_norm,
  attn_output, ffn_norm, ffn_gate, ffn_up, ffn_down,
};
struct layer_tensor {
  layer_tensor_id id;
  std::string_view suffix;
  tensor_dim rows, cols;
  tensor_family family;
};
std::span<const layer_tensor> layer_tensors();
// "blk.<layer>.<suffix>".
std::string layer_tensor_name(std::uint32_t layer, std::string_view suffix);

}  // namespace infergrid::model
