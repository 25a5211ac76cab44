// push_constants.glsl: every kernel's push-constant block, field for field, in one place read by
// both languages — the .comp files (GLSL: `layout(push_constant) uniform parameters { X_PUSH } p;`)
// and kernels/engine/kernel_library.cpp (C++: `struct x_push { X_PUSH };`, sizes checked by
// static_assert against Vulkan's guaranteed 128 bytes). A field added, removed or reordered here changes both sides at once.
// All fields are 32-bit (uint / float), so std430 push-constant layout and C++ agree with no padding.
#ifdef __cplusplus
#pragma once
#include <cstdint>
#define IG_U32 std::uint32_t
#define IG_F32 float
#else
#define IG_U32 uint
#define IG_F32 float
#endif

// matmul.comp
#define MATMUL_PUSH                                                                                 \
  IG_U32 rows;                                                                                      \
  IG_U32 cols;       /* multiple of 4 */                                                            \
  IG_U32 row_units;  /* units per weight row */                                                     \
  IG_U32 row_group;  /* rows stored together (weights.glsl) */                                      \
  IG_U32 n_tokens;                                                                                  \
  IG_U32 x_offset;   /* in vec4s, where token 0 starts in x_vectors */                              \
  IG_U32 x_stride;   /* vec4s between tokens in x_vectors (cols / 4, or cols / 2 for INPUT_SWIGLU) */ \
  IG_F32 eps;        /* INPUT_RMS_NORM */                                                           \
  IG_U32 y_offset;   /* in floats, where row 0 of token 0 goes */                                   \
  IG_U32 y_stride;   /* floats between tokens in y (rows, or more when writing part of a wider row) */ \
  IG_U32 accumulate; /* 1: y += W x (residual add), 0: y = W x */

// embedding.comp
#define EMBEDDING_PUSH                                             \
  IG_U32 dim;          /* multiple of 4 */                         \
  IG_U32 row_units;                                                \
  IG_U32 row_group;    /* weights.glsl */                          \
  IG_U32 n_rows;       /* rows in this part */                     \
  IG_U32 token_offset;                                             \
  IG_U32 first_row;    /* table row of this part's row 0 */

// rms_norm.comp
#define RMS_NORM_PUSH \
  IG_U32 width;       \
  IG_F32 eps;         \
  IG_U32 use_row_list;

// rope_kv.comp
#define ROPE_PUSH                                                   \
  IG_U32 n_heads;                                                   \
  IG_U32 n_kv_heads;                                                \
  IG_U32 head_dim;                                                  \
  IG_U32 rope_dims;                                                 \
  IG_U32 n_ctx;                                                     \
  IG_U32 token_offset; /* index of token 0 in positions/slots */    \
  IG_F32 theta_base;                                                \
  IG_F32 freq_scale;                                                \
  IG_U32 style;                                                     \
  IG_U32 use_factors;                                               \
  IG_U32 use_bias;

// qk_norm.comp
#define QK_NORM_PUSH \
  IG_U32 n_heads;    \
  IG_U32 n_kv_heads; \
  IG_U32 head_dim;   \
  IG_F32 eps;

// attention.comp
#define ATTENTION_PUSH                                                    \
  IG_U32 n_heads;                                                         \
  IG_U32 n_kv_heads;                                                      \
  IG_U32 head_dim;                                                        \
  IG_U32 n_ctx;                                                           \
  IG_U32 q_stride;     /* floats between consecutive tokens' queries */   \
  IG_U32 token_offset; /* index of token 0 in positions/slots */          \
  IG_F32 scale;

// swiglu.comp
#define SWIGLU_PUSH \
  IG_U32 width;     \
  IG_U32 n_tokens;

// add.comp (count) and argmax.comp (width): one element count
#define COUNT_PUSH IG_U32 count;
