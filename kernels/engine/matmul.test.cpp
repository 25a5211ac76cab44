// The matmul and embedding kernels against reference::matmul / embedding_lookup, for every weight
// type, both weight access paths and both reduction variants, on fresh random inputs of shapes that
// are not multiples of the workgroup size.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <tuple>

#include "kernels/engine/kernel_test_support.hpp"
#include "kernels/engine/weight_layout.hpp"
#include "kernels/reference/half.hpp"
#include "kernels/reference/ops.hpp"
#include "kernels/reference/quant.hpp"

namespace infergrid::engine {
namespace {

using namespace testing_support;
using model::ggml_type;

// Both sides dequantize the same bits; only float summation order differs.
double bound_for(ggml_type type) {
  if (type == ggml_type::f32 || type == ggml_type::f16 || type == ggml_type::bf16) return 2e-5;
  return model::traits_of(type).block_weights == 1 ? 2e-5 : 5e-5;
}

// Two float evaluations of the same n-term dot product in any order (and with or without fused
// multiply-adds in the dequantisation) differ by at most 2(n+2)u * sum|w_k x_k|, u the unit
// roundoff (Higham's gamma_n, both sides). Unlike an error relative to the result, this holds for
// rows whose products cancel, and a wrong scale, offset or layout exceeds it by orders of magnitude.
double summation_bound(std::size_t n) {
  return 2.0 * static_cast<double>(n + 2) * std::numeric_limits<float>::epsilon() / 2.0;
}

// sum_k |w_rk| |x_tk| per output (t * rows + r), from the reference dequantisation.
std::vector<double> absolute_products(ggml_type type, const std::vector<std::byte>& bytes, std::size_t rows,
                                      std::size_t cols, const std::vector<float>& x, std::size_t tokens) {
  const std::size_t row_bytes = bytes.size() / rows;
  std::vector<float> w(cols);
  std::vector<double> out(tokens * rows, 0.0);
  for (std::size_t r = 0; r < rows; ++r) {
    reference::dequantize_row(type, bytes.data() + r * row_bytes, w);
    for (std::size_t t = 0; t < tokens; ++t) {
      double sum = 0.0;
      for (std::size_t k = 0; k < cols; ++k) sum += std::fabs(static_cast<double>(w[k]) * x[t * cols + k]);
      out[t * rows + r] = sum;
    }
  }
  return out;
}

// `cols` rounded up to whole blocks of `type` (K-quants: 256), so every shape fits every type.
std::size_t cols_for(ggml_type type, std::size_t cols) {
  const std::size_t block = model::traits_of(type).block_weights;
  return (cols + block - 1) / block * block;
}

std::vector<std::byte> quantized_matrix(ggml_type type, std::size_t rows, std::size_t cols, std::uint32_t seed) {
  const std::vector<float> values = random_floats(rows * cols, seed);
  std::vector<std::byte> bytes;
  for (std::size_t r = 0; r < rows; ++r) {
    const auto row = reference::quantize_row(type, std::span(values).subspan(r * cols, cols));
    bytes.insert(bytes.end(), row.begin(), row.end());
  }
  return bytes;
}

// Where the f16 super-block scales of each K-quant block lie (kernels/model/ggml_type.hpp).
struct half_fields { ggml_type type; std::vector<std::size_t> offsets; };
const std::vector<half_fields> k_quant_half_fields = {{ggml_type::q2_k, {80, 82}},
                                                      {ggml_type::q3_k, {108}},
                                                      {ggml_type::q4_k, {0, 2}},
                                                      {ggml_type::q5_k, {0, 2}},
                                                      {ggml_type::q6_k, {208}}};

// K-quant rows of random bits — every scale, min and level pattern, the extreme ones included — but
// for finite f16 super-block scales of magnitude at most 2^-6.
std::vector<std::byte> random_block_bits(ggml_type type, std::size_t rows, std::size_t cols, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<std::byte> bytes(model::row_bytes(type, cols) * rows);
  for (std::byte& b : bytes) b = static_cast<std::byte>(rng() & 0xff);
  const model::type_traits& t = model::traits_of(type);
  std::uniform_real_distribution<float> scale(-1.0f / 64.0f, 1.0f / 64.0f);
  for (const half_fields& fields : k_quant_half_fields) {
    if (fields.type != type) continue;
    for (std::size_t block = 0; block < bytes.size() / t.block_bytes; ++block) {
      for (const std::size_t offset : fields.offsets) {
        const std::uint16_t half = reference::float_to_half(scale(rng));
        std::memcpy(bytes.data() + block * t.block_bytes + offset, &half, sizeof half);
      }
    }
  }
  return bytes;
}

// Laid out as `lib` reads best (row groups for row_per_lane); any grouping must read correctly.
device_weight upload_matrix(const vk::device& dev, ggml_type type, const std::vector<std::byte>& bytes,
                            std::size_t rows, std::size_t cols, weight_access access, std::size_t row_group) {
  const weight_rows part{bytes.data(), rows};
  auto layout = make_weight_layout(type, cols, std::span(&part, 1), row_group);
  EXPECT_TRUE(layout.ok()) << layout.err().message;
  auto weight = device_weight::upload(dev, *layout, access);
  EXPECT_TRUE(weight.ok()) << weight.err().message;
  return std::move(*weight);
}

// weight · x on the device for `tokens` rows of x (plain input, no accumulate).
std::vector<float> device_matmul(vk::device& dev, kernel_library& lib, const device_weight& weight,
                                 const std::vector<float>& x, std::size_t tokens) {
  vk::buffer x_buffer = make_buffer<float>(dev, x);
  vk::buffer_view x_view = vec4_view(dev, x_buffer);
  vk::buffer y = zero_buffer(dev, tokens * weight.rows());
  run_once(dev, [&](recorder& rec) {
    return lib.matmul(rec, weight, x_view, 0, y, 0, 0, static_cast<std::uint32_t>(tokens), false);
  });
  return read_floats(dev, y, tokens * weight.rows());
}

// Weight type, access path, and the matmul layout: split columns with subgroup or shared-memory
// reduction, or a whole row per lane — reading x itself, or (x_from_lanes, where the workgroup is
// one subgroup: CPU devices) one vec4 per lane shared by shuffles; or the tiled GEMM
// (matmul_tiled.comp) from one token on, in the tile of each row of tiled_matmul_table beside the
// layout that device kind runs (so the CPU tile also runs the SwiGLU output of row_per_lane's pairs).
enum class arrangement {
  split_subgroup,
  split_shared,
  row_per_lane,
  row_per_lane_x_from_lanes,
  tiled_gpu_tile,
  tiled_cpu_tile,
  split_lane_units,  // split columns (subgroup reduction), a lane taking single units of a K-quant group
  split_lane_groups  // the same, a lane taking whole groups
};
using variant = std::tuple<ggml_type, weight_access, arrangement>;

kernel_options options_for(weight_access access, arrangement a) {
  kernel_options o;
  o.access = access;
  if (a == arrangement::tiled_gpu_tile || a == arrangement::tiled_cpu_tile) {
    const bool cpu = a == arrangement::tiled_cpu_tile;
    o.tiled_matmul = tiled_matmul_shape_for(cpu);
    o.tiled_matmul->min_tokens = 1;
    a = cpu ? arrangement::row_per_lane_x_from_lanes : arrangement::split_subgroup;
  }
  if (a == arrangement::split_lane_units || a == arrangement::split_lane_groups) {
    o.lane_units = a == arrangement::split_lane_units;
    a = arrangement::split_subgroup;
  }
  o.use_subgroups = a == arrangement::split_subgroup || a == arrangement::row_per_lane_x_from_lanes;
  o.subgroup_only = a == arrangement::row_per_lane_x_from_lanes;
  o.layout = a == arrangement::row_per_lane || a == arrangement::row_per_lane_x_from_lanes
                 ? matmul_layout::row_per_lane
                 : matmul_layout::split_columns;
  return o;
}

// matches_reference and extreme_rows run for every type; the fused inputs, the ones input and the
// SwiGLU output (matmul_modes) depend on the type only through the same unit loads, so they run for
// the four original types and the kept K-quant blocks (Q4_K: 16-byte aligned, pairs of units;
// Q5_K: plus high bits; Q6_K: blocks padded to 224 bytes, halves of 4 units), keeping the suite lean.
class matmul_kernel : public ::testing::TestWithParam<variant> {};
class matmul_modes : public ::testing::TestWithParam<variant> {};

TEST_P(matmul_kernel, matches_reference) {
  const auto [type, access, layout] = GetParam();
  vk::device& dev = shared_device();
  auto lib = kernel_library::create(dev, options_for(access, layout));
  ASSERT_TRUE(lib.ok()) << lib.err().message;
  if (layout == arrangement::row_per_lane_x_from_lanes && dev.info().is_cpu()) {
    ASSERT_TRUE(lib->subgroup_only()) << "CPU devices run x_from_lanes (one subgroup per workgroup)";
  }
  const bool tiled = layout == arrangement::tiled_gpu_tile || layout == arrangement::tiled_cpu_tile;
  EXPECT_EQ(lib->runs_tiled(1, {}, matmul_output::plain), tiled);
  EXPECT_EQ(lib->runs_tiled(1, matmul_input::swiglu(), matmul_output::plain), false) << "SwiGLU inputs stay in matmul.comp";
  const bool quantized = model::traits_of(type).block_weights > 1;
  struct shape { std::size_t rows, cols, tokens; };
  std::vector<shape> shapes = {{1, 32, 1}, {37, 96, 1}, {129, 256, 3}, {70, 160, 9}, {300, 512, 17}, {5, 768, 2},
                               {67, 96, 45}};
  if (!quantized) shapes.push_back({45, 172, 5});  // stories260k's FFN width: rows padded to units
  std::uint32_t seed = 1;
  for (shape s : shapes) {
    s.cols = cols_for(type, s.cols);
    const auto bytes = quantized_matrix(type, s.rows, s.cols, seed++);
    const auto x = random_floats(s.tokens * s.cols, seed++);
    const auto residual = random_floats(s.tokens * s.rows, seed++);
    std::vector<float> expected(s.tokens * s.rows);
    reference::matmul(type, bytes.data(), s.rows, s.cols, x, expected, s.tokens);

    device_weight weight = upload_matrix(dev, type, bytes, s.rows, s.cols, access, lib->weight_row_group());
    vk::buffer x_buffer = make_buffer<float>(dev, x);
    vk::buffer_view x_view = vec4_view(dev, x_buffer);
    vk::buffer y = zero_buffer(dev, s.tokens * s.rows);
    vk::buffer y_accumulated = make_buffer<float>(dev, residual);
    run_once(dev, [&](recorder& rec) -> status {
      IG_TRY(lib->matmul(rec, weight, x_view, 0, y, 0, 0, static_cast<std::uint32_t>(s.tokens), false));
      return lib->matmul(rec, weight, x_view, 0, y_accumulated, 0, 0, static_cast<std::uint32_t>(s.tokens), true);
    });
    const auto actual = read_floats(dev, y, expected.size());
    EXPECT_LE(relative_error(actual, expected), bound_for(type)) << s.rows << "x" << s.cols << " t=" << s.tokens;
    std::vector<float> expected_sum(expected.size());
    reference::add(expected, residual, expected_sum);
    const auto actual_sum = read_floats(dev, y_accumulated, expected.size());
    EXPECT_LE(relative_error(actual_sum, expected_sum), bound_for(type)) << "accumulate " << s.rows << "x" << s.cols;
  }
}

// Split columns by default: a lane takes whole K-quant groups where a row has a group for every
// lane, single units where it has fewer (most lanes would idle); other types have one-unit groups.
TEST(matmul_lane_units, default_takes_units_only_where_groups_are_fewer_than_lanes) {
  vk::device& dev = shared_device();
  kernel_options options;
  options.layout = matmul_layout::split_columns;
  auto lib = kernel_library::create(dev, options);
  ASSERT_TRUE(lib.ok()) << lib.err().message;
  const std::size_t lanes = lib->block_size();
  struct expectation { ggml_type type; std::size_t cols; std::uint32_t lane_units; };
  const std::vector<expectation> cases = {
      {ggml_type::q4_k, 64 * lanes, 0},       // a 64-weight group for every lane
      {ggml_type::q4_k, 64 * lanes - 256, 1},  // one block short
      {ggml_type::q6_k, 128 * lanes, 0},      // a 128-weight half block for every lane
      {ggml_type::q6_k, 768, 1},              // 6 groups
      {ggml_type::q3_k, 128 * lanes, 0},      // Q2_K/Q3_K: half blocks too
      {ggml_type::q2_k, 768, 1},
      {ggml_type::q8_0, 256, 0},              // one-unit groups
      {ggml_type::f16, 256, 0}};
  for (const expectation& e : cases) {
    const auto bytes = quantized_matrix(e.type, 2, e.cols, 7);
    device_weight weight = upload_matrix(dev, e.type, bytes, 2, e.cols, weight_access::storage, 1);
    EXPECT_EQ(lib->lane_units_for(weight), e.lane_units) << model::traits_of(e.type).name << " cols " << e.cols;
  }
}

// Random block bits (random_block_bits) through the matmul and the embedding lookup, in the layouts
// CPU devices (texel, x from lanes: the affine levels) and GPUs (storage, split columns) run.
class k_quant_bits : public ::testing::TestWithParam<variant> {};

TEST_P(k_quant_bits, matmul_and_embedding_match_reference) {
  const auto [type, access, layout] = GetParam();
  vk::device& dev = shared_device();
  auto lib = kernel_library::create(dev, options_for(access, layout));
  ASSERT_TRUE(lib.ok()) << lib.err().message;
  const std::size_t rows = 67, cols = 768, tokens = 3;
  const auto bytes = random_block_bits(type, rows, cols, 81);
  const auto x = random_floats(tokens * cols, 82);
  std::vector<float> expected(tokens * rows);
  reference::matmul(type, bytes.data(), rows, cols, x, expected, tokens);
  device_weight weight = upload_matrix(dev, type, bytes, rows, cols, access, lib->weight_row_group());
  EXPECT_LE(relative_error(device_matmul(dev, *lib, weight, x, tokens), expected), bound_for(type));

  const std::vector<std::int32_t> ids = {66, 0, 31, 31, 5};
  std::vector<float> expected_rows(ids.size() * cols);
  reference::embedding_lookup(type, bytes.data(), cols, ids, expected_rows);
  vk::buffer id_buffer = make_buffer<std::int32_t>(dev, ids);
  vk::buffer out = zero_buffer(dev, expected_rows.size());
  run_once(dev, [&](recorder& rec) {
    return lib->embedding(rec, weight, id_buffer, 0, static_cast<std::uint32_t>(ids.size()), out);
  });
  EXPECT_LE(relative_error(read_floats(dev, out, expected_rows.size()), expected_rows), 1e-6);
}

// The steps fused into the matmul's reads of x, against the reference running them first:
// rms_norm(x) * g then W, and silu(gate) * up then W.
TEST_P(matmul_modes, fused_rms_norm_and_swiglu_inputs_match_reference) {
  const auto [type, access, layout] = GetParam();
  vk::device& dev = shared_device();
  auto lib = kernel_library::create(dev, options_for(access, layout));
  ASSERT_TRUE(lib.ok()) << lib.err().message;
  struct shape { std::size_t rows, cols, tokens; };
  const std::vector<shape> shapes = {{37, 96, 1}, {70, 160, 9}, {300, 512, 17}};
  const float eps = 1e-5f;
  std::uint32_t seed = 40;
  for (shape s : shapes) {
    s.cols = cols_for(type, s.cols);
    const auto bytes = quantized_matrix(type, s.rows, s.cols, seed++);
    // Row groups of 3 (not a power of two, rows not a multiple): reads must follow any grouping.
    device_weight weight = upload_matrix(dev, type, bytes, s.rows, s.cols, access, 3);
    const auto x = random_floats(s.tokens * s.cols, seed++, 3.0f);
    const auto norm_weight = random_floats(s.cols, seed++);
    const auto gate_up = random_floats(s.tokens * 2 * s.cols, seed++, 4.0f);
    std::vector<float> normed(x.size()), hidden(s.tokens * s.cols);
    for (std::size_t t = 0; t < s.tokens; ++t) {
      reference::rms_norm(std::span(x).subspan(t * s.cols, s.cols), norm_weight, eps,
                          std::span(normed).subspan(t * s.cols, s.cols));
      reference::swiglu(std::span(gate_up).subspan(t * 2 * s.cols, s.cols),
                        std::span(gate_up).subspan(t * 2 * s.cols + s.cols, s.cols),
                        std::span(hidden).subspan(t * s.cols, s.cols));
    }
    std::vector<float> expected_norm(s.tokens * s.rows), expected_swiglu(s.tokens * s.rows);
    reference::matmul(type, bytes.data(), s.rows, s.cols, normed, expected_norm, s.tokens);
    reference::matmul(type, bytes.data(), s.rows, s.cols, hidden, expected_swiglu, s.tokens);

    vk::buffer x_buffer = make_buffer<float>(dev, x), gate_up_buffer = make_buffer<float>(dev, gate_up);
    vk::buffer norm_buffer = make_buffer<float>(dev, norm_weight);
    vk::buffer_view x_view = vec4_view(dev, x_buffer), gate_up_view = vec4_view(dev, gate_up_buffer);
    vk::buffer y_norm = zero_buffer(dev, s.tokens * s.rows), y_swiglu = zero_buffer(dev, s.tokens * s.rows);
    const auto tokens = static_cast<std::uint32_t>(s.tokens);
    run_once(dev, [&](recorder& rec) -> status {
      IG_TRY(lib->matmul(rec, weight, x_view, 0, y_norm, 0, 0, tokens, false, matmul_input::rms_norm(norm_buffer, eps)));
      return lib->matmul(rec, weight, gate_up_view, 0, y_swiglu, 0, 0, tokens, false, matmul_input::swiglu());
    });
    EXPECT_LE(relative_error(read_floats(dev, y_norm, expected_norm.size()), expected_norm), 2 * bound_for(type))
        << "rms_norm input " << s.rows << "x" << s.cols << " t=" << s.tokens;
    EXPECT_LE(relative_error(read_floats(dev, y_swiglu, expected_swiglu.size()), expected_swiglu), 2 * bound_for(type))
        << "swiglu input " << s.rows << "x" << s.cols << " t=" << s.tokens;
  }
}

// The ones input (x not read): every token's y is each row's sum, as reference::matmul gives it
// for a vector of ones.
TEST_P(matmul_modes, ones_input_gives_row_sums) {
  const auto [type, access, layout] = GetParam();
  vk::device& dev = shared_device();
  auto lib = kernel_library::create(dev, options_for(access, layout));
  ASSERT_TRUE(lib.ok()) << lib.err().message;
  const std::size_t rows = 70, cols = cols_for(type, 160), tokens = 3;
  const auto bytes = quantized_matrix(type, rows, cols, 61);
  device_weight weight = upload_matrix(dev, type, bytes, rows, cols, access, 3);
  const std::vector<float> ones(tokens * cols, 1.0f);
  std::vector<float> expected(tokens * rows);
  reference::matmul(type, bytes.data(), rows, cols, ones, expected, tokens);
  // x holds anything but ones: the kernel must not read it.
  vk::buffer x_buffer = make_buffer<float>(dev, random_floats(tokens * cols, 62, 5.0f));
  vk::buffer_view x_view = vec4_view(dev, x_buffer);
  vk::buffer y = zero_buffer(dev, expected.size());
  run_once(dev, [&](recorder& rec) {
    return lib->matmul(rec, weight, x_view, 0, y, 0, 0, static_cast<std::uint32_t>(tokens), false, matmul_input::ones());
  });
  EXPECT_LE(relative_error(read_floats(dev, y, expected.size()), expected), 2 * bound_for(type));
}

// The swiglu output: gate and up rows stored in the pairs order of swiglu_pair_rows() give
// silu(gate . x) * (up . x), against the reference's two matmuls and swiglu.
TEST_P(matmul_modes, swiglu_output_matches_reference) {
  const auto [type, access, layout] = GetParam();
  vk::device& dev = shared_device();
  kernel_options options = options_for(access, layout);
  options.fuse_matmul_inputs = false;  // the swiglu output is the alternative to fusing SwiGLU into the down projection
  auto lib = kernel_library::create(dev, options);
  ASSERT_TRUE(lib.ok()) << lib.err().message;
  const std::size_t pair = lib->swiglu_pair_rows();
  ASSERT_GT(pair, 0u);
  if (layout == arrangement::tiled_cpu_tile && dev.info().is_cpu()) {
    EXPECT_TRUE(lib->runs_tiled(1, {}, matmul_output::swiglu)) << "the CPU tile holds row_per_lane's swiglu pairs";
  }
  const std::size_t n_ff = 3 * pair, cols = cols_for(type, 160);
  const std::size_t row_bytes = model::row_bytes(type, cols);
  for (const std::size_t tokens : {std::size_t{1}, std::size_t{9}}) {
    const auto gate = quantized_matrix(type, n_ff, cols, 71), up = quantized_matrix(type, n_ff, cols, 72);
    std::vector<weight_rows> parts;
    for (std::size_t first = 0; first < n_ff; first += pair) {
      parts.push_back({gate.data() + first * row_bytes, pair});
      parts.push_back({up.data() + first * row_bytes, pair});
    }
    auto arranged = make_weight_layout(type, cols, parts, lib->weight_row_group());
    ASSERT_TRUE(arranged.ok()) << arranged.err().message;
    auto weight = device_weight::upload(dev, *arranged, access);
    ASSERT_TRUE(weight.ok()) << weight.err().message;
    const auto x = random_floats(tokens * cols, 73, 2.0f);
    std::vector<float> gate_out(tokens * n_ff), up_out(tokens * n_ff), expected(tokens * n_ff);
    reference::matmul(type, gate.data(), n_ff, cols, x, gate_out, tokens);
    reference::matmul(type, up.data(), n_ff, cols, x, up_out, tokens);
    reference::swiglu(gate_out, up_out, expected);
    vk::buffer x_buffer = make_buffer<float>(dev, x);
    vk::buffer_view x_view = vec4_view(dev, x_buffer);
    vk::buffer y = zero_buffer(dev, expected.size());
    run_once(dev, [&](recorder& rec) {
      return lib->matmul(rec, *weight, x_view, 0, y, 0, 0, static_cast<std::uint32_t>(tokens), false, {},
                         matmul_output::swiglu);
    });
    EXPECT_LE(relative_error(read_floats(dev, y, expected.size()), expected), 2 * bound_for(type)) << "t=" << tokens;
  }
}

// Rows of extreme blocks — all zero, tiny (1e-6), huge (1e4), all negative (negative mins), mixed
// in one matrix — each product against the reference within the float summation bound (the
// all-negative rows cancel against signed x, so an error relative to the result would not do).
TEST_P(matmul_kernel, extreme_rows_match_reference) {
  const auto [type, access, layout] = GetParam();
  vk::device& dev = shared_device();
  auto lib = kernel_library::create(dev, options_for(access, layout));
  ASSERT_TRUE(lib.ok()) << lib.err().message;
  const std::size_t rows = 37, cols = cols_for(type, 256);
  std::vector<float> values = random_floats(rows * cols, 81);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t k = 0; k < cols; ++k) {
      float& v = values[r * cols + k];
      switch (r % 4) {
        case 0: v = 0.0f; break;
        case 1: v *= 1e-6f; break;
        case 2: v *= 1e4f; break;
        default: v = -std::fabs(v) - 0.5f; break;
      }
    }
  }
  std::vector<std::byte> bytes;
  for (std::size_t r = 0; r < rows; ++r) {
    const auto row = reference::quantize_row(type, std::span(values).subspan(r * cols, cols));
    bytes.insert(bytes.end(), row.begin(), row.end());
  }
  for (const std::size_t tokens : {std::size_t{1}, std::size_t{6}}) {
    const auto x = random_floats(tokens * cols, 82);
    std::vector<float> expected(tokens * rows);
    reference::matmul(type, bytes.data(), rows, cols, x, expected, tokens);
    device_weight weight = upload_matrix(dev, type, bytes, rows, cols, access, lib->weight_row_group());
    const auto actual = device_matmul(dev, *lib, weight, x, tokens);
    const auto magnitude = absolute_products(type, bytes, rows, cols, x, tokens);
    for (std::size_t t = 0; t < tokens; ++t) {
      for (std::size_t r = 0; r < rows; ++r) {
        const std::size_t i = t * rows + r;
        if (r % 4 == 0) {
          EXPECT_EQ(actual[i], expected[i]) << "all-zero row " << r;
        } else {
          EXPECT_LE(std::fabs(static_cast<double>(actual[i]) - expected[i]), summation_bound(cols) * magnitude[i])
              << "row " << r << " t=" << t << ": " << actual[i] << " vs " << expected[i];
        }
      }
    }
  }
}

