#version 450
// y[t][r] (+)= sum_k W[r][k] * x[t][k]: one workgroup computes ROWS rows for TOKENS tokens, so each
// weight unit read is reused across all TOKENS tokens of the batch. Lanes stride over the units of
// a row; partial sums are reduced across the workgroup at the end.
// ROW_PER_LANE (for CPU devices such as lavapipe): each lane instead computes whole rows on its
// own (ROWS rows per lane, BLOCK_SIZE * ROWS per workgroup), so the x reads are the same for every
// lane and nothing is reduced; the lanes of a SIMD CPU then run rows side by side.
// X_FROM_LANES (with ROW_PER_LANE; the workgroup one subgroup, BLOCK_SIZE >= a unit's vec4s): each
// lane reads one vec4 of x (and runs the fused input step on it alone), and the products take them
// from the lanes by shuffles — one x read per BLOCK_SIZE vec4s instead of one per vec4 (lavapipe:
// 15-20% faster matmuls). K-quants there take their levels in the affine form (AFFINE_LEVELS,
// weight_blocks.glsl): x scaled to the levels' byte places once per span, and each half unit's
// offset times its sum of x (added up across the lanes of its cluster of 4) added per unit
// (lavapipe: K-quant matvecs ~25% faster).
// INPUT_MODE fuses the step before the product into the reads of x:
//   INPUT_PLAIN     x as it is
//   INPUT_RMS_NORM  rms_norm(x) * norm_weight: the sum of squares of x is gathered while x streams
//                   through the loop, and the result scaled by 1 / rms at the end
//   INPUT_SWIGLU    silu(gate) * up, with gate and up the two halves of each x row (x_stride = 2 cols)
//   INPUT_ONES      a vector of ones, x not read: y = each row's sum. The weight-read ceiling of this
//                   kernel (bench/kernels_bench): the same weight reads and as many adds, no x.
// OUTPUT_MODE says what is written:
//   OUTPUT_PLAIN    y[row] (+)= the row's product
//   OUTPUT_SWIGLU   silu(gate) * up: the weight rows come in groups of a workgroup's rows (ROWS, or
//                   ROWS * BLOCK_SIZE for ROW_PER_LANE), the first half gate rows and the second
//                   half the up rows of the same outputs, so y[group * half + i] = silu(row i) *
//                   row (half + i) of the group — SwiGLU in the epilogue, no dispatch of its own.
//                   y_offset and y_stride count outputs (half the rows); no accumulate.
// Dispatch: x = row blocks (wrapping into z past the x limit), y = token blocks.
#include "common.glsl"
#include "push_constants.glsl"
#include "weights.glsl"
#ifndef ROW_PER_LANE
#include "reduce.glsl"
#endif
#ifdef X_FROM_LANES
#extension GL_KHR_shader_subgroup_shuffle : require
#extension GL_KHR_shader_subgroup_arithmetic : require
#endif

layout(constant_id = 1) const uint ROWS = 4;
layout(constant_id = 2) const uint TOKENS = 1;
const uint INPUT_PLAIN = 0;
const uint INPUT_RMS_NORM = 1;
const uint INPUT_SWIGLU = 2;
const uint INPUT_ONES = 3;
layout(constant_id = 3) const uint INPUT_MODE = INPUT_PLAIN;
const uint OUTPUT_PLAIN = 0;
const uint OUTPUT_SWIGLU = 1;
layout(constant_id = 4) const uint OUTPUT_MODE = OUTPUT_PLAIN;
// Split columns only: 1 = a lane takes single units of a weight group instead of whole groups
// (rows with fewer weight groups than the workgroup has lanes, e.g. K-quant groups of 64 or 128
// weights in a 768-wide row on 32 lanes, keep every lane at work).
layout(constant_id = 5) const uint LANE_UNITS = 0;

