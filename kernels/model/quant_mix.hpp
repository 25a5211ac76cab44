#pragma once
// llama.cpp's mixed quantizations (`llama-quantize ... Q4_K_M`), as llama_tensor_get_type in
// llama.cpp's src/llama-quant.cpp picks each tensor's type, for the dense llama/qwen2/qwen3 models
// we write (no MoE, no fused qkv):
//   - 1-D tensors (norms, biases) stay F32.
//   - output.weight — or token_embd.weight when the output is tied to it — is Q6_K (Q8_0 when its
//     rows are not whole 256-weight super-blocks).
//   - attn_v.weight and ffn_down.weight of the layers use_more_bits picks (the first and last
//     eighth of the layers, and every third layer between) get more_bits: Q6_K for Q4_K_M/Q5_K_M.
//   - every other matrix (token_embd, attn_q/k/output, ffn_gate/up, the other attn_v/ffn_down)
//     is the base type: Q4_K for Q4_K_M, Q5_K for Q5_K_M.
//   - a K-quant chosen for a tensor whose rows are not a multiple of 256 falls back: Q4_K -> Q5_0,
//     Q5_K -> Q5_1, Q6_K -> Q8_0 (F16 where even that block does not divide the rows). A Qwen2.5
//     0.5B (width 896) therefore holds Q5_0 and Q8_0 matrices in a Q4_K_M file.
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "kernels/model/ggml_type.hpp"

namespace infergrid::model {

struct quant_mix {
  std::string_view cli_name;  // "q4_k_m"
  std::uint32_t file_type;    // general.file_type, llama.cpp's llama_ftype (LLAMA_FTYPE_MOSTLY_Q4_K_M = 15)
  ggml_type base;
  ggml_type more_bits;        // attn_v / ffn_down of the use_more_bits layers
  ggml_type output;
};

inline constexpr std::array<quant_mix, 2> quant_mixes = {{
    {"q4_k_m", 15, ggml_type::q4_k, ggml_type::q6_k, ggml_type::q6_k},
    {"q5_k_m", 17, ggml_type::q5_k, ggml_type::q6_k, ggml_type::q6_k},
}};

std::optional<quant_mix> quant_mix_named(std::string_view cli_name);

// llama.cpp's use_more_bits(i_layer, n_layers).
bool use_more_bits(std::uint32_t layer, std::uint32_t n_layers);

// The type a 2-D tensor `name` ("blk.3.attn_v.weight") with rows of `row_weights` gets in `mix`;
// `tied_output`: the model has no output.weight (token_embd doubles as it).
ggml_type mixed_tensor_type(const quant_mix& mix, std::string_view name, std::size_t row_weights,
                            std::uint32_t n_layers, bool tied_output);

}  // namespace infergrid::model
