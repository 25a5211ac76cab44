// kernels_bench: matrix-vector (and batch-8 matrix-matrix) throughput of the Vulkan matmul kernel
// for every weight type, both weight access paths (uniform texel buffers, storage buffers) and
// several rows per workgroup, in GB/s of weight bytes read, beside the plain CPU reference
// (reference::matmul, one thread) on the same weights in the same run, and the ratio. The "ones"
// column is the same kernel with a vector of ones that it does not read (matmul_input::ones): the
// same weight reads and as many adds, no x — the most this kernel design could reach on the device.
//
//   kernels_bench [rows] [cols] [type]   (default 4096 4096, every type; type: a name of the type table
//                                         as ggml prints it — F32, F16, BF16, Q8_0, Q4_0, …, Q4_K, Q5_K, Q6_K)
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "kernels/engine/kernel_library.hpp"
#include "kernels/engine/weight_layout.hpp"
#include "kernels/reference/ops.hpp"
#include "kernels/reference/quant.hpp"
#include "kernels/vk/device.hpp"

namespace ig = infergrid;
using ig::model::ggml_type;

namespace {

// Matmuls recorded per submit, so submit overhead is amortised; best of `timing_rounds` submits.
constexpr int dispatches_per_submit = 20;
constexpr int timing_rounds = 3;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::vector<std::byte> random_matrix(ggml_type type, std::size_t rows, std::size_t cols) {
  std::mt19937 rng(7);
  std::normal_distribution<float> dist(0.0f, 1.0f);
  std::vector<float> row(cols);
  std::vector<std::byte> bytes;
  for (std::size_t r = 0; r < rows; ++r) {
    for (float& x : row) x = dist(rng);
    const auto q = ig::reference::quantize_row(type, row);
    bytes.insert(bytes.end(), q.begin(), q.end());
  }
  return bytes;
}

double cpu_reference_seconds(ggml_type type, const std::vector<std::byte>& w, std::size_t rows, std::size_t cols) {
  std::vector<float> x(cols, 0.5f), y(rows);
  double best = 1e30;
  for (int round = 0; round < timing_rounds; ++round) {
    const auto start = std::chrono::steady_clock::now();
    ig::reference::matmul(type, w.data(), rows, cols, x, y, 1);
    best = std::min(best, seconds_since(start));
  }
  return best;
}

struct gpu_setup {
  ig::engine::weight_access access;
  ig::engine::matmul_layout layout;
  std::uint32_t rows;  // per workgroup (split columns) or per lane (row per lane)
};

// The arrangements compared: the engine picks row_per_lane on CPU devices, split_columns on GPUs.
constexpr gpu_setup setups[] = {
    {ig::engine::weight_access::texel, ig::engine::matmul_layout::split_columns, 2},
    {ig::engine::weight_access::texel, ig::engine::matmul_layout::split_columns, 4},
    {ig::engine::weight_access::texel, ig::engine::matmul_layout::split_columns, 8},
    {ig::engine::weight_access::texel, ig::engine::matmul_layout::row_per_lane, 1},
    {ig::engine::weight_access::texel, ig::engine::matmul_layout::row_per_lane, 2},
    {ig::engine::weight_access::texel, ig::engine::matmul_layout::row_per_lane, 4},
    {ig::engine::weight_access::texel, ig::engine::matmul_layout::row_per_lane, 8},
    {ig::engine::weight_access::storage, ig::engine::matmul_layout::split_columns, 4},
    {ig::engine::weight_access::storage, ig::engine::matmul_layout::row_per_lane, 2},
};

// Seconds per matmul of n_tokens tokens (best round), or a negative value on error.
double gpu_seconds(const ig::vk::device& dev, ggml_type type, const std::vector<std::byte>& bytes, std::size_t rows,
                   std::size_t cols, const gpu_setup& setup, std::uint32_t n_tokens,
                   const ig::engine::matmul_input& input = {}) {
  ig::engine::kernel_options options;
  options.access = setup.access;
  options.layout = setup.layout;
  options.matmul_rows = setup.rows;
  auto lib = ig::engine::kernel_library::create(dev, options);
  if (!lib) return -1.0;
  // Laid out as this kernel choice reads best (row groups for row_per_lane).
  const ig::engine::weight_rows part{bytes.data(), rows};
  auto layout = ig::engine::make_weight_layout(type, cols, std::span(&part, 1), lib->weight_row_group());
  if (!layout) return -1.0;
  auto weight = ig::engine::device_weight::upload(dev, *layout, setup.access);
  auto x = ig::vk::buffer::create(dev, cols * n_tokens * 4, ig::vk::memory_kind::device_local);
  auto y = ig::vk::buffer::create(dev, rows * n_tokens * 4, ig::vk::memory_kind::device_local);
  if (!lib || !weight || !x || !y) return -1.0;
  if (!ig::vk::fill_zero(dev, *x).ok()) return -1.0;
  auto x_view = ig::vk::buffer_view::create(dev, *x, VK_FORMAT_R32G32B32A32_SFLOAT, 0, x->size_bytes());
  auto commands = ig::vk::command_buffer::create(dev);
  auto pool = ig::vk::descriptor_pool::create(dev, dispatches_per_submit, 4);
  if (!x_view || !commands || !pool || !commands->begin().ok()) return -1.0;
  ig::engine::recorder rec{*commands, *pool};
  for (int i = 0; i < dispatches_per_submit; ++i) {
    const auto recorded = lib->matmul(rec, *weight, *x_view, 0, *y, 0, 0, n_tokens, false, input);
    if (!recorded.ok()) {
      fmt::print(stderr, "error: {}\n", recorded.err().message);
      return -1.0;
    }
  }
  if (!commands->end().ok() || !commands->submit_and_wait().ok()) return -1.0;  // warm-up
  double best = 1e30;
  for (int round = 0; round < timing_rounds; ++round) {
    const auto start = std::chrono::steady_clock::now();
    if (!commands->submit_and_wait().ok()) return -1.0;
    best = std::min(best, seconds_since(start) / dispatches_per_submit);
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t rows = 4096, cols = 4096;
  std::string only_type;
  CLI::App app{"kernels_bench: matmul kernel throughput (GB/s of weight bytes read) per weight type and access "
               "path, beside the one-thread CPU reference on the same weights."};
  app.add_option("rows", rows, "weight rows")->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("cols", cols, "weight columns")->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("type", only_type, "one weight type as ggml prints it (F32, F16, Q8_0, Q4_K, ...) [default: every type]");
  CLI11_PARSE(app, argc, argv);
  if (!only_type.empty() && std::none_of(std::begin(ig::model::all_types), std::end(ig::model::all_types),
                                         [&](const ig::model::type_traits& t) { return t.name == only_type; })) {
    std::string names;
    for (const ig::model::type_traits& t : ig::model::all_types) names += (names.empty() ? "" : ", ") + std::string(t.name);
    fmt::print(stderr, "error: unknown type '{}' (one of {})\n", only_type, names);
    return 2;
  }
  auto dev = ig::vk::device::create();
  if (!dev) {
    fmt::print(stderr, "error: {}\n", dev.err().message);
    return 1;
  }
  fmt::print("device: {}, subgroup size {}, subgroup arithmetic {}\n", dev->description(), dev->info().subgroup_size,
             dev->info().subgroup_arithmetic);
  fmt::print("matmul {}x{}: GB/s of weight bytes read (GGUF size); baseline = reference::matmul, 1 CPU thread\n",
             rows, cols);
  fmt::print("{:<6} {:<8} {:<13} {:>4} {:>9} {:>9} {:>7} {:>16} {:>7} {:>10} {:>8}\n", "type", "access", "layout",
             "rows", "vk GB/s", "cpu GB/s", "ratio", "batch8 tok-GB/s", "ratio", "ones GB/s", "vk/ones");
  for (const ig::model::type_traits& traits : ig::model::all_types) {
    const ggml_type type = traits.type;
    if (!only_type.empty() && traits.name != only_type) continue;
    const auto bytes = random_matrix(type, rows, cols);
    const ig::engine::weight_rows part{bytes.data(), rows};
    if (auto checked = ig::engine::make_weight_layout(type, cols, std::span(&part, 1)); !checked) {
      fmt::print(stderr, "error: {}\n", checked.err().message);
      return 1;
    }
    const double gigabytes = static_cast<double>(bytes.size()) / 1e9;
    const double cpu = gigabytes / cpu_reference_seconds(type, bytes, rows, cols);
    for (const gpu_setup& setup : setups) {
      {
        const double one = gpu_seconds(*dev, type, bytes, rows, cols, setup, 1);
        const double eight = gpu_seconds(*dev, type, bytes, rows, cols, setup, 8);
        const double ones = gpu_seconds(*dev, type, bytes, rows, cols, setup, 1, ig::engine::matmul_input::ones());
        if (one < 0 || eight < 0 || ones < 0) {
          fmt::print(stderr, "error running the kernel\n");
          return 1;
        }
        // Batch 8: weight bytes times tokens served per second (the reuse across the batch).
        const double batch = gigabytes * 8 / eight;
        fmt::print("{:<6} {:<8} {:<13} {:>4} {:>9.2f} {:>9.2f} {:>7.2f} {:>16.2f} {:>7.2f} {:>10.2f} {:>8.2f}\n",
                   ig::model::traits_of(type).name,
                   setup.access == ig::engine::weight_access::texel ? "texel" : "storage",
                   setup.layout == ig::engine::matmul_layout::row_per_lane ? "row_per_lane" : "split_columns",
                   setup.rows, gigabytes / one, cpu, gigabytes / one / cpu, batch, batch / cpu, gigabytes / ones,
                   ones / one);
      }
    }
  }
  return 0;
}
