#include "kernels/reference/ops.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "kernels/reference/quant.hpp"

namespace infergrid::reference {
namespace {

const std::byte* as_bytes(const std::vector<float>& v) { return reinterpret_cast<const std::byte*>(v.data()); }

TEST(ops_matmul, f32_hand_checked) {
  // W = [[1,2,3],[4,5,6]], x0 = [1,0,-1], x1 = [2,1,0.5]
  const std::vector<float> w = {1, 2, 3, 4, 5, 6};
  const std::vector<float> x = {1, 0, -1, 2, 1, 0.5f};
  std::vector<float> y(4);
  matmul(model::ggml_type::f32, as_bytes(w), 2, 3, x, y, 2);
  EXPECT_FLOAT_EQ(y[0], -2.0f);
  EXPECT_FLOAT_EQ(y[1], -2.0f);
  EXPECT_FLOAT_EQ(y[2], 5.5f);
  EXPECT_FLOAT_EQ(y[3], 16.0f);
}

TEST(ops_matmul, q8_0_matches_dequantized_f32) {
  std::vector<float> w(2 * 64);
  for (std::size_t i = 0; i < w.size(); ++i) w[i] = std::sin(static_cast<float>(i));
  std::vector<std::byte> q;
  for (std::size_t r = 0; r < 2; ++r) {
    const auto row = quantize_row(model::ggml_type::q8_0, std::span<const float>(w).subspan(r * 64, 64));
    q.insert(q.end(), row.begin(), row.end());
  }
  std::vector<float> dequantized(w.size());
  for (std::size_t r = 0; r < 2; ++r) {
    dequantize_row(model::ggml_type::q8_0, q.data() + r * model::row_bytes(model::ggml_type::q8_0, 64),
                   std::span<float>(dequantized).subspan(r * 64, 64));
  }
  std::vector<float> x(64, 0.5f);
  std::vector<float> y_quant(2), y_plain(2);
  matmul(model::ggml_type::q8_0, q.data(), 2, 64, x, y_quant, 1);
  matmul(model::ggml_type::f32, as_bytes(dequantized), 2, 64, x, y_plain, 1);
  EXPECT_NEAR(y_quant[0], y_plain[0], 1e-5f);
  EXPECT_NEAR(y_quant[1], y_plain[1], 1e-5f);
}

TEST(ops_embedding, picks_rows) {
  const std::vector<float> table = {0, 1, 10, 11, 20, 21};
  const std::vector<std::int32_t> tokens = {2, 0};
  std::vector<float> out(4);
  embedding_lookup(model::ggml_type::f32, as_bytes(table), 2, tokens, out);
  EXPECT_EQ(out, (std::vector<float>{20, 21, 0, 1}));
}

TEST(ops_rms_norm, hand_checked) {
  // x = [3, 4]: mean square 12.5, rms = sqrt(12.5)
  const std::vector<float> x = {3, 4, -1, -1};
  const std::vector<float> weight = {1, 2};
  std::vector<float> out(4);
  rms_norm(x, weight, 0.0f, out);
  const float r = std::sqrt(12.5f);
  EXPECT_FLOAT_EQ(out[0], 3 / r);
  EXPECT_FLOAT_EQ(out[1], 8 / r);
  EXPECT_FLOAT_EQ(out[2], -1.0f);
  EXPECT_FLOAT_EQ(out[3], -2.0f);
}

TEST(ops_rope, rotates_pairs_by_known_angles) {
  // head_dim 4, rope_dims 4, base 100: pair 0 frequency 1, pair 1 frequency 100^(-2/4) = 0.1.
  std::vector<float> x = {1, 0, 1, 0};
  const std::vector<std::int32_t> positions = {3};
  rope(x, 1, 4, 4, positions, 100.0f, 1.0f);
  EXPECT_NEAR(x[0], std::cos(3.0f), 1e-6f);
  EXPECT_NEAR(x[1], std::sin(3.0f), 1e-6f);
  EXPECT_NEAR(x[2], std::cos(0.3f), 1e-6f);
  EXPECT_NEAR(x[3], std::sin(0.3f), 1e-6f);
}

TEST(ops_rope, leaves_dims_beyond_rope_dims_and_position_zero) {
  std::vector<float> x = {1, 2, 3, 4, 5, 6, 7, 8};  // two tokens, one head, head_dim 4, rope_dims 2
  const std::vector<std::int32_t> positions = {0, 1};
  rope(x, 1, 4, 2, positions, 10000.0f, 0.5f);
  EXPECT_FLOAT_EQ(x[0], 1);
  EXPECT_FLOAT_EQ(x[1], 2);
  EXPECT_FLOAT_EQ(x[2], 3);
  EXPECT_FLOAT_EQ(x[3], 4);
  // position 1 scaled by 0.5 → angle 0.5 on pair 0.
  EXPECT_NEAR(x[4], 5 * std::cos(0.5f) - 6 * std::sin(0.5f), 1e-5f);
  EXPECT_NEAR(x[5], 5 * std::sin(0.5f) + 6 * std::cos(0.5f), 1e-5f);
  EXPECT_FLOAT_EQ(x[6], 7);
  EXPECT_FLOAT_EQ(x[7], 8);
}

TEST(ops_rope, neox_rotates_halves_by_known_angles) {
  // head_dim 6, rope_dims 4, base 100: pairs (0, 2) at frequency 1 and (1, 3) at 0.1; 4 and 5 untouched.
  std::vector<float> x = {1, 1, 0, 0, 7, 8};
  const std::vector<std::int32_t> positions = {3};
  rope(x, 1, 6, positions, {4, 100.0f, 1.0f, true, {}});
  EXPECT_NEAR(x[0], std::cos(3.0f), 1e-6f);
  EXPECT_NEAR(x[2], std::sin(3.0f), 1e-6f);
  EXPECT_NEAR(x[1], std::cos(0.3f), 1e-6f);
  EXPECT_NEAR(x[3], std::sin(0.3f), 1e-6f);
  EXPECT_FLOAT_EQ(x[4], 7);
  EXPECT_FLOAT_EQ(x[5], 8);
}

TEST(ops_rope, frequency_factors_divide_each_pairs_angle) {
  // NORM ordering, pair 0 divided by 2, pair 1 by 0.5.
  std::vector<float> x = {1, 0, 1, 0};
  const std::vector<std::int32_t> positions = {3};
  const std::vector<float> factors = {2.0f, 0.5f};
  rope(x, 1, 4, positions, {4, 100.0f, 1.0f, false, factors});
  EXPECT_NEAR(x[0], std::cos(1.5f), 1e-6f);
  EXPECT_NEAR(x[1], std::sin(1.5f), 1e-6f);
  EXPECT_NEAR(x[2], std::cos(0.6f), 1e-6f);
  EXPECT_NEAR(x[3], std::sin(0.6f), 1e-6f);
}

TEST(ops_add_bias, adds_to_every_row) {
  std::vector<float> x = {1, 2, 3, 4, 5, 6};
  add_bias(x, std::vector<float>{10, 20, 30});
  EXPECT_EQ(x, (std::vector<float>{11, 22, 33, 14, 25, 36}));
}

TEST(ops_attention, single_key_returns_its_value) {
  const std::vector<float> q = {0.3f, -2.0f};
  const std::vector<float> k = {5.0f, 1.0f};
  const std::vector<float> v = {7.0f, -3.0f};
  const std::vector<std::int32_t> positions = {0};
  std::vector<float> out(2);
  attention(q, k, v, positions, 1, 1, 2, 1.0f, out);
  EXPECT_FLOAT_EQ(out[0], 7.0f);
  EXPECT_FLOAT_EQ(out[1], -3.0f);
}

TEST(ops_attention, two_keys_hand_checked_and_causal) {
  // head_dim 1; q = 1, keys 0 and ln(3): weights 1/4, 3/4. A third cache row beyond the position is ignored.
  const std::vector<float> q = {1.0f};
  const std::vector<float> k = {0.0f, std::log(3.0f), 1000.0f};
  const std::vector<float> v = {4.0f, 8.0f, -1000.0f};
  const std::vector<std::int32_t> positions = {1};
  std::vector<float> out(1);
  attention(q, k, v, positions, 1, 1, 1, 1.0f, out);
  EXPECT_NEAR(out[0], 4.0f * 0.25f + 8.0f * 0.75f, 1e-5f);
}

TEST(ops_attention, softmax_stable_with_huge_scores) {
  const std::vector<float> q = {1.0f};
  const std::vector<float> k = {1e30f, 1e30f};
  const std::vector<float> v = {2.0f, 6.0f};
  const std::vector<std::int32_t> positions = {1};
  std::vector<float> out(1);
  attention(q, k, v, positions, 1, 1, 1, 1e5f, out);
  ASSERT_TRUE(std::isfinite(out[0]));
  EXPECT_NEAR(out[0], 4.0f, 1e-5f);
}

TEST(ops_attention, grouped_query_heads_map_to_kv_head) {
  // 4 query heads, 2 kv heads, head_dim 1, one key: head h must return v of kv head h / 2.
  const std::vector<float> q = {1, 1, 1, 1};
  const std::vector<float> k = {0, 0};
  const std::vector<float> v = {10, 20};
  const std::vector<std::int32_t> positions = {0};
  std::vector<float> out(4);
  attention(q, k, v, positions, 4, 2, 1, 1.0f, out);
  EXPECT_EQ(out, (std::vector<float>{10, 10, 20, 20}));
}

TEST(ops_swiglu, hand_checked) {
  const std::vector<float> gate = {0.0f, 2.0f, -50.0f};
  const std::vector<float> up = {5.0f, 3.0f, 1.0f};
  std::vector<float> out(3);
  swiglu(gate, up, out);
  EXPECT_FLOAT_EQ(out[0], 0.0f);
  EXPECT_NEAR(out[1], 2.0f / (1.0f + std::exp(-2.0f)) * 3.0f, 1e-6f);
  EXPECT_NEAR(out[2], 0.0f, 1e-15f);
}

TEST(ops_add, aliasing_output) {
  std::vector<float> a = {1, 2};
  const std::vector<float> b = {10, 20};
  add(a, b, a);
  EXPECT_EQ(a, (std::vector<float>{11, 22}));
}

}  // namespace
}  // namespace infergrid::reference
