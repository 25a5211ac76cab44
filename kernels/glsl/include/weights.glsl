// Weight rows in the device layout (kernels/engine/weight_layout.hpp): data as 16-byte units
// (uvec4) and, for quantized types, side entries (block scales, mins, high bits) in a second
// array of 32-bit words. A row is row_units units. Rows are stored in groups of G (row_group, a
// push constant; 1 = plain rows): unit u of row r is data[row_unit_base(r) + u * G], its side
// entry is number row_scale_base(r) + (u / UNITS_PER_BLOCK) * G.
//   F32: 4 weights per unit      F16, BF16: 8 weights per unit (pairs of 16-bit values)
//   Q8_0: 16 int8 per unit, 2 units per 32-weight block, an f16 scale per block (two per word)
//   Q4_0: one whole block per unit, an f16 scale per block
//   Q4_1, Q5_0, Q5_1: 32 weights per unit as 16 bytes of nibbles (byte j: weight j low, weight
//   j + 16 high) and one side entry of SIDE_WORDS words per unit (kernels/reference/quant_pack.cpp
//   lists them); these units are dequantized whole here (unit_scale 1).
//   Q2_K, Q3_K, Q4_K, Q5_K, Q6_K (NATIVE_BLOCKS): the GGUF super-blocks as stored, each padded to
//   whole units (96, 112, 144, 176, 224 bytes per 256 weights; weight_blocks.glsl reads them). A
//   unit is 32 consecutive weights, numbered block * 8 + sub-block; rows in groups of G interleave
//   whole blocks.
// A matmul reads a row UNITS_PER_GROUP units at a time: load_group fetches what they share once
// (K-quants: the bytes of 64 or 128 weights and their scales), group_unit_values dequantizes one.
// Access: WEIGHTS_STORAGE = storage buffers, otherwise uniform texel buffers (texelFetch on RGBA32UI
// and R32UI views), which lavapipe vectorises (see /work/shared/notes/lavapipe.md). F16 too is read as
// RGBA32UI and unpacked here: one 16-byte fetch per unit was 15% faster on lavapipe than two RGBA16F
// fetches converted by the texel unit.
// Bindings 0 (data) and 1 (scales) are fixed for every kernel that reads weights.

#ifdef WEIGHTS_STORAGE
layout(std430, binding = 0) readonly buffer weight_data_buffer { uvec4 weight_data[]; };
layout(std430, binding = 1) readonly buffer weight_scale_buffer { uint weight_scales[]; };
uvec4 load_weight_unit(uint index) { return weight_data[index]; }
uint load_scale_word(uint index) { return weight_scales[index]; }
#else
layout(binding = 0) uniform usamplerBuffer weight_data;
layout(binding = 1) uniform usamplerBuffer weight_scales;
uvec4 load_weight_unit(uint index) { return texelFetch(weight_data, int(index)); }
uint load_scale_word(uint index) { return texelFetch(weight_scales, int(index)).x; }
#endif

#if defined(DATA_A_F32)
const uint WEIGHTS_PER_UNIT = 4;
const uint UNITS_PER_BLOCK = 1;  // no blocks: scale indices go unused
#elif defined(DATA_A_F16) || defined(DATA_A_BF16)
const uint WEIGHTS_PER_UNIT = 8;
const uint UNITS_PER_BLOCK = 1;
#elif defined(DATA_A_Q8_0)
const uint WEIGHTS_PER_UNIT = 16;
const uint UNITS_PER_BLOCK = 2;
#elif defined(DATA_A_Q4_0)
const uint WEIGHTS_PER_UNIT = 32;
const uint UNITS_PER_BLOCK = 1;
#elif defined(DATA_A_Q4_1)
#define UNIT_SIDE_WORDS 1
#elif defined(DATA_A_Q5_0) || defined(DATA_A_Q5_1)
#define UNIT_SIDE_WORDS 2
#elif defined(DATA_A_Q2_K) || defined(DATA_A_Q3_K) || defined(DATA_A_Q4_K) || defined(DATA_A_Q5_K) || defined(DATA_A_Q6_K)
#define NATIVE_BLOCKS
const uint WEIGHTS_PER_UNIT = 32;
const uint UNITS_PER_BLOCK = 1;  // scales are applied while dequantizing
const uint BLOCK_UNITS = 8;      // units per 256-weight super-block
#else
#error "define one of the DATA_A_* of kernels/model/ggml_type.hpp"
#endif
#ifdef UNIT_SIDE_WORDS
const uint WEIGHTS_PER_UNIT = 32;
const uint UNITS_PER_BLOCK = 1;
const uint SIDE_WORDS = UNIT_SIDE_WORDS;
#endif
const uint VECS_PER_UNIT = WEIGHTS_PER_UNIT / 4;

#ifdef NATIVE_BLOCKS
// The block index of the row's first block; unit_at then numbers units block * 8 + sub-block.
uint row_unit_base(uint row, uint row_units, uint group) {
  return (row / group) * (row_units / BLOCK_UNITS) * group + row % group;
}
uint unit_at(uint base, uint u, uint group) { return (base + (u / BLOCK_UNITS) * group) * BLOCK_UNITS + u % BLOCK_UNITS; }
#else
uint row_unit_base(uint row, uint row_units, uint group) { return (row / group) * row_units * group + row % group; }
// The index of unit u of the row whose row_unit_base is `base`.
uint unit_at(uint base, uint u, uint group) { return base + u * group; }
#endif
uint row_scale_base(uint row, uint row_units, uint group) {
  return (row / group) * (row_units / UNITS_PER_BLOCK) * group + row % group;
}

