#include "kernels/model/architecture.hpp"

#include <array>

namespace infergrid::model {
namespace {

using enum presence;

// Llama 2/3.x (llama3 rope scaling through rope_freqs.weight or the metadata; some converted
// models carry q/k/v biases), Qwen2/2.5 and DeepSeek-R1-Distill-Qwen (q/k/v biases), Qwen3
// (per-head q/k norms, no biases).
constexpr std::array<architecture, 3> table = {{
    {"llama", rope_style::norm, optional, absent, true},
    {"qwen2", rope_style::neox, required, absent, false},
    {"qwen3", rope_style::neox, absent, required, false},
}};

using enum tensor_dim;
using enum layer_tensor_id;
constexpr std::array<layer_tensor, 14> layer_table = {{
    {attn_norm, "attn_norm.weight", one, n_embd, tensor_family::core},
    {attn_q, "attn_q.weight", q_width, n_embd, tensor_family::core},
    {attn_k, "attn_k.weight", kv_width, n_embd, tensor_family::core},
    {attn_v, "attn_v.weight", kv_width, n_embd, tensor_family::core},
    {attn_q_bias, "attn_q.bias", one, q_width, tensor_family::qkv_bias},
    {attn_k_bias, "attn_k.bias", one, kv_width, tensor_family::qkv_bias},
    {attn_v_bias, "attn_v.bias", one, kv_width, tensor_family::qkv_bias},
    {attn_q_norm, "attn_q_norm.weight", one, head_dim, tensor_family::qk_norm},
    {attn_k_norm, "attn_k_norm.weight", one, head_dim, tensor_family::qk_norm},
    {attn_output, "attn_output.weight", n_embd, q_width, tensor_family::core},
    {ffn_norm, "ffn_norm.weight", one, n_embd, tensor_family::core},
    {ffn_gate, "ffn_gate.weight", n_ff, n_embd, tensor_family::core},
    {ffn_up, "ffn_up.weight", n_ff, n_embd, tensor_family::core},
    {ffn_down, "ffn_down.weight", n_embd, n_ff, tensor_family::core},
}};

}  // namespace

std::span<const architecture> architectures() { return table; }

std::string supported_architecture_names() {
  std::string out;
  for (const architecture& a : table) out += (out.empty() ? "" : ", ") + std::string(a.name);
  return out;
}

result<const architecture*> find_architecture(std::string_view name) {
  for (const architecture& a : table) {
    if (a.name == name) return &a;
  }
  return make_error(error_code::unsupported, "architecture '" + std::string(name) +
                                                 "' is not supported (supported: " + supported_architecture_names() +
                                                 ")");
}

result<const architecture*> architecture_of(const gguf_file& file) {
  auto name = file.get_string("general.architecture");
  if (!name) return name.err();
  auto found = find_architecture(*name);
  if (!found) return make_error(found.err().code, "general.architecture: " + found.err().message);
  return found;
}

std::span<const layer_tensor> layer_tensors() { return layer_table; }

std::string layer_tensor_name(std::uint32_t layer, std::string_view suffix) {
  return "blk." + std::to_string(layer) + "." + std::string(suffix);
}

}  // namespace infergrid::model
