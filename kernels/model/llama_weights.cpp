#include "kernels/model/llama_weights.hpp"

#include <string>

namespace infergrid::model {
namespace {

std::string shape_text(const std::vector<std::uint64_t>& dims) {
  std::string out = "[";
  for (std::size_t i = 0; i < dims.size(); ++i) out += (i ? ", " : "") + std::to_string(dims[i]);
  return out + "]";
}

// Resolves `name` as a matrix with GGUF dims [cols, rows] (a norm: [cols] with rows == 1, F32 only).
result<weight_view> resolve(const gguf_file& file, const std::string& name, std::size_t rows, std::size_t cols) {
  const gguf_tensor* tensor = file.find_tensor(name);
  if (tensor == nullptr) return make_error(error_code::not_found, "model has no tensor '" + name + "'");
  const bool is_norm = rows == 1;
  const std::vector<std::uint64_t> expected =
      is_norm ? std::vector<std::uint64_t>{cols} : std::vector<std::uint64_t>{cols, rows};
  if (tensor->dims != expected) {
    return make_error(error_code::malformed_input, "tensor '" + name + "' has shape " + shape_text(tensor->dims) +
                                                       ", expected " + shape_text(expected));
  }
  if (is_norm && tensor->type != ggml_type::f32) {
    return make_error(error_code::unsupported, "norm tensor '" + name + "' is " +
                                                   std::string(traits_of(tensor->type).name) + "; only F32 is supported");
  }
  return weight_view{name, tensor->type, rows, cols, tensor->data, tensor->bytes};
}

}  // namespace

result<llama_weights> resolve_llama_weights(const gguf_file& file, const llama_hparams& h) {
  llama_weights w;
  const std::size_t q_rows = static_cast<std::size_t>(h.n_heads) * h.head_dim;
  const std::size_t kv_rows = static_cast<std::size_t>(h.n_kv_heads) * h.head_dim;
  auto token_embd = resolve(file, "token_embd.weight", h.n_vocab, h.n_embd);
  if (!token_embd) return token_embd.err();
  w.token_embd = std::move(*token_embd);
  for (std::uint32_t layer = 0; layer < h.n_layers; ++layer) {
    const std::string prefix = "blk." + std::to_string(layer) + ".";
    llama_layer_weights lw;
    struct slot {
      weight_view* view;
      const char* name;
      std::size_t rows;
      std::size_t cols;
    };
    const slot slots[] = {
        {&lw.attn_norm, "attn_norm.weight", 1, h.n_embd},     {&lw.attn_q, "attn_q.weight", q_rows, h.n_embd},
        {&lw.attn_k, "attn_k.weight", kv_rows, h.n_embd},      {&lw.attn_v, "attn_v.weight", kv_rows, h.n_embd},
        {&lw.attn_output, "attn_output.weight", h.n_embd, q_rows}, {&lw.ffn_norm, "ffn_norm.weight", 1, h.n_embd},
        {&lw.ffn_gate, "ffn_gate.weight", h.n_ff, h.n_embd},   {&lw.ffn_up, "ffn_up.weight", h.n_ff, h.n_embd},
        {&lw.ffn_down, "ffn_down.weight", h.n_embd, h.n_ff},
    };
    for (const slot& s : slots) {
      auto view = resolve(file, prefix + s.name, s.rows, s.cols);
      if (!view) return view.err();
      *s.view = std::move(*view);
    }
    w.layers.push_back(std::move(lw));
  }
  auto output_norm = resolve(file, "output_norm.weight", 1, h.n_embd);
  if (!output_norm) return output_norm.err();
  w.output_norm = std::move(*output_norm);
  if (file.find_tensor("output.weight") == nullptr) {
    w.output = w.token_embd;
    w.output_tied = true;
  } else {
    auto output = resolve(file, "output.weight", h.n_vocab, h.n_embd);
    if (!output) return output.err();
    w.output = std::move(*output);
  }
  return w;
}

}  // namespace infergrid::model
