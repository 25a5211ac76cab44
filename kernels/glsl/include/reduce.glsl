// Workgroup-wide sum and max. USE_SUBGROUP: subgroup arithmetic, then one value per subgroup
// combined through shared memory (a workgroup may hold several subgroups on some devices).
// Otherwise a shared-memory tree (BLOCK_SIZE must be a power of two). Every lane must call these
// (they contain barriers) and every lane gets the result.
// SUBGROUP_ONLY: the host guarantees the workgroup is exactly one subgroup (CPU devices with a
// fixed subgroup size): subgroup arithmetic alone, no shared memory and no barrier — on lavapipe a
// barrier anywhere in a shader makes every workgroup run as coroutines.
#if defined(SUBGROUP_ONLY)
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_arithmetic : require

float workgroup_sum(float value) { return subgroupAdd(value); }
float workgroup_max(float value) { return subgroupMax(value); }
#elif defined(USE_SUBGROUP)
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_arithmetic : require

shared float reduce_scratch[BLOCK_SIZE];

float workgroup_sum(float value) {
  value = subgroupAdd(value);
  if (gl_NumSubgroups == 1) return value;
  if (subgroupElect()) reduce_scratch[gl_SubgroupID] = value;
  barrier();
  float total = 0.0;
  for (uint i = 0; i < gl_NumSubgroups; ++i) total += reduce_scratch[i];
  barrier();
  return total;
}

float workgroup_max(float value) {
  value = subgroupMax(value);
  if (gl_NumSubgroups == 1) return value;
  if (subgroupElect()) reduce_scratch[gl_SubgroupID] = value;
  barrier();
  float best = reduce_scratch[0];
  for (uint i = 1; i < gl_NumSubgroups; ++i) best = max(best, reduce_scratch[i]);
  barrier();
  return best;
}
#else
shared float reduce_scratch[BLOCK_SIZE];

float workgroup_sum(float value) {
  const uint lane = gl_LocalInvocationID.x;
  reduce_scratch[lane] = value;
  barrier();
  for (uint stride = BLOCK_SIZE / 2; stride > 0; stride >>= 1) {
    if (lane < stride) reduce_scratch[lane] += reduce_scratch[lane + stride];
    barrier();
  }
  const float total = reduce_scratch[0];
  barrier();
  return total;
}

float workgroup_max(float value) {
  const uint lane = gl_LocalInvocationID.x;
  reduce_scratch[lane] = value;
  barrier();
  for (uint stride = BLOCK_SIZE / 2; stride > 0; stride >>= 1) {
    if (lane < stride) reduce_scratch[lane] = max(reduce_scratch[lane], reduce_scratch[lane + stride]);
    barrier();
  }
  const float best = reduce_scratch[0];
  barrier();
  return best;
}
#endif
