// Reference dequantize / quantize of the K-quant super-blocks of 256 weights (Q2_K, Q3_K, Q4_K,
// Q5_K, Q6_K), layouts as in kernels/model/ggml_type.hpp. The quantizers are plain per-sub-block
// min/max schemes (for test and benchmark files), not llama.cpp's error-minimising search; any
// quantizer's output dequantizes the same way.
#include <algorithm>
#include <cmath>
#include <span>

#include "kernels/reference/quant_blocks.hpp"
#include "kernels/reference/quant_bytes.hpp"
#include "kernels/reference/quant_k_fields.hpp"

namespace infergrid::reference::quant_blocks {
namespace {

using namespace quant_bytes;
using namespace quant_k_fields;

// Q2_K / Q4_K / Q5_K: each sub-block of sub_weights gets scale (max - min) / most and offset -min
// (min <= 0), both quantized to scale_most (4 or 6 bits) against the super-block's f16 d and dmin.
struct k_levels {
  float d = 0.0f, dmin = 0.0f;
  std::uint8_t scales[16] = {}, mins[16] = {};
  int levels[256] = {};
};

k_levels quantize_scale_min(const float* in, int sub_weights, int scale_most, int most) {
  const int sub_blocks = 256 / sub_weights;
  float scale[16], offset[16];
  float scale_max = 0.0f, offset_max = 0.0f;
  for (int j = 0; j < sub_blocks; ++j) {
    const auto [low, high] = std::minmax_element(in + sub_weights * j, in + sub_weights * (j + 1));
    const float lowest = std::min(0.0f, *low);
    scale[j] = (std::max(0.0f, *high) - lowest) / static_cast<float>(most);
    offset[j] = -lowest;
    scale_max = std::max(scale_max, scale[j]);
    offset_max = std::max(offset_max, offset[j]);
  }
  k_levels out;
  out.d = as_half(scale_max / static_cast<float>(scale_most));
  out.dmin = as_half(offset_max / static_cast<float>(scale_most));
  const float inverse_d = out.d != 0.0f ? 1.0f / out.d : 0.0f;
  const float inverse_dmin = out.dmin != 0.0f ? 1.0f / out.dmin : 0.0f;
  for (int j = 0; j < sub_blocks; ++j) {
    out.scales[j] = static_cast<std::uint8_t>(quantize_level(scale[j], inverse_d, 0, scale_most));
    out.mins[j] = static_cast<std::uint8_t>(quantize_level(offset[j], inverse_dmin, 0, scale_most));
    const float step = out.d * out.scales[j], shift = out.dmin * out.mins[j];
    const float inverse = step != 0.0f ? 1.0f / step : 0.0f;
    for (int l = 0; l < sub_weights; ++l) {
      const int i = sub_weights * j + l;
      out.levels[i] = quantize_level(in[i] + shift, inverse, 0, most);
    }
  }
  return out;
}

// Q3_K / Q6_K: each sub-block of 16 gets scale = its signed largest value / -zero_level (that value
// lands on level 0), quantized to a signed integer of at most scale_most against the super-block's
// f16 d; levels are round(x / step) + zero_level in [0, level_most].
struct signed_levels {
  float d = 0.0f;
  int scales[16] = {};
  int levels[256] = {};
};

signed_levels quantize_signed_scales(const float* in, int scale_most, int zero_level, int level_most) {
  float scale[16];
  float scale_amax = 0.0f;
  for (int s = 0; s < 16; ++s) {
    scale[s] = signed_absmax(std::span(in + 16 * s, 16)) / static_cast<float>(-zero_level);
    scale_amax = std::max(scale_amax, std::fabs(scale[s]));
  }
  signed_levels out;
  out.d = as_half(scale_amax / static_cast<float>(scale_most));
  const float inverse_d = out.d != 0.0f ? 1.0f / out.d : 0.0f;
  for (int s = 0; s < 16; ++s) {
    out.scales[s] = std::clamp(static_cast<int>(std::lround(scale[s] * inverse_d)), -scale_most, scale_most);
    const float step = out.d * static_cast<float>(out.scales[s]);
    const float inverse = step != 0.0f ? 1.0f / step : 0.0f;
    for (int l = 0; l < 16; ++l) out.levels[16 * s + l] = quantize_level(in[16 * s + l], inverse, zero_level, level_most);
  }
  return out;
}

void store_scale_min_header(const k_levels& k, std::byte* out) {
  store_u16(out, float_to_half(k.d));
  store_u16(out + 2, float_to_half(k.dmin));
  pack_scale_min(k.scales, k.mins, out + 4);
}

// Q4_K / Q5_K low nibbles: 64-weight group g in bytes 32g..32g+31, low nibble weight 64g + l,
// high nibble weight 64g + 32 + l.
void store_group_nibbles(const int* levels, std::byte* qs) {
  for (int g = 0; g < 4; ++g) {
    for (int l = 0; l < 32; ++l) {
      qs[32 * g + l] = static_cast<std::byte>((levels[64 * g + l] & 0x0f) | (levels[64 * g + 32 + l] & 0x0f) << 4);
    }
  }
}

}  // namespace

void dequantize_q4_k(const std::byte* b, float* out) {
  const float d = load_half(b), dmin = load_half(b + 2);
  for (int j = 0; j < 8; ++j) {
    const scale_min sm = scale_min_of(b + 4, j);
    const float step = d * sm.scale, shift = dmin * sm.min;
    for (int l = 0; l < 32; ++l) out[32 * j + l] = step * static_cast<float>(k_low_nibble(b + 16, 32 * j + l)) - shift;
  }
}
void quantize_q4_k(const float* in, std::byte* out) {
  const k_levels k = quantize_scale_min(in, 32, 63, 15);
  store_scale_min_header(k, out);
  store_group_nibbles(k.levels, out + 16);
}

void dequantize_q5_k(const std::byte* b, float* out) {
  const float d = load_half(b), dmin = load_half(b + 2);
  for (int j = 0; j < 8; ++j) {
    const scale_min sm = scale_min_of(b + 4, j);
    const float step = d * sm.scale, shift = dmin * sm.min;
    for (int l = 0; l < 32; ++l) {
      const int i = 32 * j + l;
      out[i] = step * static_cast<float>(k_low_nibble(b + 48, i) | q5_k_high_bit(b + 16, i) << 4) - shift;
    }
  }
}
void quantize_q5_k(const float* in, std::byte* out) {
  const k_levels k = quantize_scale_min(in, 32, 63, 31);
  store_scale_min_header(k, out);
  for (int l = 0; l < 32; ++l) {
    int qh = 0;
    for (int j = 0; j < 8; ++j) qh |= ((k.levels[32 * j + l] >> 4) & 1) << j;
    out[16 + l] = static_cast<std::byte>(qh);
  }
  store_group_nibbles(k.levels, out + 48);
}

void dequantize_q6_k(const std::byte* b, float* out) {
  const float d = load_half(b + 208);
  for (int i = 0; i < 256; ++i) {
    const float step = d * static_cast<float>(static_cast<std::int8_t>(byte_at(b, 192 + i / 16)));
    out[i] = step * static_cast<float>(q6_k_level(b, i) - 32);
  }
}
void quantize_q6_k(const float* in, std::byte* out) {
  const signed_levels k = quantize_signed_scales(in, 127, 32, 63);
  for (int s = 0; s < 16; ++s) out[192 + s] = static_cast<std::byte>(static_cast<std::int8_t>(k.scales[s]));
  store_q6_k_levels(k.levels, out);
  store_u16(out + 208, float_to_half(k.d));
}

void dequantize_q2_k(const std::byte* b, float* out) {
  const float d = load_half(b + 80), dmin = load_half(b + 82);
  for (int i = 0; i < 256; ++i) {
    const int scale_min = byte_of(b, i / 16);
    const float step = d * static_cast<float>(scale_min & 0x0f), shift = dmin * static_cast<float>(scale_min >> 4);
    out[i] = step * static_cast<float>(two_bit_level(b + 16, i)) - shift;
  }
}
void quantize_q2_k(const float* in, std::byte* out) {
  const k_levels k = quantize_scale_min(in, 16, 15, 3);
  for (int s = 0; s < 16; ++s) out[s] = static_cast<std::byte>(k.scales[s] | k.mins[s] << 4);
  store_two_bit_levels(k.levels, out + 16);
  store_u16(out + 80, float_to_half(k.d));
  store_u16(out + 82, float_to_half(k.dmin));
}

void dequantize_q3_k(const std::byte* b, float* out) {
  const float d = load_half(b + 108);
  for (int i = 0; i < 256; ++i) {
    const float step = d * static_cast<float>(q3_k_scale(b + 96, i / 16) - 32);
    out[i] = step * static_cast<float>((two_bit_level(b + 32, i) | q3_k_high_bit(b, i) << 2) - 4);
  }
}
void quantize_q3_k(const float* in, std::byte* out) {
  const signed_levels k = quantize_signed_scales(in, 31, 4, 7);
  int stored_scales[16];
  for (int s = 0; s < 16; ++s) stored_scales[s] = k.scales[s] + 32;
  std::fill(out, out + 32, std::byte{0});
  for (int i = 0; i < 256; ++i) out[i % 32] |= static_cast<std::byte>((k.levels[i] >> 2) << (i / 32));
  store_two_bit_levels(k.levels, out + 32);
  pack_q3_k_scales(stored_scales, out + 96);
  store_u16(out + 108, float_to_half(k.d));
}

}  // namespace infergrid::reference::quant_blocks
