#include "kernels/model/quant_mix.hpp"

#include <charconv>

namespace infergrid::model {
namespace {

// The layer number of "blk.N.…"; nullopt for tensors outside the layers.
std::optional<std::uint32_t> layer_of(std::string_view name) {
  constexpr std::string_view prefix = "blk.";
  if (!name.starts_with(prefix)) return std::nullopt;
  std::uint32_t layer = 0;
  const char* first = name.data() + prefix.size();
  const auto parsed = std::from_chars(first, name.data() + name.size(), layer);
  if (parsed.ec != std::errc{}) return std::nullopt;
  return layer;
}

// llama.cpp's replacement for a K-quant on rows that are not whole super-blocks.
ggml_type fallback_for(ggml_type type, std::size_t row_weights) {
  ggml_type out = type;
  if (type == ggml_type::q4_k) out = ggml_type::q5_0;
  if (type == ggml_type::q5_k) out = ggml_type::q5_1;
  if (type == ggml_type::q6_k) out = ggml_type::q8_0;
  return row_weights % traits_of(out).block_weights == 0 ? out : ggml_type::f16;
}

}  // namespace

std::optional<quant_mix> quant_mix_named(std::string_view cli_name) {
  for (const quant_mix& mix : quant_mixes) {
    if (mix.cli_name == cli_name) return mix;
  }
  return std::nullopt;
}

bool use_more_bits(std::uint32_t layer, std::uint32_t n_layers) {
  const auto i = static_cast<std::int64_t>(layer), n = static_cast<std::int64_t>(n_layers);
  return i < n / 8 || i >= 7 * n / 8 || (i - n / 8) % 3 == 2;
}

ggml_type mixed_tensor_type(const quant_mix& mix, std::string_view name, std::size_t row_weights,
                            std::uint32_t n_layers, bool tied_output) {
  ggml_type type = mix.base;
  const bool is_output = name == "output.weight" || (tied_output && name == "token_embd.weight");
  const std::optional<std::uint32_t> layer = layer_of(name);
  if (is_output) {
    if (row_weights % k_block_weights != 0) return ggml_type::q8_0;
    type = mix.output;
  } else if (layer && (name.ends_with(".attn_v.weight") || name.ends_with(".ffn_down.weight")) &&
             use_more_bits(*layer, n_layers)) {
    type = mix.more_bits;
  }
  return row_weights % traits_of(type).block_weights == 0 ? type : fallback_for(type, row_weights);
}

}  // namespace infergrid::model
