#pragma once
// random_llama: writes a randomly initialised GGUF of any architecture of the architecture table
// (llama, qwen2, qwen3: their real tensor names and metadata keys; a real-looking SPM vocabulary)
// for tests and benchmarks. Weights are normal * 1/sqrt(cols), norm weights uniform in [0.5, 1.5], so activations
// stay finite through any depth. The float weights depend only on the seed and shapes, never on
// `weight_type` or `mix`, so the F32/F16/Q8_0/Q4_K_M/... files of one seed hold the same model at different precisions.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kernels/model/ggml_type.hpp"
#include "kernels/model/gguf_writer.hpp"
#include "kernels/model/hf_tokenizer_import.hpp"
#include "kernels/model/quant_mix.hpp"
#include "runtime/result.hpp"

namespace infergrid::model {

// Where a llama3-scaled rope keeps its frequency divisors: none (no scaling), rope_freqs.weight (as
// llama.cpp's converter writes Llama 3.x files), or rope scaling metadata only (type "llama3").
enum class llama3_rope_source { none, tensor, metadata };

struct random_llama_options {
  std::string architecture = "llama";  // a row of the architecture table
  std::uint32_t n_layers = 4;
  std::uint32_t n_embd = 512;
  std::uint32_t n_heads = 8;
  std::uint32_t n_kv_heads = 4;
  std::uint32_t head_dim = 0;  // 0: n_embd / n_heads; else written as attention.key_length/value_length
  std::uint32_t n_ff = 1408;
  std::uint32_t n_vocab = 1024;
  std::uint32_t context_length = 512;
  float rope_freq_base = 10000.0f;
  float rms_norm_eps = 1e-5f;
  ggml_type weight_type = ggml_type::f16;  // every matrix; norms are always F32
  std::optional<quant_mix> mix;            // instead of weight_type: llama.cpp's per-tensor mix (quant_mix.hpp)
  bool tied_output = false;                // omit output.weight (the model reuses token_embd)
  bool qkv_bias = false;  // write q/k/v biases where the architecture allows them (always where it requires them)
  llama3_rope_source llama3_rope = llama3_rope_source::none;  // llama only
  float llama3_factor = 8.0f;
  std::uint32_t llama3_original_context = 8192;
  float yarn_factor = 0.0f;                  // > 0: rope scaling type "yarn" with this factor
  std::uint32_t yarn_original_context = 0;   // its original_context_length (0: not written)
  std::uint64_t seed = 1;
  // Draw the matrices on all hardware threads, each run of 64 rows from its own stream (an 8B model
  // in seconds; other values than the one sequential stream the small fixtures keep).
  bool parallel_draw = false;
  // A real vocabulary (hf_tokenizer_import) instead of the generated SentencePiece one; n_vocab then
  // is its token count. Not owned: it must outlive the build call.
  const gguf_tokenizer_fields* tokenizer_fields = nullptr;
};

// 2 layers, width 64, 4 heads over 2 kv heads, FFN 96, vocab 600: writes and loads in milliseconds.
random_llama_options random_llama_tiny(ggml_type weight_type);
// Roughly 100M parameters (~124M with the 32000-token vocabulary), for the benchmarks.
random_llama_options random_llama_100m(ggml_type weight_type);
// Qwen2-0.5B's shape (width 896, 24 layers, 14 heads over 2 kv heads, FFN 4864, vocab 151936, tied
// embeddings) and Qwen2-1.5B's (1536, 28 layers, 12 over 2, FFN 8960, tied), architecture qwen2.
random_llama_options random_qwen2_0_5b(ggml_type weight_type);
random_llama_options random_qwen2_1_5b(ggml_type weight_type);
// Llama-3.1-8B's shape (width 4096, 32 layers, 32 heads over 8 kv heads, FFN 14336, vocab 128256,
// rope base 500000, llama3 rope scaling in rope_freqs.weight as llama.cpp's converter writes it),
// with a generated SentencePiece vocabulary of that size: the GPU benchmark's model (bench/gpu-bundle.sh).
random_llama_options random_llama31_8b(ggml_type weight_type);

// The shapes by the names make-model and decode_bench take ("tiny", "small", "100m", "qwen2-0.5b",
// "qwen2-1.5b", "llama3.1-8b"), in that order.
struct random_llama_size {
  std::string_view name;
  random_llama_options (*options)(ggml_type weight_type);
};
std::span<const random_llama_size> random_llama_sizes();
// The options of the size called `name` for `type` (a weight type, or a mix of quant_mix.hpp by its
// CLI name); nullopt for an unknown size or type.
std::optional<random_llama_options> random_llama_named(std::string_view size, std::string_view type);

// The model as a writer (so tests can alter it before writing).
result<gguf_writer> build_random_llama(const random_llama_options& options);
status write_random_llama(const std::string& path, const random_llama_options& options);

}  // namespace infergrid::model
