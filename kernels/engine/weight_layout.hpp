#pragma once
// The device layout of a weight matrix, built from GGUF rows on the CPU at load time. The values
// stay as stored (F32, F16, Q8_0, Q4_0 bits unchanged); only their arrangement changes so that
// every row is a whole number of 16-byte units a shader fetches with one texelFetch:
//   F32/F16: each row's bytes, zero-padded to a multiple of 16 bytes.
//   Q8_0/Q4_0: the blocks' quant bytes in one plane (32 or 16 bytes per block, row-major) and their
//   f16 scales in another (one uint16 per block, in block order), as in kernels/glsl/include/weights.glsl.
// Several matrices with the same type and columns can be stacked into one (q|k|v, gate|up), so one
// dispatch computes all of them.
// Row groups: with row_group G > 1 the rows are stored G at a time, unit-major within a group —
// unit u of row r at unit index ((r / G) * row_units + u) * G + r % G, block b's scale at f16 index
// ((r / G) * blocks_per_row + b) * G + r % G — and the rows padded with zeros to a multiple of G. A
// workgroup that computes G rows together (row_per_lane on CPU devices) then reads one contiguous
// stream instead of G: lavapipe's decode streamed ~45% more weight bytes per second this way.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "kernels/model/ggml_type.hpp"
#include "runtime/result.hpp"

namespace infergrid::engine {

// Bytes of one unit (one uvec4 texel).
inline constexpr std::size_t weight_unit_bytes = 16;

// Weights per 16-byte unit: F32 4, F16 8, Q8_0 16, Q4_0 32.
std::size_t weights_per_unit(model::ggml_type type);

// A run of `rows` GGUF rows of the same type and columns, starting at `data`.
struct weight_rows {
  const std::byte* data = nullptr;
  std::size_t rows = 0;
};

struct weight_layout {
  model::ggml_type type = model::ggml_type::f32;
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::size_t row_units = 0;
  std::size_t row_group = 1;
  std::vector<std::byte> data;    // padded rows * row_units * 16 bytes
  std::vector<std::byte> scales;  // Q8_0/Q4_0: one f16 per block, padded to a multiple of 4 bytes
};

// Lays out the given row runs, stacked in order. cols must be a multiple of 4 (F32/F16) or of 32
// (Q8_0/Q4_0); anything else is an unsupported error.
result<weight_layout> make_weight_layout(model::ggml_type type, std::size_t cols, std::span<const weight_rows> parts,
                                         std::size_t row_group = 1);

}  // namespace infergrid::engine
