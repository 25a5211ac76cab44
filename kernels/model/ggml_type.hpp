#pragma once
// GGML tensor types as stored in GGUF files (numeric ids fixed by the GGUF spec) and their block
// layouts. Adding a quant type means: an entry here, a quantize/dequantize pair in
// kernels/reference/quant.cpp, and a variant row in the shader table.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace infergrid::model {

enum class ggml_type : std::uint32_t {
  f32 = 0,
  f16 = 1,
  q4_0 = 2,
  q8_0 = 8,
};

// Q8_0: 32 weights per block, one f16 scale then 32 int8 values. value = d * q.
inline constexpr std::size_t q8_0_block_weights = 32;
inline constexpr std::size_t q8_0_block_bytes = 2 + 32;
// Q4_0: 32 weights per block, one f16 scale then 16 bytes; byte j holds weight j in its low nibble
// and weight j+16 in its high nibble. value = d * (nibble - 8).
inline constexpr std::size_t q4_0_block_weights = 32;
inline constexpr std::size_t q4_0_block_bytes = 2 + 16;

struct type_traits {
  std::string_view name;
  std::size_t block_weights;  // weights per block (1 for plain types)
  std::size_t block_bytes;    // bytes per block
};

// Traits for a supported type; nullopt for an id we do not handle.
inline std::optional<type_traits> traits_of(std::uint32_t raw_type) {
  switch (static_cast<ggml_type>(raw_type)) {
    case ggml_type::f32: return type_traits{"F32", 1, 4};
    case ggml_type::f16: return type_traits{"F16", 1, 2};
    case ggml_type::q4_0: return type_traits{"Q4_0", q4_0_block_weights, q4_0_block_bytes};
    case ggml_type::q8_0: return type_traits{"Q8_0", q8_0_block_weights, q8_0_block_bytes};
  }
  return std::nullopt;
}

inline type_traits traits_of(ggml_type type) { return *traits_of(static_cast<std::uint32_t>(type)); }

// Bytes needed for a row of `weights` weights (weights must be a multiple of the block size).
inline std::size_t row_bytes(ggml_type type, std::size_t weights) {
  const type_traits t = traits_of(type);
  return weights / t.block_weights * t.block_bytes;
}

}  // namespace infergrid::model
