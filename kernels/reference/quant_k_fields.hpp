#pragma once
// Field access inside K-quant super-blocks (kernels/model/ggml_type.hpp), shared by the reference
// dequantizers, quantizers and device packing (kernels/reference/quant_k.cpp, quant_pack.cpp).
#include <cstddef>
#include <cstdint>

namespace infergrid::reference::quant_k_fields {

inline int byte_of(const std::byte* p, int i) { return std::to_integer<int>(p[i]); }

// The 6-bit scale and min of sub-block j (0..7) from Q4_K/Q5_K's 12 packed bytes: j < 4 in the
// low 6 bits of bytes j and j + 4; j >= 4 in the nibbles of byte j + 4 with their top two bits in
// the top bits of bytes j - 4 and j.
struct scale_min {
  int scale, min;
};
inline scale_min scale_min_of(const std::byte* packed, int j) {
  if (j < 4) return {byte_of(packed, j) & 63, byte_of(packed, j + 4) & 63};
  return {(byte_of(packed, j + 4) & 0x0f) | (byte_of(packed, j - 4) >> 6) << 4,
          (byte_of(packed, j + 4) >> 4) | (byte_of(packed, j) >> 6) << 4};
}
inline void pack_scale_min(const std::uint8_t* scales, const std::uint8_t* mins, std::byte* packed) {
  for (int j = 0; j < 4; ++j) {
    packed[j] = static_cast<std::byte>((scales[j] & 63) | (scales[j + 4] >> 4) << 6);
    packed[j + 4] = static_cast<std::byte>((mins[j] & 63) | (mins[j + 4] >> 4) << 6);
    packed[j + 8] = static_cast<std::byte>((scales[j + 4] & 0x0f) | (mins[j + 4] & 0x0f) << 4);
  }
}

// Low 4 bits of weight i (0..255) in Q4_K/Q5_K's 128 nibble bytes.
inline int k_low_nibble(const std::byte* qs, int i) {
  const int g = i / 64, l = i % 32;
  return (i % 64) < 32 ? byte_of(qs, 32 * g + l) & 0x0f : byte_of(qs, 32 * g + l) >> 4;
}
// 5th bit of weight i in Q5_K's 32 qh bytes: bit i / 32 of qh[i % 32].
inline int q5_k_high_bit(const std::byte* qh, int i) { return (byte_of(qh, i % 32) >> (i / 32)) & 1; }

// Q6_K's 6-bit level of weight i: half n = i / 128 uses ql[64n..], qh[32n..]; within it, quarter
// k = (i % 128) / 32 and l = i % 32: low nibble of ql[l + 32 (k & 1)] (high nibble for k >= 2),
// high bits 2k..2k+1 of qh[l].
inline int q6_k_level(const std::byte* block, int i) {
  const int n = i / 128, k = (i % 128) / 32, l = i % 32;
  const std::byte* ql = block + 64 * n;
  const std::byte* qh = block + 128 + 32 * n;
  const int low_byte = byte_of(ql, l + 32 * (k & 1));
  const int low = k < 2 ? low_byte & 0x0f : low_byte >> 4;
  return low | ((byte_of(qh, l) >> (2 * k)) & 3) << 4;
}
inline void store_q6_k_levels(const int* levels, std::byte* block) {
  for (int n = 0; n < 2; ++n) {
    for (int l = 0; l < 32; ++l) {
      const int* q = levels + 128 * n + l;  // q[32 k] is quarter k's weight
      block[64 * n + l] = static_cast<std::byte>((q[0] & 0x0f) | (q[64] & 0x0f) << 4);
      block[64 * n + l + 32] = static_cast<std::byte>((q[32] & 0x0f) | (q[96] & 0x0f) << 4);
      block[128 + 32 * n + l] =
          static_cast<std::byte>((q[0] >> 4 & 3) | (q[32] >> 4 & 3) << 2 | (q[64] >> 4 & 3) << 4 | (q[96] >> 4 & 3) << 6);
    }
  }
}

// Q2_K / Q3_K's two low bits of weight i (0..255) in their 64 qs bytes: weight 128h + 32j + l (h
// half, j 0..3, l 0..31) at bits 2j..2j+1 of qs[32h + l].
inline int two_bit_level(const std::byte* qs, int i) {
  return (byte_of(qs, 32 * (i / 128) + i % 32) >> (2 * ((i % 128) / 32))) & 3;
}
inline void store_two_bit_levels(const int* levels, std::byte* qs) {
  for (int h = 0; h < 2; ++h) {
    for (int l = 0; l < 32; ++l) {
      const int* q = levels + 128 * h + l;  // q[32 j] is weight 32j + l of the half
      qs[32 * h + l] = static_cast<std::byte>((q[0] & 3) | (q[32] & 3) << 2 | (q[64] & 3) << 4 | (q[96] & 3) << 6);
    }
  }
}
// Q3_K's 3rd bit of weight i in its 32 hmask bytes: bit i / 32 of hmask[i % 32].
inline int q3_k_high_bit(const std::byte* hmask, int i) { return (byte_of(hmask, i % 32) >> (i / 32)) & 1; }
// Q3_K's 6-bit scale s (0..15, stored + 32) from its 12 packed bytes: low 4 bits in the low (s < 8)
// or high (s >= 8) nibble of byte s % 8, top 2 bits at bits 2 (s / 4) of byte 8 + s % 4.
inline int q3_k_scale(const std::byte* packed, int s) {
  const int low = (byte_of(packed, s % 8) >> (4 * (s / 8))) & 0x0f;
  return low | ((byte_of(packed, 8 + s % 4) >> (2 * (s / 4))) & 3) << 4;
}
inline void pack_q3_k_scales(const int* stored, std::byte* packed) {
  int bytes[12] = {};
  for (int s = 0; s < 16; ++s) {
    bytes[s % 8] |= (stored[s] & 0x0f) << (4 * (s / 8));
    bytes[8 + s % 4] |= (stored[s] >> 4 & 3) << (2 * (s / 4));
  }
  for (int k = 0; k < 12; ++k) packed[k] = static_cast<std::byte>(bytes[k]);
}

}  // namespace infergrid::reference::quant_k_fields
