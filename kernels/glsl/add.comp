#version 450
// out[i] = a[i] + b[i] (out may be a). The engine fuses residual adds into matmul (accumulate);
// this kernel is the plain form for other graphs.
#include "common.glsl"
#include "push_constants.glsl"

layout(std430, binding = 0) readonly buffer a_buffer { float a[]; };
layout(std430, binding = 1) readonly buffer b_buffer { float b[]; };
layout(std430, binding = 2) writeonly buffer out_buffer { float out_values[]; };

layout(push_constant) uniform parameters { COUNT_PUSH } p;  // push_constants.glsl

void main() {
  const uint i = gl_GlobalInvocationID.x + gl_GlobalInvocationID.y * gl_NumWorkGroups.x * BLOCK_SIZE;
  if (i < p.count) out_values[i] = a[i] + b[i];
}
