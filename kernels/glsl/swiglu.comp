#version 450
// out[t][i] = silu(gate) * up with gate = gate_up[t][i], up = gate_up[t][width + i]: the fused
// gate/up projection writes both halves of one row. silu(x) = x / (1 + exp(-x)).
#include "common.glsl"
#include "push_constants.glsl"

layout(std430, binding = 0) readonly buffer gate_up_buffer { float gate_up[]; };  // [t][2 * width]
layout(std430, binding = 1) writeonly buffer out_buffer { float out_values[]; };  // [t][width]

layout(push_constant) uniform parameters { SWIGLU_PUSH } p;  // push_constants.glsl

void main() {
  const uint i = gl_GlobalInvocationID.x;
  const uint t = gl_WorkGroupID.y;
  if (i >= p.width || t >= p.n_tokens) return;
  const float gate = gate_up[t * 2 * p.width + i];
  const float up = gate_up[t * 2 * p.width + p.width + i];
  out_values[t * p.width + i] = gate / (1.0 + exp(-gate)) * up;
}
