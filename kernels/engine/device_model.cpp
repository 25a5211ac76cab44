#include "kernels/engine/device_model.hpp"

#include <algorithm>
#include <span>
#include <string>

namespace infergrid::engine {
namespace {

struct upload_settings {
  weight_access access;
  std::size_t part_bytes_limit;
  std::size_t row_group;
  std::size_t swiglu_pair_rows;
};

// Rows [first, first + count) of one weight.
struct row_range {
  const model::weight_view* view;
  std::size_t first, count;
};

result<device_weight> upload_rows(const vk::device& dev, const std::string& name, model::ggml_type type,
                                  std::size_t cols, std::span<const weight_rows> rows, const upload_settings& settings) {
  auto layout = make_weight_layout(type, cols, rows, settings.row_group);
  if (!layout) return make_error(layout.err().code, name + ": " + layout.err().message);
  return device_weight::upload(dev, *layout, settings.access);
}

// The row ranges (same type and columns) stacked in order, in parts of at most max_rows_per_part rows
// (and a multiple of part_multiple rows, but for the last).
status append_parts(const vk::device& dev, std::span<const row_range> ranges, const upload_settings& settings,
                    projection& out, std::size_t part_multiple = 1) {
  const model::weight_view& first = *ranges.front().view;
  std::size_t max_rows = max_rows_per_part(dev, first.type, first.cols, settings.access, settings.part_bytes_limit,
                                           settings.row_group);
  if (max_rows < part_multiple) {
    return make_error(error_code::too_large, first.name + ": a part cannot hold " + std::to_string(part_multiple) +
                                                 " rows on this device");
  }
  max_rows -= max_rows % part_multiple;
  const std::size_t row_bytes = model::row_bytes(first.type, first.cols);
  std::vector<weight_rows> pending;
  std::size_t pending_rows = 0;
  const auto flush = [&]() -> status {
    if (pending.empty()) return {};
    auto weight = upload_rows(dev, first.name, first.type, first.cols, pending, settings);
    if (!weight) return weight.err();
    out.column_offsets.push_back(out.width);
    out.width += static_cast<std::uint32_t>(weight->rows());
    out.parts.push_back(std::move(*weight));
    pending.clear();
    pending_rows = 0;
    return {};
  };
  for (const row_range& range : ranges) {
    for (std::size_t row = range.first; row < range.first + range.count;) {
      const std::size_t take = std::min(range.first + range.count - row, max_rows - pending_rows);
      pending.push_back({range.view->data + row * row_bytes, take});
      pending_rows += take;
      row += take;
      if (pending_rows == max_rows) IG_TRY(flush());
    }
  }
  return flush();
}

std::vector<row_range> whole(std::span<const model::weight_view* const> views) {
  std::vector<row_range> out;
  for (const model::weight_view* v : views) out.push_back({v, 0, v->rows});
  return out;
}

// Views with one type stack into one matrix (split only where the device needs it); views of
// different types stay separate matrices.
result<projection> upload_projection(const vk::device& dev, std::initializer_list<const model::weight_view*> views,
                                     const upload_settings& settings, std::size_t& bytes) {
  projection out;
  const std::vector<const model::weight_view*> list(views);
  bool same_type = true;
  for (const model::weight_view* v : list) same_type = same_type && v->type == list.front()->type;
  if (same_type) {
    IG_TRY(append_parts(dev, whole(list), settings, out));
  } else {
    for (const model::weight_view* v : list) IG_TRY(append_parts(dev, whole(std::span(&v, 1)), settings, out));
  }
  for (const device_weight& w : out.parts) bytes += w.device_bytes();
  return out;
}

// gate|up for a matmul that writes SwiGLU: groups of pair_rows gate rows then the same up rows
// (projection::swiglu_pairs). Stacked as usual where the types differ, n_ff is not a whole number
// of groups, or a part of the matrix could not hold one group.
result<projection> upload_gate_up(const vk::device& dev, const model::weight_view& gate, const model::weight_view& up,
                                  const upload_settings& settings, std::size_t& bytes) {
  const std::size_t pair_rows = settings.swiglu_pair_rows;
  if (pair_rows == 0 || gate.type != up.type || gate.rows != up.rows || gate.cols != up.cols ||
      gate.rows % pair_rows != 0 ||
      max_rows_per_part(dev, gate.type, gate.cols, settings.access, settings.part_bytes_limit, settings.row_group) <
          2 * pair_rows) {
    return upload_projection(dev, {&gate, &up}, settings, bytes);
  }
  std::vector<row_range> ranges;
  for (std::size_t first = 0; first < gate.rows; first += pair_rows) {
    ranges.push_back({&gate, first, pair_rows});
    ranges.push_back({&up, first, pair_rows});
  }
  // Parts split only between whole groups of gate and up rows.
  projection out;
  out.swiglu_pairs = true;
  IG_TRY(append_parts(dev, ranges, settings, out, 2 * pair_rows));
  for (const device_weight& w : out.parts) bytes += w.device_bytes();
  return out;
}

// F32 vectors (norm weights, biases) side by side in one buffer.
result<vk::buffer> upload_vectors(const vk::device& dev, std::initializer_list<const model::weight_view*> views,
                                  std::size_t& bytes) {
  std::vector<std::byte> joined;
  for (const model::weight_view* view : views) {
    if (view->type != model::ggml_type::f32) {
      return make_error(error_code::unsupported, view->name + ": norm weights and biases must be F32");
    }
    joined.insert(joined.end(), view->data, view->data + view->bytes);
  }
  auto buffer = vk::buffer::create(dev, joined.size(), vk::memory_kind::device_local);
  if (!buffer) return buffer.err();
  IG_TRY(vk::upload(dev, *buffer, std::span<const std::byte>(joined)));
  bytes += joined.size();
  return buffer;
}

result<vk::buffer> upload_norm(const vk::device& dev, const model::weight_view& view, std::size_t& bytes) {
  return upload_vectors(dev, {&view}, bytes);
}

// The optional vectors of a layer, uploaded when the model has them.
status upload_optional(const vk::device& dev, std::initializer_list<const model::weight_view*> views,
                       std::optional<vk::buffer>& out, std::size_t& bytes) {
  if (!(*views.begin())->present()) return {};
  auto buffer = upload_vectors(dev, views, bytes);
  if (!buffer) return buffer.err();
  out = std::move(*buffer);
  return {};
}

result<device_layer> upload_layer(const vk::device& dev, const model::llama_layer_weights& w,
                                  const upload_settings& settings, std::size_t& bytes) {
  if (w.attn_q_bias.present() && w.attn_q_norm.present()) {
    // rope_kv adds the biases after the head norms have run; no supported architecture has both.
    return make_error(error_code::unsupported, w.attn_q_norm.name + ": q/k biases together with q/k head norms");
  }
  auto attn_norm = upload_norm(dev, w.attn_norm, bytes);
  if (!attn_norm) return attn_norm.err();
  auto qkv = upload_projection(dev, {&w.attn_q, &w.attn_k, &w.attn_v}, settings, bytes);
  if (!qkv) return qkv.err();
  auto attn_output = upload_projection(dev, {&w.attn_output}, settings, bytes);
  if (!attn_output) return attn_output.err();
  auto ffn_norm = upload_norm(dev, w.ffn_norm, bytes);
  if (!ffn_norm) return ffn_norm.err();
  auto gate_up = upload_gate_up(dev, w.ffn_gate, w.ffn_up, settings, bytes);
  if (!gate_up) return gate_up.err();
  auto down = upload_projection(dev, {&w.ffn_down}, settings, bytes);
  if (!down) return down.err();
  device_layer out{std::move(*attn_norm), std::move(*qkv),     {}, {}, {}, std::move(*attn_output),
                   std::move(*ffn_norm),  std::move(*gate_up), std::move(*down)};
  IG_TRY(upload_optional(dev, {&w.attn_q_bias, &w.attn_k_bias, &w.attn_v_bias}, out.qkv_bias, bytes));
  IG_TRY(upload_optional(dev, {&w.attn_q_norm}, out.q_norm, bytes));
  IG_TRY(upload_optional(dev, {&w.attn_k_norm}, out.k_norm, bytes));
  return out;
}

}  // namespace

result<device_model> upload_model(const vk::device& dev, const model::llama_hparams& hparams,
                                  const model::llama_weights& weights, const weight_arrangement& arrangement,
                                  std::size_t part_bytes_limit, const upload_progress& progress) {
  std::size_t bytes = 0;
  const upload_settings settings{arrangement.access, part_bytes_limit, arrangement.row_group,
                                 arrangement.swiglu_pair_rows};
  const std::size_t total = weights.file_bytes();
  std::size_t done = 0;
  const auto uploaded_bytes = [&](std::size_t more) {
    done += more;
    if (progress) progress(done, total);
  };
  auto token_embd = upload_projection(dev, {&weights.token_embd}, settings, bytes);
  if (!token_embd) return token_embd.err();
  uploaded_bytes(weights.token_embd.bytes);
  std::optional<projection> output;
  if (!weights.output_tied) {
    auto uploaded = upload_projection(dev, {&weights.output}, settings, bytes);
    if (!uploaded) return uploaded.err();
    output = std::move(*uploaded);
    uploaded_bytes(weights.output.bytes);
  }
  auto output_norm = upload_norm(dev, weights.output_norm, bytes);
  if (!output_norm) return output_norm.err();
  uploaded_bytes(weights.output_norm.bytes);
  std::vector<device_layer> layers;
  for (const model::llama_layer_weights& layer : weights.layers) {
    auto uploaded = upload_layer(dev, layer, settings, bytes);
    if (!uploaded) return uploaded.err();
    layers.push_back(std::move(*uploaded));
    uploaded_bytes(layer.file_bytes());
  }
  std::optional<vk::buffer> factors;
  if (!weights.rope_freq_factors.empty()) {
    const auto factor_bytes = std::as_bytes(std::span(weights.rope_freq_factors));
    auto buffer = vk::buffer::create(dev, factor_bytes.size(), vk::memory_kind::device_local);
    if (!buffer) return buffer.err();
    IG_TRY(vk::upload(dev, *buffer, factor_bytes));
    bytes += factor_bytes.size();
    factors = std::move(*buffer);
    uploaded_bytes(factor_bytes.size());
  }
  return device_model{hparams,          std::move(*token_embd), std::move(output), std::move(*output_norm),
                      std::move(layers), std::move(factors),    bytes};
}

}  // namespace infergrid::engine
