// Packing of one GGML block into the device layout (kernels/engine/weight_layout.hpp): units of 16
// bytes the kernels fetch with one texelFetch, and side entries (kernels/glsl/include/weights.glsl):
//   Q8_0: 2 units of 16 int8; side: the f16 d (2 bytes per block).
//   Q4_0: 1 unit (the nibbles as stored); side: the f16 d.
//   Q4_1: 1 unit; side: d, m as f16 (4 bytes).        Q5_0: 1 unit; side: f16 d (zero-extended), qh.
//   Q5_1: 1 unit; side: d, m as f16, qh (8 bytes).
// (K-quants are not packed: the device reads their GGUF blocks as stored, weight_blocks.glsl.)
// Values are never changed, only moved: a kernel reading this layout computes what the reference
// dequantizer computes from the file's bytes.
#include <cstring>

#include "kernels/reference/quant_blocks.hpp"
#include "kernels/reference/quant_bytes.hpp"

namespace infergrid::reference::quant_blocks {

using namespace quant_bytes;

void pack_q8_0(const std::byte* block, std::byte* units, std::byte* side) {
  std::memcpy(side, block, 2);
  std::memcpy(units, block + 2, 32);
}
void pack_q4_0(const std::byte* block, std::byte* units, std::byte* side) {
  std::memcpy(side, block, 2);
  std::memcpy(units, block + 2, 16);
}
void pack_q4_1(const std::byte* block, std::byte* units, std::byte* side) {
  std::memcpy(side, block, 4);
  std::memcpy(units, block + 4, 16);
}
void pack_q5_0(const std::byte* block, std::byte* units, std::byte* side) {
  store_u32(side, load_u16(block));
  std::memcpy(side + 4, block + 2, 4);
  std::memcpy(units, block + 6, 16);
}
void pack_q5_1(const std::byte* block, std::byte* units, std::byte* side) {
  std::memcpy(side, block, 8);
  std::memcpy(units, block + 8, 16);
}

}  // namespace infergrid::reference::quant_blocks
