#include "kernels/reference/quant.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>

#include "kernels/reference/half.hpp"

namespace infergrid::reference {
namespace {

std::vector<float> random_floats(std::size_t n, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, 1.0f);
  std::vector<float> v(n);
  for (float& x : v) x = dist(rng);
  return v;
}

TEST(half, round_trips_exact_values) {
  for (float x : {0.0f, 1.0f, -2.5f, 65504.0f, 6.103515625e-05f, 5.960464477539063e-08f, 0.333251953125f}) {
    EXPECT_EQ(half_to_float(float_to_half(x)), x) << x;
  }
  EXPECT_TRUE(std::isinf(half_to_float(float_to_half(1e6f))));
  EXPECT_TRUE(std::isnan(half_to_float(float_to_half(std::nanf("")))));
}

TEST(half, every_half_round_trips_through_float) {
  for (std::uint32_t h = 0; h < 0x10000; ++h) {
    const float f = half_to_float(static_cast<std::uint16_t>(h));
    if (std::isnan(f)) continue;
    EXPECT_EQ(float_to_half(f), h) << h;
  }
}

TEST(half, rounds_to_nearest) {
  const std::vector<float> v = random_floats(10000, 7);
  for (float x : v) {
    const float back = half_to_float(float_to_half(x));
    EXPECT_LE(std::fabs(back - x), std::fabs(x) * (1.0f / 2048.0f) + 1e-7f) << x;
  }
}

class quant_round_trip : public ::testing::TestWithParam<std::pair<model::ggml_type, float>> {};

// Each weight within relative_bound of the largest magnitude of its 32-weight span (for the
// K-quants, of its 256-weight super-block: their 6-bit scales are relative to the largest).
TEST_P(quant_round_trip, error_within_bound_of_block_scale) {
  const auto [type, relative_bound] = GetParam();
  const std::vector<float> in = random_floats(256 * 8, 11);
  const std::vector<std::byte> bytes = quantize_row(type, in);
  ASSERT_EQ(bytes.size(), model::row_bytes(type, in.size()));
  std::vector<float> out(in.size());
  dequantize_row(type, bytes.data(), out);
  const std::size_t span = std::max<std::size_t>(32, model::traits_of(type).block_weights);
  for (std::size_t b = 0; b < in.size() / span; ++b) {
    float amax = 0.0f;
    for (std::size_t i = 0; i < span; ++i) amax = std::max(amax, std::fabs(in[b * span + i]));
    for (std::size_t i = 0; i < span; ++i) {
      EXPECT_LE(std::fabs(out[b * span + i] - in[b * span + i]), amax * relative_bound) << b << ":" << i;
    }
  }
}

std::string type_param_name(const ::testing::TestParamInfo<std::pair<model::ggml_type, float>>& info) {
  return std::string(model::traits_of(info.param.first).name);
}

INSTANTIATE_TEST_SUITE_P(types, quant_round_trip,
                         ::testing::Values(std::pair{model::ggml_type::f32, 0.0f},
                                           std::pair{model::ggml_type::f16, 1.0f / 1024.0f},
                                           std::pair{model::ggml_type::bf16, 1.0f / 128.0f},
                                           std::pair{model::ggml_type::q8_0, 1.0f / 127.0f},
                                           std::pair{model::ggml_type::q4_0, 1.0f / 8.0f},
                                           std::pair{model::ggml_type::q4_1, 1.0f / 14.0f},
                                           std::pair{model::ggml_type::q5_0, 1.0f / 16.0f},
                                           std::pair{model::ggml_type::q5_1, 1.0f / 30.0f},
                                           std::pair{model::ggml_type::q2_k, 1.0f / 2.5f},
                                           std::pair{model::ggml_type::q3_k, 1.0f / 3.5f},
                                           std::pair{model::ggml_type::q4_k, 1.0f / 6.0f},
                                           std::pair{model::ggml_type::q5_k, 1.0f / 12.0f},
                                           std::pair{model::ggml_type::q6_k, 1.0f / 24.0f}),
                         type_param_name);

// Every row of the table is consistent: names, sizes, the functions a type needs.
TEST(type_table, rows_are_complete_and_ids_round_trip) {
  for (const model::type_traits& t : model::all_types) {
    EXPECT_EQ(model::traits_of(static_cast<std::uint32_t>(t.type))->name, t.name);
    EXPECT_EQ(model::type_named(t.cli_name), t.type);
    EXPECT_EQ(t.block_weights % (t.pack != nullptr ? t.unit_weights : 1), 0u) << t.name;
    EXPECT_TRUE(t.dequantize != nullptr && t.quantize != nullptr) << t.name;
    EXPECT_EQ(t.pack != nullptr, t.layout == model::device_layout::units) << t.name;
    EXPECT_EQ(t.pack != nullptr, t.side_entry_bytes != 0) << t.name;
    // Blocks kept as stored are read in 32-weight units, 8 per 256-weight super-block.
    if (t.layout == model::device_layout::blocks) {
      EXPECT_EQ(t.block_weights, 8 * t.unit_weights) << t.name;
    }
    EXPECT_EQ(t.glsl_define, "DATA_A_" + std::string(t.name)) << t.name;
  }
  EXPECT_FALSE(model::traits_of(std::uint32_t{15}).has_value());  // Q8_K
  EXPECT_FALSE(model::type_named("q8_k").has_value());
}

// Blocks written by hand in ggml's layouts dequantize to the values ggml's own formulas give.
TEST(quant, q4_k_reads_packed_scales_and_group_nibbles) {
  std::vector<std::byte> block(144, std::byte{0});
  block[0] = std::byte{0x00};  // d = 1.0 (f16 0x3c00)
  block[1] = std::byte{0x3c};
  block[2] = std::byte{0x00};  // dmin = 0.5 (f16 0x3800)
  block[3] = std::byte{0x38};
  // sub-block 1: scale 3, min 2 (bytes 1 and 5); sub-block 5: scale 0x2a (low 4 bits in byte 9,
  // high 2 bits in the top of byte 1), min 0x15 (high nibble of byte 9, top of byte 5).
  block[4 + 1] = static_cast<std::byte>(3 | (0x2a >> 4) << 6);
  block[4 + 5] = static_cast<std::byte>(2 | (0x15 >> 4) << 6);
  block[4 + 9] = static_cast<std::byte>((0x2a & 0x0f) | (0x15 & 0x0f) << 4);
  // weight 32 + 7 (group 0, high nibble of byte 7) = 9; weight 160 + 1 (group 2, high nibble of byte 64 + 1) = 4.
  block[16 + 7] = std::byte{0x90};
  block[16 + 65] = std::byte{0x40};
  std::vector<float> out(256);
  dequantize_row(model::ggml_type::q4_k, block.data(), out);
  EXPECT_EQ(out[39], 1.0f * 3 * 9 - 0.5f * 2);
  EXPECT_EQ(out[32], -0.5f * 2);
  EXPECT_EQ(out[161], 1.0f * 0x2a * 4 - 0.5f * 0x15);
}

TEST(quant, q6_k_reads_low_and_high_bits_per_quarter) {
  std::vector<std::byte> block(210, std::byte{0});
  block[208] = std::byte{0x00};  // d = 2.0 (f16 0x4000)
  block[209] = std::byte{0x40};
  block[192 + 6] = static_cast<std::byte>(static_cast<std::int8_t>(-3));  // weights 96..111
  // weight 96 + 5: quarter 3 of half 0: high nibble of ql[32 + 5], bits 6..7 of qh[5].
  block[37] = std::byte{0xa0};
  block[128 + 5] = std::byte{0x80};  // high bits 2
  std::vector<float> out(256);
  dequantize_row(model::ggml_type::q6_k, block.data(), out);
  EXPECT_EQ(out[101], 2.0f * -3 * ((0xa | 2 << 4) - 32));
}

// Q3_K: the 2-bit levels of qs, the 3rd bit from hmask, and 6-bit scales stored + 32 — the most
// negative (stored 0: -32) and most positive (63: +31) among them.
TEST(quant, q3_k_reads_hmask_and_packed_signed_scales) {
  std::vector<std::byte> block(110, std::byte{0});
  std::byte* hmask = block.data();
  std::byte* qs = block.data() + 32;
  std::byte* scales = block.data() + 96;
  block[108] = std::byte{0x00};  // d = 2.0 (f16 0x4000)
  block[109] = std::byte{0x40};
  // Sub-block 15 stored 63: low nibble in the high half of byte 7, top bits 6..7 of byte 11.
  scales[7] = std::byte{0xf0};
  scales[11] = std::byte{0xc0};
  // Sub-block 9 stored 0x25 (+5): low nibble in the high half of byte 1, top bits 4..5 of byte 9.
  scales[1] = std::byte{0x50};
  scales[9] = std::byte{0x20};
  // Weight 0 (half 0, j 0, l 0): level 3 | 3rd bit -> 7. Weight 150 (half 1, j 0, l 22): bits 0..1
  // of qs[32 + 22] = 1, bit 4 of hmask[22] -> 5. Weight 255 (half 1, j 3, l 31): level 0.
  qs[0] = std::byte{0x03};
  hmask[0] = std::byte{0x01};
  qs[32 + 22] = std::byte{0x01};
  hmask[22] = std::byte{0x10};
  std::vector<float> out(256);
  dequantize_row(model::ggml_type::q3_k, block.data(), out);
  EXPECT_EQ(out[0], 2.0f * -32 * (7 - 4));
  EXPECT_EQ(out[1], 2.0f * -32 * (0 - 4));
  EXPECT_EQ(out[150], 2.0f * 5 * (5 - 4));
  EXPECT_EQ(out[151], 2.0f * 5 * (0 - 4));
  EXPECT_EQ(out[255], 2.0f * 31 * (0 - 4));
  EXPECT_EQ(out[100], 2.0f * -32 * (0 - 4));  // sub-block 6 stored 0
}

// Q2_K: a byte per 16 weights (4-bit scale low, 4-bit min high) and the 2-bit levels of qs.
TEST(quant, q2_k_reads_scale_min_nibbles_and_two_bit_levels) {
  std::vector<std::byte> block(84, std::byte{0});
  block[80] = std::byte{0x00};  // d = 0.5 (f16 0x3800)
  block[81] = std::byte{0x38};
  block[82] = std::byte{0x00};  // dmin = 4.0 (f16 0x4400)
  block[83] = std::byte{0x44};
  block[15] = std::byte{0xff};  // weights 240..255: scale 15, min 15
  block[4] = std::byte{0x2f};   // weights 64..79: scale 15, min 2
  // Weight 255 (half 1, j 3, l 31): bits 6..7 of qs[63] = 3. Weight 70 (half 0, j 2, l 6): bits 4..5 of qs[6] = 2.
  block[16 + 63] = std::byte{0xc0};
  block[16 + 6] = std::byte{0x20};
  std::vector<float> out(256);
  dequantize_row(model::ggml_type::q2_k, block.data(), out);
  EXPECT_EQ(out[255], 0.5f * 15 * 3 - 4.0f * 15);
  EXPECT_EQ(out[254], -4.0f * 15);
  EXPECT_EQ(out[70], 0.5f * 15 * 2 - 4.0f * 2);
  EXPECT_EQ(out[0], 0.0f);
}

TEST(quant, q5_0_takes_fifth_bits_from_qh) {
  std::vector<std::byte> block(22, std::byte{0});
  block[1] = std::byte{0x3c};  // d = 1
  block[2 + 2] = std::byte{0x01};  // qh bit 16: weight 16
  block[6 + 0] = std::byte{0x3f};  // weight 0 = 15, weight 16 = 3 (+16)
  std::vector<float> out(32);
  dequantize_row(model::ggml_type::q5_0, block.data(), out);
  EXPECT_EQ(out[0], 15.0f - 16.0f);
  EXPECT_EQ(out[16], 19.0f - 16.0f);
  EXPECT_EQ(out[1], -16.0f);
}

TEST(quant, bf16_is_the_top_half_of_a_float) {
  const std::vector<float> in = {1.0f, -2.5f, 3.0e38f, 1.0f + 1.0f / 256.0f};
  const auto bytes = quantize_row(model::ggml_type::bf16, in);
  std::vector<float> out(in.size());
  dequantize_row(model::ggml_type::bf16, bytes.data(), out);
  EXPECT_EQ(out[0], 1.0f);
  EXPECT_EQ(out[1], -2.5f);
  EXPECT_NEAR(out[2], 3.0e38f, 3.0e38f / 128);
  EXPECT_EQ(out[3], 1.0f);  // ties to even
}

// Extreme blocks: all zero, tiny, huge and all-negative values stay finite and close.
TEST(quant, extreme_blocks_round_trip) {
  for (const model::type_traits& t : model::all_types) {
    for (const float magnitude : {0.0f, 1e-6f, 3000.0f}) {
      std::vector<float> in = random_floats(256, 5);
      for (float& x : in) x = -std::fabs(x) * magnitude;
      const auto bytes = quantize_row(t.type, in);
      std::vector<float> out(in.size());
      dequantize_row(t.type, bytes.data(), out);
      for (std::size_t i = 0; i < in.size(); ++i) {
        ASSERT_TRUE(std::isfinite(out[i])) << t.name << " " << magnitude;
        // Tiny blocks reach f16's subnormal scales: allow a step of 2^-24 per level as well.
        const float subnormal_allowance = 128.0f * 5.97e-8f;
        EXPECT_LE(std::fabs(out[i] - in[i]), magnitude * 4.0f / 6.0f + subnormal_allowance) << t.name << " " << magnitude;
        if (magnitude == 0.0f) {
          EXPECT_EQ(out[i], 0.0f) << t.name;
        }
      }
    }
  }
}

TEST(quant, q4_0_layout_low_nibbles_first_half) {
  std::vector<float> in(32, 0.0f);
  in[0] = -8.0f;  // scale 1
  in[16] = 7.0f;
  const std::vector<std::byte> bytes = quantize_row(model::ggml_type::q4_0, in);
  EXPECT_EQ(half_to_float(static_cast<std::uint16_t>(std::to_integer<int>(bytes[0]) | std::to_integer<int>(bytes[1]) << 8)), 1.0f);
  EXPECT_EQ(std::to_integer<int>(bytes[2]), 0x0 | (15 << 4));
}

}  // namespace
}  // namespace infergrid::reference
