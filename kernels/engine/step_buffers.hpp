#pragma once
// Everything a forward step reads and writes besides the weights: the activations for up to
// max_tokens tokens, the per-token inputs the CPU writes before each submit (token ids,
// positions, slots, and which rows produce logits), the logits and greedy ids the CPU reads back,
// and the KV cache: per layer, n_slots regions of n_ctx rows of n_kv_heads * head_dim floats (32- or,
// with kv_f16, 16-bit; attention reads them through RGBA32F or RGBA16F views alike).
// All sizes are fixed at creation, so a recorded step stays valid for every later submit.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "kernels/model/llama_hparams.hpp"
#include "kernels/vk/buffer.hpp"
#include "kernels/vk/device.hpp"
#include "runtime/result.hpp"

namespace infergrid::engine {

struct step_capacity {
  std::uint32_t max_tokens = 0;  // tokens per submitted step
  std::uint32_t n_slots = 0;     // sequences with their own KV cache region
  std::uint32_t n_ctx = 0;       // positions per slot
  bool gate_up = true;           // a [tokens][2 n_ff] gate|up buffer (not when every layer writes SwiGLU itself)
  std::uint32_t max_outputs = 0; // logits rows per submit; 0 = n_slots (one per sequence)
  bool kv_f16 = false;           // the KV cache in 16-bit floats (half the memory)
  std::size_t kv_element_bytes() const { return kv_f16 ? 2 : 4; }
  std::uint32_t output_rows() const { return max_outputs != 0 ? max_outputs : n_slots; }
};

struct step_buffers {
  static result<step_buffers> create(const vk::device& dev, const model::llama_hparams& hparams,
                                     const step_capacity& capacity);
  // What create() allocates, known before it runs (the memory plan).
  static std::size_t activation_bytes_for(const model::llama_hparams& hparams, const step_capacity& capacity);
  static std::size_t kv_cache_bytes_for(const model::llama_hparams& hparams, const step_capacity& capacity);

  step_capacity capacity;
  // Activations, [token][width].
  vk::buffer residual;     // n_embd
  vk::buffer normed;       // n_embd (unless the norms are fused into the matmuls)
  vk::buffer qkv;          // (n_heads + 2 n_kv_heads) * head_dim
  vk::buffer attention;    // n_heads * head_dim
  vk::buffer gate_up;      // 2 n_ff (when capacity.gate_up; a 16-byte placeholder otherwise)
  vk::buffer ffn_hidden;   // n_ff (unless SwiGLU is fused into the down projection)
  vk::buffer final_normed; // [output rows][n_embd]: the last token of each sequence (or every scored token)
  vk::buffer_view residual_view, normed_view, qkv_view, attention_view, gate_up_view, ffn_hidden_view,
      final_normed_view;  // RGBA32F
  // Host-visible inputs and outputs.
  vk::buffer tokens, positions, slots;  // int32 per token
  vk::buffer output_rows;               // int32 per output row: its token's row in the step
  vk::buffer logits;                    // [output rows][n_vocab] floats
  vk::buffer greedy_ids;                // int32 per output row
  // KV cache, per layer.
  std::vector<vk::buffer> k_cache, v_cache;
  std::vector<vk::buffer_view> k_view, v_view;
  std::size_t kv_cache_bytes = 0;
  std::size_t activation_bytes = 0;
};

}  // namespace infergrid::engine
