#pragma once
// llama.cpp's mixed quantizations (`llama-quantize ... Q4_K_M`), as llama_tensor_get_type in
// llama.cpp's src/llama-quant.cpp picks each tensor's type, for the dense llama/qwen2/qwen3 models
// we write (no MoE, no fused qkv, not Falcon):
//   - 1-D tensors (norms, biases) stay F32.
//   - output.weight — or token_embd.weight when the output is tied to it — is Q6_K (Q8_0 when its
//     rows are not whole 256-weight super-blocks).
//   - attn_v, ffn_down and attn_output of each layer follow the mix's row of role types below
//     (Q4_K_M: Q6_K attn_v / ffn_down in the layers use_more_bits picks; Q3_K_M: Q5_K attn_v in
//     layers 0 and 1 and Q5_K ffn_down in the first sixteenth, Q4_K elsewhere, Q4_K attn_output;
//     Q2_K: Q3_K for all three, Q4_K attn_v where 4 or more query heads share each kv head; Q2_K_S:
//     Q2_K but Q4_K attn_v where heads are shared as in Q2_K and Q4_K ffn_down in the first eighth).
//   - every other matrix (token_embd, attn_q/k, ffn_gate/up) is the base type.
//   - a K-quant chosen for a tensor whose rows are not a multiple of 256 falls back: Q2_K, Q3_K ->
//     Q4_0, Q4_K -> Q5_0, Q5_K -> Q5_1, Q6_K -> Q8_0 (F16 where even that block does not divide the
//     rows). A Qwen2.5 0.5B (width 896) therefore holds Q5_0 and Q8_0 matrices in a Q4_K_M file.
// Not modelled: llama.cpp's bump of Q3_K/Q4_K attn_v to Q5_K in 70B models (it asks the model's
// size class, which a file does not record), and its counting of attn_v tensors in file order
// (the layer number here; the same for the files llama.cpp and we write). llama-quantize writes
// Q2_K_S only with an importance matrix (imatrix) for its Q2_K tensors; we quantize without one.
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "kernels/model/ggml_type.hpp"

namespace infergrid::model {

// The layers a role's `picked` type applies to.
enum class layer_pick {
  none,
  more_bits,          // use_more_bits(layer, n_layers)
  first_two,          // layers 0 and 1
  first_eighth,       // layer < n_layers / 8
  first_sixteenth,    // layer < n_layers / 16
  grouped_attention,  // every layer, where n_heads / n_kv_heads >= 4
};

// One role's tensors (attn_v, ffn_down, attn_output): `picked` in the layers `pick` names, else `type`.
struct role_types {
  ggml_type type;
  layer_pick pick = layer_pick::none;
  ggml_type picked = type;
};

struct quant_mix {
  std::string_view cli_name;  // "q4_k_m"
  std::uint32_t file_type;    // general.file_type, llama.cpp's llama_ftype (LLAMA_FTYPE_MOSTLY_Q4_K_M = 15)
  ggml_type base;
  ggml_type output;
  role_types attn_v;
  role_types ffn_down;
  role_types attn_output;
};

inline constexpr std::array<quant_mix, 7> quant_mixes = {{
    {"q2_k", 10, ggml_type::q2_k, ggml_type::q6_k, {ggml_type::q3_k, layer_pick::grouped_attention, ggml_type::q4_k},
     {ggml_type::q3_k}, {ggml_type::q3_k}},
    {"q2_k_s", 21, ggml_type::q2_k, ggml_type::q6_k, {ggml_type::q2_k, layer_pick::grouped_attention, ggml_type::q4_k},
     {ggml_type::q2_k, layer_pick::first_eighth, ggml_type::q4_k}, {ggml_type::q2_k}},
    {"q3_k_s", 11, ggml_type::q3_k, ggml_type::q6_k, {ggml_type::q3_k}, {ggml_type::q3_k}, {ggml_type::q3_k}},
    {"q3_k_m", 12, ggml_type::q3_k, ggml_type::q6_k, {ggml_type::q4_k, layer_pick::first_two, ggml_type::q5_k},
     {ggml_type::q4_k, layer_pick::first_sixteenth, ggml_type::q5_k}, {ggml_type::q4_k}},
    {"q3_k_l", 13, ggml_type::q3_k, ggml_type::q6_k, {ggml_type::q5_k}, {ggml_type::q5_k}, {ggml_type::q5_k}},
    {"q4_k_m", 15, ggml_type::q4_k, ggml_type::q6_k, {ggml_type::q4_k, layer_pick::more_bits, ggml_type::q6_k},
     {ggml_type::q4_k, layer_pick::more_bits, ggml_type::q6_k}, {ggml_type::q4_k}},
    {"q5_k_m", 17, ggml_type::q5_k, ggml_type::q6_k, {ggml_type::q5_k, layer_pick::more_bits, ggml_type::q6_k},
     {ggml_type::q5_k, layer_pick::more_bits, ggml_type::q6_k}, {ggml_type::q5_k}},
}};

std::optional<quant_mix> quant_mix_named(std::string_view cli_name);

// llama.cpp's use_more_bits(i_layer, n_layers).
bool use_more_bits(std::uint32_t layer, std::uint32_t n_layers);

// What of a model's shape the mixes ask.
struct mix_shape {
  std::uint32_t n_layers = 0;
  std::uint32_t heads_per_kv_head = 1;  // n_heads / n_kv_heads (llama.cpp's n_gqa)
  bool tied_output = false;             // no output.weight: token_embd doubles as it
};

// The type a 2-D tensor `name` ("blk.3.attn_v.weight") with rows of `row_weights` gets in `mix`.
ggml_type mixed_tensor_type(const quant_mix& mix, std::string_view name, std::size_t row_weights, const mix_shape& shape);

}  // namespace infergrid::model