class embedding_kernel : public ::testing::TestWithParam<std::tuple<ggml_type, weight_access>> {};

TEST_P(embedding_kernel, matches_reference) {
  const auto [type, access] = GetParam();
  vk::device& dev = shared_device();
  auto lib = kernel_library::create(dev, {access});
  ASSERT_TRUE(lib.ok()) << lib.err().message;
  const std::size_t vocab = 77, dim = cols_for(type, 160);
  const auto bytes = quantized_matrix(type, vocab, dim, 5);
  const std::vector<std::int32_t> tokens = {3, 0, 76, 41, 41, 9, 12};
  std::vector<float> expected(tokens.size() * dim);
  reference::embedding_lookup(type, bytes.data(), dim, tokens, expected);
  device_weight table = upload_matrix(dev, type, bytes, vocab, dim, access, lib->weight_row_group());
  vk::buffer token_buffer = make_buffer<std::int32_t>(dev, tokens);
  vk::buffer out = zero_buffer(dev, expected.size());
  run_once(dev, [&](recorder& rec) {
    return lib->embedding(rec, table, token_buffer, 0, static_cast<std::uint32_t>(tokens.size()), out);
  });
  // Plain and Q8_0/Q4_0 rows are the stored values times one scale: exact. The types dequantized
  // as scale * q - min may round once differently where the device fuses the multiply-add.
  const bool exact = model::traits_of(type).block_weights == 1 || type == ggml_type::q8_0 || type == ggml_type::q4_0;
  EXPECT_LE(relative_error(read_floats(dev, out, expected.size()), expected), exact ? 0.0 : 1e-6);
}

