#pragma once
// Quantize and dequantize rows in the GGUF block layouts (see kernels/model/ggml_type.hpp).
// Plain, obviously-correct code: the reference the Vulkan kernels are tested against, and what the
// test helpers use to write quantized model files.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "kernels/model/ggml_type.hpp"

namespace infergrid::reference {

// Dequantize `out.size()` weights stored as `type` starting at `data`.
void dequantize_row(model::ggml_type type, const std::byte* data, std::span<float> out);

// Quantize `in` (size a multiple of the block size) to bytes of `type`.
std::vector<std::byte> quantize_row(model::ggml_type type, std::span<const float> in);

}  // namespace infergrid::reference
