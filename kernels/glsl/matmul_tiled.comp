#version 450
// Tiled matrix-matrix product for prefill chunks: y[t][r] (+)= sum_k W[r][k] * in(x[t])[k], one
// workgroup computing a tile of TILE_ROWS weight rows x TILE_TOKENS tokens. It walks K a step of
// STEP_VECS vec4s (32 weights, whole units) at a time: the lanes dequantize the step's weight tile
// (TILE_ROWS rows, scales applied) and read the x tile (TILE_TOKENS tokens, the fused input step
// applied) into shared memory, then each lane multiplies its register block of LANE_ROWS rows x
// LANE_TOKENS tokens out of them. Every weight is thus dequantized once per TILE_TOKENS tokens and
// every x value read once per TILE_ROWS rows (matmul.comp: once per ROWS rows, its TOKENS at most 16).
// A lane's rows and tokens are strided (row lane_row + j * ROW_LANES), so neighbouring lanes read
// neighbouring shared words. The weight types, their unit layout and row groups: weights.glsl.
// INPUT_MODE (as matmul.comp): INPUT_PLAIN, or INPUT_RMS_NORM — x * norm_weight staged, the sum of
// squares of each token gathered by the lanes that read its x, the products scaled by 1 / rms at the
// end. (SwiGLU inputs and the ones input stay with matmul.comp.)
// OUTPUT_MODE (as matmul.comp): OUTPUT_PLAIN, or OUTPUT_SWIGLU with rows in groups of 2 PAIR_ROWS
// (PAIR_ROWS gate rows, then the up rows of the same outputs): the tile holds whole groups and a
// lane's gate row j has its up row at j + PAIR_ROWS / ROW_LANES (the host checks both).
// Dispatch: x = row tiles (wrapping into z past the x limit), y = token tiles. Workgroup size
// BLOCK_SIZE = ROW_LANES * TOKEN_LANES.
#include "common.glsl"
#include "push_constants.glsl"
#include "weights.glsl"

layout(constant_id = 1) const uint TILE_ROWS = 64;
layout(constant_id = 2) const uint TILE_TOKENS = 32;
const uint INPUT_PLAIN = 0;
const uint INPUT_RMS_NORM = 1;
layout(constant_id = 3) const uint INPUT_MODE = INPUT_PLAIN;
const uint OUTPUT_PLAIN = 0;
const uint OUTPUT_SWIGLU = 1;
layout(constant_id = 4) const uint OUTPUT_MODE = OUTPUT_PLAIN;
layout(constant_id = 5) const uint LANE_ROWS = 4;
layout(constant_id = 6) const uint LANE_TOKENS = 4;
layout(constant_id = 7) const uint PAIR_ROWS = 1;  // OUTPUT_SWIGLU

const uint ROW_LANES = TILE_ROWS / LANE_ROWS;
const uint TOKEN_LANES = TILE_TOKENS / LANE_TOKENS;
// Units per row in one K step: 32 weights (a whole Q8_0 block, a K-quant sub-block).
const uint STEP_UNITS = WEIGHTS_PER_UNIT >= 32 ? 1 : 32 / WEIGHTS_PER_UNIT;
const uint STEP_VECS = STEP_UNITS * VECS_PER_UNIT;
// The loaders' shares: each lane keeps the same tasks at every step (task = lane + i * BLOCK_SIZE).
const uint WEIGHT_TASKS = TILE_ROWS * STEP_UNITS;
const uint X_TASKS = TILE_TOKENS * STEP_VECS;

layout(binding = 2) uniform samplerBuffer x_vectors;             // [n_tokens][cols], RGBA32F view
layout(std430, binding = 3) buffer y_buffer { float y[]; };      // [n_tokens][y_stride]
layout(std430, binding = 4) readonly buffer norm_buffer { vec4 norm_weight[]; };  // INPUT_RMS_NORM: [cols / 4]

layout(push_constant) uniform parameters { MATMUL_PUSH } p;  // push_constants.glsl

shared vec4 weight_tile[STEP_VECS * TILE_ROWS];  // [k4][row], dequantized and scaled
shared vec4 x_tile[STEP_VECS * TILE_TOKENS];     // [k4][token], the input step applied
// INPUT_RMS_NORM: each x task's sum of squares over K, [task] (one word otherwise).
shared float square_parts[INPUT_MODE == INPUT_RMS_NORM ? X_TASKS : 1];

float silu(float v) { return v / (1.0 + exp(-v)); }

// Dequantizes unit `unit` of the row (scaled) into the weight tile at step position `slot`; zeros
// past the row's units or the matrix's rows.
void stage_weight_unit(uint row, uint unit, uint tile_row, uint slot) {
  vec4 w[VECS_PER_UNIT];
  if (row < p.rows && unit < p.row_units) {
    weight_group group;
    load_group(unit_at(row_unit_base(row, p.row_units, p.row_group), unit, p.row_group), group);
    group_unit_values(group, unit % UNITS_PER_GROUP, w);
    const float scale = unit_scale(row_scale_base(row, p.row_units, p.row_group) + (unit / UNITS_PER_BLOCK) * p.row_group);
    [[unroll]] for (uint v = 0; v < VECS_PER_UNIT; ++v) w[v] *= scale;
  } else {
    [[unroll]] for (uint v = 0; v < VECS_PER_UNIT; ++v) w[v] = vec4(0.0);
  }
  [[unroll]] for (uint v = 0; v < VECS_PER_UNIT; ++v) weight_tile[(slot * VECS_PER_UNIT + v) * TILE_ROWS + tile_row] = w[v];
}

