#version 450
// out[t] = dequantized row tokens[t] of the table. Workgroup y = token; lanes stride over weight
// groups (weights.glsl).
// The table may be one of several row parts (a table too big for one binding): this part holds rows
// first_row .. first_row + n_rows - 1 and writes only the tokens among them.
#include "common.glsl"
#include "push_constants.glsl"
#include "weights.glsl"

layout(std430, binding = 2) readonly buffer token_buffer { int tokens[]; };
layout(std430, binding = 3) writeonly buffer out_buffer { vec4 out_vectors[]; };  // [n_tokens][dim]

layout(push_constant) uniform parameters { EMBEDDING_PUSH } p;  // push_constants.glsl

void main() {
  const uint t = gl_WorkGroupID.y;
  const int id = tokens[p.token_offset + t];
  if (id < int(p.first_row) || id >= int(p.first_row + p.n_rows)) return;  // another part's row
  const uint row = uint(id) - p.first_row;
  const uint dim4 = p.dim / 4;
  const uint unit_base = row_unit_base(row, p.row_units, p.row_group);
  const uint scale_base = row_scale_base(row, p.row_units, p.row_group);
  const uint lane = gl_LocalInvocationID.x;
  for (uint first_unit = lane * UNITS_PER_GROUP; first_unit < p.row_units; first_unit += BLOCK_SIZE * UNITS_PER_GROUP) {
    weight_group group;
    load_group(unit_at(unit_base, first_unit, p.row_group), group);
    [[unroll]] for (uint i = 0; i < UNITS_PER_GROUP; ++i) {
      const uint u = first_unit + i;
      vec4 w[VECS_PER_UNIT];
      group_unit_values(group, i, w);
      const float d = unit_scale(scale_base + (u / UNITS_PER_BLOCK) * p.row_group);
      [[unroll]] for (uint v = 0; v < VECS_PER_UNIT; ++v) {
        const uint k4 = u * VECS_PER_UNIT + v;
        if (k4 < dim4) out_vectors[t * dim4 + k4] = w[v] * d;
      }
    }
  }
}
