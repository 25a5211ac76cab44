#include "kernels/reference/quant.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

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

TEST_P(quant_round_trip, error_within_bound_of_block_scale) {
  const auto [type, relative_bound] = GetParam();
  const std::vector<float> in = random_floats(32 * 64, 11);
  const std::vector<std::byte> bytes = quantize_row(type, in);
  ASSERT_EQ(bytes.size(), model::row_bytes(type, in.size()));
  std::vector<float> out(in.size());
  dequantize_row(type, bytes.data(), out);
  for (std::size_t b = 0; b < in.size() / 32; ++b) {
    float amax = 0.0f;
    for (std::size_t i = 0; i < 32; ++i) amax = std::max(amax, std::fabs(in[b * 32 + i]));
    for (std::size_t i = 0; i < 32; ++i) {
      EXPECT_LE(std::fabs(out[b * 32 + i] - in[b * 32 + i]), amax * relative_bound) << b << ":" << i;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(types, quant_round_trip,
                         ::testing::Values(std::pair{model::ggml_type::f32, 0.0f},
                                           std::pair{model::ggml_type::f16, 1.0f / 1024.0f},
                                           std::pair{model::ggml_type::q8_0, 1.0f / 127.0f},
                                           std::pair{model::ggml_type::q4_0, 1.0f / 8.0f}));

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
