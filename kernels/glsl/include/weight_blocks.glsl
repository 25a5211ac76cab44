// K-quant super-blocks as GGUF stores them (kernels/model/ggml_type.hpp lists the layouts), each
// padded with zeros to whole 16-byte units on the device (kernels/engine/weight_layout.hpp: Q4_K
// 144 and Q5_K 176 bytes as they are, Q2_K 84 -> 96, Q3_K 110 -> 112, Q6_K 210 -> 224), included by weights.glsl under
// NATIVE_BLOCKS. Every field then sits at a fixed place in a block's units (load_weight_unit).
// A unit is 32 consecutive weights (sub-block u % 8 of block u / 8). A group is the units that
// share fetched bytes: a Q4_K/Q5_K pair (the two nibbles of 32 bytes), a Q2_K/Q3_K/Q6_K half (128
// weights). Q2_K..Q5_K share one reader of their levels (level_planes: a plane of 2 or 4 bits per
// weight, Q3_K/Q5_K with a plane of high bits), each type a row of where its fields sit; Q6_K reads
// its own interleaved layout.
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

// Q2_K..Q5_K: where a block's fields sit (one row each) and how its levels are stored. A group's
// levels are a plane of 32 bytes (2 units) holding LEVEL_BITS bits of each: weight l of unit i of
// the group at bits LEVEL_BITS * i of byte l (Q4_K/Q5_K: a pair of sub-blocks in the two nibbles;
// Q2_K/Q3_K: a half block, 4 units of 2 bits). Q5_K and Q3_K add a high-bit plane of 32 bytes for
// the whole block: weight l of the block's unit u has its top bit at bit u of byte l.
#if defined(DATA_A_Q2_K)
const uint UNITS_PER_GROUP = Q2_K_GROUP_UNITS;
const uint BLOCK_DATA_UNITS = Q2_K_DEVICE_BLOCK_UNITS;  // 16 scale|min bytes | 64 level bytes | f16 d, dmin | zeros
const uint FIRST_LEVEL_UNIT = 1;
#elif defined(DATA_A_Q3_K)
const uint UNITS_PER_GROUP = Q3_K_GROUP_UNITS;
const uint BLOCK_DATA_UNITS = Q3_K_DEVICE_BLOCK_UNITS;  // 32 hmask bytes | 64 level bytes | 12 scale bytes, f16 d | zeros
const uint FIRST_LEVEL_UNIT = 2;
#define HIGH_BIT_PLANE
const uint FIRST_HIGH_UNIT = 0;
#elif defined(DATA_A_Q4_K)
const uint UNITS_PER_GROUP = Q4_K_GROUP_UNITS;
const uint BLOCK_DATA_UNITS = Q4_K_DEVICE_BLOCK_UNITS;  // d, dmin, 12 scale bytes | 128 nibble bytes
const uint FIRST_LEVEL_UNIT = 1;
#elif defined(DATA_A_Q5_K)
const uint UNITS_PER_GROUP = Q5_K_GROUP_UNITS;
const uint BLOCK_DATA_UNITS = Q5_K_DEVICE_BLOCK_UNITS;  // d, dmin, 12 scale bytes | 32 qh bytes | 128 nibble bytes
const uint FIRST_LEVEL_UNIT = 3;
#define HIGH_BIT_PLANE
const uint FIRST_HIGH_UNIT = 1;
#endif

#if defined(DATA_A_Q2_K) || defined(DATA_A_Q3_K) || defined(DATA_A_Q4_K) || defined(DATA_A_Q5_K)
const uint LEVEL_BITS = 8u / UNITS_PER_GROUP;                      // a group's units share each byte
const uint LEVEL_MASK = 0x01010101u * ((1u << LEVEL_BITS) - 1u);  // those bits of each byte of a word

struct level_planes {
  uvec4 low[2];
#if defined(HIGH_BIT_PLANE)
  uvec4 high[2];
  uint high_shift;  // the group's first unit in the block: its bit in each high byte
#endif
};

// The first unit of unit_index's block on the device and the group's place in the block.
uvec2 block_and_group(uint unit_index) {
  return uvec2((unit_index / BLOCK_UNITS) * BLOCK_DATA_UNITS, (unit_index % BLOCK_UNITS) / UNITS_PER_GROUP);
}

