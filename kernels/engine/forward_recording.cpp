#include "kernels/engine/forward_recording.hpp"

#include <cmath>

namespace infergrid::engine {
namespace {

// Descriptor sets besides the matmul and embedding parts: per layer rope, attention and (qwen3) the
// q/k head norms, and unless fused into the matmuls' input 2 norms and SwiGLU; outside the layers
// the final norm and argmax.
constexpr std::uint32_t fixed_sets_per_layer = 6;
constexpr std::uint32_t fixed_sets_outside_layers = 2;
// Most bindings of any kernel (rope_kv; attention has 6, matmul 5).
constexpr std::uint32_t max_bindings_per_set = 7;

status project(kernel_library& kernels, recorder& rec, const projection& p, const vk::buffer_view& x,
               const vk::buffer& y, std::uint32_t n_tokens, bool accumulate, const matmul_input& input = {},
               matmul_output output = matmul_output::plain) {
  // A SwiGLU output has one column per pair of rows.
  const std::uint32_t per_output = output == matmul_output::swiglu ? 2 : 1;
  for (std::size_t i = 0; i < p.parts.size(); ++i) {
    IG_TRY(kernels.matmul(rec, p.parts[i], x, 0, y, p.column_offsets[i] / per_output, p.width / per_output, n_tokens,
                          accumulate, input, output));
  }
  return {};
}

status record_layer(kernel_library& kernels, recorder& rec, const device_model& model, const step_buffers& b,
                    std::size_t layer_index, std::uint32_t n_tokens) {
  const model::llama_hparams& h = model.hparams;
  const device_layer& layer = model.layers[layer_index];
  const attention_shape shape{h.n_heads, h.n_kv_heads, h.head_dim, b.capacity.n_ctx};
  const rope_parameters rope{h.rope_dims,
                             h.rope_freq_base,
                             h.rope_freq_scale,
                             h.arch->rope,
                             model.rope_freq_factors ? &*model.rope_freq_factors : nullptr,
                             layer.qkv_bias ? &*layer.qkv_bias : nullptr};
  const token_inputs inputs{b.positions, b.slots, 0};
  const float scale = h.attention_logit_factor() / std::sqrt(static_cast<float>(h.head_dim));

  const bool fused = kernels.fuses_matmul_inputs(n_tokens);
  if (fused) {
    rec.stage = "attn_norm_qkv";
    IG_TRY(project(kernels, rec, layer.qkv, b.residual_view, b.qkv, n_tokens, false,
                   matmul_input::rms_norm(layer.attn_norm, h.rms_norm_eps)));
  } else {
    rec.stage = "attn_norm";
    IG_TRY(kernels.rms_norm(rec, b.residual, layer.attn_norm, b.normed, h.n_embd, n_tokens, h.rms_norm_eps, nullptr));
    rec.stage = "attn_qkv";
    IG_TRY(project(kernels, rec, layer.qkv, b.normed_view, b.qkv, n_tokens, false));
  }
  if (layer.q_norm) {
    rec.stage = "qk_norm";
    IG_TRY(kernels.qk_norm(rec, b.qkv, *layer.q_norm, *layer.k_norm, shape, h.rms_norm_eps, n_tokens));
  }
  rec.stage = "rope_kv";
  IG_TRY(kernels.rope_kv(rec, b.qkv, inputs, b.k_cache[layer_index], b.v_cache[layer_index], shape, rope, n_tokens,
                         b.capacity.kv_f16));
  rec.stage = "attention";
  IG_TRY(kernels.attention(rec, b.qkv_view, layer.qkv.width, b.k_view[layer_index], b.v_view[layer_index], inputs,
                           b.attention, shape, scale, n_tokens));
  rec.stage = "attn_output";
  IG_TRY(project(kernels, rec, layer.attn_output, b.attention_view, b.residual, n_tokens, true));
  // The FFN reads the residual with its norm fused into the gate/up matmul, or the norm's output.
  const vk::buffer_view* ffn_x = &b.residual_view;
  matmul_input ffn_input = matmul_input::rms_norm(layer.ffn_norm, h.rms_norm_eps);
  if (!fused) {
    rec.stage = "ffn_norm";
    IG_TRY(kernels.rms_norm(rec, b.residual, layer.ffn_norm, b.normed, h.n_embd, n_tokens, h.rms_norm_eps, nullptr));
    ffn_x = &b.normed_view;
    ffn_input = {};
  }
  if (layer.gate_up.swiglu_pairs) {
    rec.stage = fused ? "ffn_norm_gate_up_swiglu" : "ffn_gate_up_swiglu";  // writes silu(gate) * up
    IG_TRY(project(kernels, rec, layer.gate_up, *ffn_x, b.ffn_hidden, n_tokens, false, ffn_input,
                   matmul_output::swiglu));
    rec.stage = "ffn_down";
    return project(kernels, rec, layer.down, b.ffn_hidden_view, b.residual, n_tokens, true);
  }
  rec.stage = fused ? "ffn_norm_gate_up" : "ffn_gate_up";
  IG_TRY(project(kernels, rec, layer.gate_up, *ffn_x, b.gate_up, n_tokens, false, ffn_input));
  if (fused) {
    rec.stage = "swiglu_ffn_down";
    return project(kernels, rec, layer.down, b.gate_up_view, b.residual, n_tokens, true, matmul_input::swiglu());
  }
  rec.stage = "swiglu";
  IG_TRY(kernels.swiglu(rec, b.gate_up, b.ffn_hidden, h.n_ff, n_tokens));
  rec.stage = "ffn_down";
  return project(kernels, rec, layer.down, b.ffn_hidden_view, b.residual, n_tokens, true);
}

}  // namespace

result<recorded_step> record_forward(kernel_library& kernels, const device_model& model, const step_buffers& buffers,
                                     const step_shape& shape, bool profile) {
  const vk::device& dev = kernels.device();
  const model::llama_hparams& h = model.hparams;
  auto commands = vk::command_buffer::create(dev);
  if (!commands) return commands.err();
  std::size_t sets = model.layers.size() * fixed_sets_per_layer + fixed_sets_outside_layers +
                     model.token_embd.parts.size() + model.output_weight().parts.size();
  for (const device_layer& layer : model.layers) {
    sets += layer.qkv.parts.size() + layer.attn_output.parts.size() + layer.gate_up.parts.size() +
            layer.down.parts.size();
  }
  auto pool = vk::descriptor_pool::create(dev, static_cast<std::uint32_t>(sets), max_bindings_per_set);
  if (!pool) return pool.err();
  recorded_step step{std::move(*commands), std::move(*pool), std::nullopt};
  IG_TRY(step.commands.begin());
  recorder rec{step.commands, step.pool};
  if (profile) {
    auto timestamps = step_profile::create(dev, static_cast<std::uint32_t>(sets));  // one dispatch per set
    if (!timestamps) return timestamps.err();
    step.profile.emplace(std::move(*timestamps));
    step.profile->begin(step.commands.handle());
    rec.profile = &*step.profile;
  }
  rec.stage = "embedding";
  const projection& table = model.token_embd;
  for (std::size_t i = 0; i < table.parts.size(); ++i) {
    IG_TRY(kernels.embedding(rec, table.parts[i], buffers.tokens, 0, shape.n_tokens, buffers.residual,
                             table.column_offsets[i]));
  }
  for (std::size_t layer = 0; layer < model.layers.size(); ++layer) {
    IG_TRY(record_layer(kernels, rec, model, buffers, layer, shape.n_tokens));
  }
  if (shape.hidden) {
    rec.stage = "output_norm";
    IG_TRY(kernels.rms_norm(rec, buffers.residual, model.output_norm, buffers.normed, h.n_embd, shape.n_tokens,
                            h.rms_norm_eps, nullptr));
  }
  if (shape.n_outputs > 0) {
    rec.stage = "output_norm";
    IG_TRY(kernels.rms_norm(rec, buffers.residual, model.output_norm, buffers.final_normed, h.n_embd, shape.n_outputs,
                            h.rms_norm_eps, &buffers.output_rows));
    rec.stage = "output";
    IG_TRY(project(kernels, rec, model.output_weight(), buffers.final_normed_view, buffers.logits, shape.n_outputs,
                   false));
    rec.stage = "greedy";
    if (shape.greedy) IG_TRY(kernels.argmax(rec, buffers.logits, buffers.greedy_ids, h.n_vocab, shape.n_outputs));
  }
  IG_TRY(step.commands.end());
  return step;
}

}  // namespace infergrid::engine
