#version 450
// Causal grouped-query attention of one token's query head over its slot's KV cache, rows
// 0..position inclusive, with an online (flash-style) softmax: keys are taken BLOCK_SIZE at a time
// (one per lane), the running max and sum are rescaled per chunk, so any context length works in
// bounded shared memory. Workgroup x = head (SUBGROUP_ONLY: KV head), y = token. head_dim: multiple
// of 4, at most MAX_HEAD_DIM.
// The shared-memory form suits wide workgroups (GPUs: 128 lanes score 128 keys at once).
#include "common.glsl"
#include "push_constants.glsl"
#include "reduce.glsl"

const uint MAX_HEAD_DIM = 256;

layout(binding = 0) uniform samplerBuffer q_vectors;                     // RGBA32F view: row t at t * q_stride / 4
layout(binding = 1) uniform samplerBuffer k_cache;  // RGBA32F view (RGBA16F for an F16 cache: the fetch converts)
layout(binding = 2) uniform samplerBuffer v_cache;  // the same
layout(std430, binding = 3) readonly buffer position_buffer { int positions[]; };
layout(std430, binding = 4) readonly buffer slot_buffer { int slots[]; };
layout(std430, binding = 5) writeonly buffer out_buffer { vec4 out_vectors[]; };  // [t][n_heads*hd]

layout(push_constant) uniform parameters { ATTENTION_PUSH } p;  // push_constants.glsl

#ifdef SUBGROUP_ONLY
// One subgroup per workgroup (host-guaranteed, BLOCK_SIZE >= 8), for CPU devices: one workgroup
// per KV head and token serves the GROUP query heads that share it (x = KV head), so each key and
// value vector is fetched once for all of them. The queries come in through the lanes (lane l holds
// vec4s l, l + BLOCK_SIZE, ... of each head; the score loop takes them by shuffles), weights pass
// between lanes by shuffles, and each lane keeps its output dimensions in registers — no shared
// memory, no barriers. Specialised to the model's shape so every loop over dimensions unrolls:
// on lavapipe each texel fetch is a call, and unrolled loops with guards still make the calls.
#extension GL_KHR_shader_subgroup_shuffle : require
layout(constant_id = 1) const uint GROUP = 1;          // query heads per KV head
layout(constant_id = 2) const uint HEAD_DIM4 = 16;     // head_dim / 4
layout(constant_id = 3) const uint VECS_PER_LANE = 2;  // ceil(HEAD_DIM4 / BLOCK_SIZE)

void main() {
  const uint lane = gl_LocalInvocationID.x;
  const uint kv_head = gl_WorkGroupID.x;
  const uint t = gl_WorkGroupID.y;
  const uint first_head = kv_head * GROUP;
  const uint last = min(uint(positions[p.token_offset + t]), p.n_ctx - 1);
  const uint slot = uint(slots[p.token_offset + t]);
  const uint kv_row4 = p.n_kv_heads * HEAD_DIM4;
  const uint slot_base4 = slot * p.n_ctx * kv_row4 + kv_head * HEAD_DIM4;
  const float scale = p.scale;

  vec4 query[GROUP][VECS_PER_LANE];
  vec4 output_sum[GROUP][VECS_PER_LANE];
  float running_max[GROUP], running_sum[GROUP];
  [[unroll]] for (uint h = 0; h < GROUP; ++h) {
    const uint q_base4 = (t * p.q_stride + (first_head + h) * HEAD_DIM4 * 4) / 4;
    [[unroll]] for (uint i = 0; i < VECS_PER_LANE; ++i) {
      const uint d = lane + i * BLOCK_SIZE;
      query[h][i] = d < HEAD_DIM4 ? texelFetch(q_vectors, int(q_base4 + d)) : vec4(0.0);
      output_sum[h][i] = vec4(0.0);
    }
    running_max[h] = negative_infinity;
    running_sum[h] = 0.0;
  }
  for (uint chunk = 0; chunk <= last; chunk += BLOCK_SIZE) {
    const uint key = chunk + lane;
    const bool live = key <= last;
    const uint base = slot_base4 + min(key, last) * kv_row4;
    float score[GROUP];
    [[unroll]] for (uint h = 0; h < GROUP; ++h) score[h] = 0.0;
    [[unroll]] for (uint d = 0; d < HEAD_DIM4; ++d) {
      const vec4 k = texelFetch(k_cache, int(base + d));
      [[unroll]] for (uint h = 0; h < GROUP; ++h) {
        score[h] += dot(subgroupShuffle(query[h][d / BLOCK_SIZE], d % BLOCK_SIZE), k);
      }
    }
    float weight[GROUP];
    [[unroll]] for (uint h = 0; h < GROUP; ++h) {
      const float s = live ? score[h] * scale : negative_infinity;
      const float new_max = max(running_max[h], workgroup_max(s));
      weight[h] = live ? exp(s - new_max) : 0.0;
      const float correction = exp(running_max[h] - new_max);  // 0 on the first chunk
      running_sum[h] = running_sum[h] * correction + workgroup_sum(weight[h]);
      running_max[h] = new_max;
      [[unroll]] for (uint i = 0; i < VECS_PER_LANE; ++i) output_sum[h][i] *= correction;
    }
    const uint keys = min(BLOCK_SIZE, last + 1 - chunk);
    for (uint j = 0; j < keys; ++j) {
      const uint row4 = slot_base4 + (chunk + j) * kv_row4;
      vec4 v[VECS_PER_LANE];
      [[unroll]] for (uint i = 0; i < VECS_PER_LANE; ++i) {
        const uint d = lane + i * BLOCK_SIZE;
        v[i] = texelFetch(v_cache, int(row4 + min(d, HEAD_DIM4 - 1)));
      }
      [[unroll]] for (uint h = 0; h < GROUP; ++h) {
        const float w = subgroupShuffle(weight[h], j);
        [[unroll]] for (uint i = 0; i < VECS_PER_LANE; ++i) output_sum[h][i] += w * v[i];
      }
    }
  }
  [[unroll]] for (uint h = 0; h < GROUP; ++h) {
    const float inverse_sum = 1.0 / running_sum[h];
    [[unroll]] for (uint i = 0; i < VECS_PER_LANE; ++i) {
      const uint d = lane + i * BLOCK_SIZE;
      if (d < HEAD_DIM4) out_vectors[(t * p.n_heads + first_head + h) * HEAD_DIM4 + d] = output_sum[h][i] * inverse_sum;
    }
  }
}
#else
shared vec4 query[MAX_HEAD_DIM / 4];
shared vec4 output_sum[MAX_HEAD_DIM / 4];
shared float weights[BLOCK_SIZE];
shared vec4 partial_sums[BLOCK_SIZE];  // per lane: its key group's sum for its dimension

