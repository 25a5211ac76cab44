#include "kernels/engine/weight_layout.hpp"

#include <algorithm>
#include <cstring>
#include <string>

namespace infergrid::engine {
namespace {

// Where unit u (or side entry u) of row r goes when rows are stored in groups of g.
std::size_t grouped_index(std::size_t row, std::size_t u, std::size_t per_row, std::size_t g) {
  return ((row / g) * per_row + u) * g + row % g;
}

// One GGUF row into its units and side entries, in row order (units zero-padded by the caller).
void split_row(const model::type_traits& t, const std::byte* row, std::size_t cols, std::byte* units_out,
               std::byte* side_out) {
  if (t.pack == nullptr) {
    std::memcpy(units_out, row, model::row_bytes(t.type, cols));
    return;
  }
  const std::size_t units_per_block = t.block_weights / t.unit_weights;
  const std::size_t side_per_block = units_per_block / t.side_entry_units * t.side_entry_bytes;
  for (std::size_t b = 0; b < cols / t.block_weights; ++b) {
    t.pack(row + b * t.block_bytes, units_out + b * units_per_block * weight_unit_bytes, side_out + b * side_per_block);
  }
}

// The GGUF blocks of the rows as stored, a whole block at a time into their row group's place, each
// padded to device_block_bytes.
weight_layout keep_blocks(weight_layout out, const model::type_traits& t, std::span<const weight_rows> parts) {
  const std::size_t g = out.row_group, blocks_per_row = out.cols / t.block_weights;
  const std::size_t row_file_bytes = model::row_bytes(t.type, out.cols), block_bytes = device_block_bytes(t.type);
  const std::size_t padded_rows = (out.rows + g - 1) / g * g;
  out.data.assign(padded_rows * blocks_per_row * block_bytes, std::byte{0});
  std::size_t row_index = 0;
  for (const weight_rows& part : parts) {
    for (std::size_t r = 0; r < part.rows; ++r, ++row_index) {
      const std::byte* row = part.data + r * row_file_bytes;
      for (std::size_t k = 0; k < blocks_per_row; ++k) {
        const std::size_t block_index = grouped_index(row_index, k, blocks_per_row, g);
        std::memcpy(out.data.data() + block_index * block_bytes, row + k * t.block_bytes, t.block_bytes);
      }
    }
  }
  return out;
}

}  // namespace

std::size_t row_data_bytes(model::ggml_type type, std::size_t cols) {
  const model::type_traits& t = model::traits_of(type);
  if (t.layout == model::device_layout::blocks) return cols / t.block_weights * device_block_bytes(type);
  const std::size_t per_unit = weights_per_unit(type);
  return (cols + per_unit - 1) / per_unit * weight_unit_bytes;
}

std::size_t row_side_bytes(model::ggml_type type, std::size_t cols) {
  const model::type_traits& t = model::traits_of(type);
  return cols / t.unit_weights / t.side_entry_units * t.side_entry_bytes;
}

result<weight_layout> make_weight_layout(model::ggml_type type, std::size_t cols, std::span<const weight_rows> parts,
                                         std::size_t row_group) {
  const model::type_traits& t = model::traits_of(type);
  const std::size_t column_multiple = t.block_weights > 1 ? t.block_weights : 4;
  if (cols == 0 || cols % column_multiple != 0) {
    return make_error(error_code::unsupported, "weight rows of " + std::to_string(cols) + " " + std::string(t.name) +
                                                   " values: columns must be a multiple of " +
                                                   std::to_string(column_multiple));
  }
  weight_layout out;
  out.type = type;
  out.cols = cols;
  out.row_group = std::max<std::size_t>(1, row_group);
  const std::size_t g = out.row_group;
  for (const weight_rows& part : parts) out.rows += part.rows;
  if (t.layout == model::device_layout::blocks) {
    out.row_units = cols / t.unit_weights;
    return keep_blocks(std::move(out), t, parts);
  }
  const std::size_t padded_rows = (out.rows + g - 1) / g * g;
  out.row_units = row_data_bytes(type, cols) / weight_unit_bytes;
  const std::size_t row_file_bytes = model::row_bytes(type, cols);
  out.data.assign(padded_rows * out.row_units * weight_unit_bytes, std::byte{0});
  const std::size_t entry_bytes = t.side_entry_bytes;
  const std::size_t entries_per_row = entry_bytes != 0 ? row_side_bytes(type, cols) / entry_bytes : 0;
  if (entry_bytes != 0) out.scales.assign((padded_rows * entries_per_row * entry_bytes + 3) / 4 * 4, std::byte{0});

  std::vector<std::byte> units(out.row_units * weight_unit_bytes), side(entries_per_row * entry_bytes);
  std::size_t row_index = 0;
  for (const weight_rows& part : parts) {
    for (std::size_t r = 0; r < part.rows; ++r, ++row_index) {
      std::fill(units.begin(), units.end(), std::byte{0});
      split_row(t, part.data + r * row_file_bytes, cols, units.data(), side.data());
      for (std::size_t u = 0; u < out.row_units; ++u) {
        std::memcpy(out.data.data() + grouped_index(row_index, u, out.row_units, g) * weight_unit_bytes,
                    units.data() + u * weight_unit_bytes, weight_unit_bytes);
      }
      for (std::size_t e = 0; e < entries_per_row; ++e) {
        std::memcpy(out.scales.data() + grouped_index(row_index, e, entries_per_row, g) * entry_bytes,
                    side.data() + e * entry_bytes, entry_bytes);
      }
    }
  }
  return out;
}

}  // namespace infergrid::engine
