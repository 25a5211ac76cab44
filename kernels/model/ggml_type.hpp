#pragma once
// GGML tensor types as stored in GGUF files (numeric ids fixed by the GGUF spec) and the one table
// of what each supported type is: names, block layout, the GLSL define its shader variants are
// compiled with, the device layout the kernels read (kernels/engine/weight_layout.hpp), and its
// reference quantize / dequantize / device-pack functions (kernels/reference/quant_blocks.hpp).
// Adding a quant type means: a row here, its block functions in kernels/reference, its unpack in
// kernels/glsl/include/weights.glsl and its name in kernels/glsl/variants.cmake's type list.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "kernels/reference/quant_blocks.hpp"

namespace infergrid::model {

enum class ggml_type : std::uint32_t {
  f32 = 0,
  f16 = 1,
  q4_0 = 2,
  q4_1 = 3,
  q5_0 = 6,
  q5_1 = 7,
  q8_0 = 8,
  q2_k = 10,
  q3_k = 11,
  q4_k = 12,
  q5_k = 13,
  q6_k = 14,
  bf16 = 30,
};

// Block layouts as ggml defines them (ggml-common.h), byte for byte:
//   Q8_0 (34 B / 32): f16 d, 32 int8 q.                      value = d * q
//   Q4_0 (18 B / 32): f16 d, 16 B nibbles (byte j: weight j low, j+16 high). value = d * (q - 8)
//   Q4_1 (20 B / 32): f16 d, f16 m, nibbles as Q4_0.          value = d * q + m
//   Q5_0 (22 B / 32): f16 d, u32 qh (bit i = 5th bit of weight i), nibbles as Q4_0. d * (q - 16)
//   Q5_1 (24 B / 32): f16 d, f16 m, u32 qh, nibbles.          value = d * q + m
//   Q2_K (84 B / 256): 16 B of scales (byte s: 4-bit scale low, 4-bit min high, for the 16 weights
//        16s..), 64 B of 2-bit levels, f16 d, f16 dmin. Weight 128h + 32j + l (h half, j 0..3, l 0..31)
//        is bits 2j..2j+1 of qs[32h + l]; value = d * scale * q - dmin * min
//   Q3_K (110 B / 256): 32 B hmask, 64 B of 2-bit levels (as Q2_K), 12 B of 6-bit scales (one per 16
//        weights, stored + 32: scale s has its low 4 bits in byte s (s < 8, low nibble) or s - 8 (high
//        nibble), its top 2 bits at bits 2 (s / 4) of byte 8 + s % 4), f16 d. Weight i's 3rd bit is
//        bit i / 32 of hmask[i % 32]; value = d * (scale - 32) * (q - 4)
//   Q4_K (144 B / 256): f16 d, f16 dmin, 12 B of 6-bit scales and mins for 8 sub-blocks of 32,
//        128 B nibbles (64-weight groups: byte l low = weight l, high = weight l+32).
//        value = d * scale_j * q - dmin * min_j
//   Q5_K (176 B / 256): as Q4_K plus 32 B qh before the nibbles (bit 2g / 2g+1 of qh[l]: 5th bit
//        of weight 64g + l / 64g + 32 + l).
//   Q6_K (210 B / 256): 128 B low nibbles, 64 B 2-bit highs, 16 int8 scales (one per 16 weights),
//        f16 d. value = d * scale * (q - 32)
//   BF16: the top 16 bits of an IEEE float.
inline constexpr std::size_t q8_0_block_weights = 32;
inline constexpr std::size_t q8_0_block_bytes = 2 + 32;
inline constexpr std::size_t q4_0_block_weights = 32;
inline constexpr std::size_t q4_0_block_bytes = 2 + 16;
inline constexpr std::size_t k_block_weights = 256;  // QK_K

// How the device holds a type's rows (kernels/engine/weight_layout.hpp):
//   rows    the row's bytes as stored, zero-padded to 16-byte units (F32, F16, BF16)
//   units   blocks split by `pack` into a plane of 16-byte units and one of side entries
//   blocks  the GGUF blocks as stored, each zero-padded to whole 16-byte units (Q2_K 84 -> 96,
//           Q3_K 110 -> 112, Q6_K 210 -> 224)
enum class device_layout { rows, units, blocks };

struct type_traits {
  ggml_type type;
  std::string_view name;        // as ggml prints it: "Q4_K"
  std::string_view cli_name;    // lower case, as variants.cmake and the CLI spell it: "q4_k"
  std::size_t block_weights;    // weights per block (1 for plain types)
  std::size_t block_bytes;      // bytes per block
  std::string_view glsl_define; // what weights.glsl unpacks under: "DATA_A_Q4_K"
  // Device layout (kernels/engine/weight_layout.hpp): weights per unit the kernels step by (one
  // 16-byte unit for rows/units layouts), and the side entries (block scales, mins, high bits) —
  // side_entry_bytes for each side_entry_units units.
  std::size_t unit_weights;
  std::size_t side_entry_units;
  std::size_t side_entry_bytes;
  reference::dequantize_block_fn dequantize;
  reference::quantize_block_fn quantize;
  reference::pack_block_fn pack;  // device_layout::units only
  device_layout layout;
};

namespace rq = reference::quant_blocks;
inline constexpr std::array<type_traits, 13> all_types = {{
    {ggml_type::f32, "F32", "f32", 1, 4, "DATA_A_F32", 4, 1, 0, rq::dequantize_f32, rq::quantize_f32, nullptr,
     device_layout::rows},
    {ggml_type::f16, "F16", "f16", 1, 2, "DATA_A_F16", 8, 1, 0, rq::dequantize_f16, rq::quantize_f16, nullptr,
     device_layout::rows},
    {ggml_type::bf16, "BF16", "bf16", 1, 2, "DATA_A_BF16", 8, 1, 0, rq::dequantize_bf16, rq::quantize_bf16, nullptr,
     device_layout::rows},
    {ggml_type::q8_0, "Q8_0", "q8_0", 32, 34, "DATA_A_Q8_0", 16, 2, 2, rq::dequantize_q8_0, rq::quantize_q8_0,
     rq::pack_q8_0, device_layout::units},
    {ggml_type::q4_0, "Q4_0", "q4_0", 32, 18, "DATA_A_Q4_0", 32, 1, 2, rq::dequantize_q4_0, rq::quantize_q4_0,
     rq::pack_q4_0, device_layout::units},
    {ggml_type::q4_1, "Q4_1", "q4_1", 32, 20, "DATA_A_Q4_1", 32, 1, 4, rq::dequantize_q4_1, rq::quantize_q4_1,
     rq::pack_q4_1, device_layout::units},
    {ggml_type::q5_0, "Q5_0", "q5_0", 32, 22, "DATA_A_Q5_0", 32, 1, 8, rq::dequantize_q5_0, rq::quantize_q5_0,
     rq::pack_q5_0, device_layout::units},
    {ggml_type::q5_1, "Q5_1", "q5_1", 32, 24, "DATA_A_Q5_1", 32, 1, 8, rq::dequantize_q5_1, rq::quantize_q5_1,
     rq::pack_q5_1, device_layout::units},
    {ggml_type::q2_k, "Q2_K", "q2_k", 256, 84, "DATA_A_Q2_K", 32, 1, 0, rq::dequantize_q2_k, rq::quantize_q2_k,
     nullptr, device_layout::blocks},
    {ggml_type::q3_k, "Q3_K", "q3_k", 256, 110, "DATA_A_Q3_K", 32, 1, 0, rq::dequantize_q3_k, rq::quantize_q3_k,
     nullptr, device_layout::blocks},
    {ggml_type::q4_k, "Q4_K", "q4_k", 256, 144, "DATA_A_Q4_K", 32, 1, 0, rq::dequantize_q4_k, rq::quantize_q4_k,
     nullptr, device_layout::blocks},
    {ggml_type::q5_k, "Q5_K", "q5_k", 256, 176, "DATA_A_Q5_K", 32, 1, 0, rq::dequantize_q5_k, rq::quantize_q5_k,
     nullptr, device_layout::blocks},
    {ggml_type::q6_k, "Q6_K", "q6_k", 256, 210, "DATA_A_Q6_K", 32, 1, 0, rq::dequantize_q6_k, rq::quantize_q6_k,
     nullptr, device_layout::blocks},
}};

// The row of a supported type id; nullopt for an id we do not handle.
inline std::optional<type_traits> traits_of(std::uint32_t raw_type) {
  for (const type_traits& t : all_types) {
    if (static_cast<std::uint32_t>(t.type) == raw_type) return t;
  }
  return std::nullopt;
}

constexpr const type_traits& traits_of(ggml_type type) {
  for (const type_traits& t : all_types) {
    if (t.type == type) return t;
  }
  return all_types[0];  // unreachable: every enumerator has a row (ggml_type.test.cpp)
}

// The type whose cli_name is `name` ("q4_k"); nullopt for none.
inline std::optional<ggml_type> type_named(std::string_view cli_name) {
  for (const type_traits& t : all_types) {
    if (t.cli_name == cli_name) return t.type;
  }
  return std::nullopt;
}

// Whether the device layout keeps side entries (block scales, mins, high bits) beside the units.
inline bool has_side_entries(ggml_type type) { return traits_of(type).side_entry_bytes != 0; }

// Bytes needed for a row of `weights` weights (weights must be a multiple of the block size).
inline std::size_t row_bytes(ggml_type type, std::size_t weights) {
  const type_traits& t = traits_of(type);
  return weights / t.block_weights * t.block_bytes;
}

}  // namespace infergrid::model
