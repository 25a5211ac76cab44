#version 450
// Rotary embedding of the q and k parts of a fused qkv row [n_heads*hd | n_kv_heads*hd | n_kv_heads*hd],
// q in place; rotated k and plain v are written into the KV cache of the token's slot at its position:
// cache[(slot * n_ctx + position) * n_kv_heads * hd + kv_head * hd + d].
// Options, as the model's architecture row asks (kernels/model/architecture.hpp):
// - style 0 (NORM, Llama) rotates pairs (2i, 2i+1) of a head, style 1 (NEOX, Qwen) pairs (i, i + rope_dims/2);
// - use_factors: pair i's angle is divided by factors[i] (llama3 frequency scaling);
// - use_bias: bias[j] (the q|k|v biases side by side) is added to every element first (Qwen2).
// KV_F16: the caches hold 16-bit floats (half the memory; storageBuffer16BitAccess), rounded once here.
// Invocation x = pair index over q pairs then k pairs; workgroup y = token.
#include "common.glsl"
#include "push_constants.glsl"
#ifdef KV_F16
#extension GL_EXT_shader_16bit_storage : require
#define cache_value float16_t
#else
#define cache_value float
#endif

layout(std430, binding = 0) buffer qkv_buffer { float qkv[]; };
layout(std430, binding = 1) readonly buffer position_buffer { int positions[]; };
layout(std430, binding = 2) readonly buffer slot_buffer { int slots[]; };
layout(std430, binding = 3) writeonly buffer k_cache_buffer { cache_value k_cache[]; };
layout(std430, binding = 4) writeonly buffer v_cache_buffer { cache_value v_cache[]; };
layout(std430, binding = 5) readonly buffer factor_buffer { float factors[]; };
layout(std430, binding = 6) readonly buffer bias_buffer { float bias[]; };

layout(push_constant) uniform parameters { ROPE_PUSH } p;  // push_constants.glsl

// The two elements (within a head) of pair `index_in_head`.
uvec2 pair_elements(uint index_in_head) {
  const uint half_rope = p.rope_dims / 2;
  if (p.style == 1 && index_in_head < half_rope) return uvec2(index_in_head, index_in_head + half_rope);
  return uvec2(2 * index_in_head, 2 * index_in_head + 1);
}

vec2 rotate(vec2 pair, uint index_in_head, float position) {
  if (2 * index_in_head >= p.rope_dims) return pair;
  const float exponent = -float(2 * index_in_head) / float(p.rope_dims);
  float angle = position * p.freq_scale * pow(p.theta_base, exponent);
  if (p.use_factors != 0) angle /= factors[index_in_head];
  const float c = cos(angle);
  const float s = sin(angle);
  return vec2(pair.x * c - pair.y * s, pair.x * s + pair.y * c);
}

// qkv[row + j] plus its bias.
float load(uint row, uint j) { return qkv[row + j] + (p.use_bias != 0 ? bias[j] : 0.0); }

void main() {
  const uint t = gl_WorkGroupID.y;
  const uint pair = gl_GlobalInvocationID.x;
  const uint half_dim = p.head_dim / 2;
  const uint q_pairs = p.n_heads * half_dim;
  const uint kv_pairs = p.n_kv_heads * half_dim;
  if (pair >= q_pairs + kv_pairs) return;
  const uint q_width = p.n_heads * p.head_dim;
  const uint kv_width = p.n_kv_heads * p.head_dim;
  const uint stride = q_width + 2 * kv_width;
  const int position = positions[p.token_offset + t];
  const uint row = t * stride;
  if (pair < q_pairs) {
    const uint in_head = pair % half_dim;
    const uvec2 e = (pair / half_dim) * p.head_dim + pair_elements(in_head);
    const vec2 rotated = rotate(vec2(load(row, e.x), load(row, e.y)), in_head, float(position));
    qkv[row + e.x] = rotated.x;
    qkv[row + e.y] = rotated.y;
    return;
  }
  const uint k_pair = pair - q_pairs;
  const uint in_head = k_pair % half_dim;
  const uvec2 e = (k_pair / half_dim) * p.head_dim + pair_elements(in_head);  // within the k part
  const vec2 rotated = rotate(vec2(load(row, q_width + e.x), load(row, q_width + e.y)), in_head, float(position));
  const uint cache_row = (uint(slots[p.token_offset + t]) * p.n_ctx + uint(position)) * kv_width;
  k_cache[cache_row + e.x] = cache_value(rotated.x);
  k_cache[cache_row + e.y] = cache_value(rotated.y);
  v_cache[cache_row + e.x] = cache_value(load(row, q_width + kv_width + e.x));
  v_cache[cache_row + e.y] = cache_value(load(row, q_width + kv_width + e.y));
}
