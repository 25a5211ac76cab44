#version 450
// ids[r] = index of the largest value of row r (the lowest index among equal maxima), one
// workgroup per row. Greedy decoding reads these few integers instead of whole logit rows.
#include "common.glsl"
#include "push_constants.glsl"

layout(std430, binding = 0) readonly buffer logits_buffer { float logits[]; };  // [rows][width]
layout(std430, binding = 1) writeonly buffer ids_buffer { int ids[]; };

layout(push_constant) uniform parameters { COUNT_PUSH } p;  // push_constants.glsl

bool better(float value, uint index, float than_value, uint than_index) {
  return value > than_value || (value == than_value && index < than_index);
}

#ifdef SUBGROUP_ONLY
// One subgroup per workgroup (host-guaranteed): no shared memory, no barriers.
#extension GL_KHR_shader_subgroup_arithmetic : require
void main() {
  const uint base = gl_WorkGroupID.x * p.count;
  float value = negative_infinity;
  uint index = 0xffffffffu;
  for (uint i = gl_LocalInvocationID.x; i < p.count; i += BLOCK_SIZE) {
    const float v = logits[base + i];
    if (better(v, i, value, index)) { value = v; index = i; }
  }
  const float best = subgroupMax(value);
  const uint first = subgroupMin(value == best ? index : 0xffffffffu);
  if (gl_LocalInvocationID.x == 0) ids[gl_WorkGroupID.x] = int(first);
}
#else
shared float best_value[BLOCK_SIZE];
shared uint best_index[BLOCK_SIZE];

void main() {
  const uint lane = gl_LocalInvocationID.x;
  const uint base = gl_WorkGroupID.x * p.count;
  float value = negative_infinity;
  uint index = 0xffffffffu;
  for (uint i = lane; i < p.count; i += BLOCK_SIZE) {
    const float v = logits[base + i];
    if (better(v, i, value, index)) { value = v; index = i; }
  }
  best_value[lane] = value;
  best_index[lane] = index;
  barrier();
  for (uint stride = BLOCK_SIZE / 2; stride > 0; stride >>= 1) {
    if (lane < stride && better(best_value[lane + stride], best_index[lane + stride], best_value[lane], best_index[lane])) {
      best_value[lane] = best_value[lane + stride];
      best_index[lane] = best_index[lane + stride];
    }
    barrier();
  }
  if (lane == 0) ids[gl_WorkGroupID.x] = int(best_index[0]);
}
#endif
