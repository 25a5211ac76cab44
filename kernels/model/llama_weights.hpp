#pragma once
// llama_weights: every tensor of a Llama GGUF resolved by name and shape-checked against the
// hyperparameters. Views point into the file's mapping; the gguf_file must outlive them.
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
};

struct llama_layer_weights {
  weight_view attn_norm;    // [1][n_embd] F32
  weight_view attn_q;       // [n_heads*head_dim][n_embd]
  weight_view attn_k;       // [n_kv_heads*head_dim][n_embd]
  weight_view attn_v;       // [n_kv_heads*head_dim][n_embd]
  weight_view attn_output;  // [n_embd][n_heads*head_dim]
  weight_view ffn_norm;     // [1][n_embd] F32
  weight_view ffn_gate;     // [n_ff][n_embd]
  weight_view ffn_up;       // [n_ff][n_embd]
  weight_view ffn_down;     // [n_embd][n_ff]
};

struct llama_weights {
  weight_view token_embd;  // [n_vocab][n_embd]
  std::vector<llama_layer_weights> layers;
  weight_view output_norm;  // [1][n_embd] F32
  weight_view output;       // [n_vocab][n_embd]; token_embd when the file has no output.weight
  bool output_tied = false;
};

result<llama_weights> resolve_llama_weights(const gguf_file& file, const llama_hparams& hparams);

}  // namespace infergrid::model
