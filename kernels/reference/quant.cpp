#include "kernels/reference/quant.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstring>

#include "kernels/reference/half.hpp"

namespace infergrid::reference {
namespace {

std::uint16_t load_u16(const std::byte* p) {
  std::uint16_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

void store_u16(std::byte* p, std::uint16_t v) { std::memcpy(p, &v, sizeof v); }

float block_absmax(std::span<const float> block) {
  float amax = 0.0f;
  for (float x : block) amax = std::max(amax, std::fabs(x));
  return amax;
}

void quantize_q8_0_block(std::span<const float> block, std::byte* out) {
  const float d = block_absmax(block) / 127.0f;
  const float inverse = d != 0.0f ? 1.0f / d : 0.0f;
  store_u16(out, float_to_half(d));
  for (std::size_t i = 0; i < model::q8_0_block_weights; ++i) {
    out[2 + i] = static_cast<std::byte>(static_cast<std::int8_t>(std::lround(block[i] * inverse)));
  }
}

// As ggml: the scale is chosen so that the weight of largest magnitude maps to -8.
void quantize_q4_0_block(std::span<const float> block, std::byte* out) {
  float max_signed = 0.0f;
  for (float x : block) {
    if (std::fabs(x) > std::fabs(max_signed)) max_signed = x;
  }
  const float d = max_signed / -8.0f;
  const float inverse = d != 0.0f ? 1.0f / d : 0.0f;
  store_u16(out, float_to_half(d));
  for (std::size_t j = 0; j < 16; ++j) {
    const auto quantize = [&](float x) {
      return static_cast<std::uint8_t>(std::min(15, static_cast<int>(x * inverse + 8.5f)));
    };
    const std::uint8_t low = quantize(block[j]);
    const std::uint8_t high = quantize(block[j + 16]);
    out[2 + j] = static_cast<std::byte>(low | (high << 4));
  }
}

}  // namespace

void dequantize_row(model::ggml_type type, const std::byte* data, std::span<float> out) {
  switch (type) {
    case model::ggml_type::f32:
      std::memcpy(out.data(), data, out.size() * sizeof(float));
      return;
    case model::ggml_type::f16:
      for (std::size_t i = 0; i < out.size(); ++i) out[i] = half_to_float(load_u16(data + 2 * i));
      return;
    case model::ggml_type::q8_0:
      assert(out.size() % model::q8_0_block_weights == 0);
      for (std::size_t b = 0; b < out.size() / model::q8_0_block_weights; ++b) {
        const std::byte* block = data + b * model::q8_0_block_bytes;
        const float d = half_to_float(load_u16(block));
        for (std::size_t i = 0; i < model::q8_0_block_weights; ++i) {
          out[b * model::q8_0_block_weights + i] = d * static_cast<float>(static_cast<std::int8_t>(block[2 + i]));
        }
      }
      return;
    case model::ggml_type::q4_0:
      assert(out.size() % model::q4_0_block_weights == 0);
      for (std::size_t b = 0; b < out.size() / model::q4_0_block_weights; ++b) {
        const std::byte* block = data + b * model::q4_0_block_bytes;
        const float d = half_to_float(load_u16(block));
        for (std::size_t j = 0; j < 16; ++j) {
          const auto byte = static_cast<std::uint8_t>(block[2 + j]);
          out[b * 32 + j] = d * static_cast<float>((byte & 0x0f) - 8);
          out[b * 32 + j + 16] = d * static_cast<float>((byte >> 4) - 8);
        }
      }
      return;
  }
  assert(false && "dequantize_row: unsupported type");
}

std::vector<std::byte> quantize_row(model::ggml_type type, std::span<const float> in) {
  std::vector<std::byte> out(model::row_bytes(type, in.size()));
  switch (type) {
    case model::ggml_type::f32:
      std::memcpy(out.data(), in.data(), in.size() * sizeof(float));
      break;
    case model::ggml_type::f16:
      for (std::size_t i = 0; i < in.size(); ++i) store_u16(out.data() + 2 * i, float_to_half(in[i]));
      break;
    case model::ggml_type::q8_0:
      assert(in.size() % model::q8_0_block_weights == 0);
      for (std::size_t b = 0; b < in.size() / 32; ++b) {
        quantize_q8_0_block(in.subspan(b * 32, 32), out.data() + b * model::q8_0_block_bytes);
      }
      break;
    case model::ggml_type::q4_0:
      assert(in.size() % model::q4_0_block_weights == 0);
      for (std::size_t b = 0; b < in.size() / 32; ++b) {
        quantize_q4_0_block(in.subspan(b * 32, 32), out.data() + b * model::q4_0_block_bytes);
      }
      break;
  }
  return out;
}

}  // namespace infergrid::reference