#if defined(DATA_A_Q8_0) || defined(DATA_A_Q4_0)
float block_scale(uint scale_index) {
  const vec2 pair = unpackHalf2x16(load_scale_word(scale_index >> 1));
  return (scale_index & 1u) == 0u ? pair.x : pair.y;
}
#endif

#if defined(DATA_A_Q8_0) || defined(DATA_A_Q6_K)
vec4 signed_bytes(uint word) {
  return vec4(ivec4(word << 24, word << 16, word << 8, word) >> 24);
}
#endif

#ifdef UNIT_SIDE_WORDS
uint side_word(uint unit_index, uint word) { return load_scale_word(unit_index * SIDE_WORDS + word); }

// The 4-bit levels of a 32-weight unit: w[c] = weights 4c..4c+3 (low nibbles of word c), w[4 + c]
// = weights 16 + 4c.. (high nibbles).
void unit_nibbles(uvec4 q, out vec4 w[8]) {
  const uvec4 low_shift = uvec4(0, 8, 16, 24);
  [[unroll]] for (uint c = 0; c < 4; ++c) {
    w[c] = vec4((uvec4(q[c]) >> low_shift) & 15u);
    w[4 + c] = vec4((uvec4(q[c]) >> (low_shift + 4u)) & 15u);
  }
}

// Adds 16 * bit i of `bits` to the level of weight i (the 5th bit of Q5 types).
void add_fifth_bits(uint bits, inout vec4 w[8]) {
  const uvec4 lanes = uvec4(0, 1, 2, 3);
  [[unroll]] for (uint c = 0; c < 4; ++c) {
    w[c] += vec4((uvec4(bits) >> (lanes + 4u * c)) & 1u) * 16.0;
    w[4 + c] += vec4((uvec4(bits) >> (lanes + 16u + 4u * c)) & 1u) * 16.0;
  }
}
#endif

#ifdef NATIVE_BLOCKS
#include "weight_blocks.glsl"
#else
const uint UNITS_PER_GROUP = 1;
struct weight_group { uint unit_index; };

// The unit at `unit_index` (as unit_at gives it) before its block scale: the weights of
// F32/F16/BF16, the quants of Q8_0/Q4_0, the dequantized weights of the types with side entries,
// into w[0..VECS_PER_UNIT).
void load_unit_values(uint unit_index, out vec4 w[VECS_PER_UNIT]) {
  const uvec4 q = load_weight_unit(unit_index);
#if defined(DATA_A_F32)
  w[0] = uintBitsToFloat(q);
#elif defined(DATA_A_F16)
  w[0] = vec4(unpackHalf2x16(q.x), unpackHalf2x16(q.y));
  w[1] = vec4(unpackHalf2x16(q.z), unpackHalf2x16(q.w));
#elif defined(DATA_A_BF16)
  w[0] = uintBitsToFloat(uvec4(q.x << 16, q.x & 0xffff0000u, q.y << 16, q.y & 0xffff0000u));
  w[1] = uintBitsToFloat(uvec4(q.z << 16, q.z & 0xffff0000u, q.w << 16, q.w & 0xffff0000u));
#elif defined(DATA_A_Q8_0)
  w[0] = signed_bytes(q.x);
  w[1] = signed_bytes(q.y);
  w[2] = signed_bytes(q.z);
  w[3] = signed_bytes(q.w);
#elif defined(DATA_A_Q4_0)
  const uvec4 low_shift = uvec4(0, 8, 16, 24);
  const uvec4 high_shift = uvec4(4, 12, 20, 28);
  [[unroll]] for (uint c = 0; c < 4; ++c) {
    const uint word = q[c];
    w[c] = vec4((uvec4(word) >> low_shift) & 15u) - 8.0;
    w[4 + c] = vec4((uvec4(word) >> high_shift) & 15u) - 8.0;
  }
#elif defined(DATA_A_Q4_1)
  unit_nibbles(q, w);
  const vec2 dm = unpackHalf2x16(side_word(unit_index, 0));  // value = d * q + m
  [[unroll]] for (uint v = 0; v < 8; ++v) w[v] = w[v] * dm.x + dm.y;
#elif defined(DATA_A_Q5_0)
  unit_nibbles(q, w);
  add_fifth_bits(side_word(unit_index, 1), w);
  const float d = unpackHalf2x16(side_word(unit_index, 0)).x;  // value = d * (q - 16)
  [[unroll]] for (uint v = 0; v < 8; ++v) w[v] = (w[v] - 16.0) * d;
#elif defined(DATA_A_Q5_1)
  unit_nibbles(q, w);
  add_fifth_bits(side_word(unit_index, 1), w);
  const vec2 dm = unpackHalf2x16(side_word(unit_index, 0));
  [[unroll]] for (uint v = 0; v < 8; ++v) w[v] = w[v] * dm.x + dm.y;
#endif
}

// One unit per group: the unit is read when its values are asked for.
void load_group(uint unit_index, out weight_group g) { g.unit_index = unit_index; }
void group_unit_values(weight_group g, uint i, out vec4 w[VECS_PER_UNIT]) { load_unit_values(g.unit_index, w); }
#endif  // !NATIVE_BLOCKS

// What the values of a unit are multiplied by: its block's scale (number `scale_index`, as
// row_scale_base gives it) for Q8_0/Q4_0, 1 for F32/F16. A matmul multiplies a unit's partial
// dot product by it once instead of every weight.
float unit_scale(uint scale_index) {
#if defined(DATA_A_Q8_0) || defined(DATA_A_Q4_0)
  return block_scale(scale_index);
#else
  return 1.0;
#endif
}

