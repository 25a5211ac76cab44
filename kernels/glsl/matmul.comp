#version 450
// y[t][r] (+)= sum_k W[r][k] * x[t][k]: one workgroup computes ROWS rows for TOKENS tokens, so each
// weight unit read is reused across all TOKENS tokens of the batch. Lanes stride over the units of
// a row; partial sums are reduced across the workgroup at the end.
// ROW_PER_LANE (for CPU devices such as lavapipe): each lane instead computes whole rows on its
// own (ROWS rows per lane, BLOCK_SIZE * ROWS per workgroup), so the x reads are the same for every
// lane and nothing is reduced; the lanes of a SIMD CPU then run rows side by side.
// Dispatch: x = row blocks (wrapping into z past the x limit), y = token blocks.
#include "common.glsl"
#include "weights.glsl"
#ifndef ROW_PER_LANE
#include "reduce.glsl"
#endif

layout(constant_id = 1) const uint ROWS = 4;
layout(constant_id = 2) const uint TOKENS = 1;

layout(binding = 2) uniform samplerBuffer x_vectors;             // [n_tokens][cols], RGBA32F view
layout(std430, binding = 3) buffer y_buffer { float y[]; };      // [n_tokens][y_stride]

layout(push_constant) uniform parameters {
  uint rows;
  uint cols;         // multiple of 4
  uint row_units;    // units per weight row
  uint n_tokens;
  uint x_offset;     // in vec4s, where token 0 starts in x_vectors
  uint y_offset;     // in floats, where row 0 of token 0 goes
  uint y_stride;     // floats between tokens in y (rows, or more when writing part of a wider row)
  uint accumulate;   // 1: y += W x (residual add), 0: y = W x
} p;

#ifdef ROW_PER_LANE
void main() {
  const uint lane = gl_LocalInvocationID.x;
  const uint row_block = gl_WorkGroupID.z * gl_NumWorkGroups.x + gl_WorkGroupID.x;
  const uint first_row = row_block * ROWS * BLOCK_SIZE;
  const uint first_token = gl_WorkGroupID.y * TOKENS;
  if (first_row >= p.rows) return;
  const uint cols4 = p.cols / 4;
  float acc[ROWS * TOKENS];
  [[unroll]] for (uint i = 0; i < ROWS * TOKENS; ++i) acc[i] = 0.0;
  uint row_start[ROWS];
  [[unroll]] for (uint r = 0; r < ROWS; ++r) row_start[r] = min(first_row + r * BLOCK_SIZE + lane, p.rows - 1) * p.row_units;
  for (uint u = 0; u < p.row_units; ++u) {
    vec4 w[ROWS][VECS_PER_UNIT];
    [[unroll]] for (uint r = 0; r < ROWS; ++r) load_unit(row_start[r] + u, w[r]);
    const uint first_vec = u * VECS_PER_UNIT;
    [[unroll]] for (uint t = 0; t < TOKENS; ++t) {
      const uint base = p.x_offset + min(first_token + t, p.n_tokens - 1) * cols4;
      [[unroll]] for (uint v = 0; v < VECS_PER_UNIT; ++v) {
        const uint k4 = first_vec + v;
        const vec4 xv = k4 < cols4 ? texelFetch(x_vectors, int(base + k4)) : vec4(0.0);
        [[unroll]] for (uint r = 0; r < ROWS; ++r) acc[r * TOKENS + t] += dot(w[r][v], xv);
      }
    }
  }
  [[unroll]] for (uint r = 0; r < ROWS; ++r) {
    const uint row = first_row + r * BLOCK_SIZE + lane;
    [[unroll]] for (uint t = 0; t < TOKENS; ++t) {
      const uint token = first_token + t;
      if (row < p.rows && token < p.n_tokens) {
        const uint index = p.y_offset + token * p.y_stride + row;
        y[index] = p.accumulate != 0 ? y[index] + acc[r * TOKENS + t] : acc[r * TOKENS + t];
      }
    }
  }
}
#else
void main() {
  const uint lane = gl_LocalInvocationID.x;
  const uint row_block = gl_WorkGroupID.z * gl_NumWorkGroups.x + gl_WorkGroupID.x;
  const uint first_row = row_block * ROWS;
  const uint first_token = gl_WorkGroupID.y * TOKENS;
  if (first_row >= p.rows) return;  // whole workgroup leaves together
  const uint cols4 = p.cols / 4;

  float acc[ROWS * TOKENS];
  [[unroll]] for (uint i = 0; i < ROWS * TOKENS; ++i) acc[i] = 0.0;

  for (uint u = lane; u < p.row_units; u += BLOCK_SIZE) {
    vec4 w[ROWS][VECS_PER_UNIT];
    [[unroll]] for (uint r = 0; r < ROWS; ++r) {
      const uint row = min(first_row + r, p.rows - 1);
      load_unit(row * p.row_units + u, w[r]);
    }
    const uint first_vec = u * VECS_PER_UNIT;
    [[unroll]] for (uint t = 0; t < TOKENS; ++t) {
      const uint token = min(first_token + t, p.n_tokens - 1);
      const uint base = p.x_offset + token * cols4;
      [[unroll]] for (uint v = 0; v < VECS_PER_UNIT; ++v) {
        const uint k4 = first_vec + v;
        const vec4 xv = k4 < cols4 ? texelFetch(x_vectors, int(base + k4)) : vec4(0.0);
        [[unroll]] for (uint r = 0; r < ROWS; ++r) acc[r * TOKENS + t] += dot(w[r][v], xv);
      }
    }
  }

  [[unroll]] for (uint r = 0; r < ROWS; ++r) {
    [[unroll]] for (uint t = 0; t < TOKENS; ++t) {
      const float total = workgroup_sum(acc[r * TOKENS + t]);
      const uint row = first_row + r;
      const uint token = first_token + t;
      if (lane == 0 && row < p.rows && token < p.n_tokens) {
        const uint index = p.y_offset + token * p.y_stride + row;
        y[index] = p.accumulate != 0 ? y[index] + total : total;
      }
    }
  }
}
#endif
