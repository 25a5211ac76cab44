#pragma once
// The device layout of a weight matrix, built from GGUF rows on the CPU at load time. The values
// stay as stored; only their arrangement changes so that every row is a whole number of 16-byte
// units a shader fetches with one texelFetch:
//   F32/F16/BF16: each row's bytes, zero-padded to a multiple of 16 bytes.
//   Q8_0, Q4_0, Q4_1, Q5_0, Q5_1 (device_layout::units): the blocks' quants in one plane of units
//   and their side entries (scales, mins, high bits: side_entry_bytes per side_entry_units units)
//   in another, as each type's row of kernels/model/ggml_type.hpp and its pack function
//   (kernels/reference/quant_pack.cpp) say and kernels/glsl/include/weights.glsl reads.
//   Q4_K, Q5_K, Q6_K (device_layout::blocks): the GGUF blocks as stored, each padded with zeros
//   to whole 16-byte units (device_block_bytes: Q4_K 144 and Q5_K 176 as in the file, Q6_K 210 ->
//   224), so that every field of a block is at a fixed place in its units. Q6_K read at its file's
//   2-byte alignment cost lavapipe a third of its matmul speed (bench/results/lavapipe-2026-12-06-kquant.txt).
// Several matrices with the same type and columns can be stacked into one (q|k|v, gate|up), so one
// dispatch computes all of them.
// Row groups: with row_group G > 1 the rows are stored G at a time, unit-major within a group —
// unit u of row r at unit index ((r / G) * row_units + u) * G + r % G, side entry e at entry index
// ((r / G) * entries_per_row + e) * G + r % G — and the rows padded with zeros to a multiple of G. A
// workgroup that computes G rows together (row_per_lane on CPU devices) then reads one contiguous
// stream instead of G: lavapipe's decode streamed ~45% more weight bytes per second this way.
// Kept blocks are grouped the same way a whole block at a time: block k of row r at block index
// ((r / G) * blocks_per_row + k) * G + r % G.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "kernels/model/ggml_type.hpp"
#include "runtime/result.hpp"

namespace infergrid::engine {

// Bytes of one unit (one uvec4 texel).
inline constexpr std::size_t weight_unit_bytes = 16;

// Weights per 16-byte unit: F32 4, F16 8, Q8_0 16, the other quantized types 32.
inline std::size_t weights_per_unit(model::ggml_type type) { return model::traits_of(type).unit_weights; }

// Device bytes of one block of a device_layout::blocks type: its block_bytes rounded up to units.
constexpr std::size_t device_block_bytes(model::ggml_type type) {
  const std::size_t file_bytes = model::traits_of(type).block_bytes;
  return (file_bytes + weight_unit_bytes - 1) / weight_unit_bytes * weight_unit_bytes;
}

// Device bytes of one row of `cols` weights in the data plane (units, or the kept blocks), and in
// the side plane.
std::size_t row_data_bytes(model::ggml_type type, std::size_t cols);
std::size_t row_side_bytes(model::ggml_type type, std::size_t cols);

// A run of `rows` GGUF rows of the same type and columns, starting at `data`.
struct weight_rows {
  const std::byte* data = nullptr;
  std::size_t rows = 0;
};

struct weight_layout {
  model::ggml_type type = model::ggml_type::f32;
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::size_t row_units = 0;  // units the kernels step through per row (weights / unit_weights)
  std::size_t row_group = 1;
  std::vector<std::byte> data;    // padded rows * row_data_bytes
  std::vector<std::byte> scales;  // side entries (quantized types), padded to a multiple of 4 bytes
};

// Lays out the given row runs, stacked in order. cols must be a multiple of 4 (F32/F16/BF16) or of
// the block size (quantized types: 32, or 256 for K-quants); anything else is an unsupported error.
result<weight_layout> make_weight_layout(model::ggml_type type, std::size_t cols, std::span<const weight_rows> parts,
                                         std::size_t row_group = 1);

}  // namespace infergrid::engine