void main() {
  const uint lane = gl_LocalInvocationID.x;
  const uint head = gl_WorkGroupID.x;
  const uint t = gl_WorkGroupID.y;
  const uint kv_head = head / (p.n_heads / p.n_kv_heads);
  const uint dim4 = p.head_dim / 4;
  const uint last = min(uint(positions[p.token_offset + t]), p.n_ctx - 1);
  const uint slot = uint(slots[p.token_offset + t]);
  const uint kv_row4 = p.n_kv_heads * dim4;  // vec4s per cache row
  const uint slot_base4 = slot * p.n_ctx * kv_row4 + kv_head * dim4;

  for (uint d = lane; d < dim4; d += BLOCK_SIZE) {
    query[d] = texelFetch(q_vectors, int((t * p.q_stride + head * p.head_dim) / 4 + d));
    output_sum[d] = vec4(0.0);
  }
  barrier();

  float running_max = negative_infinity;
  float running_sum = 0.0;
  for (uint chunk = 0; chunk <= last; chunk += BLOCK_SIZE) {
    const uint key = chunk + lane;
    float score = negative_infinity;
    if (key <= last) {
      const uint base = slot_base4 + key * kv_row4;
      float s = 0.0;
      for (uint d = 0; d < dim4; ++d) s += dot(query[d], texelFetch(k_cache, int(base + d)));
      score = s * p.scale;
    }
    const float new_max = max(running_max, workgroup_max(score));
    const float weight = key <= last ? exp(score - new_max) : 0.0;
    const float correction = exp(running_max - new_max);  // 0 on the first chunk
    running_sum = running_sum * correction + workgroup_sum(weight);
    running_max = new_max;
    weights[lane] = weight;
    barrier();
    const uint keys = min(BLOCK_SIZE, last + 1 - chunk);
    if (dim4 <= BLOCK_SIZE) {
      // Lanes split as (key group, dimension): group g sums keys g, g + groups, ... of the chunk,
      // then one lane per dimension adds the groups up (a wide workgroup keeps every lane busy).
      const uint groups = BLOCK_SIZE / dim4;
      const uint group = lane / dim4;
      const uint d = lane % dim4;
      vec4 sum = vec4(0.0);
      if (group < groups) {
        for (uint j = group; j < keys; j += groups) {
          sum += weights[j] * texelFetch(v_cache, int(slot_base4 + (chunk + j) * kv_row4 + d));
        }
      }
      partial_sums[lane] = sum;
      barrier();
      if (lane < dim4) {
        vec4 total = output_sum[lane] * correction;
        for (uint g = 0; g < groups; ++g) total += partial_sums[g * dim4 + lane];
        output_sum[lane] = total;
      }
    } else {
      for (uint d = lane; d < dim4; d += BLOCK_SIZE) {
        vec4 sum = output_sum[d] * correction;
        for (uint j = 0; j < keys; ++j) {
          sum += weights[j] * texelFetch(v_cache, int(slot_base4 + (chunk + j) * kv_row4 + d));
        }
        output_sum[d] = sum;
      }
    }
    barrier();
  }

  const float inverse_sum = 1.0 / running_sum;
  for (uint d = lane; d < dim4; d += BLOCK_SIZE) {
    out_vectors[(t * p.n_heads + head) * dim4 + d] = output_sum[d] * inverse_sum;
  }
}
#endif
