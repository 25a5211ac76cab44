#pragma once
// The tiled GEMM (kernels/glsl/matmul_tiled.comp) for prefill chunks: its tile per device kind,
// and from how many tokens a matmul runs it instead of matmul.comp. One row per device kind;
// kernel_options can override either (tests, benchmarks).
#include <cstdint>

namespace infergrid::engine {

struct tiled_matmul_shape {
  std::uint32_t tile_rows = 64;    // weight rows per workgroup
  std::uint32_t tile_tokens = 32;  // tokens per workgroup
  std::uint32_t lane_rows = 4;     // a lane's register block: rows ...
  std::uint32_t lane_tokens = 4;   // ... x tokens
  // Matmuls of at least this many tokens run tiled (where it supports their input and output);
  // 0 = never.
  std::uint32_t min_tokens = 0;

  std::uint32_t row_lanes() const { return tile_rows / lane_rows; }
  std::uint32_t lanes() const { return row_lanes() * (tile_tokens / lane_tokens); }
  bool valid() const {
    return lane_rows != 0 && lane_tokens != 0 && tile_rows % lane_rows == 0 && tile_tokens % lane_tokens == 0;
  }
};

struct tiled_matmul_row {
  bool cpu_device;  // VK_PHYSICAL_DEVICE_TYPE_CPU (lavapipe) or not
  tiled_matmul_shape shape;
};

// GPUs: 128 lanes, each 4 rows x 4 tokens; 64 x 32 tiles keep a 768-row matrix of a 128-token chunk
// at 48 workgroups and stage 13 KB of shared memory (every device offers 16 KB). From 32 tokens:
// below that the tile is mostly padding and matmul.comp's token blocks reuse weights as well.
// CPU devices (lavapipe): one subgroup of 8 lanes, each 4 whole rows x all 16 tokens, so x reads
// are uniform; the tile rows (32) equal matmul.comp's row_per_lane workgroup, so the weights' row
// groups and SwiGLU pairs serve both. Off by default (min_tokens 0): on lavapipe prefill ran 5-10x
// slower than matmul.comp's row_per_lane kernel, which keeps everything in registers (100M Q4_K_M
// prefill ~21 vs ~150 tok/s; bench/results/lavapipe-2026-12-05-gemm.txt).
inline constexpr tiled_matmul_row tiled_matmul_table[] = {
    {false, {64, 32, 4, 4, 32}},
    {true, {32, 16, 4, 16, 0}},
};

inline tiled_matmul_shape tiled_matmul_shape_for(bool cpu_device) {
  for (const tiled_matmul_row& row : tiled_matmul_table) {
    if (row.cpu_device == cpu_device) return row.shape;
  }
  return {};
}

}  // namespace infergrid::engine
