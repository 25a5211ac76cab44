#pragma once
// The GLSL kernels as calls that record into a command buffer: each call picks its variant
// (weight type, access path, subgroup or shared-memory reduction), creates the pipeline once
// (cached by variant and specialization constants), points a descriptor set at its buffers,
// pushes its parameters, dispatches, and records a barrier so the next call sees its writes.
// Layouts and semantics are those of kernels/reference/ops.hpp.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "kernels/engine/device_weight.hpp"
#include "kernels/engine/step_profile.hpp"
#include "kernels/engine/tiled_matmul_shape.hpp"
#include "kernels/model/architecture.hpp"
#include "kernels/vk/buffer.hpp"
#include "kernels/vk/command.hpp"
#include "kernels/vk/descriptors.hpp"
#include "kernels/vk/device.hpp"
#include "kernels/vk/pipeline.hpp"
#include "runtime/result.hpp"

namespace infergrid::engine {

// How a matmul workgroup shares its work: lanes split each row's columns and reduce (GPUs: reads
// coalesce), or each lane computes whole rows alone (CPU devices: lanes are SIMD slots, and the
// shared x reads are uniform).
enum class matmul_layout { split_columns, row_per_lane };

struct kernel_options {
  std::optional<weight_access> access;  // default: texel on CPU devices (lavapipe.md), storage on GPUs
  std::optional<bool> use_subgroups;    // default: when the device has subgroup arithmetic
  std::uint32_t matmul_rows = 0;        // weight rows per workgroup; 0 = device default
  // Most tokens one matmul.comp workgroup multiplies per weight read (1..16). Lavapipe, 100M, 16
  // instead of 8: decode_bench prefill faster in 9 of 11 interleaved runs, but the validator's replay
  // 1.04-2x slower in 4 of 4 and resident memory +19 MB (bench/results/lavapipe-2026-12-05-gemm.txt).
  std::uint32_t matmul_tokens = 8;
  std::optional<matmul_layout> layout;  // default: row_per_lane on CPU devices, else split_columns
  // Reductions by subgroup operations alone, no barriers (needs one subgroup per workgroup, which
  // only CPU devices with their fixed subgroup size guarantee). Default: on where guaranteed.
  std::optional<bool> subgroup_only;
  // Run RMSNorm and SwiGLU inside the following matmul's reads of x (matmul_input) instead of as
  // their own dispatches, in steps of at most matmul_tokens tokens (decode: bound by dispatches and
  // barriers; each workgroup redoes the fused step, which prefill's compute cannot afford — H100
  // decode_bench F16: decode batch 1 720 -> 976 tok/s fused, prefill of 8 prompts 34k -> 10k).
  // With row_per_lane (CPU devices) only the norms move into the matmuls, in steps of any size:
  // each lane normalises the x vec4 it fetches for the whole subgroup (X_FROM_LANES), and SwiGLU
  // stays in the gate/up epilogue (swiglu_pair_rows). Default: on (lavapipe 100M decode_bench,
  // decode batch 1: F16 ~69 -> ~76 tok/s, Q8_0 ~81 -> ~86; before x came from the lanes, fusing
  // was slower there).
  std::optional<bool> fuse_matmul_inputs;
  // The tiled GEMM for prefill chunks (matmul_tiled.comp): its tile, and from how many tokens it
  // runs (0 = never). Default: the device kind's row of tiled_matmul_table.
  std::optional<tiled_matmul_shape> tiled_matmul;
  std::optional<std::uint32_t> tiled_min_tokens;  // overrides the shape's min_tokens alone
  // split_columns: a lane takes single units of a K-quant weight group (LANE_UNITS in matmul.comp)
  // instead of the whole group (64 or 128 weights). Default: where a row has fewer groups than the
  // workgroup has lanes (H200, 100M Q4_K_M, 768-wide rows: 6-12 groups for 32 lanes; whole groups
  // decoded at 0.76x the speed of the previous 32-weight units, bench/results/h200-2026-12-04-kquant-native.txt).
  std::optional<bool> lane_units;
};

// What a matmul multiplies: x itself, or the step before the product fused into its reads of x.
struct matmul_input {
  // INPUT_MODE in matmul.comp. ones: x is not read, y = each row's sum (the weight-read ceiling).
  enum class kind : std::uint32_t { plain = 0, rms_norm = 1, swiglu = 2, ones = 3 };
  kind what = kind::plain;
  const vk::buffer* norm_weight = nullptr;  // rms_norm: [cols] floats
  float eps = 0.0f;                         // rms_norm

