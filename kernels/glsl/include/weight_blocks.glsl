// K-quant super-blocks as GGUF stores them (kernels/model/ggml_type.hpp lists the layouts), each
// padded with zeros to whole 16-byte units on the device (kernels/engine/weight_layout.hpp: Q4_K
// 144 and Q5_K 176 bytes as they are, Q2_K 84 -> 96, Q3_K 110 -> 112, Q6_K 210 -> 224), included by weights.glsl under
// NATIVE_BLOCKS. Every field then sits at a fixed place in a block's units (load_weight_unit).
// A unit is 32 consecutive weights (sub-block u % 8 of block u / 8). A group is the units that
// share fetched bytes: a Q4_K/Q5_K pair (the two nibbles of 32 bytes), a Q2_K/Q3_K/Q6_K half (128
// weights).
// group_level_word gives a unit's quantized levels, one byte each, 4 weights per word; two forms
// read them:
//   group_unit_values  the weights themselves (scale * level - min, or scale * (level - 32), Q3_K
//                      scale * (level - 4))
//   group_unit_levels  (AFFINE_LEVELS) the levels as floats, each left at its byte's place in
//                      the word (component k = level * 2^(8k): a mask and a convert, no shift),
//                      and group_unit_affine the (scale, offset) of each 16-weight half, so that
//                      weight = scale * level + offset (AFFINE_SCALES: 1 where the halves
//                      share their scale, else 2). A matmul multiplies x by PLACE_SCALE once
//                      and adds offset * (the half's sum of x) per unit: on a CPU device (lavapipe,
//                      compute-bound) that is 4 operations per weight instead of 7 (shift, mask,
//                      convert, scale, offset, multiply, add before).

// Byte k (0..11) of Q4_K/Q5_K's packed 6-bit scales and mins (block bytes 4..15).
uint packed_byte(uvec3 packed, uint k) { return (packed[k >> 2u] >> (8u * (k & 3u))) & 0xffu; }

// The scale and min of sub-block j (kernels/reference/quant_k_fields.hpp: scale_min_of).
uvec2 k_scale_min(uvec3 packed, uint j) {
  if (j < 4u) return uvec2(packed_byte(packed, j) & 63u, packed_byte(packed, j + 4u) & 63u);
  const uint both = packed_byte(packed, j + 4u);
  return uvec2((both & 15u) | (packed_byte(packed, j - 4u) >> 6u) << 4u, (both >> 4u) | (packed_byte(packed, j) >> 6u) << 4u);
}

// The 4 bytes of `levels` as floats.
vec4 byte_levels(uint levels) { return vec4((uvec4(levels) >> uvec4(0, 8, 16, 24)) & 0xffu); }

// The 4 bytes of `levels` (each < 128) as floats left at their places: byte k times 2^(8k).
#define AFFINE_LEVELS
const vec4 PLACE_SCALE = vec4(1.0, 1.0 / 256.0, 1.0 / 65536.0, 1.0 / 16777216.0);
vec4 placed_levels(uint levels) {
  return vec4(ivec4(uvec4(levels) & uvec4(0xffu, 0xff00u, 0xff0000u, 0xff000000u)));
}

#include "k_quant_groups.glsl"

#if defined(DATA_A_Q4_K) || defined(DATA_A_Q5_K)
#if defined(DATA_A_Q4_K)
const uint UNITS_PER_GROUP = Q4_K_GROUP_UNITS;
const uint BLOCK_DATA_UNITS = Q4_K_DEVICE_BLOCK_UNITS;  // d, dmin, 12 scale bytes | 128 nibble bytes
const uint FIRST_NIBBLE_UNIT = 1;
#else
const uint UNITS_PER_GROUP = Q5_K_GROUP_UNITS;
const uint BLOCK_DATA_UNITS = Q5_K_DEVICE_BLOCK_UNITS;  // d, dmin, 12 scale bytes | 32 qh bytes | 128 nibble bytes
const uint FIRST_NIBBLE_UNIT = 3;
#endif
// Sub-blocks 2p and 2p + 1 of a block: weight l of sub-block 2p + i is nibble i of byte l of the
// pair's 32 bytes (Q5_K: plus bit 2p + i of qh byte l as its 5th bit); value = scale * q - min.
struct weight_group {
  uvec4 nibbles[2];
#if defined(DATA_A_Q5_K)
  uvec4 high_bits[2];
  uint high_shift;
#endif
  vec2 scale_min[2];
};

void load_group(uint unit_index, out weight_group g) {
  const uint first = (unit_index / BLOCK_UNITS) * BLOCK_DATA_UNITS, pair = (unit_index % BLOCK_UNITS) / 2u;
  const uvec4 head = load_weight_unit(first);
  g.nibbles[0] = load_weight_unit(first + FIRST_NIBBLE_UNIT + 2u * pair);
  g.nibbles[1] = load_weight_unit(first + FIRST_NIBBLE_UNIT + 2u * pair + 1u);
#if defined(DATA_A_Q5_K)
  g.high_bits[0] = load_weight_unit(first + 1u);
  g.high_bits[1] = load_weight_unit(first + 2u);
  g.high_shift = 2u * pair;
#endif
  const vec2 dm = unpackHalf2x16(head.x);
  [[unroll]] for (uint i = 0u; i < 2u; ++i) {
    const uvec2 sm = k_scale_min(head.yzw, 2u * pair + i);
    g.scale_min[i] = vec2(dm.x * float(sm.x), dm.y * float(sm.y));
  }
}

