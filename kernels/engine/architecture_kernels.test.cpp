// The kernels the architecture options add, against kernels/reference/ops: rope_kv with NEOX
// ordering, llama3 frequency factors and q/k/v biases (alone and together, full and partial rope
// dims), and the per-head q/k RMSNorm (qk_norm).
#include <gtest/gtest.h>

#include "kernels/engine/kernel_test_support.hpp"
#include "kernels/reference/ops.hpp"

namespace infergrid::engine {
namespace {

using namespace testing_support;

struct rope_case {
  model::rope_style style;
  std::uint32_t rope_dims;
  bool factors;
  bool bias;
};

constexpr std::uint32_t n_heads = 4, n_kv_heads = 2, head_dim = 32, n_ctx = 16, n_tokens = 5;
constexpr std::uint32_t q_width = n_heads * head_dim, kv_width = n_kv_heads * head_dim;
constexpr std::uint32_t stride = q_width + 2 * kv_width;

// Column block [first, first + width) of every row of `rows` (row length stride).
std::vector<float> columns(std::span<const float> rows, std::uint32_t first, std::uint32_t width) {
  std::vector<float> out;
  for (std::size_t r = 0; r * stride < rows.size(); ++r) {
    out.insert(out.end(), rows.begin() + r * stride + first, rows.begin() + r * stride + first + width);
  }
  return out;
}

void check_rope(const rope_case& c) {
  vk::device& dev = shared_device();
  auto lib = kernel_library::create(dev);
  ASSERT_TRUE(lib.ok()) << lib.err().message;
  const auto qkv = random_floats(n_tokens * stride, 11);
  const auto bias = random_floats(stride, 12);
  std::vector<float> factors(c.rope_dims / 2);
  for (std::size_t i = 0; i < factors.size(); ++i) factors[i] = 1.0f + 3.0f * static_cast<float>(i);
  // Positions far enough apart that the factors move the angles visibly.
  const std::vector<std::int32_t> positions = {0, 3, 7, 12, 15};
  const std::vector<std::int32_t> slot_ids(n_tokens, 0);

  std::vector<float> with_bias = qkv;
  if (c.bias) reference::add_bias(with_bias, bias);
  std::vector<float> q = columns(with_bias, 0, q_width), k = columns(with_bias, q_width, kv_width);
  const std::vector<float> v = columns(with_bias, q_width + kv_width, kv_width);
  const reference::rope_settings settings{c.rope_dims, 10000.0f, 1.0f, c.style == model::rope_style::neox,
                                          c.factors ? std::span<const float>(factors) : std::span<const float>()};
  reference::rope(q, n_heads, head_dim, positions, settings);
  reference::rope(k, n_kv_heads, head_dim, positions, settings);

  vk::buffer qkv_buffer = make_buffer<float>(dev, qkv);
  vk::buffer pos_buffer = make_buffer<std::int32_t>(dev, positions);
  vk::buffer slot_buffer = make_buffer<std::int32_t>(dev, slot_ids);
  vk::buffer factor_buffer = make_buffer<float>(dev, factors);
  vk::buffer bias_buffer = make_buffer<float>(dev, bias);
  vk::buffer kb = zero_buffer(dev, n_ctx * kv_width), vb = zero_buffer(dev, n_ctx * kv_width);
  const rope_parameters rope{c.rope_dims, 10000.0f, 1.0f, c.style, c.factors ? &factor_buffer : nullptr,
                             c.bias ? &bias_buffer : nullptr};
  run_once(dev, [&](recorder& rec) -> status {
    return lib->rope_kv(rec, qkv_buffer, {pos_buffer, slot_buffer, 0}, kb, vb, {n_heads, n_kv_heads, head_dim, n_ctx},
                        rope, n_tokens);
  });
  const auto qkv_after = read_floats(dev, qkv_buffer, qkv.size());
  const auto k_all = read_floats(dev, kb, n_ctx * kv_width), v_all = read_floats(dev, vb, n_ctx * kv_width);
  std::vector<float> k_cached, v_cached;
  for (std::int32_t position : positions) {
    const auto row = static_cast<std::size_t>(position) * kv_width;
    k_cached.insert(k_cached.end(), k_all.begin() + row, k_all.begin() + row + kv_width);
    v_cached.insert(v_cached.end(), v_all.begin() + row, v_all.begin() + row + kv_width);
  }
  // Device sin/cos (see layer_kernels.test.cpp's rotation bound).
  EXPECT_LE(relative_error(columns(qkv_after, 0, q_width), q), 5e-5);
  EXPECT_LE(relative_error(k_cached, k), 5e-5);
  EXPECT_LE(relative_error(v_cached, v), 1e-7);
}

TEST(rope_kv_options, neox_ordering) { check_rope({model::rope_style::neox, head_dim, false, false}); }
TEST(rope_kv_options, neox_partial_rope_dims) { check_rope({model::rope_style::neox, 16, false, false}); }
TEST(rope_kv_options, norm_with_frequency_factors) { check_rope({model::rope_style::norm, head_dim, true, false}); }
TEST(rope_kv_options, neox_with_bias_and_factors) { check_rope({model::rope_style::neox, 16, true, true}); }
TEST(rope_kv_options, norm_with_bias) { check_rope({model::rope_style::norm, head_dim, false, true}); }

TEST(rope_kv_options, neox_differs_from_norm) {
  // The reference itself: the two orderings give different rotations of the same heads.
  auto x = random_floats(q_width, 3);
  auto y = x;
  const std::vector<std::int32_t> position = {5};
  reference::rope(x, n_heads, head_dim, position, {head_dim, 10000.0f, 1.0f, false, {}});
  reference::rope(y, n_heads, head_dim, position, {head_dim, 10000.0f, 1.0f, true, {}});
  EXPECT_GT(relative_error(x, y), 0.1);
}

TEST(qk_norm, normalises_each_q_and_k_head) {
  vk::device& dev = shared_device();
  auto lib = kernel_library::create(dev);
  ASSERT_TRUE(lib.ok()) << lib.err().message;
  const auto qkv = random_floats(n_tokens * stride, 21, 4.0f);
  const auto q_norm = random_floats(head_dim, 22), k_norm = random_floats(head_dim, 23);
  std::vector<float> q = columns(qkv, 0, q_width), k = columns(qkv, q_width, kv_width);
  const std::vector<float> v = columns(qkv, q_width + kv_width, kv_width);
  reference::rms_norm(q, q_norm, 1e-6f, q);
  reference::rms_norm(k, k_norm, 1e-6f, k);
  vk::buffer qkv_buffer = make_buffer<float>(dev, qkv);
  vk::buffer qb = make_buffer<float>(dev, q_norm), kb = make_buffer<float>(dev, k_norm);
  run_once(dev, [&](recorder& rec) -> status {
    return lib->qk_norm(rec, qkv_buffer, qb, kb, {n_heads, n_kv_heads, head_dim, n_ctx}, 1e-6f, n_tokens);
  });
  const auto after = read_floats(dev, qkv_buffer, qkv.size());
  EXPECT_LE(relative_error(columns(after, 0, q_width), q), 1e-5);
  EXPECT_LE(relative_error(columns(after, q_width, kv_width), k), 1e-5);
  EXPECT_EQ(relative_error(columns(after, q_width + kv_width, kv_width), v), 0.0) << "v untouched";
}

}  // namespace
}  // namespace infergrid::engine