  static matmul_input rms_norm(const vk::buffer& weight, float eps) { return {kind::rms_norm, &weight, eps}; }
  static matmul_input swiglu() { return {kind::swiglu, nullptr, 0.0f}; }
  static matmul_input ones() { return {kind::ones, nullptr, 0.0f}; }
};

// What a matmul writes (OUTPUT_MODE in matmul.comp): each row's product, or SwiGLU of row pairs
// (swiglu: the weight in swiglu_pairs order, see kernel_library::swiglu_pair_rows()).
enum class matmul_output : std::uint32_t { plain = 0, swiglu = 1 };

struct matmul_push;  // push_constants.glsl's MATMUL_PUSH, defined in kernel_library.cpp

// Where a call records: the step's command buffer and the pool its descriptor sets come from.
// With a profile, each dispatch is followed by a timestamp labelled "<stage> <variant>".
struct recorder {
  vk::command_buffer& commands;
  vk::descriptor_pool& pool;
  step_profile* profile = nullptr;
  const char* stage = "";  // what the next calls compute, e.g. "ffn_down"
};

struct attention_shape {
  std::uint32_t n_heads = 0;
  std::uint32_t n_kv_heads = 0;
  std::uint32_t head_dim = 0;
  std::uint32_t n_ctx = 0;  // cache rows per slot
};

struct rope_parameters {
  std::uint32_t rope_dims = 0;
  float theta_base = 10000.0f;
  float freq_scale = 1.0f;
  model::rope_style style = model::rope_style::norm;
  const vk::buffer* freq_factors = nullptr;  // rope_dims / 2 floats dividing each pair's angle (llama3)
  const vk::buffer* qkv_bias = nullptr;      // q|k|v biases, added to the qkv row before rope (qwen2)
};

// Per-token inputs shared by several kernels: positions and slots (int32 per token), read from
// token_offset on.
struct token_inputs {
  const vk::buffer& positions;
  const vk::buffer& slots;
  std::uint32_t token_offset = 0;
};

class kernel_library {
 public:
  static result<kernel_library> create(const vk::device& dev, const kernel_options& options = {});

  const vk::device& device() const { return *device_; }
  weight_access access() const { return access_; }
  bool uses_subgroups() const { return use_subgroups_; }
  bool subgroup_only() const { return subgroup_only_; }
  std::uint32_t block_size() const { return block_size_; }
  std::uint32_t matmul_rows() const { return matmul_rows_; }
  // LANE_UNITS of a split_columns matmul of `weight`: 1 where a lane takes single units of its
  // groups, 0 where whole groups (and for every type whose groups are single units).
  std::uint32_t lane_units_for(const device_weight& weight) const;
  std::uint32_t matmul_tokens() const { return matmul_tokens_; }
  matmul_layout layout() const { return layout_; }
  const tiled_matmul_shape& tiled_shape() const { return tiled_; }
  // Whether matmul() runs this call as the tiled GEMM: n_tokens reaches the shape's min_tokens, the
  // input is plain or rms_norm, and a swiglu output's pairs fit the tile (whole groups of gate and
  // up rows, a lane's up rows at a fixed register distance from its gate rows).
  bool runs_tiled(std::uint32_t n_tokens, const matmul_input& input, matmul_output output) const;
  // Rows a matmul workgroup computes together, as weights should be grouped for it (weight_layout.hpp):
  // every row_per_lane workgroup's rows; 1 (plain rows) for split_columns. Any grouping is read
  // correctly; this one reads as one stream.
  std::uint32_t weight_row_group() const { return layout_ == matmul_layout::row_per_lane ? rows_per_workgroup() : 1; }
  // Gate rows per group when the gate|up matrix should be stored in swiglu pairs order (groups of
  // a workgroup's rows: this many gate rows, then the up rows of the same outputs) so the gate/up
  // matmul writes SwiGLU itself (matmul_output::swiglu), fused inputs or not; 0 when SwiGLU runs
  // elsewhere (split_columns with fused inputs: in the down projection's input; or where a
  // workgroup has an odd number of rows).
  std::uint32_t swiglu_pair_rows() const {
    const bool swiglu_in_down = fuse_matmul_inputs_ && layout_ == matmul_layout::split_columns;
    return swiglu_in_down || rows_per_workgroup() % 2 != 0 ? 0 : rows_per_workgroup() / 2;
  }
  // Whether a step of n_tokens runs its norms and SwiGLU inside the matmuls (fuse_matmul_inputs):
  // split_columns only for steps of one token block (each workgroup redoes the step for all of x);
  // row_per_lane for any step (each lane normalises only the vec4 of x it fetches for its subgroup,
  // and prefill then compiles no matmul variants of its own: lavapipe, 100M Q8_0 decode_bench, 1.25x
  // -> 1.23x resident; prefill speed unchanged).
  bool fuses_matmul_inputs(std::uint32_t n_tokens) const {
    return fuse_matmul_inputs_ && (layout_ == matmul_layout::row_per_lane || n_tokens <= matmul_tokens_);
  }