void main() {
  const uint lane = gl_LocalInvocationID.x;
  const uint row_tile = gl_WorkGroupID.z * gl_NumWorkGroups.x + gl_WorkGroupID.x;
  const uint first_row = row_tile * TILE_ROWS;
  const uint first_token = gl_WorkGroupID.y * TILE_TOKENS;
  if (first_row >= p.rows) return;  // the whole workgroup leaves together
  const uint cols4 = p.cols / 4;
  const uint lane_row = lane % ROW_LANES, lane_token = lane / ROW_LANES;

  if (INPUT_MODE == INPUT_RMS_NORM) {
    for (uint task = lane; task < X_TASKS; task += BLOCK_SIZE) square_parts[task] = 0.0;
  }
  float acc[LANE_ROWS * LANE_TOKENS];
  [[unroll]] for (uint i = 0; i < LANE_ROWS * LANE_TOKENS; ++i) acc[i] = 0.0;

  for (uint first_unit = 0; first_unit < p.row_units; first_unit += STEP_UNITS) {
    for (uint task = lane; task < WEIGHT_TASKS; task += BLOCK_SIZE) {
      const uint tile_row = task / STEP_UNITS, slot = task % STEP_UNITS;
      stage_weight_unit(first_row + tile_row, first_unit + slot, tile_row, slot);
    }
    const uint first_vec = first_unit * VECS_PER_UNIT;
    for (uint task = lane; task < X_TASKS; task += BLOCK_SIZE) {
      const uint tile_token = task / STEP_VECS, k4 = first_vec + task % STEP_VECS;
      const uint token = min(first_token + tile_token, p.n_tokens - 1);
      vec4 value = vec4(0.0);
      if (k4 < cols4) value = texelFetch(x_vectors, int(p.x_offset + token * p.x_stride + k4));
      if (INPUT_MODE == INPUT_RMS_NORM && k4 < cols4) {
        square_parts[task] += dot(value, value);
        value *= norm_weight[k4];
      }
      x_tile[(task % STEP_VECS) * TILE_TOKENS + tile_token] = value;
    }
    barrier();
    [[unroll]] for (uint k = 0; k < STEP_VECS; ++k) {
      vec4 w[LANE_ROWS], x[LANE_TOKENS];
      [[unroll]] for (uint j = 0; j < LANE_ROWS; ++j) w[j] = weight_tile[k * TILE_ROWS + lane_row + j * ROW_LANES];
      [[unroll]] for (uint i = 0; i < LANE_TOKENS; ++i) x[i] = x_tile[k * TILE_TOKENS + lane_token + i * TOKEN_LANES];
      [[unroll]] for (uint j = 0; j < LANE_ROWS; ++j) {
        [[unroll]] for (uint i = 0; i < LANE_TOKENS; ++i) acc[j * LANE_TOKENS + i] += dot(w[j], x[i]);
      }
    }
    barrier();
  }

  float token_scale[LANE_TOKENS];
  [[unroll]] for (uint i = 0; i < LANE_TOKENS; ++i) {
    token_scale[i] = 1.0;
    if (INPUT_MODE == INPUT_RMS_NORM) {
      float squares = 0.0;
      const uint tile_token = lane_token + i * TOKEN_LANES;
      for (uint v = 0; v < STEP_VECS; ++v) squares += square_parts[tile_token * STEP_VECS + v];
      token_scale[i] = inversesqrt(squares / float(p.cols) + p.eps);
    }
  }
  if (OUTPUT_MODE == OUTPUT_SWIGLU) {
    const uint up_step = PAIR_ROWS / ROW_LANES;  // the up row's register index past its gate row's
    [[unroll]] for (uint j = 0; j < LANE_ROWS; ++j) {
      const uint row = first_row + lane_row + j * ROW_LANES;
      if (row % (2 * PAIR_ROWS) >= PAIR_ROWS || j + up_step >= LANE_ROWS) continue;
      const uint out_index = row / (2 * PAIR_ROWS) * PAIR_ROWS + row % (2 * PAIR_ROWS);
      [[unroll]] for (uint i = 0; i < LANE_TOKENS; ++i) {
        const uint token = first_token + lane_token + i * TOKEN_LANES;
        if (out_index < p.rows / 2 && token < p.n_tokens) {
          const float gate = acc[j * LANE_TOKENS + i] * token_scale[i];
          const float up = acc[(j + up_step) * LANE_TOKENS + i] * token_scale[i];
          y[p.y_offset + token * p.y_stride + out_index] = silu(gate) * up;
        }
      }
    }
    return;
  }
  [[unroll]] for (uint j = 0; j < LANE_ROWS; ++j) {
    const uint row = first_row + lane_row + j * ROW_LANES;
    [[unroll]] for (uint i = 0; i < LANE_TOKENS; ++i) {
      const uint token = first_token + lane_token + i * TOKEN_LANES;
      if (row < p.rows && token < p.n_tokens) {
        const uint index = p.y_offset + token * p.y_stride + row;
        const float value = acc[j * LANE_TOKENS + i] * token_scale[i];
        y[index] = p.accumulate != 0 ? y[index] + value : value;
      }
    }
  }
}