// Word c of unit i's levels: weights 4c..4c+3.
uint group_level_word(weight_group g, uint i, uint c) {
  uint levels = (g.nibbles[c / 4u][c % 4u] >> (4u * i)) & 0x0f0f0f0fu;
#if defined(DATA_A_Q5_K)
  levels |= ((g.high_bits[c / 4u][c % 4u] >> (g.high_shift + i)) & 0x01010101u) << 4u;
#endif
  return levels;
}

void group_unit_values(weight_group g, uint i, out vec4 w[VECS_PER_UNIT]) {
  [[unroll]] for (uint c = 0u; c < 8u; ++c) w[c] = byte_levels(group_level_word(g, i, c)) * g.scale_min[i].x - g.scale_min[i].y;
}

const uint AFFINE_SCALES = 1;  // both halves of a unit share their scale
vec4 group_unit_affine(weight_group g, uint i) {
  return vec4(g.scale_min[i].x, -g.scale_min[i].y, g.scale_min[i].x, -g.scale_min[i].y);
}
#endif

#if defined(DATA_A_Q6_K)
const uint UNITS_PER_GROUP = Q6_K_GROUP_UNITS;
const uint BLOCK_DATA_UNITS = Q6_K_DEVICE_BLOCK_UNITS;  // 128 low-nibble bytes | 64 qh bytes | 16 int8 scales | f16 d | zeros
// Half h of a block (weights 128h..): its 64 low-nibble bytes, 32 high-bit bytes and 8 scales
// times d. Weight l of quarter i: nibble i / 2 of byte 32 (i % 2) + l, bits 2i of qh byte l,
// scale 2i + l / 16; value = d * scale * (q - 32).
struct weight_group {
  uvec4 low[4];
  uvec4 high[2];
  vec4 scale[2];
};

void load_group(uint unit_index, out weight_group g) {
  const uint first = (unit_index / BLOCK_UNITS) * BLOCK_DATA_UNITS, h = (unit_index % BLOCK_UNITS) / 4u;
  [[unroll]] for (uint i = 0u; i < 4u; ++i) g.low[i] = load_weight_unit(first + 4u * h + i);
  g.high[0] = load_weight_unit(first + 8u + 2u * h);
  g.high[1] = load_weight_unit(first + 9u + 2u * h);
  const uvec4 scales = load_weight_unit(first + 12u);
  const float d = unpackHalf2x16(load_weight_unit(first + 13u).x).x;
  const uvec2 half_scales = h == 0u ? scales.xy : scales.zw;
  g.scale[0] = signed_bytes(half_scales.x) * d;
  g.scale[1] = signed_bytes(half_scales.y) * d;
}

// Word c of unit i's levels: weights 4c..4c+3.
uint group_level_word(weight_group g, uint i, uint c) {
  const uint low = (g.low[2u * (i % 2u) + c / 4u][c % 4u] >> (4u * (i / 2u))) & 0x0f0f0f0fu;
  const uint high = (g.high[c / 4u][c % 4u] >> (2u * i)) & 0x03030303u;
  return low | high << 4u;
}

void group_unit_values(weight_group g, uint i, out vec4 w[VECS_PER_UNIT]) {
  [[unroll]] for (uint c = 0u; c < 8u; ++c) {
    w[c] = (byte_levels(group_level_word(g, i, c)) - 32.0) * g.scale[i / 2u][2u * (i % 2u) + c / 4u];
  }
}

const uint AFFINE_SCALES = 2;  // a scale per half unit
vec4 group_unit_affine(weight_group g, uint i) {
  const vec2 halves = vec2(g.scale[i / 2u][2u * (i % 2u)], g.scale[i / 2u][2u * (i % 2u) + 1u]);
  return vec4(halves.x, -32.0 * halves.x, halves.y, -32.0 * halves.y);
}
#endif

