#include "kernels/engine/step_buffers.hpp"

#include <string>

namespace infergrid::engine {
namespace {

// Zeroed so that no kernel ever reads uninitialised floats (NaN patterns) from padding.
result<vk::buffer> zeroed(const vk::device& dev, std::size_t bytes, vk::memory_kind kind, std::size_t& total) {
  auto b = vk::buffer::create(dev, bytes, kind);
  if (!b) return b.err();
  IG_TRY(vk::fill_zero(dev, *b));
  total += bytes;
  return b;
}

result<vk::buffer_view> vec4_view(const vk::device& dev, const vk::buffer& b) {
  const std::size_t texels = b.size_bytes() / 16;
  if (texels > dev.info().max_texel_buffer_elements) {
    return make_error(error_code::too_large, "a buffer of " + std::to_string(b.size_bytes()) +
                                                 " bytes exceeds maxTexelBufferElements; lower the context or slots");
  }
  return vk::buffer_view::create(dev, b, VK_FORMAT_R32G32B32A32_SFLOAT, 0, texels * 16);
}

}  // namespace

#define IG_ASSIGN(target, expr)                 \
  do {                                          \
    auto ig_assign_value_ = (expr);             \
    if (!ig_assign_value_) return ig_assign_value_.err(); \
    (target) = std::move(*ig_assign_value_);    \
  } while (0)

result<step_buffers> step_buffers::create(const vk::device& dev, const model::llama_hparams& h,
                                          const step_capacity& capacity) {
  step_buffers out;
  out.capacity = capacity;
  const std::size_t t = capacity.max_tokens;
  const std::size_t f = sizeof(float);
  const std::size_t q_width = std::size_t{h.n_heads} * h.head_dim;
  const std::size_t kv_width = std::size_t{h.n_kv_heads} * h.head_dim;
  const auto device_local = vk::memory_kind::device_local;
  const auto host = vk::memory_kind::host_visible;
  std::size_t& act = out.activation_bytes;
  IG_ASSIGN(out.residual, zeroed(dev, t * h.n_embd * f, device_local, act));
  IG_ASSIGN(out.normed, zeroed(dev, t * h.n_embd * f, device_local, act));
  IG_ASSIGN(out.qkv, zeroed(dev, t * (q_width + 2 * kv_width) * f, device_local, act));
  IG_ASSIGN(out.attention, zeroed(dev, t * q_width * f, device_local, act));
  IG_ASSIGN(out.gate_up, zeroed(dev, capacity.gate_up ? t * 2 * h.n_ff * f : 16, device_local, act));
  IG_ASSIGN(out.ffn_hidden, zeroed(dev, t * h.n_ff * f, device_local, act));
  IG_ASSIGN(out.final_normed, zeroed(dev, std::size_t{capacity.n_slots} * h.n_embd * f, device_local, act));
  IG_ASSIGN(out.residual_view, vec4_view(dev, out.residual));
  IG_ASSIGN(out.normed_view, vec4_view(dev, out.normed));
  IG_ASSIGN(out.qkv_view, vec4_view(dev, out.qkv));
  IG_ASSIGN(out.attention_view, vec4_view(dev, out.attention));
  IG_ASSIGN(out.ffn_hidden_view, vec4_view(dev, out.ffn_hidden));
  IG_ASSIGN(out.gate_up_view, vec4_view(dev, out.gate_up));
  IG_ASSIGN(out.final_normed_view, vec4_view(dev, out.final_normed));
  IG_ASSIGN(out.tokens, zeroed(dev, t * 4, host, act));
  IG_ASSIGN(out.positions, zeroed(dev, t * 4, host, act));
  IG_ASSIGN(out.slots, zeroed(dev, t * 4, host, act));
  IG_ASSIGN(out.output_rows, zeroed(dev, std::size_t{capacity.n_slots} * 4, host, act));
  IG_ASSIGN(out.logits, zeroed(dev, std::size_t{capacity.n_slots} * h.n_vocab * f, host, act));
  IG_ASSIGN(out.greedy_ids, zeroed(dev, std::size_t{capacity.n_slots} * 4, host, act));
  const std::size_t cache_bytes = std::size_t{capacity.n_slots} * capacity.n_ctx * kv_width * f;
  // rope_kv writes a layer's cache through one storage binding (128 MiB on lavapipe).
  if (cache_bytes > dev.info().max_storage_buffer_range) {
    return make_error(error_code::too_large,
                      "a layer's KV cache of " + std::to_string(cache_bytes) + " bytes (" +
                          std::to_string(capacity.n_slots) + " slots x " + std::to_string(capacity.n_ctx) +
                          " positions) exceeds maxStorageBufferRange (" +
                          std::to_string(dev.info().max_storage_buffer_range) + "); use fewer slots or positions");
  }
  for (std::uint32_t layer = 0; layer < h.n_layers; ++layer) {
    for (auto* cache : {&out.k_cache, &out.v_cache}) {
      vk::buffer b;
      IG_ASSIGN(b, zeroed(dev, cache_bytes, device_local, out.kv_cache_bytes));
      cache->push_back(std::move(b));
    }
    vk::buffer_view k, v;
    IG_ASSIGN(k, vec4_view(dev, out.k_cache.back()));
    IG_ASSIGN(v, vec4_view(dev, out.v_cache.back()));
    out.k_view.push_back(std::move(k));
    out.v_view.push_back(std::move(v));
  }
  return out;
}

#undef IG_ASSIGN

}  // namespace infergrid::engine
