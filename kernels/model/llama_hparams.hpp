#pragma once
// llama_hparams: the hyperparameters of a GGUF of any supported architecture (architecture.hpp: the
// `<arch>.*` metadata of llama, qwen2, qwen3), validated for consistency, plus the model's content
// hash (its identity on the network). Every architecture's graph is Llama's plus the options of its
// table row, so one struct describes them all.
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string_view>

#include "kernels/model/architecture.hpp"
#include "kernels/model/gguf_file.hpp"
#include "runtime/identity.hpp"
#include "runtime/result.hpp"

namespace infergrid::model {

// Rope frequency scaling: none; linear (positions times 1 / factor); llama3 (each frequency divided
// by a factor computed from the parameters below, as llama.cpp's converter writes rope_freqs.weight);
// yarn (Qwen2.5's long context: yarn_rope_scaling).
enum class rope_scaling { none, linear, llama3, yarn };

// Each rope_scaling's name (its <arch>.rope.scaling.type), indexed by its value: every value has one.
inline constexpr std::string_view rope_scaling_names[] = {"none", "linear", "llama3", "yarn"};
static_assert(std::size(rope_scaling_names) == static_cast<std::size_t>(rope_scaling::yarn) + 1,
              "rope_scaling_names needs a name for every rope_scaling");
inline std::string_view to_string(rope_scaling type) { return rope_scaling_names[static_cast<std::size_t>(type)]; }

struct llama3_rope_scaling {
  float factor = 8.0f;                       // <arch>.rope.scaling.factor
  float low_freq_factor = 1.0f;              // <arch>.rope.scaling.low_freq_factor
  float high_freq_factor = 4.0f;             // <arch>.rope.scaling.high_freq_factor
  std::uint32_t original_context = 8192;     // <arch>.rope.scaling.original_context_length
};

// YaRN as llama.cpp computes it (ggml's rope_yarn): each frequency mixes its interpolated rotation
// (÷ factor) and its original one by a ramp between the dimensions that turn beta_fast and beta_slow
// times over the original context, and q and k are each scaled by mscale = attn_factor · (1 + 0.1 ·
// ln factor) — attention logits by mscale². Both fold into what the engine already has: per-frequency
// divisors (yarn_rope_freq_factors, llama_weights.hpp) and the attention scale (attention_logit_factor).
struct yarn_rope_scaling {
  float factor = 1.0f;                 // <arch>.rope.scaling.factor
  std::uint32_t original_context = 0;  // <arch>.rope.scaling.original_context_length (default context_length)
  float ext_factor = 1.0f;             // <arch>.rope.scaling.yarn_ext_factor (0: plain interpolation)
  float attn_factor = 1.0f;            // <arch>.rope.scaling.yarn_attn_factor, else rope.scaling.attn_factor
  float beta_fast = 32.0f;             // <arch>.rope.scaling.yarn_beta_fast
  float beta_slow = 1.0f;              // <arch>.rope.scaling.yarn_beta_slow
};

struct llama_hparams {
  const architecture* arch = nullptr;  // general.architecture's row of the architecture table
  std::uint32_t n_layers = 0;        // <arch>.block_count
  std::uint32_t n_embd = 0;          // <arch>.embedding_length
  std::uint32_t n_heads = 0;         // <arch>.attention.head_count
  std::uint32_t n_kv_heads = 0;      // <arch>.attention.head_count_kv (default n_heads)
  std::uint32_t head_dim = 0;        // <arch>.attention.key_length (default n_embd / n_heads)
  std::uint32_t n_ff = 0;            // <arch>.feed_forward_length
  std::uint32_t n_vocab = 0;         // tokenizer.ggml.tokens length, else token_embd rows
  std::uint32_t context_length = 0;  // <arch>.context_length
  std::uint32_t rope_dims = 0;       // <arch>.rope.dimension_count (default head_dim)
  float rope_freq_base = 10000.0f;   // <arch>.rope.freq_base
  float rope_freq_scale = 1.0f;      // 1 / <arch>.rope.scaling.factor for linear scaling
  rope_scaling rope_scaling_type = rope_scaling::none;  // <arch>.rope.scaling.type
  llama3_rope_scaling llama3;        // with rope_scaling::llama3
  yarn_rope_scaling yarn;            // with rope_scaling::yarn
  float rms_norm_eps = 1e-5f;        // <arch>.attention.layer_norm_rms_epsilon

  std::uint32_t q_width() const { return n_heads * head_dim; }
  std::uint32_t kv_width() const { return n_kv_heads * head_dim; }
  layer_dims dims() const { return {n_embd, n_ff, q_width(), kv_width(), head_dim}; }
  // What attention logits are multiplied by besides 1/sqrt(head_dim): YaRN's mscale², else 1.
  float attention_logit_factor() const;
  // BLAKE2b-256 of the whole GGUF file (gguf_file::content_hash, computed once per opened file):
  // metadata (vocabulary, hyperparameters) and weights together decide the outputs, so the file bytes
  // are the model's identity.
  digest content_hash{};
};

// Reads and checks the hyperparameters; general.architecture must be a row of the architecture table
// (an unknown one is an error listing the supported architectures).
result<llama_hparams> read_llama_hparams(const gguf_file& file);

}  // namespace infergrid::model
