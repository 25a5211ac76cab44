#pragma once
// A weight matrix resident on the device in the layout of weight_layout.hpp: the data plane and
// (for quantized types) the scale plane, each a device-local buffer with a texel view.
#include <cstddef>
#include <optional>

#include "kernels/engine/weight_layout.hpp"
#include "kernels/vk/buffer.hpp"
#include "kernels/vk/descriptors.hpp"
#include "kernels/vk/device.hpp"
#include "runtime/result.hpp"

namespace infergrid::engine {

// How kernels read weights: uniform texel buffers (texelFetch) or storage buffers.
enum class weight_access { texel, storage };

// The most rows of `cols` weights of `type` one device_weight may hold so that each plane stays
// addressable by `access` on this device (maxTexelBufferElements or maxStorageBufferRange), and
// within `part_bytes_limit` when that is not 0 (tests use it to force splitting). At least 1; a
// multiple of row_group where that fits (parts are padded to whole row groups).
std::size_t max_rows_per_part(const vk::device& dev, model::ggml_type type, std::size_t cols, weight_access access,
                              std::size_t part_bytes_limit = 0, std::size_t row_group = 1);

class device_weight {
 public:
  // Uploads `layout` (through staging where the memory is not host-visible). Fails with too_large
  // when a plane exceeds what `access` can address on this device (maxTexelBufferElements or
  // maxStorageBufferRange).
  static result<device_weight> upload(const vk::device& dev, const weight_layout& layout, weight_access access);

  model::ggml_type type() const { return type_; }
  std::size_t rows() const { return rows_; }
  std::size_t cols() const { return cols_; }
  std::size_t row_units() const { return row_units_; }
  std::size_t row_group() const { return row_group_; }  // weight_layout.hpp
  std::size_t device_bytes() const { return data_.size_bytes() + (scales_ ? scales_->size_bytes() : 0); }

  // Bindings 0 and 1 of weights.glsl (the data plane stands in for scales of F32/F16).
  vk::resource data_binding() const;
  vk::resource scales_binding() const;

 private:
  device_weight(vk::buffer data, std::optional<vk::buffer> scales) : data_(std::move(data)), scales_(std::move(scales)) {}
  model::ggml_type type_ = model::ggml_type::f32;
  std::size_t rows_ = 0;
  std::size_t cols_ = 0;
  std::size_t row_units_ = 0;
  std::size_t row_group_ = 1;
  weight_access access_ = weight_access::texel;
  vk::buffer data_;
  std::optional<vk::buffer> scales_;
  std::optional<vk::buffer_view> data_view_;
  std::optional<vk::buffer_view> scales_view_;
};

}  // namespace infergrid::engine