std::vector<ggml_type> all_type_ids() {
  std::vector<ggml_type> out;
  for (const model::type_traits& t : model::all_types) out.push_back(t.type);
  return out;
}

std::string variant_name(const ::testing::TestParamInfo<variant>& info) {
  const auto [type, access, layout] = info.param;
  const char* layout_names[] = {"_subgroup", "_shared", "_row_per_lane", "_row_per_lane_x_from_lanes",
                                "_tiled_gpu_tile", "_tiled_cpu_tile", "_lane_units", "_lane_groups"};
  return std::string(model::traits_of(type).name) + (access == weight_access::texel ? "_texel" : "_storage") +
         layout_names[static_cast<int>(layout)];
}

std::string type_and_access_name(const ::testing::TestParamInfo<std::tuple<ggml_type, weight_access>>& info) {
  const auto [type, access] = info.param;
  return std::string(model::traits_of(type).name) + (access == weight_access::texel ? "_texel" : "_storage");
}

INSTANTIATE_TEST_SUITE_P(all_variants, matmul_kernel,
                         ::testing::Combine(::testing::ValuesIn(all_type_ids()),
                                            ::testing::Values(weight_access::texel, weight_access::storage),
                                            ::testing::Values(arrangement::split_subgroup, arrangement::split_shared,
                                                              arrangement::row_per_lane,
                                                              arrangement::row_per_lane_x_from_lanes,
                                                              arrangement::tiled_gpu_tile,
                                                              arrangement::tiled_cpu_tile)),
                         variant_name);

