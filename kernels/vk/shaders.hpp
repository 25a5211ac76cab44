#pragma once
// The compiled shader variants (kernels/glsl/variants.cmake), embedded in the binary at build time.
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace infergrid::vk {

struct shader_blob {
  std::string_view name;
  std::span<const std::uint32_t> spirv;
};

std::span<const shader_blob> all_shaders();

inline std::optional<std::span<const std::uint32_t>> find_shader(std::string_view name) {
  for (const shader_blob& blob : all_shaders()) {
    if (blob.name == name) return blob.spirv;
  }
  return std::nullopt;
}

}  // namespace infergrid::vk