layout(binding = 2) uniform samplerBuffer x_vectors;             // [n_tokens][cols], RGBA32F view
layout(std430, binding = 3) buffer y_buffer { float y[]; };      // [n_tokens][y_stride]
layout(std430, binding = 4) readonly buffer norm_buffer { vec4 norm_weight[]; };  // INPUT_RMS_NORM: [cols / 4]

layout(push_constant) uniform parameters { MATMUL_PUSH } p;  // push_constants.glsl

// x[k4] as the product sees it; `squares` gathers the sum of squares of the raw x (INPUT_RMS_NORM).
vec4 input_vector(uint base, uint k4, uint cols4, inout float squares) {
  if (INPUT_MODE == INPUT_ONES) return vec4(1.0);
  const vec4 fetched = texelFetch(x_vectors, int(base + k4));
  const vec4 raw = k4 < cols4 ? fetched : vec4(0.0);
  if (INPUT_MODE == INPUT_RMS_NORM) {
    squares += dot(raw, raw);
    return raw * norm_weight[k4];
  }
  if (INPUT_MODE == INPUT_SWIGLU) {
    const vec4 up = texelFetch(x_vectors, int(base + cols4 + k4));
    return raw / (1.0 + exp(-raw)) * up;
  }
  return raw;
}

float silu(float v) { return v / (1.0 + exp(-v)); }

// What the product of a token is multiplied by once summed: 1 / rms for INPUT_RMS_NORM.
float output_scale(float squares) {
  return INPUT_MODE == INPUT_RMS_NORM ? inversesqrt(squares / float(p.cols) + p.eps) : 1.0;
}

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
  float squares[TOKENS];
  [[unroll]] for (uint t = 0; t < TOKENS; ++t) squares[t] = 0.0;
  uint unit_base[ROWS], scale_base[ROWS];
  [[unroll]] for (uint r = 0; r < ROWS; ++r) {
    const uint row = min(first_row + r * BLOCK_SIZE + lane, p.rows - 1);
    unit_base[r] = row_unit_base(row, p.row_units, p.row_group);
    scale_base[r] = row_scale_base(row, p.row_units, p.row_group);
  }
  uint x_base[TOKENS];  // hoisted by hand: lavapipe recomputes it in the loop otherwise (-17%)
  [[unroll]] for (uint t = 0; t < TOKENS; ++t) x_base[t] = p.x_offset + min(first_token + t, p.n_tokens - 1) * p.x_stride;
