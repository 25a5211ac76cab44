#pragma once
// One block of each GGML type (kernels/model/ggml_type.hpp lists the layouts): reference
// dequantize and quantize, and the packing into the device layout the kernels read
// (kernels/engine/weight_layout.hpp, kernels/glsl/include/weights.glsl). Plain, obviously-correct
// code: the reference the Vulkan kernels are tested against, and what writes test model files.
#include <cstddef>

namespace infergrid::reference {

// out[0 .. block_weights) = the block's values.
using dequantize_block_fn = void (*)(const std::byte* block, float* out);
// Writes one block of block_bytes from in[0 .. block_weights).
using quantize_block_fn = void (*)(const float* in, std::byte* out);
// Writes the block's units (block_weights / unit_weights of 16 bytes, in weight order) and its
// side entries (side_entry_bytes for each side_entry_units units, in order).
using pack_block_fn = void (*)(const std::byte* block, std::byte* units, std::byte* side);

namespace quant_blocks {

void dequantize_f32(const std::byte* block, float* out);
void dequantize_f16(const std::byte* block, float* out);
void dequantize_bf16(const std::byte* block, float* out);
void dequantize_q8_0(const std::byte* block, float* out);
void dequantize_q4_0(const std::byte* block, float* out);
void dequantize_q4_1(const std::byte* block, float* out);
void dequantize_q5_0(const std::byte* block, float* out);
void dequantize_q5_1(const std::byte* block, float* out);
void dequantize_q2_k(const std::byte* block, float* out);
void dequantize_q3_k(const std::byte* block, float* out);
void dequantize_q4_k(const std::byte* block, float* out);
void dequantize_q5_k(const std::byte* block, float* out);
void dequantize_q6_k(const std::byte* block, float* out);

void quantize_f32(const float* in, std::byte* out);
void quantize_f16(const float* in, std::byte* out);
void quantize_bf16(const float* in, std::byte* out);
void quantize_q8_0(const float* in, std::byte* out);
void quantize_q4_0(const float* in, std::byte* out);
void quantize_q4_1(const float* in, std::byte* out);
void quantize_q5_0(const float* in, std::byte* out);
void quantize_q5_1(const float* in, std::byte* out);
void quantize_q2_k(const float* in, std::byte* out);
void quantize_q3_k(const float* in, std::byte* out);
void quantize_q4_k(const float* in, std::byte* out);
void quantize_q5_k(const float* in, std::byte* out);
void quantize_q6_k(const float* in, std::byte* out);

// Device units of 32 weights are 16 bytes of nibbles in the Q4_0 order (byte j: weight j low,
// weight j + 16 high); their side entries hold what a shader needs besides (weights.glsl).
void pack_q8_0(const std::byte* block, std::byte* units, std::byte* side);
void pack_q4_0(const std::byte* block, std::byte* units, std::byte* side);
void pack_q4_1(const std::byte* block, std::byte* units, std::byte* side);
void pack_q5_0(const std::byte* block, std::byte* units, std::byte* side);
void pack_q5_1(const std::byte* block, std::byte* units, std::byte* side);

}  // namespace quant_blocks
}  // namespace infergrid::reference
