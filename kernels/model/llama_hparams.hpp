#pragma once
// llama_hparams: the hyperparameters of a Llama-architecture GGUF (`llama.*` metadata), validated for
// consistency, plus the model's content hash (its identity on the network).
#include <cstdint>

#include "kernels/model/gguf_file.hpp"
#include "runtime/identity.hpp"
#include "runtime/result.hpp"

namespace infergrid::model {

struct llama_hparams {
  std::uint32_t n_layers = 0;        // llama.block_count
  std::uint32_t n_embd = 0;          // llama.embedding_length
  std::uint32_t n_heads = 0;         // llama.attention.head_count
  std::uint32_t n_kv_heads = 0;      // llama.attention.head_count_kv (default n_heads)
  std::uint32_t head_dim = 0;        // n_embd / n_heads
  std::uint32_t n_ff = 0;            // llama.feed_forward_length
  std::uint32_t n_vocab = 0;         // tokenizer.ggml.tokens length, else token_embd rows
  std::uint32_t context_length = 0;  // llama.context_length
  std::uint32_t rope_dims = 0;       // llama.rope.dimension_count (default head_dim)
  float rope_freq_base = 10000.0f;   // llama.rope.freq_base
  float rope_freq_scale = 1.0f;      // 1 / llama.rope.scaling.factor for linear scaling
  float rms_norm_eps = 1e-5f;        // llama.attention.layer_norm_rms_epsilon
  // BLAKE2b-256 of the whole GGUF file (gguf_file::content_hash, computed once per opened file):
  // metadata (vocabulary, hyperparameters) and weights together decide the outputs, so the file bytes
  // are the model's identity.
  digest content_hash{};
};

// Reads and checks the hyperparameters; general.architecture must be "llama".
result<llama_hparams> read_llama_hparams(const gguf_file& file);

}  // namespace infergrid::model
