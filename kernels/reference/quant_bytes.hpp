#pragma once
// Little-endian loads and stores of the fields of GGML blocks, and the rounding helpers the
// reference quantizers share (kernels/reference/quant_*.cpp only).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "kernels/reference/half.hpp"

namespace infergrid::reference::quant_bytes {

inline std::uint16_t load_u16(const std::byte* p) {
  std::uint16_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline std::uint32_t load_u32(const std::byte* p) {
  std::uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void store_u16(std::byte* p, std::uint16_t v) { std::memcpy(p, &v, sizeof v); }
inline void store_u32(std::byte* p, std::uint32_t v) { std::memcpy(p, &v, sizeof v); }
inline void store_f32(std::byte* p, float v) { std::memcpy(p, &v, sizeof v); }
inline float load_half(const std::byte* p) { return half_to_float(load_u16(p)); }
inline std::uint8_t byte_at(const std::byte* p, std::size_t i) { return std::to_integer<std::uint8_t>(p[i]); }

// A float rounded through f16, as the block stores it.
inline float as_half(float v) { return half_to_float(float_to_half(v)); }

// round(x * inverse) + offset, clamped to [0, most].
inline int quantize_level(float x, float inverse, int offset, int most) {
  return std::clamp(static_cast<int>(std::lround(x * inverse)) + offset, 0, most);
}

// The value of largest magnitude, sign kept (0 for an all-zero span).
inline float signed_absmax(std::span<const float> values) {
  float best = 0.0f;
  for (float x : values) {
    if (std::fabs(x) > std::fabs(best)) best = x;
  }
  return best;
}

}  // namespace infergrid::reference::quant_bytes
