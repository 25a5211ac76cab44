// Reference dequantize / quantize of the K-quant super-blocks of 256 weights (Q4_K, Q5_K, Q6_K),
// layouts as in kernels/model/ggml_type.hpp. The quantizers are a plain per-sub-block min/max
// scheme (for test and benchmark files), not llama.cpp's error-minimising search; any quantizer's
// output dequantizes the same way.
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

// Q4_K / Q5_K: each sub-block of 32 gets scale (max - min) / most and offset -min (min <= 0),
// both quantized to 6 bits against the super-block's f16 d and dmin.
struct k_levels {
  float d = 0.0f, dmin = 0.0f;
  std::uint8_t scales[8] = {}, mins[8] = {};
  int levels[256] = {};
};

k_levels quantize_scale_min(const float* in, int most) {
  float scale[8], offset[8];
  float scale_max = 0.0f, offset_max = 0.0f;
  for (int j = 0; j < 8; ++j) {
    const auto [low, high] = std::minmax_element(in + 32 * j, in + 32 * j + 32);
    const float lowest = std::min(0.0f, *low);
    scale[j] = (std::max(0.0f, *high) - lowest) / static_cast<float>(most);
    offset[j] = -lowest;
    scale_max = std::max(scale_max, scale[j]);
    offset_max = std::max(offset_max, offset[j]);
  }
  k_levels out;
  out.d = as_half(scale_max / 63.0f);
  out.dmin = as_half(offset_max / 63.0f);
  const float inverse_d = out.d != 0.0f ? 1.0f / out.d : 0.0f;
  const float inverse_dmin = out.dmin != 0.0f ? 1.0f / out.dmin : 0.0f;
  for (int j = 0; j < 8; ++j) {
    out.scales[j] = static_cast<std::uint8_t>(quantize_level(scale[j], inverse_d, 0, 63));
    out.mins[j] = static_cast<std::uint8_t>(quantize_level(offset[j], inverse_dmin, 0, 63));
    const float step = out.d * out.scales[j], shift = out.dmin * out.mins[j];
    const float inverse = step != 0.0f ? 1.0f / step : 0.0f;
    for (int l = 0; l < 32; ++l) out.levels[32 * j + l] = quantize_level(in[32 * j + l] + shift, inverse, 0, most);
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
  const k_levels k = quantize_scale_min(in, 15);
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
  const k_levels k = quantize_scale_min(in, 31);
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
// Each sub-block of 16: scale = its signed largest value / -32, quantized to int8 against the
// super-block's f16 d.
void quantize_q6_k(const float* in, std::byte* out) {
  float scale[16];
  float scale_amax = 0.0f;
  for (int s = 0; s < 16; ++s) {
    scale[s] = signed_absmax(std::span(in + 16 * s, 16)) / -32.0f;
    scale_amax = std::max(scale_amax, std::fabs(scale[s]));
  }
  const float d = as_half(scale_amax / 127.0f);
  const float inverse_d = d != 0.0f ? 1.0f / d : 0.0f;
  int levels[256];
  for (int s = 0; s < 16; ++s) {
    const int q = std::clamp(static_cast<int>(std::lround(scale[s] * inverse_d)), -127, 127);
    out[192 + s] = static_cast<std::byte>(static_cast<std::int8_t>(q));
    const float step = d * static_cast<float>(q);
    const float inverse = step != 0.0f ? 1.0f / step : 0.0f;
    for (int l = 0; l < 16; ++l) levels[16 * s + l] = quantize_level(in[16 * s + l], inverse, 32, 63);
  }
  store_q6_k_levels(levels, out);
  store_u16(out + 208, float_to_half(d));
}

}  // namespace infergrid::reference::quant_blocks
