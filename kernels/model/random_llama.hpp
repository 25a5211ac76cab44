#pragma once
// random_llama: writes a randomly initialised Llama-architecture GGUF (real layout, real-looking SPM
// vocabulary) for tests and benchmarks. Weights are normal * 1/sqrt(cols), norm weights uniform in [0.5, 1.5], so activations
// stay finite through any depth. The float weights depend only on the seed and shapes, never on
// `weight_type`, so the F32/F16/Q8_0/Q4_0 files of one seed hold the same model at different precisions.
#include <cstdint>
#include <string>

#include "kernels/model/ggml_type.hpp"
#include "kernels/model/gguf_writer.hpp"
#include "runtime/result.hpp"

namespace infergrid::model {

struct random_llama_options {
  std::uint32_t n_layers = 4;
  std::uint32_t n_embd = 512;
  std::uint32_t n_heads = 8;
  std::uint32_t n_kv_heads = 4;
  std::uint32_t n_ff = 1408;
  std::uint32_t n_vocab = 1024;
  std::uint32_t context_length = 512;
  float rope_freq_base = 10000.0f;
  float rms_norm_eps = 1e-5f;
  ggml_type weight_type = ggml_type::f16;  // every matrix; norms are always F32
  bool tied_output = false;                // omit output.weight (the model reuses token_embd)
  std::uint64_t seed = 1;
};

// 2 layers, width 64, 4 heads over 2 kv heads, FFN 96, vocab 600: writes and loads in milliseconds.
random_llama_options random_llama_tiny(ggml_type weight_type);
// Roughly 100M parameters (~124M with the 32000-token vocabulary), for the benchmarks.
random_llama_options random_llama_100m(ggml_type weight_type);

// The model as a writer (so tests can alter it before writing).
result<gguf_writer> build_random_llama(const random_llama_options& options);
status write_random_llama(const std::string& path, const random_llama_options& options);

}  // namespace infergrid::model