#ifdef X_FROM_LANES
  // A span of BLOCK_SIZE vec4s of x at a time (whole blocks: BLOCK_SIZE >= VECS_PER_UNIT *
  // UNITS_PER_BLOCK), lane l holding vec4 l; the block scales multiply each unit's partial sums.
  // STEP_UNITS: whole spans and whole weight groups (both powers of two).
  const uint SPAN_UNITS = BLOCK_SIZE / VECS_PER_UNIT;
  const uint STEP_UNITS = SPAN_UNITS > UNITS_PER_GROUP ? SPAN_UNITS : UNITS_PER_GROUP;
  for (uint first_unit = 0; first_unit < p.row_units; first_unit += STEP_UNITS) {
    vec4 x_lane[TOKENS];
#ifdef AFFINE_LEVELS
    float cluster_sums[TOKENS];  // the sum of x over the lane's cluster of 4 (16 weights, a half unit)
#endif
    float scale[ROWS];
    weight_group group[ROWS];
    [[unroll]] for (uint i = 0; i < STEP_UNITS; ++i) {
      const uint u = first_unit + i;
      if (i % SPAN_UNITS == 0) {
        [[unroll]] for (uint t = 0; t < TOKENS; ++t) {
          x_lane[t] = input_vector(x_base[t], u * VECS_PER_UNIT + lane, cols4, squares[t]);
#ifdef AFFINE_LEVELS
          float sum = dot(x_lane[t], vec4(1.0));
          sum += subgroupShuffleXor(sum, 1u);
          cluster_sums[t] = sum + subgroupShuffleXor(sum, 2u);
          x_lane[t] *= PLACE_SCALE;  // the levels come at their bytes' places (weight_blocks.glsl)
#endif
        }
      }
      if (u < p.row_units) {
        if (i % UNITS_PER_BLOCK == 0) {
          [[unroll]] for (uint r = 0; r < ROWS; ++r) scale[r] = unit_scale(scale_base[r] + (u / UNITS_PER_BLOCK) * p.row_group);
        }
        if (i % UNITS_PER_GROUP == 0) {
          [[unroll]] for (uint r = 0; r < ROWS; ++r) load_group(unit_at(unit_base[r], u, p.row_group), group[r]);
        }
        const uint first_lane = (i % SPAN_UNITS) * VECS_PER_UNIT;
#ifdef AFFINE_LEVELS
        // weight = scale * level + offset per half unit: the scales multiply the halves' partial
        // sums and the offsets the halves' sums of x (K-quants: unit_scale is 1).
        vec4 w[ROWS][VECS_PER_UNIT], affine[ROWS];
        [[unroll]] for (uint r = 0; r < ROWS; ++r) {
          group_unit_levels(group[r], i % UNITS_PER_GROUP, w[r]);
          affine[r] = group_unit_affine(group[r], i % UNITS_PER_GROUP);
        }
        const uint HALF = VECS_PER_UNIT / 2;
        [[unroll]] for (uint t = 0; t < TOKENS; ++t) {
          const vec2 x_sums = vec2(subgroupShuffle(cluster_sums[t], first_lane), subgroupShuffle(cluster_sums[t], first_lane + HALF));
          float first[ROWS], second[ROWS];
          [[unroll]] for (uint r = 0; r < ROWS; ++r) first[r] = 0.0, second[r] = 0.0;
          [[unroll]] for (uint v = 0; v < VECS_PER_UNIT; ++v) {
            const vec4 xv = subgroupShuffle(x_lane[t], first_lane + v);
            [[unroll]] for (uint r = 0; r < ROWS; ++r) {
              if (v < HALF || AFFINE_SCALES == 1) first[r] += dot(w[r][v], xv);
              else second[r] += dot(w[r][v], xv);
            }
          }
          [[unroll]] for (uint r = 0; r < ROWS; ++r) {
            const float scaled = AFFINE_SCALES == 1 ? affine[r].x * first[r] : affine[r].x * first[r] + affine[r].z * second[r];
            acc[r * TOKENS + t] += scale[r] * (scaled + dot(affine[r].yw, x_sums));
          }
        }
#else
        vec4 w[ROWS][VECS_PER_UNIT];
        [[unroll]] for (uint r = 0; r < ROWS; ++r) group_unit_values(group[r], i % UNITS_PER_GROUP, w[r]);
        [[unroll]] for (uint t = 0; t < TOKENS; ++t) {
          float partial[ROWS];
          [[unroll]] for (uint r = 0; r < ROWS; ++r) partial[r] = 0.0;
          [[unroll]] for (uint v = 0; v < VECS_PER_UNIT; ++v) {
            const vec4 xv = subgroupShuffle(x_lane[t], first_lane + v);
            [[unroll]] for (uint r = 0; r < ROWS; ++r) partial[r] += dot(w[r][v], xv);
          }
          [[unroll]] for (uint r = 0; r < ROWS; ++r) acc[r * TOKENS + t] += scale[r] * partial[r];
        }
#endif
      }
    }
  }
  // Each lane squared only its own vec4s of x.
  if (INPUT_MODE == INPUT_RMS_NORM) {
    [[unroll]] for (uint t = 0; t < TOKENS; ++t) squares[t] = subgroupAdd(squares[t]);
  }
