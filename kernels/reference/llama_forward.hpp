#pragma once
// llama_forward: the CPU reference of a whole forward pass of any supported architecture (the Llama
// graph plus the options of the model's architecture row), built only from reference/ops.hpp —
// embedding, per layer RMSNorm → Q/K/V (+ bias) → per-head q/k RMSNorm (qwen3) → rope (NORM or
// NEOX, llama3 frequency factors) → KV cache → causal GQA attention → output projection →
// residual → RMSNorm → SwiGLU FFN → residual, then the final norm and the logits. Plain and slow on
// purpose: the Vulkan engine's whole-model outputs are tested against it.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "kernels/model/gguf_file.hpp"
#include "kernels/model/llama_hparams.hpp"
#include "kernels/model/llama_weights.hpp"
#include "runtime/result.hpp"

namespace infergrid::reference {

class llama_forward {
 public:
  // `file` must outlive the result (weights are read from its mapping). context_size 0 means the
  // model's llama.context_length.
  static result<llama_forward> create(const model::gguf_file& file, std::size_t context_size = 0);

  // Runs `tokens` at positions start_position, start_position+1, ... (the KV cache must already hold
  // positions before start_position) and returns the logits of the last token (n_vocab floats).
  result<std::vector<float>> forward(std::span<const std::int32_t> tokens, std::size_t start_position);
  // Same, returning the logits of every token: [tokens.size()][n_vocab].
  result<std::vector<float>> forward_all(std::span<const std::int32_t> tokens, std::size_t start_position);
  // The mean over `tokens` (run from position 0) of the final hidden state after output_norm: n_embd floats.
  result<std::vector<float>> mean_hidden_state(std::span<const std::int32_t> tokens);

  const model::llama_hparams& hparams() const { return hparams_; }
  std::size_t context_size() const { return context_size_; }

 private:
  llama_forward() = default;
  status check_batch(std::span<const std::int32_t> tokens, std::size_t start_position) const;
  // Runs the layers; returns the final hidden states (after output_norm), [n_tokens][n_embd].
  std::vector<float> hidden_states(std::span<const std::int32_t> tokens, std::size_t start_position);
  void attention_block(std::size_t layer, std::vector<float>& x, std::span<const std::int32_t> positions);
  void feed_forward_block(std::size_t layer, std::vector<float>& x, std::size_t n_tokens);

  model::llama_hparams hparams_;
  model::llama_weights weights_;
  std::size_t context_size_ = 0;
  std::vector<std::vector<float>> k_cache_;  // per layer [context_size][n_kv_heads * head_dim]
  std::vector<std::vector<float>> v_cache_;
};

}  // namespace infergrid::reference
