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

// A view of `b` as texels of 4 values, `texel_bytes` each (RGBA32F: 16, RGBA16F: 8).
result<vk::buffer_view> four_value_view(const vk::device& dev, const vk::buffer& b, VkFormat format, std::size_t texel_bytes) {
  const std::size_t texels = b.size_bytes() / texel_bytes;
  if (texels > dev.info().max_texel_buffer_elements) {
    return make_error(error_code::too_large, "a buffer of " + std::to_string(b.size_bytes()) +
                                                 " bytes exceeds maxTexelBufferElements; lower the context or slots");
  }
  return vk::buffer_view::create(dev, b, format, 0, texels * texel_bytes);
}

result<vk::buffer_view> vec4_view(const vk::device& dev, const vk::buffer& b) {
  return four_value_view(dev, b, VK_FORMAT_R32G32B32A32_SFLOAT, 16);
}

// A KV cache read 4 floats per texel: RGBA32F, or RGBA16F for a 16-bit cache (the fetch converts).
result<vk::buffer_view> cache_view(const vk::device& dev, const vk::buffer& b, bool f16) {
  return f16 ? four_value_view(dev, b, VK_FORMAT_R16G16B16A16_SFLOAT, 8) : vec4_view(dev, b);
}

// Bytes of each activation buffer, in the order create() allocates them.
struct activation_sizes {
  std::size_t residual, normed, qkv, attention, gate_up, ffn_hidden, final_normed, per_token_int, output_rows, logits,
      greedy_ids;
};

activation_sizes sizes_of(const model::llama_hparams& h, const step_capacity& capacity) {
  const std::size_t t = capacity.max_tokens;
  const std::size_t f = sizeof(float);
  const std::size_t slots = capacity.output_rows();  // logits rows: one per sequence, or per scored token
  return {t * h.n_embd * f,
          t * h.n_embd * f,
          t * (std::size_t{h.q_width()} + 2 * std::size_t{h.kv_width()}) * f,
          t * h.q_width() * f,
          capacity.gate_up ? t * 2 * h.n_ff * f : 16,
          t * h.n_ff * f,
          slots * h.n_embd * f,
          t * 4,
          slots * 4,
          slots * h.n_vocab * f,
          slots * 4};
}

}  // namespace

std::size_t step_buffers::activation_bytes_for(const model::llama_hparams& h, const step_capacity& capacity) {
  const activation_sizes s = sizes_of(h, capacity);
  return s.residual + s.normed + s.qkv + s.attention + s.gate_up + s.ffn_hidden + s.final_normed +
         3 * s.per_token_int + s.output_rows + s.logits + s.greedy_ids;
}

std::size_t step_buffers::kv_cache_bytes_for(const model::llama_hparams& h, const step_capacity& capacity) {
  return 2 * std::size_t{h.n_layers} * capacity.n_slots * capacity.n_ctx * h.kv_width() * capacity.kv_element_bytes();
}

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
  const activation_sizes sizes = sizes_of(h, capacity);
  const std::size_t kv_width = h.kv_width();
  const auto device_local = vk::memory_kind::device_local;
  const auto host = vk::memory_kind::host_visible;
  std::size_t& act = out.activation_bytes;
  IG_ASSIGN(out.residual, zeroed(dev, sizes.residual, device_local, act));
  IG_ASSIGN(out.normed, zeroed(dev, sizes.normed, device_local, act));
  IG_ASSIGN(out.qkv, zeroed(dev, sizes.qkv, device_local, act));
  IG_ASSIGN(out.attention, zeroed(dev, sizes.attention, device_local, act));
  IG_ASSIGN(out.gate_up, zeroed(dev, sizes.gate_up, device_local, act));
  IG_ASSIGN(out.ffn_hidden, zeroed(dev, sizes.ffn_hidden, device_local, act));
  IG_ASSIGN(out.final_normed, zeroed(dev, sizes.final_normed, device_local, act));
  IG_ASSIGN(out.residual_view, vec4_view(dev, out.residual));
  IG_ASSIGN(out.normed_view, vec4_view(dev, out.normed));
  IG_ASSIGN(out.qkv_view, vec4_view(dev, out.qkv));
  IG_ASSIGN(out.attention_view, vec4_view(dev, out.attention));
  IG_ASSIGN(out.ffn_hidden_view, vec4_view(dev, out.ffn_hidden));
  IG_ASSIGN(out.gate_up_view, vec4_view(dev, out.gate_up));
  IG_ASSIGN(out.final_normed_view, vec4_view(dev, out.final_normed));
  IG_ASSIGN(out.tokens, zeroed(dev, sizes.per_token_int, host, act));
  IG_ASSIGN(out.positions, zeroed(dev, sizes.per_token_int, host, act));
  IG_ASSIGN(out.slots, zeroed(dev, sizes.per_token_int, host, act));
  IG_ASSIGN(out.output_rows, zeroed(dev, sizes.output_rows, host, act));
  IG_ASSIGN(out.logits, zeroed(dev, sizes.logits, host, act));
  IG_ASSIGN(out.greedy_ids, zeroed(dev, sizes.greedy_ids, host, act));
  const std::size_t cache_bytes = std::size_t{capacity.n_slots} * capacity.n_ctx * kv_width * capacity.kv_element_bytes();
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
    IG_ASSIGN(k, cache_view(dev, out.k_cache.back(), capacity.kv_f16));
    IG_ASSIGN(v, cache_view(dev, out.v_cache.back(), capacity.kv_f16));
    out.k_view.push_back(std::move(k));
    out.v_view.push_back(std::move(v));
  }
  return out;
}

#undef IG_ASSIGN

}  // namespace infergrid::engine
