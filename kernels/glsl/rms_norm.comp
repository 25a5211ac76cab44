#version 450
// out[i] = x[src] / sqrt(mean(x[src]^2) + eps) * weight, one workgroup per output row. src = i, or
// row_list[i] when gathering (the final norm reads only each sequence's last token).
#include "common.glsl"
#include "push_constants.glsl"
#include "reduce.glsl"

layout(std430, binding = 0) readonly buffer x_buffer { float x[]; };
layout(std430, binding = 1) readonly buffer weight_buffer { float weight[]; };
layout(std430, binding = 2) writeonly buffer out_buffer { float out_values[]; };
layout(std430, binding = 3) readonly buffer row_list_buffer { int row_list[]; };

layout(push_constant) uniform parameters { RMS_NORM_PUSH } p;  // push_constants.glsl

void main() {
  const uint row = gl_WorkGroupID.x;
  const uint source = p.use_row_list != 0 ? uint(row_list[row]) : row;
  const uint in_base = source * p.width;
  float squares = 0.0;
  for (uint i = gl_LocalInvocationID.x; i < p.width; i += BLOCK_SIZE) squares += x[in_base + i] * x[in_base + i];
  const float total = workgroup_sum(squares);
  const float inverse_rms = inversesqrt(total / float(p.width) + p.eps);
  const uint out_base = row * p.width;
  for (uint i = gl_LocalInvocationID.x; i < p.width; i += BLOCK_SIZE) {
    out_values[out_base + i] = x[in_base + i] * inverse_rms * weight[i];
  }
}