  // y[y_offset + t*y_stride + r] (+)= W[r] . in(x[t]); x: texel view (RGBA32F) of [n_tokens][cols]
  // ([n_tokens][2 cols] for swiglu input) starting at vec4 x_offset; in() is `input`. y_stride 0 =
  // the weight's rows (a dense [n_tokens][rows] output). With matmul_output::swiglu, y gets half
  // the rows (y_offset, y_stride in outputs; 0 = rows / 2) and accumulate must be false.
  status matmul(recorder& rec, const device_weight& weight, const vk::buffer_view& x, std::uint32_t x_offset_vec4,
                const vk::buffer& y, std::uint32_t y_offset, std::uint32_t y_stride, std::uint32_t n_tokens,
                bool accumulate, const matmul_input& input = {}, matmul_output output = matmul_output::plain);
  // out[t] = table row tokens[token_offset + t]; `table` holds rows first_row.. of the whole table
  // and writes only the tokens among them (a table split into parts takes one call per part).
  status embedding(recorder& rec, const device_weight& table, const vk::buffer& tokens, std::uint32_t token_offset,
                   std::uint32_t n_tokens, const vk::buffer& out, std::uint32_t first_row = 0);
  // out[i] = rms_norm(x[row_list ? row_list[i] : i]) * weight, n_rows rows of `width`.
  status rms_norm(recorder& rec, const vk::buffer& x, const vk::buffer& weight, const vk::buffer& out,
                  std::uint32_t width, std::uint32_t n_rows, float eps, const vk::buffer* row_list);
  // Rope of the q and k parts of fused qkv rows (in place for q), after adding the biases when given;
  // k and v go into the caches (of 16-bit floats with f16_cache).
  status rope_kv(recorder& rec, const vk::buffer& qkv, const token_inputs& tokens, const vk::buffer& k_cache,
                 const vk::buffer& v_cache, const attention_shape& shape, const rope_parameters& rope,
                 std::uint32_t n_tokens, bool f16_cache = false);
  // Per-head RMSNorm of the q heads (weights q_norm, head_dim floats) and k heads (k_norm) of fused
  // qkv rows, in place.
  status qk_norm(recorder& rec, const vk::buffer& qkv, const vk::buffer& q_norm, const vk::buffer& k_norm,
                 const attention_shape& shape, float eps, std::uint32_t n_tokens);
  // out[t][head] = softmax(q.k * scale) v over the slot's cache rows 0..position[t].
  status attention(recorder& rec, const vk::buffer_view& q, std::uint32_t q_stride, const vk::buffer_view& k_cache,
                   const vk::buffer_view& v_cache, const token_inputs& tokens, const vk::buffer& out,
                   const attention_shape& shape, float scale, std::uint32_t n_tokens);
  // out[t][i] = silu(gate_up[t][i]) * gate_up[t][width + i].
  status swiglu(recorder& rec, const vk::buffer& gate_up, const vk::buffer& out, std::uint32_t width,
                std::uint32_t n_tokens);
  status add(recorder& rec, const vk::buffer& a, const vk::buffer& b, const vk::buffer& out, std::uint32_t count);
  // ids[r] = argmax of row r of `logits` (rows of `width`).
  status argmax(recorder& rec, const vk::buffer& logits, const vk::buffer& ids, std::uint32_t width, std::uint32_t rows);

 private:
  kernel_library() = default;
  result<const vk::compute_pipeline*> pipeline(const std::string& name, std::vector<vk::binding_kind> bindings,
                                               std::uint32_t push_bytes, std::vector<std::uint32_t> specialization);
  template <class Push>
  status record(recorder& rec, const std::string& name, const vk::compute_pipeline& pipeline,
                std::initializer_list<vk::resource> resources,
                const Push& push, std::uint32_t groups_x, std::uint32_t groups_y = 1, std::uint32_t groups_z = 1);
  // Lanes for a shared-memory kernel that gains from a wide workgroup: up to `most` (a power of
  // two) within the device's limit, never below the (rounded-up) subgroup-sized block.
  std::uint32_t wide_workgroup(std::uint32_t most) const;
  // Weight rows one matmul workgroup computes: ROWS per lane times the lanes (row_per_lane), or ROWS.
  std::uint32_t rows_per_workgroup() const {
    return layout_ == matmul_layout::row_per_lane ? block_size_ * matmul_rows_ : matmul_rows_;
  }
  status record_tiled_matmul(recorder& rec, const device_weight& weight, const vk::buffer_view& x, const vk::buffer& y,
                             const matmul_push& push, const matmul_input& input, matmul_output output);
  std::string reduction_suffix() const {
    return subgroup_only_ ? "_subgroup_only" : use_subgroups_ ? "_subgroup" : "_shared";
  }

  const vk::device* device_ = nullptr;
  weight_access access_ = weight_access::texel;
  bool use_subgroups_ = false;
  bool subgroup_only_ = false;
  std::uint32_t block_size_ = 32;
  std::uint32_t matmul_rows_ = 4;
  std::uint32_t matmul_tokens_ = 8;
  matmul_layout layout_ = matmul_layout::split_columns;
  std::optional<bool> lane_units_;
  bool fuse_matmul_inputs_ = true;
  tiled_matmul_shape tiled_;
  std::map<std::string, vk::compute_pipeline> pipelines_;
};

}  // namespace infergrid::engine