INSTANTIATE_TEST_SUITE_P(all_variants, matmul_modes,
                         ::testing::Combine(::testing::Values(ggml_type::f32, ggml_type::f16, ggml_type::q8_0,
                                                              ggml_type::q4_0, ggml_type::q3_k, ggml_type::q4_k,
                                                              ggml_type::q5_k, ggml_type::q6_k),
                                            ::testing::Values(weight_access::texel, weight_access::storage),
                                            ::testing::Values(arrangement::split_subgroup, arrangement::split_shared,
                                                              arrangement::row_per_lane,
                                                              arrangement::row_per_lane_x_from_lanes,
                                                              arrangement::tiled_gpu_tile,
                                                              arrangement::tiled_cpu_tile)),
                         variant_name);

// The split-column layout GPUs run, with K-quant groups taken whole or unit by unit (the default
// picks by the row's width: both forms must read every shape).
INSTANTIATE_TEST_SUITE_P(k_quant_lanes, matmul_kernel,
                         ::testing::Combine(::testing::Values(ggml_type::q2_k, ggml_type::q3_k, ggml_type::q4_k,
                                                              ggml_type::q5_k, ggml_type::q6_k),
                                            ::testing::Values(weight_access::storage),
                                            ::testing::Values(arrangement::split_lane_units, arrangement::split_lane_groups)),
                         variant_name);

