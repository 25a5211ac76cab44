#pragma once
// CPU reference of every operation the Vulkan kernels implement: plain loops, float accumulation,
// obviously correct. The kernel tests compare against these on random inputs; the CPU reference
// forward pass (reference/llama_forward) is built from them. Not a production path.
//
// Layouts: activations are row-major [n_tokens][width]; weights are GGUF row-major [rows][cols]
// (ne0 = cols is the contiguous dimension), each row `model::row_bytes(type, cols)` bytes.
#include <cstddef>
#include <cstdint>
#include <span>

#include "kernels/model/ggml_type.hpp"

namespace infergrid::reference {

// y[t][r] = sum_k W[r][k] * x[t][k] for t < n_tokens, r < rows. x: n_tokens*cols, y: n_tokens*rows.
void matmul(model::ggml_type type, const std::byte* weights, std::size_t rows, std::size_t cols,
            std::span<const float> x, std::span<float> y, std::size_t n_tokens);

// out[t] = table row tokens[t] dequantized (each row `dim` weights). out: tokens.size()*dim.
void embedding_lookup(model::ggml_type type, const std::byte* table, std::size_t dim,
                      std::span<const std::int32_t> tokens, std::span<float> out);

// out[t][i] = x[t][i] / sqrt(mean_i(x[t]^2) + eps) * weight[i]; width = weight.size().
void rms_norm(std::span<const float> x, std::span<const float> weight, float eps, std::span<float> out);

// Llama rotary embedding, "NORM" (non-NEOX) ordering: within each head, pairs (2i, 2i+1) are
// rotated by angle positions[t] * freq_scale * theta_base^(-2i/rope_dims) for 2i < rope_dims;
// dims beyond rope_dims are untouched. x: [n_tokens][n_heads][head_dim], in place.
void rope(std::span<float> x, std::size_t n_heads, std::size_t head_dim, std::size_t rope_dims,
          std::span<const std::int32_t> positions, float theta_base, float freq_scale);

// Rotary embedding with every option the architectures use (ggml_rope_ext without YaRN): NEOX
// ordering rotates pairs (i, i + rope_dims/2) instead of (2i, 2i+1); pair i's angle is divided by
// freq_factors[i] when given (llama3 scaling: rope_dims / 2 factors).
struct rope_settings {
  std::size_t rope_dims = 0;
  float theta_base = 10000.0f;
  float freq_scale = 1.0f;
  bool neox = false;
  std::span<const float> freq_factors;  // empty: none
};
void rope(std::span<float> x, std::size_t n_heads, std::size_t head_dim, std::span<const std::int32_t> positions,
          const rope_settings& settings);

// x[t][i] += bias[i] for every row t of width bias.size().
void add_bias(std::span<float> x, std::span<const float> bias);

// Causal grouped-query attention over a KV cache.
// q: [n_tokens][n_heads][head_dim]; k_cache, v_cache: [n_ctx][n_kv_heads][head_dim] (already holding
// the new tokens at their positions); query t attends to cache rows 0..positions[t] inclusive; head h
// reads kv head h / (n_heads / n_kv_heads). Softmax of q·k * scale, numerically stable (max subtracted).
// out: [n_tokens][n_heads][head_dim].
void attention(std::span<const float> q, std::span<const float> k_cache, std::span<const float> v_cache,
               std::span<const std::int32_t> positions, std::size_t n_heads, std::size_t n_kv_heads,
               std::size_t head_dim, float scale, std::span<float> out);

// out[i] = silu(gate[i]) * up[i], silu(x) = x / (1 + exp(-x)).
void swiglu(std::span<const float> gate, std::span<const float> up, std::span<float> out);

// out[i] = a[i] + b[i] (out may alias a).
void add(std::span<const float> a, std::span<const float> b, std::span<float> out);

}  // namespace infergrid::reference
