#pragma once
// llama_weights: every tensor of a GGUF of a supported architecture resolved by name (the names and
// the families the architecture's row requires or allows: architecture.hpp) and shape-checked
// against the hyperparameters. Views point into the file's mapping; the gguf_file must outlive them.
#include <cstddef>
#include <string>
#include <vector>

#include "kernels/model/ggml_type.hpp"
#include "kernels/model/gguf_file.hpp"
#include "kernels/model/llama_hparams.hpp"
#include "runtime/result.hpp"

namespace infergrid::model {

// A weight matrix [rows][cols] (cols contiguous, GGUF ne0 = cols); norms are one row of F32.
struct weight_view {
  std::string name;
  ggml_type type = ggml_type::f32;
  std::size_t rows = 0;
  std::size_t cols = 0;
  const std::byte* data = nullptr;
  std::size_t bytes = 0;

  bool present() const { return data != nullptr; }  // optional tensors the file lacks stay empty
};

struct llama_layer_weights {
  weight_view attn_norm;    // [1][n_embd] F32
  weight_view attn_q;       // [n_heads*head_dim][n_embd]
  weight_view attn_k;       // [n_kv_heads*head_dim][n_embd]
  weight_view attn_v;       // [n_kv_heads*head_dim][n_embd]
  weight_view attn_q_bias;  // [1][n_heads*head_dim] F32 (qkv_bias family: qwen2, some llama files)
  weight_view attn_k_bias;  // [1][n_kv_heads*head_dim] F32
  weight_view attn_v_bias;  // [1][n_kv_heads*head_dim] F32
  weight_view attn_q_norm;  // [1][head_dim] F32 (qk_norm family: qwen3), each q head's RMSNorm
  weight_view attn_k_norm;  // [1][head_dim] F32, each k head's RMSNorm
  weight_view attn_output;  // [n_embd][n_heads*head_dim]
  weight_view ffn_norm;     // [1][n_embd] F32
  weight_view ffn_gate;     // [n_ff][n_embd]
  weight_view ffn_up;       // [n_ff][n_embd]
  weight_view ffn_down;     // [n_embd][n_ff]

  // Calls visit(view) for each of the layer's tensors the file has.
  template <class Visit>
  void for_each_present(Visit&& visit) const {
    for (const weight_view* v : {&attn_norm, &attn_q, &attn_k, &attn_v, &attn_q_bias, &attn_k_bias, &attn_v_bias,
                                 &attn_q_norm, &attn_k_norm, &attn_output, &ffn_norm, &ffn_gate, &ffn_up, &ffn_down}) {
      if (v->present()) visit(*v);
    }
  }
  // Bytes of all the layer's tensors in the file (absent optional ones count 0).
  std::size_t file_bytes() const {
    std::size_t total = 0;
    for_each_present([&](const weight_view& v) { total += v.bytes; });
    return total;
  }
};

struct llama_weights {
  weight_view token_embd;  // [n_vocab][n_embd]
  std::vector<llama_layer_weights> layers;
  weight_view output_norm;  // [1][n_embd] F32
  weight_view output;       // [n_vocab][n_embd]; token_embd when the file has no output.weight
  bool output_tied = false;
  // Rope frequency divisors, rope_dims / 2 of them (llama3 scaling: rope_freqs.weight, or computed
  // from the rope scaling metadata); empty when the model has none.
  std::vector<float> rope_freq_factors;

  // Calls visit(view) for every tensor the model uses (a tied output once; not the rope factors).
  template <class Visit>
  void for_each_present(Visit&& visit) const {
    for (const weight_view* v : {&token_embd, &output_norm, &output}) {
      if (v->present() && !(v == &output && output_tied)) visit(*v);
    }
    for (const llama_layer_weights& layer : layers) layer.for_each_present(visit);
  }
  // Bytes of every weight the model uses (a tied output counted once; the rope factors as F32).
  std::size_t file_bytes() const {
    std::size_t total = rope_freq_factors.size() * sizeof(float);
    for_each_present([&](const weight_view& v) { total += v.bytes; });
    return total;
  }
  bool has_qkv_bias() const { return !layers.empty() && layers.front().attn_q_bias.present(); }
  bool has_qk_norm() const { return !layers.empty() && layers.front().attn_q_norm.present(); }
};

// The llama3 rope frequency divisors for `hparams` (as llama.cpp's converter computes rope_freqs.weight
// from a Llama 3.x config's rope_scaling): 1 for high frequencies, `factor` for low ones, smoothly
// between.
std::vector<float> llama3_rope_freq_factors(const llama_hparams& hparams);
// YaRN's per-frequency divisors (yarn_rope_scaling): 1 / (mix + (1 − mix) / factor), the mix ramping
// from 1 (high frequencies, extrapolated) to 0 (low ones, interpolated), times yarn_ext_factor.
std::vector<float> yarn_rope_freq_factors(const llama_hparams& hparams);

result<llama_weights> resolve_llama_weights(const gguf_file& file, const llama_hparams& hparams);

}  // namespace infergrid::model
