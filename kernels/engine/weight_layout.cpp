#include "kernels/engine/weight_layout.hpp"

#include <algorithm>
#include <cstring>
#include <string>

namespace infergrid::engine {

std::size_t weights_per_unit(model::ggml_type type) {
  switch (type) {
    case model::ggml_type::f32: return 4;
    case model::ggml_type::f16: return 8;
    case model::ggml_type::q8_0: return 16;
    case model::ggml_type::q4_0: return 32;
  }
  return 4;
}

namespace {

// Bytes of quants per block in the data plane.
std::size_t quant_bytes_per_block(model::ggml_type type) {
  return type == model::ggml_type::q8_0 ? model::q8_0_block_weights : model::q4_0_block_weights / 2;
}

// Where unit u (or block scale u) of row r goes when rows are stored in groups of g.
std::size_t grouped_index(std::size_t row, std::size_t u, std::size_t per_row, std::size_t g) {
  return ((row / g) * per_row + u) * g + row % g;
}

// One GGUF row into its units (quant plane for Q8_0/Q4_0) and block scales, in row order.
void split_row(model::ggml_type type, const std::byte* row, std::size_t cols, std::byte* units_out,
               std::byte* scales_out) {
  const bool quantized = type == model::ggml_type::q8_0 || type == model::ggml_type::q4_0;
  if (!quantized) {
    std::memcpy(units_out, row, model::row_bytes(type, cols));
    return;
  }
  const std::size_t block_bytes = model::traits_of(type).block_bytes;
  const std::size_t quant_bytes = quant_bytes_per_block(type);
  for (std::size_t b = 0; b < cols / 32; ++b) {
    const std::byte* block = row + b * block_bytes;
    std::memcpy(scales_out + b * 2, block, 2);
    std::memcpy(units_out + b * quant_bytes, block + 2, quant_bytes);
  }
}

}  // namespace

result<weight_layout> make_weight_layout(model::ggml_type type, std::size_t cols, std::span<const weight_rows> parts,
                                         std::size_t row_group) {
  const bool quantized = type == model::ggml_type::q8_0 || type == model::ggml_type::q4_0;
  const std::size_t column_multiple = quantized ? 32 : 4;
  if (cols == 0 || cols % column_multiple != 0) {
    return make_error(error_code::unsupported, "weight rows of " + std::to_string(cols) + " " +
                                                   std::string(model::traits_of(type).name) +
                                                   " values: columns must be a multiple of " +
                                                   std::to_string(column_multiple));
  }
  weight_layout out;
  out.type = type;
  out.cols = cols;
  out.row_group = std::max<std::size_t>(1, row_group);
  const std::size_t g = out.row_group;
  for (const weight_rows& part : parts) out.rows += part.rows;
  const std::size_t padded_rows = (out.rows + g - 1) / g * g;
  const std::size_t per_unit = weights_per_unit(type);
  out.row_units = (cols + per_unit - 1) / per_unit;
  const std::size_t row_file_bytes = model::row_bytes(type, cols);
  out.data.assign(padded_rows * out.row_units * weight_unit_bytes, std::byte{0});
  const std::size_t blocks_per_row = quantized ? cols / 32 : 0;
  if (quantized) out.scales.assign((padded_rows * blocks_per_row * 2 + 3) / 4 * 4, std::byte{0});

  std::vector<std::byte> units(out.row_units * weight_unit_bytes), scales(blocks_per_row * 2);
  std::size_t row_index = 0;
  for (const weight_rows& part : parts) {
    for (std::size_t r = 0; r < part.rows; ++r, ++row_index) {
      std::fill(units.begin(), units.end(), std::byte{0});
      split_row(type, part.data + r * row_file_bytes, cols, units.data(), scales.data());
      for (std::size_t u = 0; u < out.row_units; ++u) {
        std::memcpy(out.data.data() + grouped_index(row_index, u, out.row_units, g) * weight_unit_bytes,
                    units.data() + u * weight_unit_bytes, weight_unit_bytes);
      }
      for (std::size_t b = 0; b < blocks_per_row; ++b) {
        std::memcpy(out.scales.data() + grouped_index(row_index, b, blocks_per_row, g) * 2, scales.data() + b * 2, 2);
      }
    }
  }
  return out;
}

}  // namespace infergrid::engine
