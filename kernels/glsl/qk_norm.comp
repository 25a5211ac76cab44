#version 450
// Per-head RMSNorm of the q and k parts of fused qkv rows, in place (Qwen3's attn_q_norm and
// attn_k_norm, before rope): head h of token t, h < n_heads a q head (weights q_norm), else a k head
// (weights k_norm); each of its head_dim values x[d] becomes x[d] / sqrt(mean(x^2) + eps) * w[d].
// One invocation per head (a few dozen per token: the loop over head_dim is short, and no
// reduction means no barriers, which lavapipe runs as coroutines); workgroup y = token.
#include "common.glsl"
#include "push_constants.glsl"

layout(std430, binding = 0) buffer qkv_buffer { float qkv[]; };
layout(std430, binding = 1) readonly buffer q_norm_buffer { float q_norm[]; };
layout(std430, binding = 2) readonly buffer k_norm_buffer { float k_norm[]; };

layout(push_constant) uniform parameters { QK_NORM_PUSH } p;  // push_constants.glsl

void main() {
  const uint t = gl_WorkGroupID.y;
  const uint head = gl_GlobalInvocationID.x;
  if (head >= p.n_heads + p.n_kv_heads) return;
  const uint stride = (p.n_heads + 2 * p.n_kv_heads) * p.head_dim;
  const uint base = t * stride + head * p.head_dim;  // k heads follow the q heads
  float squares = 0.0;
  for (uint d = 0; d < p.head_dim; ++d) squares += qkv[base + d] * qkv[base + d];
  const float inverse_rms = inversesqrt(squares / float(p.head_dim) + p.eps);
  const bool is_q = head < p.n_heads;
  for (uint d = 0; d < p.head_dim; ++d) {
    qkv[base + d] = qkv[base + d] * inverse_rms * (is_q ? q_norm[d] : k_norm[d]);
  }
}
