#include "kernels/engine/weight_layout.hpp"

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

void append_quantized_row(model::ggml_type type, const std::byte* row, std::size_t blocks, std::byte* data_out,
                          std::byte* scales_out) {
  const std::size_t block_bytes = model::traits_of(type).block_bytes;
  const std::size_t quant_bytes = quant_bytes_per_block(type);
  for (std::size_t b = 0; b < blocks; ++b) {
    const std::byte* block = row + b * block_bytes;
    std::memcpy(scales_out + b * 2, block, 2);
    std::memcpy(data_out + b * quant_bytes, block + 2, quant_bytes);
  }
}

}  // namespace

result<weight_layout> make_weight_layout(model::ggml_type type, std::size_t cols, std::span<const weight_rows> parts) {
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
  for (const weight_rows& part : parts) out.rows += part.rows;
  const std::size_t per_unit = weights_per_unit(type);
  out.row_units = (cols + per_unit - 1) / per_unit;
  const std::size_t row_device_bytes = out.row_units * weight_unit_bytes;
  const std::size_t row_file_bytes = model::row_bytes(type, cols);
  out.data.assign(out.rows * row_device_bytes, std::byte{0});
  const std::size_t blocks_per_row = quantized ? cols / 32 : 0;
  if (quantized) out.scales.assign((out.rows * blocks_per_row * 2 + 3) / 4 * 4, std::byte{0});

  std::size_t row_index = 0;
  for (const weight_rows& part : parts) {
    for (std::size_t r = 0; r < part.rows; ++r, ++row_index) {
      const std::byte* row = part.data + r * row_file_bytes;
      std::byte* data_out = out.data.data() + row_index * row_device_bytes;
      if (quantized) {
        append_quantized_row(type, row, blocks_per_row, data_out, out.scales.data() + row_index * blocks_per_row * 2);
      } else {
        std::memcpy(data_out, row, row_file_bytes);
      }
    }
  }
  return out;
}

}  // namespace infergrid::engine
