// K-quant super-blocks read as GGUF stores them (kernels/model/ggml_type.hpp lists the layouts),
// included by weights.glsl under NATIVE_BLOCKS. The data is fetched in 16-byte units
// (load_weight_unit). Q4_K (144 bytes) and Q5_K (176) blocks start on unit boundaries; Q6_K blocks
// (210) only on 2-byte ones, so Q6_K reads the 16 bytes at an even offset from two units and
// shifts them into place (bytes_at_*): the words, then the half-words of a 4-byte misalignment.
// A unit is 32 consecutive weights (sub-block u % 8 of block u / 8). A group is the units that
// share fetched bytes: a Q4_K/Q5_K pair (the two nibbles of 32 bytes), a Q6_K half (128 weights).

// Word q + k of `words` for a constant k and a per-lane q in 0..3.
#define WORD_AT(words, k, q) \
  ((q) == 0u ? words[k] : (q) == 1u ? words[(k) + 1u] : (q) == 2u ? words[(k) + 2u] : words[(k) + 3u])

// bytes_at_N(o, r): r[0..N) = the 16 * N bytes at byte offset o (even) of the weight data. Reads
// N + 1 units (the data is padded so that the one past the last block exists).
#define DEFINE_BYTES_AT(N)                                                                    \
  void bytes_at_##N(uint o, out uvec4 r[N]) {                                                 \
    const uint first = o >> 4u, q = (o >> 2u) & 3u;                                           \
    const bool half_word = (o & 2u) != 0u;                                                    \
    uint words[4 * (N + 1)];                                                                  \
    [[unroll]] for (uint i = 0u; i <= N; ++i) {                                               \
      const uvec4 unit = load_weight_unit(first + i);                                         \
      words[4u * i] = unit.x, words[4u * i + 1u] = unit.y;                                    \
      words[4u * i + 2u] = unit.z, words[4u * i + 3u] = unit.w;                               \
    }                                                                                         \
    uint picked[4 * N + 1];                                                                   \
    [[unroll]] for (uint k = 0u; k <= 4u * N; ++k) picked[k] = WORD_AT(words, k, q);          \
    [[unroll]] for (uint k = 0u; k < 4u * N; ++k) {                                           \
      r[k / 4u][k % 4u] = half_word ? (picked[k] >> 16u) | (picked[k + 1u] << 16u) : picked[k]; \
    }                                                                                         \
  }

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

#if defined(DATA_A_Q4_K) || defined(DATA_A_Q5_K)
const uint UNITS_PER_GROUP = 2;
#if defined(DATA_A_Q4_K)
const uint BLOCK_DATA_UNITS = 9;    // 144 bytes: d, dmin, 12 scale bytes | 128 nibble bytes
const uint FIRST_NIBBLE_UNIT = 1;
#else
const uint BLOCK_DATA_UNITS = 11;   // 176 bytes: d, dmin, 12 scale bytes | 32 qh bytes | 128 nibble bytes
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

void group_unit_values(weight_group g, uint i, out vec4 w[VECS_PER_UNIT]) {
  [[unroll]] for (uint c = 0u; c < 8u; ++c) {
    uint levels = (g.nibbles[c / 4u][c % 4u] >> (4u * i)) & 0x0f0f0f0fu;
#if defined(DATA_A_Q5_K)
    levels |= ((g.high_bits[c / 4u][c % 4u] >> (g.high_shift + i)) & 0x01010101u) << 4u;
#endif
    w[c] = byte_levels(levels) * g.scale_min[i].x - g.scale_min[i].y;
  }
}
#endif

#if defined(DATA_A_Q6_K)
DEFINE_BYTES_AT(1)
DEFINE_BYTES_AT(2)
DEFINE_BYTES_AT(4)

const uint UNITS_PER_GROUP = 4;
const uint BLOCK_BYTES = 210;  // 128 low-nibble bytes | 64 qh bytes | 16 int8 scales | f16 d
// Half h of a block (weights 128h..): its 64 low-nibble bytes, 32 high-bit bytes and 8 scales
// times d. Weight l of quarter i: nibble i / 2 of byte 32 (i % 2) + l, bits 2i of qh byte l,
// scale 2i + l / 16; value = d * scale * (q - 32).
struct weight_group {
  uvec4 low[4];
  uvec4 high[2];
  vec4 scale[2];
};

void load_group(uint unit_index, out weight_group g) {
  const uint o = (unit_index / BLOCK_UNITS) * BLOCK_BYTES, h = (unit_index % BLOCK_UNITS) / 4u;
  bytes_at_4(o + 64u * h, g.low);
  bytes_at_2(o + 128u + 32u * h, g.high);
  uvec4 scales[1];
  bytes_at_1(o + 192u + 8u * h, scales);
  const uint d_offset = o + 208u;  // even: the f16 never straddles a word
  const uint d_word = load_weight_unit(d_offset >> 4u)[(d_offset >> 2u) & 3u];
  const float d = unpackHalf2x16(d_word >> (8u * (d_offset & 2u))).x;
  g.scale[0] = signed_bytes(scales[0].x) * d;
  g.scale[1] = signed_bytes(scales[0].y) * d;
}

void group_unit_values(weight_group g, uint i, out vec4 w[VECS_PER_UNIT]) {
  [[unroll]] for (uint c = 0u; c < 8u; ++c) {
    const uint low = (g.low[2u * (i % 2u) + c / 4u][c % 4u] >> (4u * (i / 2u))) & 0x0f0f0f0fu;
    const uint high = (g.high[c / 4u][c % 4u] >> (2u * i)) & 0x03030303u;
    w[c] = (byte_levels(low | high << 4u) - 32.0) * g.scale[i / 2u][2u * (i % 2u) + c / 4u];
  }
}
#endif