INSTANTIATE_TEST_SUITE_P(k_quant_lanes, matmul_modes,
                         ::testing::Combine(::testing::Values(ggml_type::q3_k, ggml_type::q4_k, ggml_type::q5_k,
                                                              ggml_type::q6_k),
                                            ::testing::Values(weight_access::storage),
                                            ::testing::Values(arrangement::split_lane_units, arrangement::split_lane_groups)),
                         variant_name);

INSTANTIATE_TEST_SUITE_P(k_quants, k_quant_bits,
                         ::testing::Combine(::testing::Values(ggml_type::q2_k, ggml_type::q3_k, ggml_type::q4_k,
                                                              ggml_type::q5_k, ggml_type::q6_k),
                                            ::testing::Values(weight_access::texel),
                                            ::testing::Values(arrangement::row_per_lane_x_from_lanes)),
                         variant_name);
INSTANTIATE_TEST_SUITE_P(k_quants_gpu_layout, k_quant_bits,
                         ::testing::Combine(::testing::Values(ggml_type::q2_k, ggml_type::q3_k),
                                            ::testing::Values(weight_access::storage),
                                            ::testing::Values(arrangement::split_subgroup)),
                         variant_name);

INSTANTIATE_TEST_SUITE_P(all_types, embedding_kernel,
                         ::testing::Combine(::testing::ValuesIn(all_type_ids()),
                                            ::testing::Values(weight_access::texel, weight_access::storage)),
                         type_and_access_name);

}  // namespace
}  // namespace infergrid::engine
