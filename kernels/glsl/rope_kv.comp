#version 450
// Rotary embedding (NORM ordering: pairs (2i, 2i+1) within each head) of the q and k parts of a
// fused qkv row [n_heads*hd | n_kv_heads*hd | n_kv_heads*hd], q in place; rotated k and plain v
// are written into the KV cache of the token's slot at its position:
// cache[(slot * n_ctx + position) * n_kv_heads * hd + kv_head * hd + d].
// Invocation x = pair index over q pairs then k pairs; workgroup y = token.
#include "common.glsl"

layout(std430, binding = 0) buffer qkv_buffer { float qkv[]; };
layout(std430, binding = 1) readonly buffer position_buffer { int positions[]; };
layout(std430, binding = 2) readonly buffer slot_buffer { int slots[]; };
layout(std430, binding = 3) writeonly buffer k_cache_buffer { float k_cache[]; };
layout(std430, binding = 4) writeonly buffer v_cache_buffer { float v_cache[]; };

layout(push_constant) uniform parameters {
  uint n_heads;
  uint n_kv_heads;
  uint head_dim;
  uint rope_dims;
  uint n_ctx;
  uint token_offset;  // index of token 0 in positions/slots
  float theta_base;
  float freq_scale;
} p;

vec2 rotate(vec2 pair, uint index_in_head, float position) {
  if (2 * index_in_head >= p.rope_dims) return pair;
  const float exponent = -float(2 * index_in_head) / float(p.rope_dims);
  const float angle = position * p.freq_scale * pow(p.theta_base, exponent);
  const float c = cos(angle);
  const float s = sin(angle);
  return vec2(pair.x * c - pair.y * s, pair.x * s + pair.y * c);
}

void main() {
  const uint t = gl_WorkGroupID.y;
  const uint pair = gl_GlobalInvocationID.x;
  const uint half_dim = p.head_dim / 2;
  const uint q_pairs = p.n_heads * half_dim;
  const uint kv_pairs = p.n_kv_heads * half_dim;
  if (pair >= q_pairs + kv_pairs) return;
  const uint kv_width = p.n_kv_heads * p.head_dim;
  const uint stride = p.n_heads * p.head_dim + 2 * kv_width;
  const int position = positions[p.token_offset + t];
  const uint row = t * stride;
  if (pair < q_pairs) {
    const uint index = row + 2 * pair;
    const vec2 rotated = rotate(vec2(qkv[index], qkv[index + 1]), pair % half_dim, float(position));
    qkv[index] = rotated.x;
    qkv[index + 1] = rotated.y;
    return;
  }
  const uint k_pair = pair - q_pairs;
  const uint k_index = row + p.n_heads * p.head_dim + 2 * k_pair;
  const vec2 rotated = rotate(vec2(qkv[k_index], qkv[k_index + 1]), k_pair % half_dim, float(position));
  const uint cache_index = (uint(slots[p.token_offset + t]) * p.n_ctx + uint(position)) * kv_width + 2 * k_pair;
  k_cache[cache_index] = rotated.x;
  k_cache[cache_index + 1] = rotated.y;
  v_cache[cache_index] = qkv[k_index + kv_width];
  v_cache[cache_index + 1] = qkv[k_index + kv_width + 1];
}
