// Weight rows in the device layout (kernels/engine/weight_layout.hpp): data as 16-byte units
// (uvec4), for Q8_0/Q4_0 the f16 block scales in a second array of 32-bit words (two per word).
// A row is row_units units. Rows are stored in groups of G (row_group, a push constant; 1 = plain
// rows): unit u of row r is data[row_unit_base(r) + u * G], the f16 scale of its block b is scale
// number row_scale_base(r) + b * G (kernels/engine/weight_layout.hpp).
//   F32: 4 weights per unit      F16: 8 weights per unit (IEEE half pairs)
//   Q8_0: 16 int8 per unit, 2 units per 32-weight block    Q4_0: one whole block per unit
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
#elif defined(DATA_A_F16)
const uint WEIGHTS_PER_UNIT = 8;
const uint UNITS_PER_BLOCK = 1;
#elif defined(DATA_A_Q8_0)
const uint WEIGHTS_PER_UNIT = 16;
const uint UNITS_PER_BLOCK = 2;
#elif defined(DATA_A_Q4_0)
const uint WEIGHTS_PER_UNIT = 32;
const uint UNITS_PER_BLOCK = 1;
#else
#error "define one of DATA_A_F32, DATA_A_F16, DATA_A_Q8_0, DATA_A_Q4_0"
#endif
const uint VECS_PER_UNIT = WEIGHTS_PER_UNIT / 4;

uint row_unit_base(uint row, uint row_units, uint group) { return (row / group) * row_units * group + row % group; }
uint row_scale_base(uint row, uint row_units, uint group) {
  return (row / group) * (row_units / UNITS_PER_BLOCK) * group + row % group;
}

#if defined(DATA_A_Q8_0) || defined(DATA_A_Q4_0)
float block_scale(uint scale_index) {
  const vec2 pair = unpackHalf2x16(load_scale_word(scale_index >> 1));
  return (scale_index & 1u) == 0u ? pair.x : pair.y;
}
#endif

#if defined(DATA_A_Q8_0)
vec4 signed_bytes(uint word) {
  return vec4(ivec4(word << 24, word << 16, word << 8, word) >> 24);
}
#endif

// The unit at `unit_index` (as row_unit_base gives it) before its block scale: the weights of
// F32/F16, the quants of Q8_0/Q4_0, into w[0..VECS_PER_UNIT).
void load_unit_values(uint unit_index, out vec4 w[VECS_PER_UNIT]) {
  const uvec4 q = load_weight_unit(unit_index);
#if defined(DATA_A_F32)
  w[0] = uintBitsToFloat(q);
#elif defined(DATA_A_F16)
  w[0] = vec4(unpackHalf2x16(q.x), unpackHalf2x16(q.y));
  w[1] = vec4(unpackHalf2x16(q.z), unpackHalf2x16(q.w));
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
#endif
}

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

// Dequantize the unit at `unit_index`, whose block's scale is number `scale_index`, into
// w[0..VECS_PER_UNIT) (both indices as row_unit_base / row_scale_base give them).
void load_unit(uint unit_index, uint scale_index, out vec4 w[VECS_PER_UNIT]) {
  load_unit_values(unit_index, w);
  const float d = unit_scale(scale_index);
  [[unroll]] for (uint v = 0; v < VECS_PER_UNIT; ++v) w[v] *= d;
}
