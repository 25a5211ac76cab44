#pragma once
// A model's weights resident on the device (any architecture: the optional biases, q/k norms and
// rope factors are there when the model has them), kept in their stored types (F32, F16, Q8_0,
// Q4_0) in the layout of weight_layout.hpp. Projections that read the same input are stacked into
// one matrix when their types agree (q|k|v, gate|up), so one dispatch computes them.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "kernels/engine/device_weight.hpp"
#include "kernels/model/llama_hparams.hpp"
#include "kernels/model/llama_weights.hpp"
#include "kernels/vk/buffer.hpp"
#include "kernels/vk/device.hpp"
#include "runtime/result.hpp"

namespace infergrid::engine {

// Matrices whose outputs sit side by side in one output row: part i fills columns
// [column_offsets[i], column_offsets[i] + parts[i].rows()) of rows `width` wide. A matrix too big for
// one binding on the device is split by rows into several parts (e.g. a large vocabulary's output
// or embedding table on lavapipe); for an embedding table, part i holds rows from column_offsets[i].
// swiglu_pairs (gate|up only): the rows are stored in groups of 2 x kernel_library::swiglu_pair_rows(),
// gate rows then the up rows of the same outputs, for a matmul that writes SwiGLU
// (matmul_output::swiglu); the columns above then count rows, the outputs are half of them.
struct projection {
  std::vector<device_weight> parts;
  std::vector<std::uint32_t> column_offsets;
  std::uint32_t width = 0;
  bool swiglu_pairs = false;
};

struct device_layer {
  vk::buffer attn_norm;  // [n_embd] f32
  projection qkv;        // -> [n_heads*hd | n_kv*hd | n_kv*hd]
  std::optional<vk::buffer> qkv_bias;  // [n_heads*hd | n_kv*hd | n_kv*hd] f32, added before rope (qwen2)
  std::optional<vk::buffer> q_norm;    // [hd] f32: each q head's RMSNorm before rope (qwen3)
  std::optional<vk::buffer> k_norm;    // [hd] f32
  projection attn_output;
  vk::buffer ffn_norm;
  projection gate_up;    // -> [n_ff | n_ff], or silu(gate) * up [n_ff] when in swiglu pairs
  projection down;
};

struct device_model {
  model::llama_hparams hparams;
  projection token_embd;
  std::optional<projection> output;  // nullopt when tied to token_embd
  vk::buffer output_norm;
  std::vector<device_layer> layers;
  std::optional<vk::buffer> rope_freq_factors;  // rope_dims / 2 f32 (llama3 scaling)
  std::size_t device_bytes = 0;  // weights as stored on the device

  const projection& output_weight() const { return output ? *output : token_embd; }
};

// Told after each uploaded piece (the embedding table, the output table, each layer) how many of
// the model's weight bytes (as stored in the GGUF file) are on the device, and how many in all.
using upload_progress = std::function<void(std::size_t done_bytes, std::size_t total_bytes)>;

// How the kernels read weights: the access path and the row groups (kernel_library says which).
struct weight_arrangement {
  weight_access access = weight_access::texel;
  std::size_t row_group = 1;
  std::size_t swiglu_pair_rows = 0;  // gate|up in swiglu pairs of this many rows (0: stacked)
};

// part_bytes_limit: 0 = the device's limits decide where matrices split (tests force smaller parts).
result<device_model> upload_model(const vk::device& dev, const model::llama_hparams& hparams,
                                  const model::llama_weights& weights, const weight_arrangement& arrangement,
                                  std::size_t part_bytes_limit = 0, const upload_progress& progress = {});

}  // namespace infergrid::engine
