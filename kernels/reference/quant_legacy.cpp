// Reference dequantize / quantize of the plain types and the 32-weight blocks (F32, F16, BF16,
// Q8_0, Q4_0, Q4_1, Q5_0, Q5_1), layouts as in kernels/model/ggml_type.hpp.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <span>

#include "kernels/reference/quant_blocks.hpp"
#include "kernels/reference/quant_bytes.hpp"

namespace infergrid::reference::quant_blocks {
namespace {

using namespace quant_bytes;
constexpr int block = 32;

// The 4-bit value of weight i of a 32-weight block's 16 nibble bytes.
int nibble(const std::byte* qs, int i) { return i < 16 ? byte_at(qs, i) & 0x0f : byte_at(qs, i - 16) >> 4; }

void store_nibbles(const int* levels, std::byte* qs) {
  for (int j = 0; j < 16; ++j) qs[j] = static_cast<std::byte>((levels[j] & 0x0f) | (levels[j + 16] & 0x0f) << 4);
}

std::uint32_t high_bits(const int* levels) {
  std::uint32_t qh = 0;
  for (int i = 0; i < block; ++i) qh |= static_cast<std::uint32_t>((levels[i] >> 4) & 1) << i;
  return qh;
}

// The scale and offset of a min/max block with `most` + 1 levels, as stored (f16).
struct affine {
  float d, m;
};
affine min_max_affine(const float* in, int most) {
  const auto [low, high] = std::minmax_element(in, in + block);
  return {as_half((*high - *low) / static_cast<float>(most)), as_half(*low)};
}

}  // namespace

void dequantize_f32(const std::byte* b, float* out) { std::memcpy(out, b, sizeof(float)); }
void dequantize_f16(const std::byte* b, float* out) { *out = load_half(b); }
void dequantize_bf16(const std::byte* b, float* out) {
  const std::uint32_t bits = static_cast<std::uint32_t>(load_u16(b)) << 16;
  std::memcpy(out, &bits, sizeof bits);
}
void quantize_f32(const float* in, std::byte* out) { std::memcpy(out, in, sizeof(float)); }
void quantize_f16(const float* in, std::byte* out) { store_u16(out, float_to_half(*in)); }
// Round to nearest even on the dropped 16 bits; NaN stays a (quiet) NaN.
void quantize_bf16(const float* in, std::byte* out) {
  std::uint32_t bits;
  std::memcpy(&bits, in, sizeof bits);
  if (std::isnan(*in)) {
    store_u16(out, static_cast<std::uint16_t>((bits >> 16) | 0x40));
    return;
  }
  bits += 0x7fff + ((bits >> 16) & 1);
  store_u16(out, static_cast<std::uint16_t>(bits >> 16));
}

void dequantize_q8_0(const std::byte* b, float* out) {
  const float d = load_half(b);
  for (int i = 0; i < block; ++i) out[i] = d * static_cast<float>(static_cast<std::int8_t>(byte_at(b, 2 + i)));
}
void quantize_q8_0(const float* in, std::byte* out) {
  const float d = std::fabs(signed_absmax(std::span(in, block))) / 127.0f;
  const float inverse = d != 0.0f ? 1.0f / d : 0.0f;
  store_u16(out, float_to_half(d));
  for (int i = 0; i < block; ++i) {
    out[2 + i] = static_cast<std::byte>(static_cast<std::int8_t>(std::lround(in[i] * inverse)));
  }
}

void dequantize_q4_0(const std::byte* b, float* out) {
  const float d = load_half(b);
  for (int i = 0; i < block; ++i) out[i] = d * static_cast<float>(nibble(b + 2, i) - 8);
}
// As ggml: the scale is chosen so that the weight of largest magnitude maps to -8.
void quantize_q4_0(const float* in, std::byte* out) {
  const float d = signed_absmax(std::span(in, block)) / -8.0f;
  const float inverse = d != 0.0f ? 1.0f / d : 0.0f;
  store_u16(out, float_to_half(d));
  int levels[block];
  for (int i = 0; i < block; ++i) levels[i] = std::min(15, static_cast<int>(in[i] * inverse + 8.5f));
  store_nibbles(levels, out + 2);
}

void dequantize_q4_1(const std::byte* b, float* out) {
  const float d = load_half(b), m = load_half(b + 2);
  for (int i = 0; i < block; ++i) out[i] = d * static_cast<float>(nibble(b + 4, i)) + m;
}
void quantize_q4_1(const float* in, std::byte* out) {
  const affine a = min_max_affine(in, 15);
  store_u16(out, float_to_half(a.d));
  store_u16(out + 2, float_to_half(a.m));
  const float inverse = a.d != 0.0f ? 1.0f / a.d : 0.0f;
  int levels[block];
  for (int i = 0; i < block; ++i) levels[i] = quantize_level(in[i] - a.m, inverse, 0, 15);
  store_nibbles(levels, out + 4);
}

void dequantize_q5_0(const std::byte* b, float* out) {
  const float d = load_half(b);
  const std::uint32_t qh = load_u32(b + 2);
  for (int i = 0; i < block; ++i) {
    out[i] = d * static_cast<float>((nibble(b + 6, i) | static_cast<int>((qh >> i) & 1) << 4) - 16);
  }
}
// As Q4_0 with 32 levels: the weight of largest magnitude maps to -16.
void quantize_q5_0(const float* in, std::byte* out) {
  const float d = signed_absmax(std::span(in, block)) / -16.0f;
  const float inverse = d != 0.0f ? 1.0f / d : 0.0f;
  store_u16(out, float_to_half(d));
  int levels[block];
  for (int i = 0; i < block; ++i) levels[i] = std::min(31, static_cast<int>(in[i] * inverse + 16.5f));
  store_u32(out + 2, high_bits(levels));
  store_nibbles(levels, out + 6);
}

void dequantize_q5_1(const std::byte* b, float* out) {
  const float d = load_half(b), m = load_half(b + 2);
  const std::uint32_t qh = load_u32(b + 4);
  for (int i = 0; i < block; ++i) {
    out[i] = d * static_cast<float>(nibble(b + 8, i) | static_cast<int>((qh >> i) & 1) << 4) + m;
  }
}
void quantize_q5_1(const float* in, std::byte* out) {
  const affine a = min_max_affine(in, 31);
  store_u16(out, float_to_half(a.d));
  store_u16(out + 2, float_to_half(a.m));
  const float inverse = a.d != 0.0f ? 1.0f / a.d : 0.0f;
  int levels[block];
  for (int i = 0; i < block; ++i) levels[i] = quantize_level(in[i] - a.m, inverse, 0, 31);
  store_u32(out + 4, high_bits(levels));
  store_nibbles(levels, out + 8);
}

}  // namespace infergrid::reference::quant_blocks