#else
  // A block at a time (row_units is a whole number of blocks and weight groups): its scales are
  // read once and multiply each unit's partial sums, not every weight.
  const uint STEP_UNITS = UNITS_PER_BLOCK > UNITS_PER_GROUP ? UNITS_PER_BLOCK : UNITS_PER_GROUP;
  for (uint first_unit = 0; first_unit < p.row_units; first_unit += STEP_UNITS) {
    float scale[ROWS];
    weight_group group[ROWS];
    [[unroll]] for (uint i = 0; i < STEP_UNITS; ++i) {
      const uint u = first_unit + i;
      if (i % UNITS_PER_BLOCK == 0) {
        [[unroll]] for (uint r = 0; r < ROWS; ++r) scale[r] = unit_scale(scale_base[r] + (u / UNITS_PER_BLOCK) * p.row_group);
      }
      if (i % UNITS_PER_GROUP == 0) {
        [[unroll]] for (uint r = 0; r < ROWS; ++r) load_group(unit_at(unit_base[r], u, p.row_group), group[r]);
      }
      vec4 w[ROWS][VECS_PER_UNIT];
      [[unroll]] for (uint r = 0; r < ROWS; ++r) group_unit_values(group[r], i % UNITS_PER_GROUP, w[r]);
      const uint first_vec = u * VECS_PER_UNIT;
      [[unroll]] for (uint t = 0; t < TOKENS; ++t) {
        const uint base = x_base[t];
        float partial[ROWS];
        [[unroll]] for (uint r = 0; r < ROWS; ++r) partial[r] = 0.0;
        [[unroll]] for (uint v = 0; v < VECS_PER_UNIT; ++v) {
          const vec4 xv = input_vector(base, first_vec + v, cols4, squares[t]);
          [[unroll]] for (uint r = 0; r < ROWS; ++r) partial[r] += dot(w[r][v], xv);
        }
        [[unroll]] for (uint r = 0; r < ROWS; ++r) acc[r * TOKENS + t] += scale[r] * partial[r];
      }
    }
  }
#endif
  if (OUTPUT_MODE == OUTPUT_SWIGLU) {
    const uint half_rows = ROWS / 2;
    [[unroll]] for (uint t = 0; t < TOKENS; ++t) {
      const float scale = output_scale(squares[t]);
      const uint token = first_token + t;
      [[unroll]] for (uint r = 0; r < half_rows; ++r) {
        const uint out_index = row_block * half_rows * BLOCK_SIZE + r * BLOCK_SIZE + lane;
        if (out_index < p.rows / 2 && token < p.n_tokens) {
          const float gate = acc[r * TOKENS + t] * scale, up = acc[(r + half_rows) * TOKENS + t] * scale;
          y[p.y_offset + token * p.y_stride + out_index] = silu(gate) * up;
        }
      }
    }
    return;
  }
  [[unroll]] for (uint t = 0; t < TOKENS; ++t) {
    const float scale = output_scale(squares[t]);  // every lane read all of x: no reduction
    const uint token = first_token + t;
    [[unroll]] for (uint r = 0; r < ROWS; ++r) {
      const uint row = first_row + r * BLOCK_SIZE + lane;
      if (row < p.rows && token < p.n_tokens) {
        const uint index = p.y_offset + token * p.y_stride + row;
        const float value = acc[r * TOKENS + t] * scale;
        y[index] = p.accumulate != 0 ? y[index] + value : value;
      }
    }
  }
}
#else
const uint LANE_STEP = LANE_UNITS != 0 ? 1 : UNITS_PER_GROUP;  // units a lane takes at a time

