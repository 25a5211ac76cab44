// Packing of one GGML block into the device layout (kernels/engine/weight_layout.hpp): units of 16
// bytes the kernels fetch with one texelFetch, and side entries (kernels/glsl/include/weights.glsl):
//   Q8_0: 2 units of 16 int8; side: the f16 d (2 bytes per block).
//   Q4_0: 1 unit (the nibbles as stored); side: the f16 d.
//   Q4_1: 1 unit; side: d, m as f16 (4 bytes).        Q5_0: 1 unit; side: f16 d (zero-extended), qh.
//   Q5_1: 1 unit; side: d, m as f16, qh (8 bytes).
//   Q4_K: 8 units, one per sub-block of 32 in Q4_0 nibble order; side per unit: f32 d * scale,
//         f32 dmin * min (exact products of an f16 and a 6-bit integer).
//   Q5_K: as Q4_K plus a u32 of the unit's 5th bits (bit t = weight t).
//   Q6_K: 8 units of low nibbles; side per unit: f32 d * scale of weights 0..15 and of 16..31,
//         u32 of the 2-bit highs of weights 0..15 (bits 2t, 2t + 1) and of 16..31.
// Values are never changed, only moved: a kernel reading this layout computes what the reference
// dequantizer computes from the file's bytes.
#include <cstring>

#include "kernels/reference/quant_blocks.hpp"
#include "kernels/reference/quant_bytes.hpp"
#include "kernels/reference/quant_k_fields.hpp"

namespace infergrid::reference::quant_blocks {
namespace {

using namespace quant_bytes;
using namespace quant_k_fields;

// A unit of 32 levels (their low 4 bits) in the Q4_0 nibble order.
void store_unit(const int* levels, std::byte* unit) {
  for (int t = 0; t < 16; ++t) unit[t] = static_cast<std::byte>((levels[t] & 0x0f) | (levels[t + 16] & 0x0f) << 4);
}

// Bits `width` wide of each level's high part (level >> 4), level t at bit width * t.
std::uint32_t high_part(const int* levels, int count, int width) {
  std::uint32_t out = 0;
  for (int t = 0; t < count; ++t) out |= static_cast<std::uint32_t>(levels[t] >> 4) << (width * t);
  return out;
}

}  // namespace

void pack_q8_0(const std::byte* block, std::byte* units, std::byte* side) {
  std::memcpy(side, block, 2);
  std::memcpy(units, block + 2, 32);
}
void pack_q4_0(const std::byte* block, std::byte* units, std::byte* side) {
  std::memcpy(side, block, 2);
  std::memcpy(units, block + 2, 16);
}
void pack_q4_1(const std::byte* block, std::byte* units, std::byte* side) {
  std::memcpy(side, block, 4);
  std::memcpy(units, block + 4, 16);
}
void pack_q5_0(const std::byte* block, std::byte* units, std::byte* side) {
  store_u32(side, load_u16(block));
  std::memcpy(side + 4, block + 2, 4);
  std::memcpy(units, block + 6, 16);
}
void pack_q5_1(const std::byte* block, std::byte* units, std::byte* side) {
  std::memcpy(side, block, 8);
  std::memcpy(units, block + 8, 16);
}

void pack_q4_k(const std::byte* block, std::byte* units, std::byte* side) {
  const float d = load_half(block), dmin = load_half(block + 2);
  for (int j = 0; j < 8; ++j) {
    int levels[32];
    for (int t = 0; t < 32; ++t) levels[t] = k_low_nibble(block + 16, 32 * j + t);
    store_unit(levels, units + 16 * j);
    const scale_min sm = scale_min_of(block + 4, j);
    store_f32(side + 8 * j, d * static_cast<float>(sm.scale));
    store_f32(side + 8 * j + 4, dmin * static_cast<float>(sm.min));
  }
}

void pack_q5_k(const std::byte* block, std::byte* units, std::byte* side) {
  const float d = load_half(block), dmin = load_half(block + 2);
  for (int j = 0; j < 8; ++j) {
    int levels[32];
    for (int t = 0; t < 32; ++t) {
      const int i = 32 * j + t;
      levels[t] = k_low_nibble(block + 48, i) | q5_k_high_bit(block + 16, i) << 4;
    }
    store_unit(levels, units + 16 * j);
    const scale_min sm = scale_min_of(block + 4, j);
    store_f32(side + 12 * j, d * static_cast<float>(sm.scale));
    store_f32(side + 12 * j + 4, dmin * static_cast<float>(sm.min));
    store_u32(side + 12 * j + 8, high_part(levels, 32, 1));
  }
}

void pack_q6_k(const std::byte* block, std::byte* units, std::byte* side) {
  const float d = load_half(block + 208);
  for (int j = 0; j < 8; ++j) {
    int levels[32];
    for (int t = 0; t < 32; ++t) levels[t] = q6_k_level(block, 32 * j + t);
    store_unit(levels, units + 16 * j);
    for (int h = 0; h < 2; ++h) {
      const auto scale = static_cast<std::int8_t>(byte_at(block, 192 + 2 * j + h));
      store_f32(side + 16 * j + 4 * h, d * static_cast<float>(scale));
      store_u32(side + 16 * j + 8 + 4 * h, high_part(levels + 16 * h, 16, 2));
    }
  }
}

}  // namespace infergrid::reference::quant_blocks
