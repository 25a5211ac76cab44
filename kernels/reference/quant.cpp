#include "kernels/reference/quant.hpp"

#include <cassert>

namespace infergrid::reference {

void dequantize_row(model::ggml_type type, const std::byte* data, std::span<float> out) {
  const model::type_traits& t = model::traits_of(type);
  assert(out.size() % t.block_weights == 0);
  for (std::size_t b = 0; b < out.size() / t.block_weights; ++b) {
    t.dequantize(data + b * t.block_bytes, out.data() + b * t.block_weights);
  }
}

std::vector<std::byte> quantize_row(model::ggml_type type, std::span<const float> in) {
  const model::type_traits& t = model::traits_of(type);
  assert(in.size() % t.block_weights == 0);
  std::vector<std::byte> out(model::row_bytes(type, in.size()));
  for (std::size_t b = 0; b < in.size() / t.block_weights; ++b) {
    t.quantize(in.data() + b * t.block_weights, out.data() + b * t.block_bytes);
  }
  return out;
}

}  // namespace infergrid::reference