#if defined(DATA_A_Q2_K) || defined(DATA_A_Q3_K)
#if defined(DATA_A_Q2_K)
const uint UNITS_PER_GROUP = Q2_K_GROUP_UNITS;
const uint BLOCK_DATA_UNITS = Q2_K_DEVICE_BLOCK_UNITS;  // 16 scale|min bytes | 64 level bytes | f16 d, dmin | zeros
const uint FIRST_LEVEL_UNIT = 1;
#else
const uint UNITS_PER_GROUP = Q3_K_GROUP_UNITS;
const uint BLOCK_DATA_UNITS = Q3_K_DEVICE_BLOCK_UNITS;  // 32 hmask bytes | 64 level bytes | 12 scale bytes, f16 d | zeros
const uint FIRST_LEVEL_UNIT = 2;
#endif
// Half h of a block (weights 128h..): its 32 bytes of 2-bit levels — weight 32j + l of the half
// (unit j) at bits 2j of byte l — Q3_K's 32 hmask bytes (3rd bit: bit 4h + j of byte l), and the
// scale (Q2_K: and min) of each of its 8 sub-blocks of 16 weights, times d (dmin).
// Q2_K: value = scale * level - min; Q3_K: value = scale * (level - 4).
struct weight_group {
  uvec4 levels[2];
#if defined(DATA_A_Q3_K)
  uvec4 high_bits[2];
  uint high_shift;
#else
  vec4 minimum[2];
#endif
  vec4 scale[2];
};

void load_group(uint unit_index, out weight_group g) {
  const uint first = (unit_index / BLOCK_UNITS) * BLOCK_DATA_UNITS, h = (unit_index % BLOCK_UNITS) / 4u;
  g.levels[0] = load_weight_unit(first + FIRST_LEVEL_UNIT + 2u * h);
  g.levels[1] = load_weight_unit(first + FIRST_LEVEL_UNIT + 2u * h + 1u);
#if defined(DATA_A_Q2_K)
  // Byte 8h + k of the scales: sub-block k of the half, scale in the low nibble, min in the high.
  const uvec4 packed = load_weight_unit(first);
  const vec2 dm = unpackHalf2x16(load_weight_unit(first + 5u).x);
  const uvec2 half_bytes = h == 0u ? packed.xy : packed.zw;
  [[unroll]] for (uint c = 0u; c < 2u; ++c) {
    g.scale[c] = byte_levels(half_bytes[c] & 0x0f0f0f0fu) * dm.x;
    g.minimum[c] = byte_levels((half_bytes[c] >> 4u) & 0x0f0f0f0fu) * dm.y;
  }
#else
  g.high_bits[0] = load_weight_unit(first);
  g.high_bits[1] = load_weight_unit(first + 1u);
  g.high_shift = 4u * h;
  // Sub-block 8h + k's 6 bits (+ 32): the low 4 in nibble h of byte k, the top 2 at bits 4h + 2 (k / 4)
  // of byte 8 + k % 4 (bytes 0..7 in words x, y; 8..11 in z; d the low half of w).
  const uvec4 packed = load_weight_unit(first + 6u);
  const float d = unpackHalf2x16(packed.w).x;
  const uint low_shift = 4u * h;
  const uint first_four = ((packed.x >> low_shift) & 0x0f0f0f0fu) | ((packed.z >> low_shift) & 0x03030303u) << 4u;
  const uint second_four = ((packed.y >> low_shift) & 0x0f0f0f0fu) | ((packed.z >> (low_shift + 2u)) & 0x03030303u) << 4u;
  g.scale[0] = (byte_levels(first_four) - 32.0) * d;
  g.scale[1] = (byte_levels(second_four) - 32.0) * d;
#endif
}

// Word c of unit i's levels: weights 4c..4c+3.
uint group_level_word(weight_group g, uint i, uint c) {
  uint levels = (g.levels[c / 4u][c % 4u] >> (2u * i)) & 0x03030303u;
#if defined(DATA_A_Q3_K)
  levels |= ((g.high_bits[c / 4u][c % 4u] >> (g.high_shift + i)) & 0x01010101u) << 2u;
#endif
  return levels;
}

// The scale and offset of sub-block 2i + k of the half (k 0 or 1: weights 16k.. of unit i).
vec2 sub_block_affine(weight_group g, uint i, uint k) {
  const float scale = g.scale[i / 2u][2u * (i % 2u) + k];
#if defined(DATA_A_Q3_K)
  return vec2(scale, -4.0 * scale);
#else
  return vec2(scale, -g.minimum[i / 2u][2u * (i % 2u) + k]);
#endif
}

void group_unit_values(weight_group g, uint i, out vec4 w[VECS_PER_UNIT]) {
  [[unroll]] for (uint c = 0u; c < 8u; ++c) {
    const uint k = 2u * (i % 2u) + c / 4u;  // the sub-block's place in its vec4
#if defined(DATA_A_Q3_K)
    w[c] = (byte_levels(group_level_word(g, i, c)) - 4.0) * g.scale[i / 2u][k];
#else
    w[c] = byte_levels(group_level_word(g, i, c)) * g.scale[i / 2u][k] - g.minimum[i / 2u][k];
#endif
  }
}

const uint AFFINE_SCALES = 2;  // a scale per half unit
vec4 group_unit_affine(weight_group g, uint i) { return vec4(sub_block_affine(g, i, 0u), sub_block_affine(g, i, 1u)); }
#endif

#ifdef AFFINE_LEVELS
void group_unit_levels(weight_group g, uint i, out vec4 w[VECS_PER_UNIT]) {
  [[unroll]] for (uint c = 0u; c < 8u; ++c) w[c] = placed_levels(group_level_word(g, i, c));
}
#endif
