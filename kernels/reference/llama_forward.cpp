#include "kernels/reference/llama_forward.hpp"

#include <algorithm>
#include <cmath>

#include "kernels/reference/ops.hpp"

namespace infergrid::reference {
namespace {

std::span<const float> norm_weights(const model::weight_view& w) {
  return {reinterpret_cast<const float*>(w.data), w.cols};
}

// y = W x for a [rows][cols] weight over n_tokens rows of x.
std::vector<float> project(const model::weight_view& w, std::span<const float> x, std::size_t n_tokens) {
  std::vector<float> y(n_tokens * w.rows);
  matmul(w.type, w.data, w.rows, w.cols, x, y, n_tokens);
  return y;
}

}  // namespace

result<llama_forward> llama_forward::create(const model::gguf_file& file, std::size_t context_size) {
  llama_forward f;
  auto hparams = model::read_llama_hparams(file);
  if (!hparams) return hparams.err();
  f.hparams_ = *hparams;
  auto weights = model::resolve_llama_weights(file, f.hparams_);
  if (!weights) return weights.err();
  f.weights_ = std::move(*weights);
  f.context_size_ = context_size != 0 ? context_size : f.hparams_.context_length;
  const std::size_t kv_width = static_cast<std::size_t>(f.hparams_.n_kv_heads) * f.hparams_.head_dim;
  f.k_cache_.assign(f.hparams_.n_layers, std::vector<float>(f.context_size_ * kv_width, 0.0f));
  f.v_cache_.assign(f.hparams_.n_layers, std::vector<float>(f.context_size_ * kv_width, 0.0f));
  return f;
}

status llama_forward::check_batch(std::span<const std::int32_t> tokens, std::size_t start_position) const {
  if (tokens.empty()) return make_error(error_code::invalid_argument, "forward needs at least one token");
  if (start_position > context_size_ || tokens.size() > context_size_ - start_position) {
    return make_error(error_code::too_large, "positions " + std::to_string(start_position) + ".." +
                                                 std::to_string(start_position + tokens.size()) +
                                                 " exceed the context of " + std::to_string(context_size_));
  }
  for (std::int32_t token : tokens) {
    if (token < 0 || static_cast<std::uint32_t>(token) >= hparams_.n_vocab) {
      return make_error(error_code::invalid_argument, "token id " + std::to_string(token) + " is outside the vocabulary");
    }
  }
  return {};
}

void llama_forward::attention_block(std::size_t layer, std::vector<float>& x, std::span<const std::int32_t> positions) {
  const model::llama_layer_weights& w = weights_.layers[layer];
  const model::llama_hparams& h = hparams_;
  const std::size_t n = positions.size();
  const std::size_t head_dim = h.head_dim;
  const std::size_t kv_width = h.kv_width();
  std::vector<float> normed(x.size());
  rms_norm(x, norm_weights(w.attn_norm), h.rms_norm_eps, normed);
  std::vector<float> q = project(w.attn_q, normed, n);
  std::vector<float> k = project(w.attn_k, normed, n);
  std::vector<float> v = project(w.attn_v, normed, n);
  if (w.attn_q_bias.present()) {
    add_bias(q, norm_weights(w.attn_q_bias));
    add_bias(k, norm_weights(w.attn_k_bias));
    add_bias(v, norm_weights(w.attn_v_bias));
  }
  if (w.attn_q_norm.present()) {  // each head's RMSNorm (rows of head_dim)
    rms_norm(q, norm_weights(w.attn_q_norm), h.rms_norm_eps, q);
    rms_norm(k, norm_weights(w.attn_k_norm), h.rms_norm_eps, k);
  }
  const rope_settings rope_options{h.rope_dims, h.rope_freq_base, h.rope_freq_scale,
                                   h.arch->rope == model::rope_style::neox, weights_.rope_freq_factors};
  rope(q, h.n_heads, head_dim, positions, rope_options);
  rope(k, h.n_kv_heads, head_dim, positions, rope_options);
  if (h.rope_scaling_type == model::rope_scaling::yarn) {  // ggml's rope_yarn: cos and sin times mscale
    const model::yarn_rope_scaling& y = h.yarn;
    const float mscale = y.attn_factor * (y.ext_factor != 0.0f ? 1.0f + 0.1f * std::log(y.factor) : 1.0f);
    for (float& value : q) value *= mscale;
    for (float& value : k) value *= mscale;
  }
  for (std::size_t t = 0; t < n; ++t) {
    const std::size_t row = static_cast<std::size_t>(positions[t]) * kv_width;
    std::copy_n(k.data() + t * kv_width, kv_width, k_cache_[layer].data() + row);
    std::copy_n(v.data() + t * kv_width, kv_width, v_cache_[layer].data() + row);
  }
  std::vector<float> attended(n * h.q_width());
  attention(q, k_cache_[layer], v_cache_[layer], positions, h.n_heads, h.n_kv_heads, head_dim,
            1.0f / std::sqrt(static_cast<float>(head_dim)), attended);
  const std::vector<float> out = project(w.attn_output, attended, n);
  add(x, out, x);
}

void llama_forward::feed_forward_block(std::size_t layer, std::vector<float>& x, std::size_t n_tokens) {
  const model::llama_layer_weights& w = weights_.layers[layer];
  std::vector<float> normed(x.size());
  rms_norm(x, norm_weights(w.ffn_norm), hparams_.rms_norm_eps, normed);
  const std::vector<float> gate = project(w.ffn_gate, normed, n_tokens);
  const std::vector<float> up = project(w.ffn_up, normed, n_tokens);
  std::vector<float> activated(gate.size());
  swiglu(gate, up, activated);
  const std::vector<float> down = project(w.ffn_down, activated, n_tokens);
  add(x, down, x);
}

std::vector<float> llama_forward::hidden_states(std::span<const std::int32_t> tokens, std::size_t start_position) {
  const std::size_t n = tokens.size();
  std::vector<std::int32_t> positions(n);
  for (std::size_t t = 0; t < n; ++t) positions[t] = static_cast<std::int32_t>(start_position + t);
  std::vector<float> x(n * hparams_.n_embd);
  embedding_lookup(weights_.token_embd.type, weights_.token_embd.data, hparams_.n_embd, tokens, x);
  for (std::size_t layer = 0; layer < hparams_.n_layers; ++layer) {
    attention_block(layer, x, positions);
    feed_forward_block(layer, x, n);
  }
  std::vector<float> normed(x.size());
  rms_norm(x, norm_weights(weights_.output_norm), hparams_.rms_norm_eps, normed);
  return normed;
}

result<std::vector<float>> llama_forward::forward_all(std::span<const std::int32_t> tokens, std::size_t start_position) {
  IG_TRY(check_batch(tokens, start_position));
  const std::vector<float> hidden = hidden_states(tokens, start_position);
  return project(weights_.output, hidden, tokens.size());
}

result<std::vector<float>> llama_forward::forward(std::span<const std::int32_t> tokens, std::size_t start_position) {
  IG_TRY(check_batch(tokens, start_position));
  const std::vector<float> hidden = hidden_states(tokens, start_position);
  const std::size_t n_embd = hparams_.n_embd;
  return project(weights_.output, std::span<const float>(hidden).subspan((tokens.size() - 1) * n_embd, n_embd), 1);
}

result<std::vector<float>> llama_forward::mean_hidden_state(std::span<const std::int32_t> tokens) {
  IG_TRY(check_batch(tokens, 0));
  const std::vector<float> hidden = hidden_states(tokens, 0);
  const std::size_t n_embd = hparams_.n_embd;
  std::vector<float> mean(n_embd, 0.0f);
  for (std::size_t t = 0; t < tokens.size(); ++t) {
    for (std::size_t i = 0; i < n_embd; ++i) mean[i] += hidden[t * n_embd + i];
  }
  for (float& v : mean) v /= static_cast<float>(tokens.size());
  return mean;
}

}  // namespace infergrid::reference
