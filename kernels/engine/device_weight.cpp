#include "kernels/engine/device_weight.hpp"

#include <algorithm>
#include <string>

namespace infergrid::engine {
namespace {

status check_addressable(const vk::device& dev, std::size_t bytes, weight_access access, std::size_t texel_bytes) {
  const vk::device_info& info = dev.info();
  if (access == weight_access::texel && bytes / texel_bytes > info.max_texel_buffer_elements) {
    return make_error(error_code::too_large, "a weight plane of " + std::to_string(bytes) +
                                                 " bytes exceeds maxTexelBufferElements (" +
                                                 std::to_string(info.max_texel_buffer_elements) + ")");
  }
  if (access == weight_access::storage && bytes > info.max_storage_buffer_range) {
    return make_error(error_code::too_large, "a weight plane of " + std::to_string(bytes) +
                                                 " bytes exceeds maxStorageBufferRange (" +
                                                 std::to_string(info.max_storage_buffer_range) + ")");
  }
  return {};
}

result<vk::buffer> upload_plane(const vk::device& dev, const std::vector<std::byte>& bytes) {
  auto buffer = vk::buffer::create(dev, bytes.size(), vk::memory_kind::device_local);
  if (!buffer) return buffer.err();
  IG_TRY(vk::upload(dev, *buffer, bytes));
  return buffer;
}

}  // namespace

std::size_t max_rows_per_part(const vk::device& dev, model::ggml_type type, std::size_t cols, weight_access access,
                              std::size_t part_bytes_limit, std::size_t row_group) {
  const vk::device_info& info = dev.info();
  std::size_t limit = access == weight_access::texel ? info.max_texel_buffer_elements * weight_unit_bytes
                                                     : info.max_storage_buffer_range;
  if (part_bytes_limit != 0) limit = std::min(limit, part_bytes_limit);
  // The side plane is read as 4-byte texels, the units as 16-byte ones: in texel terms a side
  // byte weighs 4 unit bytes.
  std::size_t row_device_bytes = row_data_bytes(type, cols);
  const std::size_t side_bytes = row_side_bytes(type, cols);
  row_device_bytes = std::max(row_device_bytes, access == weight_access::texel ? side_bytes * 4 : side_bytes);
  const std::size_t rows = std::max<std::size_t>(1, limit / row_device_bytes);
  return rows >= row_group ? rows / row_group * row_group : rows;
}

result<device_weight> device_weight::upload(const vk::device& dev, const weight_layout& layout, weight_access access) {
  IG_TRY(check_addressable(dev, layout.data.size(), access, weight_unit_bytes));
  IG_TRY(check_addressable(dev, layout.scales.size(), access, 4));
  auto data = upload_plane(dev, layout.data);
  if (!data) return data.err();
  std::optional<vk::buffer> scales;
  if (!layout.scales.empty()) {
    auto uploaded = upload_plane(dev, layout.scales);
    if (!uploaded) return uploaded.err();
    scales = std::move(*uploaded);
  }
  device_weight out(std::move(*data), std::move(scales));
  out.type_ = layout.type;
  out.rows_ = layout.rows;
  out.cols_ = layout.cols;
  out.row_units_ = layout.row_units;
  out.row_group_ = layout.row_group;
  out.access_ = access;
  if (access == weight_access::texel) {
    // Every type is read as RGBA32UI units (weights.glsl unpacks them).
    const VkFormat format = VK_FORMAT_R32G32B32A32_UINT;
    auto data_view = vk::buffer_view::create(dev, out.data_, format, 0, layout.data.size());
    if (!data_view) return data_view.err();
    out.data_view_ = std::move(*data_view);
    if (out.scales_) {
      auto scales_view = vk::buffer_view::create(dev, *out.scales_, VK_FORMAT_R32_UINT, 0, layout.scales.size());
      if (!scales_view) return scales_view.err();
      out.scales_view_ = std::move(*scales_view);
    }
  }
  return out;
}

vk::resource device_weight::data_binding() const {
  return access_ == weight_access::texel ? vk::texel(*data_view_) : vk::storage(data_);
}

vk::resource device_weight::scales_binding() const {
  if (!scales_) return data_binding();
  return access_ == weight_access::texel ? vk::texel(*scales_view_) : vk::storage(*scales_);
}

}  // namespace infergrid::engine
