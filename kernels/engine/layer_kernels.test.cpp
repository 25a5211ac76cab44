// RMSNorm, rope + KV write, attention, SwiGLU, add and argmax kernels against kernels/reference/ops,
// with both reduction variants where the kernel reduces.
#include <gtest/gtest.h>

#include <cmath>

#include "kernels/engine/kernel_test_support.hpp"
#include "kernels/reference/ops.hpp"

namespace infergrid::engine {
namespace {

using namespace testing_support;

enum class reduction { shared, subgroup, subgroup_only };

class reducing_kernel : public ::testing::TestWithParam<reduction> {
 protected:
  void SetUp() override {
    kernel_options options;
    options.use_subgroups = GetParam() != reduction::shared;
    options.subgroup_only = GetParam() == reduction::subgroup_only;
    auto created = kernel_library::create(dev_, options);
    ASSERT_TRUE(created.ok()) << created.err().message;
    if (GetParam() == reduction::subgroup_only && !created->subgroup_only()) {
      GTEST_SKIP() << "this device cannot guarantee one subgroup per workgroup";
    }
    lib_.emplace(std::move(*created));
  }
  vk::device& dev_ = shared_device();
  std::optional<kernel_library> lib_;
};

TEST_P(reducing_kernel, rms_norm_matches_reference) {
  for (std::size_t width : {64u, 100u, 768u}) {
    const std::size_t rows = 5;
    const auto x = random_floats(rows * width, 1, 3.0f);
    const auto weight = random_floats(width, 2);
    std::vector<float> expected(rows * width);
    for (std::size_t r = 0; r < rows; ++r) {
      reference::rms_norm(std::span(x).subspan(r * width, width), weight, 1e-5f,
                          std::span(expected).subspan(r * width, width));
    }
    vk::buffer xb = make_buffer<float>(dev_, x), wb = make_buffer<float>(dev_, weight);
    vk::buffer out = zero_buffer(dev_, rows * width), gathered = zero_buffer(dev_, 2 * width);
    const std::vector<std::int32_t> row_list = {4, 1};
    vk::buffer rows_buffer = make_buffer<std::int32_t>(dev_, row_list);
    run_once(dev_, [&](recorder& rec) -> status {
      IG_TRY(lib_->rms_norm(rec, xb, wb, out, static_cast<std::uint32_t>(width), rows, 1e-5f, nullptr));
      return lib_->rms_norm(rec, xb, wb, gathered, static_cast<std::uint32_t>(width), 2, 1e-5f, &rows_buffer);
    });
    EXPECT_LE(relative_error(read_floats(dev_, out, rows * width), expected), 1e-5) << width;
    std::vector<float> expected_gathered(expected.begin() + 4 * width, expected.begin() + 5 * width);
    expected_gathered.insert(expected_gathered.end(), expected.begin() + width, expected.begin() + 2 * width);
    EXPECT_LE(relative_error(read_floats(dev_, gathered, 2 * width), expected_gathered), 1e-5) << width;
  }
}

struct attention_case {
  std::uint32_t n_heads, n_kv_heads, head_dim, rope_dims, n_ctx;
  std::vector<std::int32_t> positions;  // one sequence in slot 1: new tokens at these positions
};

// Fills slot 1 of the caches with `prefix` earlier tokens through rope_kv, then runs rope_kv and
// attention for the new tokens, and compares q, the caches and the output with the reference.
void check_rope_and_attention(const vk::device& dev, kernel_library& lib, const attention_case& c) {
  const std::uint32_t slots = 3, slot = 1;
  const std::uint32_t q_width = c.n_heads * c.head_dim, kv_width = c.n_kv_heads * c.head_dim;
  const std::uint32_t stride = q_width + 2 * kv_width;
  const std::uint32_t n_past = static_cast<std::uint32_t>(c.positions.front());
  const std::uint32_t n_new = static_cast<std::uint32_t>(c.positions.size());
  const std::uint32_t n_all = n_past + n_new;
  const auto qkv = random_floats(n_all * stride, 7);
  std::vector<std::int32_t> positions(n_all), slot_ids(n_all, slot);
  for (std::uint32_t i = 0; i < n_all; ++i) positions[i] = static_cast<std::int32_t>(i);

  // Reference: rope q and k of every token, caches hold k (roped) and v at their positions.
  std::vector<float> q(n_all * q_width), k(n_all * kv_width), v(n_all * kv_width);
  for (std::uint32_t t = 0; t < n_all; ++t) {
    std::copy_n(qkv.begin() + t * stride, q_width, q.begin() + t * q_width);
    std::copy_n(qkv.begin() + t * stride + q_width, kv_width, k.begin() + t * kv_width);
    std::copy_n(qkv.begin() + t * stride + q_width + kv_width, kv_width, v.begin() + t * kv_width);
  }
  reference::rope(q, c.n_heads, c.head_dim, c.rope_dims, positions, 10000.0f, 1.0f);
  reference::rope(k, c.n_kv_heads, c.head_dim, c.rope_dims, positions, 10000.0f, 1.0f);
  std::vector<float> k_cache(c.n_ctx * kv_width, 0.0f), v_cache(c.n_ctx * kv_width, 0.0f);
  std::copy(k.begin(), k.end(), k_cache.begin());
  std::copy(v.begin(), v.end(), v_cache.begin());
  const float scale = 1.0f / std::sqrt(static_cast<float>(c.head_dim));
  const std::span<const float> new_q = std::span(q).subspan(n_past * q_width);
  const std::span<const std::int32_t> new_positions = std::span(positions).subspan(n_past);
  std::vector<float> expected(n_new * q_width);
  reference::attention(new_q, k_cache, v_cache, new_positions, c.n_heads, c.n_kv_heads, c.head_dim, scale, expected);

  vk::buffer qkv_buffer = make_buffer<float>(dev, qkv);
  vk::buffer pos_buffer = make_buffer<std::int32_t>(dev, positions);
  vk::buffer slot_buffer = make_buffer<std::int32_t>(dev, slot_ids);
  vk::buffer kb = zero_buffer(dev, slots * c.n_ctx * kv_width), vb = zero_buffer(dev, slots * c.n_ctx * kv_width);
  vk::buffer_view q_view = vec4_view(dev, qkv_buffer), k_view = vec4_view(dev, kb), v_view = vec4_view(dev, vb);
  vk::buffer out = zero_buffer(dev, n_all * q_width);
  const attention_shape shape{c.n_heads, c.n_kv_heads, c.head_dim, c.n_ctx};
  const rope_parameters rope{c.rope_dims, 10000.0f, 1.0f};
  run_once(dev, [&](recorder& rec) -> status {
    // Earlier tokens first (as an earlier step would), then the new ones.
    IG_TRY(lib.rope_kv(rec, qkv_buffer, {pos_buffer, slot_buffer, 0}, kb, vb, shape, rope, n_all));
    return lib.attention(rec, q_view, stride, k_view, v_view, {pos_buffer, slot_buffer, 0}, out,
                         shape, scale, n_all);
  });
  // q (rotated in place) and the caches of slot 1.
  const auto qkv_after = read_floats(dev, qkv_buffer, qkv.size());
  std::vector<float> q_after(n_all * q_width);
  for (std::uint32_t t = 0; t < n_all; ++t) {
    std::copy_n(qkv_after.begin() + t * stride, q_width, q_after.begin() + t * q_width);
  }
  // Rotations use the device's sin/cos: on an NVIDIA H200 they differed from the CPU's by 1.1e-5
  // (relative) at positions up to ~100, while the whole-model logits still matched within 1e-6.
  constexpr double rotation_bound = 5e-5;
  EXPECT_LE(relative_error(q_after, q), rotation_bound);
  const auto k_all = read_floats(dev, kb, slots * c.n_ctx * kv_width);
  const auto v_all = read_floats(dev, vb, slots * c.n_ctx * kv_width);
  EXPECT_LE(relative_error(std::span(k_all).subspan(slot * c.n_ctx * kv_width, c.n_ctx * kv_width), k_cache),
            rotation_bound);
  EXPECT_EQ(relative_error(std::span(v_all).subspan(slot * c.n_ctx * kv_width, c.n_ctx * kv_width), v_cache), 0.0);
  EXPECT_EQ(relative_error(std::span(k_all).subspan(0, c.n_ctx * kv_width), std::vector<float>(c.n_ctx * kv_width)),
            0.0) << "slot 0 untouched";
  const auto all_out = read_floats(dev, out, n_all * q_width);
  EXPECT_LE(relative_error(std::span(all_out).subspan(n_past * q_width), expected), 2e-5);
}

TEST_P(reducing_kernel, decode_attention_with_grouped_heads) {
  // One new token after a long prefix (several chunks of keys), 4 query heads per kv head.
  check_rope_and_attention(dev_, *lib_, {8, 2, 64, 64, 160, {99}});
  check_rope_and_attention(dev_, *lib_, {8, 4, 8, 8, 16, {0}});  // stories260k's heads, first token
  // head_dim 40: 10 vec4s, the second of a lane's output vectors only partly used; and the widest heads.
  check_rope_and_attention(dev_, *lib_, {4, 2, 40, 40, 24, {17}});
  check_rope_and_attention(dev_, *lib_, {2, 1, 256, 64, 12, {3, 4}});
}

TEST_P(reducing_kernel, prefill_attention_is_causal) {
  check_rope_and_attention(dev_, *lib_, {4, 4, 32, 16, 64, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}});
  check_rope_and_attention(dev_, *lib_, {6, 2, 128, 128, 80, {20, 21, 22, 23, 24}});  // after a prefix
}

std::string reduction_name(const ::testing::TestParamInfo<reduction>& info) {
  switch (info.param) {
    case reduction::shared: return "shared";
    case reduction::subgroup: return "subgroup";
    case reduction::subgroup_only: return "subgroup_only";
  }
  return "unknown";
}

INSTANTIATE_TEST_SUITE_P(reduction, reducing_kernel,
                         ::testing::Values(reduction::shared, reduction::subgroup, reduction::subgroup_only),
                         reduction_name);

TEST(elementwise_kernels, swiglu_and_add_match_reference) {
  vk::device& dev = shared_device();
  auto lib = kernel_library::create(dev);
  ASSERT_TRUE(lib.ok());
  const std::uint32_t width = 173, tokens = 4;
  const auto gate_up = random_floats(tokens * 2 * width, 3, 4.0f);
  std::vector<float> expected(tokens * width);
  for (std::uint32_t t = 0; t < tokens; ++t) {
    reference::swiglu(std::span(gate_up).subspan(t * 2 * width, width),
                      std::span(gate_up).subspan(t * 2 * width + width, width),
                      std::span(expected).subspan(t * width, width));
  }
  const auto a = random_floats(100'003, 4), b = random_floats(100'003, 5);
  std::vector<float> expected_sum(a.size());
  reference::add(a, b, expected_sum);
  vk::buffer gu = make_buffer<float>(dev, gate_up), out = zero_buffer(dev, tokens * width);
  vk::buffer ab = make_buffer<float>(dev, a), bb = make_buffer<float>(dev, b);
  run_once(dev, [&](recorder& rec) -> status {
    IG_TRY(lib->swiglu(rec, gu, out, width, tokens));
    return lib->add(rec, ab, bb, ab, static_cast<std::uint32_t>(a.size()));  // in place, out aliases a
  });
  EXPECT_LE(relative_error(read_floats(dev, out, expected.size()), expected), 1e-5);
  EXPECT_EQ(relative_error(read_floats(dev, ab, a.size()), expected_sum), 0.0);
}

TEST_P(reducing_kernel, argmax_picks_the_first_largest) {
  const vk::device& dev = dev_;
  auto& lib = lib_;
  const std::uint32_t width = 1001, rows = 3;
  auto logits = random_floats(rows * width, 6);
  logits[0 * width + 1000] = 50.0f;
  logits[1 * width + 17] = 50.0f;
  logits[1 * width + 400] = 50.0f;  // tie: the lower index wins
  logits[2 * width + 0] = 50.0f;
  vk::buffer lb = make_buffer<float>(dev, logits);
  const std::vector<std::int32_t> none(rows, -1);
  vk::buffer ids = make_buffer<std::int32_t>(dev, none);
  run_once(dev, [&](recorder& rec) { return lib->argmax(rec, lb, ids, width, rows); });
  std::vector<std::int32_t> got(rows);
  ASSERT_TRUE(vk::download(dev, ids, std::as_writable_bytes(std::span(got))).ok());
  EXPECT_EQ(got, (std::vector<std::int32_t>{1000, 17, 0}));
}

}  // namespace
}  // namespace infergrid::engine
