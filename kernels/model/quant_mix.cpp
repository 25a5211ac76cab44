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
constexpr std::array<std::pair<ggml_type, ggml_type>, 5> fallbacks = {{
    {ggml_type::q2_k, ggml_type::q4_0},
    {ggml_type::q3_k, ggml_type::q4_0},
    {ggml_type::q4_k, ggml_type::q5_0},
    {ggml_type::q5_k, ggml_type::q5_1},
    {ggml_type::q6_k, ggml_type::q8_0},
}};

ggml_type fallback_for(ggml_type type, std::size_t row_weights) {
  ggml_type out = type;
  for (const auto& [k_quant, replacement] : fallbacks) {
    if (k_quant == type) out = replacement;
  }
  return row_weights % traits_of(out).block_weights == 0 ? out : ggml_type::f16;
}

bool picks(layer_pick pick, std::uint32_t layer, const mix_shape& shape) {
  switch (pick) {
    case layer_pick::none: return false;
    case layer_pick::more_bits: return use_more_bits(layer, shape.n_layers);
    case layer_pick::first_two: return layer < 2;
    case layer_pick::first_eighth: return layer < shape.n_layers / 8;
    case layer_pick::first_sixteenth: return layer < shape.n_layers / 16;
    case layer_pick::grouped_attention: return shape.heads_per_kv_head >= 4;
  }
  return false;
}

// The role table of `mix` for the layer tensor `name`; nullptr for the roles that keep the base type.
const role_types* role_of(const quant_mix& mix, std::string_view name) {
  if (name.ends_with(".attn_v.weight")) return &mix.attn_v;
  if (name.ends_with(".ffn_down.weight")) return &mix.ffn_down;
  if (name.ends_with(".attn_output.weight")) return &mix.attn_output;
  return nullptr;
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

ggml_type mixed_tensor_type(const quant_mix& mix, std::string_view name, std::size_t row_weights, const mix_shape& shape) {
  ggml_type type = mix.base;
  const bool is_output = name == "output.weight" || (shape.tied_output && name == "token_embd.weight");
  const std::optional<std::uint32_t> layer = layer_of(name);
  const role_types* role = layer ? role_of(mix, name) : nullptr;
  if (is_output) {
    if (row_weights % k_block_weights != 0) return ggml_type::q8_0;
    type = mix.output;
  } else if (role != nullptr) {
    type = picks(role->pick, *layer, shape) ? role->picked : role->type;
  }
  return row_weights % traits_of(type).block_weights == 0 ? type : fallback_for(type, row_weights);
}

}  // namespace infergrid::model
