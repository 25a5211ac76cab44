#include "kernels/reference/ops.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <vector>

#include "kernels/reference/quant.hpp"

namespace infergrid::reference {

void matmul(model::ggml_type type, const std::byte* weights, std::size_t rows, std::size_t cols,
            std::span<const float> x, std::span<float> y, std::size_t n_tokens) {
  assert(x.size() >= n_tokens * cols);
  assert(y.size() >= n_tokens * rows);
  const std::size_t stride_bytes = model::row_bytes(type, cols);
  std::vector<float> row(cols);
  for (std::size_t r = 0; r < rows; ++r) {
    dequantize_row(type, weights + r * stride_bytes, row);
    for (std::size_t t = 0; t < n_tokens; ++t) {
      const float* xt = x.data() + t * cols;
      float sum = 0.0f;
      for (std::size_t k = 0; k < cols; ++k) sum += row[k] * xt[k];
      y[t * rows + r] = sum;
    }
  }
}

void embedding_lookup(model::ggml_type type, const std::byte* table, std::size_t dim,
                      std::span<const std::int32_t> tokens, std::span<float> out) {
  assert(out.size() >= tokens.size() * dim);
  const std::size_t stride_bytes = model::row_bytes(type, dim);
  for (std::size_t t = 0; t < tokens.size(); ++t) {
    assert(tokens[t] >= 0);
    dequantize_row(type, table + static_cast<std::size_t>(tokens[t]) * stride_bytes, out.subspan(t * dim, dim));
  }
}

void rms_norm(std::span<const float> x, std::span<const float> weight, float eps, std::span<float> out) {
  const std::size_t width = weight.size();
  assert(width > 0 && x.size() % width == 0 && out.size() >= x.size());
  for (std::size_t t = 0; t < x.size() / width; ++t) {
    const float* xt = x.data() + t * width;
    float sum_squares = 0.0f;
    for (std::size_t i = 0; i < width; ++i) sum_squares += xt[i] * xt[i];
    const float inverse_rms = 1.0f / std::sqrt(sum_squares / static_cast<float>(width) + eps);
    for (std::size_t i = 0; i < width; ++i) out[t * width + i] = xt[i] * inverse_rms * weight[i];
  }
}

void rope(std::span<float> x, std::size_t n_heads, std::size_t head_dim, std::size_t rope_dims,
          std::span<const std::int32_t> positions, float theta_base, float freq_scale) {
  rope(x, n_heads, head_dim, positions, {rope_dims, theta_base, freq_scale, false, {}});
}

void rope(std::span<float> x, std::size_t n_heads, std::size_t head_dim, std::span<const std::int32_t> positions,
          const rope_settings& s) {
  const std::size_t rope_dims = s.rope_dims;
  assert(rope_dims <= head_dim && rope_dims % 2 == 0);
  assert(s.freq_factors.empty() || s.freq_factors.size() == rope_dims / 2);
  assert(x.size() >= positions.size() * n_heads * head_dim);
  for (std::size_t t = 0; t < positions.size(); ++t) {
    const float position = static_cast<float>(positions[t]) * s.freq_scale;
    for (std::size_t h = 0; h < n_heads; ++h) {
      float* head = x.data() + (t * n_heads + h) * head_dim;
      for (std::size_t pair = 0; pair < rope_dims / 2; ++pair) {
        const std::size_t i = 2 * pair;
        const float inverse_frequency =
            std::pow(s.theta_base, -static_cast<float>(i) / static_cast<float>(rope_dims));
        float angle = position * inverse_frequency;
        if (!s.freq_factors.empty()) angle /= s.freq_factors[pair];
        const float c = std::cos(angle);
        const float sine = std::sin(angle);
        const std::size_t first = s.neox ? pair : i;
        const std::size_t second = s.neox ? pair + rope_dims / 2 : i + 1;
        const float x0 = head[first];
        const float x1 = head[second];
        head[first] = x0 * c - x1 * sine;
        head[second] = x0 * sine + x1 * c;
      }
    }
  }
}

void add_bias(std::span<float> x, std::span<const float> bias) {
  assert(!bias.empty() && x.size() % bias.size() == 0);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] += bias[i % bias.size()];
}

void attention(std::span<const float> q, std::span<const float> k_cache, std::span<const float> v_cache,
               std::span<const std::int32_t> positions, std::size_t n_heads, std::size_t n_kv_heads,
               std::size_t head_dim, float scale, std::span<float> out) {
  assert(n_kv_heads > 0 && n_heads % n_kv_heads == 0);
  const std::size_t group = n_heads / n_kv_heads;
  const std::size_t kv_row = n_kv_heads * head_dim;
  std::vector<float> scores;
  for (std::size_t t = 0; t < positions.size(); ++t) {
    assert(positions[t] >= 0);
    const std::size_t n_keys = static_cast<std::size_t>(positions[t]) + 1;
    assert(k_cache.size() >= n_keys * kv_row && v_cache.size() >= n_keys * kv_row);
    scores.resize(n_keys);
    for (std::size_t h = 0; h < n_heads; ++h) {
      const float* qh = q.data() + (t * n_heads + h) * head_dim;
      const std::size_t kv_head = h / group;
      float max_score = -std::numeric_limits<float>::infinity();
      for (std::size_t j = 0; j < n_keys; ++j) {
        const float* kj = k_cache.data() + j * kv_row + kv_head * head_dim;
        float dot = 0.0f;
        for (std::size_t d = 0; d < head_dim; ++d) dot += qh[d] * kj[d];
        scores[j] = dot * scale;
        max_score = std::max(max_score, scores[j]);
      }
      float sum = 0.0f;
      for (std::size_t j = 0; j < n_keys; ++j) {
        scores[j] = std::exp(scores[j] - max_score);
        sum += scores[j];
      }
      float* oh = out.data() + (t * n_heads + h) * head_dim;
      std::fill(oh, oh + head_dim, 0.0f);
      for (std::size_t j = 0; j < n_keys; ++j) {
        const float weight = scores[j] / sum;
        const float* vj = v_cache.data() + j * kv_row + kv_head * head_dim;
        for (std::size_t d = 0; d < head_dim; ++d) oh[d] += weight * vj[d];
      }
    }
  }
}

void swiglu(std::span<const float> gate, std::span<const float> up, std::span<float> out) {
  assert(up.size() == gate.size() && out.size() >= gate.size());
  for (std::size_t i = 0; i < gate.size(); ++i) {
    const float silu = gate[i] / (1.0f + std::exp(-gate[i]));
    out[i] = silu * up[i];
  }
}

void add(std::span<const float> a, std::span<const float> b, std::span<float> out) {
  assert(b.size() == a.size() && out.size() >= a.size());
  for (std::size_t i = 0; i < a.size(); ++i) out[i] = a[i] + b[i];
}

}  // namespace infergrid::reference