void main() {
  const uint lane = gl_LocalInvocationID.x;
  const uint row_block = gl_WorkGroupID.z * gl_NumWorkGroups.x + gl_WorkGroupID.x;
  const uint first_row = row_block * ROWS;
  const uint first_token = gl_WorkGroupID.y * TOKENS;
  if (first_row >= p.rows) return;  // whole workgroup leaves together
  const uint cols4 = p.cols / 4;

  float acc[ROWS * TOKENS];
  [[unroll]] for (uint i = 0; i < ROWS * TOKENS; ++i) acc[i] = 0.0;
  float squares[TOKENS];
  [[unroll]] for (uint t = 0; t < TOKENS; ++t) squares[t] = 0.0;

  uint unit_base[ROWS], scale_base[ROWS];
  [[unroll]] for (uint r = 0; r < ROWS; ++r) {
    const uint row = min(first_row + r, p.rows - 1);
    unit_base[r] = row_unit_base(row, p.row_units, p.row_group);
    scale_base[r] = row_scale_base(row, p.row_units, p.row_group);
  }
  uint x_base[TOKENS];  // hoisted by hand, as in the ROW_PER_LANE loop
  [[unroll]] for (uint t = 0; t < TOKENS; ++t) x_base[t] = p.x_offset + min(first_token + t, p.n_tokens - 1) * p.x_stride;
  // Lanes stride over weight groups (one unit for most types), or with LANE_UNITS over single
  // units, each lane loading its unit's group and taking that unit alone.
  for (uint first_unit = lane * LANE_STEP; first_unit < p.row_units; first_unit += BLOCK_SIZE * LANE_STEP) {
    weight_group group[ROWS];
    const uint group_first = first_unit - first_unit % UNITS_PER_GROUP;
    [[unroll]] for (uint r = 0; r < ROWS; ++r) load_group(unit_at(unit_base[r], group_first, p.row_group), group[r]);
    [[unroll]] for (uint i = 0; i < LANE_STEP; ++i) {
      const uint u = first_unit + i;
      vec4 w[ROWS][VECS_PER_UNIT];
      float scale[ROWS];
      const uint block_step = (u / UNITS_PER_BLOCK) * p.row_group;
      [[unroll]] for (uint r = 0; r < ROWS; ++r) {
        group_unit_values(group[r], u - group_first, w[r]);
        scale[r] = unit_scale(scale_base[r] + block_step);
      }
      const uint first_vec = u * VECS_PER_UNIT;
      [[unroll]] for (uint t = 0; t < TOKENS; ++t) {
        const uint base = x_base[t];
        float partial[ROWS];
        [[unroll]] for (uint r = 0; r < ROWS; ++r) partial[r] = 0.0;
        [[unroll]] for (uint v = 0; v < VECS_PER_UNIT; ++v) {
          const vec4 xv = input_vector(base, first_vec + v, cols4, squares[t]);
          [[unroll]] for (uint r = 0; r < ROWS; ++r) partial[r] += dot(w[r][v], xv);
        }
        [[unroll]] for (uint r = 0; r < ROWS; ++r) acc[r * TOKENS + t] += scale[r] * partial[r];
      }
    }
  }

  [[unroll]] for (uint t = 0; t < TOKENS; ++t) {
    // Each lane saw only its own units of x: the sum of squares is reduced like the products.
    const float scale = INPUT_MODE == INPUT_RMS_NORM ? output_scale(workgroup_sum(squares[t])) : 1.0;
    const uint token = first_token + t;
    if (OUTPUT_MODE == OUTPUT_SWIGLU) {
      const uint half_rows = ROWS / 2;
      [[unroll]] for (uint r = 0; r < half_rows; ++r) {
        const float gate = workgroup_sum(acc[r * TOKENS + t]) * scale;
        const float up = workgroup_sum(acc[(r + half_rows) * TOKENS + t]) * scale;
        const uint out_index = row_block * half_rows + r;
        if (lane == 0 && out_index < p.rows / 2 && token < p.n_tokens) y[p.y_offset + token * p.y_stride + out_index] = silu(gate) * up;
      }
      continue;
    }
    [[unroll]] for (uint r = 0; r < ROWS; ++r) {
      const float total = workgroup_sum(acc[r * TOKENS + t]) * scale;
      const uint row = first_row + r;
      if (lane == 0 && row < p.rows && token < p.n_tokens) {
        const uint index = p.y_offset + token * p.y_stride + row;
        y[index] = p.accumulate != 0 ? y[index] + total : total;
      }
    }
  }
}
#endif
