#include "kernels/engine/device_model.hpp"

#include <span>

namespace infergrid::engine {
namespace {

result<device_weight> upload_rows(const vk::device& dev, std::span<const model::weight_view* const> views,
                                  weight_access access) {
  std::vector<weight_rows> parts;
  for (const model::weight_view* view : views) parts.push_back({view->data, view->rows});
  auto layout = make_weight_layout(views.front()->type, views.front()->cols, parts);
  if (!layout) return make_error(layout.err().code, views.front()->name + ": " + layout.err().message);
  return device_weight::upload(dev, *layout, access);
}

// One stacked matrix when every view has the same type (and columns), else one part per view.
result<projection> upload_projection(const vk::device& dev, std::initializer_list<const model::weight_view*> views,
                                     weight_access access, std::size_t& bytes) {
  projection out;
  bool same_type = true;
  for (const model::weight_view* v : views) same_type = same_type && v->type == (*views.begin())->type;
  const std::vector<const model::weight_view*> list(views);
  if (same_type) {
    auto weight = upload_rows(dev, list, access);
    if (!weight) return weight.err();
    out.column_offsets.push_back(0);
    out.parts.push_back(std::move(*weight));
  } else {
    std::uint32_t offset = 0;
    for (const model::weight_view* v : list) {
      auto weight = upload_rows(dev, std::span(&v, 1), access);
      if (!weight) return weight.err();
      out.column_offsets.push_back(offset);
      offset += static_cast<std::uint32_t>(v->rows);
      out.parts.push_back(std::move(*weight));
    }
  }
  for (const device_weight& w : out.parts) {
    out.width += static_cast<std::uint32_t>(w.rows());
    bytes += w.device_bytes();
  }
  return out;
}

result<vk::buffer> upload_norm(const vk::device& dev, const model::weight_view& view, std::size_t& bytes) {
  if (view.type != model::ggml_type::f32) {
    return make_error(error_code::unsupported, view.name + ": norm weights must be F32");
  }
  auto buffer = vk::buffer::create(dev, view.bytes, vk::memory_kind::device_local);
  if (!buffer) return buffer.err();
  IG_TRY(vk::upload(dev, *buffer, std::span(view.data, view.bytes)));
  bytes += view.bytes;
  return buffer;
}

result<device_layer> upload_layer(const vk::device& dev, const model::llama_layer_weights& w, weight_access access,
                                  std::size_t& bytes) {
  auto attn_norm = upload_norm(dev, w.attn_norm, bytes);
  if (!attn_norm) return attn_norm.err();
  auto qkv = upload_projection(dev, {&w.attn_q, &w.attn_k, &w.attn_v}, access, bytes);
  if (!qkv) return qkv.err();
  auto attn_output = upload_projection(dev, {&w.attn_output}, access, bytes);
  if (!attn_output) return attn_output.err();
  auto ffn_norm = upload_norm(dev, w.ffn_norm, bytes);
  if (!ffn_norm) return ffn_norm.err();
  auto gate_up = upload_projection(dev, {&w.ffn_gate, &w.ffn_up}, access, bytes);
  if (!gate_up) return gate_up.err();
  auto down = upload_projection(dev, {&w.ffn_down}, access, bytes);
  if (!down) return down.err();
  return device_layer{std::move(*attn_norm), std::move(*qkv),     std::move(*attn_output),
                      std::move(*ffn_norm),  std::move(*gate_up), std::move(*down)};
}

}  // namespace

result<device_model> upload_model(const vk::device& dev, const model::llama_hparams& hparams,
                                  const model::llama_weights& weights, weight_access access) {
  std::size_t bytes = 0;
  const model::weight_view* embd = &weights.token_embd;
  auto token_embd = upload_rows(dev, std::span(&embd, 1), access);
  if (!token_embd) return token_embd.err();
  bytes += token_embd->device_bytes();
  std::optional<device_weight> output;
  if (!weights.output_tied) {
    const model::weight_view* out_view = &weights.output;
    auto uploaded = upload_rows(dev, std::span(&out_view, 1), access);
    if (!uploaded) return uploaded.err();
    bytes += uploaded->device_bytes();
    output = std::move(*uploaded);
  }
  auto output_norm = upload_norm(dev, weights.output_norm, bytes);
  if (!output_norm) return output_norm.err();
  std::vector<device_layer> layers;
  for (const model::llama_layer_weights& layer : weights.layers) {
    auto uploaded = upload_layer(dev, layer, access, bytes);
    if (!uploaded) return uploaded.err();
    layers.push_back(std::move(*uploaded));
  }
  return device_model{hparams, std::move(*token_embd), std::move(output), std::move(*output_norm), std::move(layers),
                      bytes};
}

}  // namespace infergrid::engine