void load_level_planes(uvec2 block_group, out level_planes p) {
  p.low[0] = load_weight_unit(block_group.x + FIRST_LEVEL_UNIT + 2u * block_group.y);
  p.low[1] = load_weight_unit(block_group.x + FIRST_LEVEL_UNIT + 2u * block_group.y + 1u);
#if defined(HIGH_BIT_PLANE)
  p.high[0] = load_weight_unit(block_group.x + FIRST_HIGH_UNIT);
  p.high[1] = load_weight_unit(block_group.x + FIRST_HIGH_UNIT + 1u);
  p.high_shift = UNITS_PER_GROUP * block_group.y;
#endif
}

// Word c of unit i's levels: weights 4c..4c+3.
uint plane_level_word(level_planes p, uint i, uint c) {
  uint levels = (p.low[c / 4u][c % 4u] >> (LEVEL_BITS * i)) & LEVEL_MASK;
#if defined(HIGH_BIT_PLANE)
  levels |= ((p.high[c / 4u][c % 4u] >> (p.high_shift + i)) & 0x01010101u) << LEVEL_BITS;
#endif
  return levels;
}
#endif

#if defined(DATA_A_Q4_K) || defined(DATA_A_Q5_K)
// Sub-blocks 2p and 2p + 1 of a block (group p): value = scale * level - min.
struct weight_group {
  level_planes planes;
  vec2 scale_min[2];
};

void load_group(uint unit_index, out weight_group g) {
  const uvec2 block_group = block_and_group(unit_index);
  const uvec4 head = load_weight_unit(block_group.x);
  load_level_planes(block_group, g.planes);
  const vec2 dm = unpackHalf2x16(head.x);
  [[unroll]] for (uint i = 0u; i < 2u; ++i) {
    const uvec2 sm = k_scale_min(head.yzw, 2u * block_group.y + i);
    g.scale_min[i] = vec2(dm.x * float(sm.x), dm.y * float(sm.y));
  }
}

void group_unit_values(weight_group g, uint i, out vec4 w[VECS_PER_UNIT]) {
  [[unroll]] for (uint c = 0u; c < 8u; ++c) w[c] = byte_levels(plane_level_word(g.planes, i, c)) * g.scale_min[i].x - g.scale_min[i].y;
}

const uint AFFINE_SCALES = 1;  // both halves of a unit share their scale
vec4 group_unit_affine(weight_group g, uint i) {
  return vec4(g.scale_min[i].x, -g.scale_min[i].y, g.scale_min[i].x, -g.scale_min[i].y);
}
#endif

#if defined(DATA_A_Q2_K) || defined(DATA_A_Q3_K)
// Half h of a block (group h, weights 128h..): its levels and the scale (Q2_K: and min) of each of
// its 8 sub-blocks of 16 weights, times d (dmin). Q2_K: value = scale * level - min; Q3_K: value =
// scale * (level - 4).
struct weight_group {
  level_planes planes;
#if defined(DATA_A_Q2_K)
  vec4 minimum[2];
#endif
  vec4 scale[2];
};

void load_group(uint unit_index, out weight_group g) {
  const uvec2 block_group = block_and_group(unit_index);
  const uint first = block_group.x, h = block_group.y;
  load_level_planes(block_group, g.planes);
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
    w[c] = (byte_levels(plane_level_word(g.planes, i, c)) - 4.0) * g.scale[i / 2u][k];
#else
    w[c] = byte_levels(plane_level_word(g.planes, i, c)) * g.scale[i / 2u][k] - g.minimum[i / 2u][k];
#endif
  }
}

const uint AFFINE_SCALES = 2;  // a scale per half unit
vec4 group_unit_affine(weight_group g, uint i) { return vec4(sub_block_affine(g, i, 0u), sub_block_affine(g, i, 1u)); }
#endif

#if defined(DATA_A_Q2_K) || defined(DATA_A_Q3_K) || defined(DATA_A_Q4_K) || defined(DATA_A_Q5_K)
// Word c of unit i's levels: weights 4c..4c+3.
uint group_level_word(weight_group g, uint i, uint c) { return plane_level_word(g.planes, i, c); }
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

#ifdef AFFINE_LEVELS
void group_unit_levels(weight_group g, uint i, out vec4 w[VECS_PER_UNIT]) {
  [[unroll]] for (uint c = 0u; c < 8u; ++c) w[c] = placed_levels(group_level_word(g, i, c));
}
#endif
