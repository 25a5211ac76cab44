#include "kernels/model/llama_weights.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace infergrid::model {
namespace {

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
    return make_error(error_code::unsupported, "vector tensor '" + name + "' is " +
                                                   std::string(traits_of(tensor->type).name) + "; only F32 is supported");
  }
  return weight_view{name, tensor->type, rows, cols, tensor->data, tensor->bytes};
}

// Where each layer tensor of the architecture table lands.
weight_view llama_layer_weights::*member_of(layer_tensor_id id) {
  using enum layer_tensor_id;
  switch (id) {
    case attn_norm: return &llama_layer_weights::attn_norm;
    case attn_q: return &llama_layer_weights::attn_q;
    case attn_k: return &llama_layer_weights::attn_k;
    case attn_v: return &llama_layer_weights::attn_v;
    case attn_q_bias: return &llama_layer_weights::attn_q_bias;
    case attn_k_bias: return &llama_layer_weights::attn_k_bias;
    case attn_v_bias: return &llama_layer_weights::attn_v_bias;
    case attn_q_norm: return &llama_layer_weights::attn_q_norm;
    case attn_k_norm: return &llama_layer_weights::attn_k_norm;
    case attn_output: return &llama_layer_weights::attn_output;
    case ffn_norm: return &llama_layer_weights::ffn_norm;
    case ffn_gate: return &llama_layer_weights::ffn_gate;
    case ffn_up: return &llama_layer_weights::ffn_up;
    case ffn_down: return &llama_layer_weights::ffn_down;
  }
  return &llama_layer_weights::attn_norm;
}

// Whether the file has each optional family: decided by layer 0 and then required of every layer
// (resolving the layers asks each for the family's tensors). A tensor of a family the model goes
// without is refused in any layer, so a model never mixes layers with and without a family and never
// runs while ignoring a tensor the file has.
status check_family(const gguf_file& file, const llama_hparams& h, tensor_family family, bool& present) {
  const presence p = h.arch->of(family);
  present = p == presence::required;
  for (const layer_tensor& t : layer_tensors()) {
    if (t.family == family && p == presence::optional && file.find_tensor(layer_tensor_name(0, t.suffix)) != nullptr) {
      present = true;
    }
  }
  if (present) return {};
  for (std::uint32_t layer = 0; layer < h.n_layers; ++layer) {
    for (const layer_tensor& t : layer_tensors()) {
      const std::string name = layer_tensor_name(layer, t.suffix);
      if (t.family != family || file.find_tensor(name) == nullptr) continue;
      if (p == presence::absent) {
        return make_error(error_code::unsupported, "tensor '" + name + "' is not part of architecture '" +
                                                       std::string(h.arch->name) + "'");
      }
      return make_error(error_code::malformed_input,
                        "tensor '" + name + "' has no counterpart '" + layer_tensor_name(0, t.suffix) +
                            "' in layer 0: every layer must have these tensors or none");
    }
  }
  return {};
}

// Refuses a file holding tensors the model does not use (llama.cpp's "wrong number of tensors"): a
// block_count below the file's layers or a stray tensor would otherwise run a model other than the
// file's, silently. Names the first few.
status check_every_tensor_used(const gguf_file& file, const llama_hparams& h, const llama_weights& w) {
  constexpr std::size_t names_shown_max = 4;
  std::unordered_set<std::string_view> used = {tensor_name::rope_freqs};  // resolve_rope_freqs reads or refuses it
  w.for_each_present([&](const weight_view& v) { used.insert(v.name); });
  std::vector<std::string_view> unused;
  for (const gguf_tensor& t : file.tensors()) {
    if (!used.contains(t.name)) unused.push_back(t.name);
  }
  if (unused.empty()) return {};
  std::string names;
  for (std::size_t i = 0; i < std::min(unused.size(), names_shown_max); ++i) {
    names += (i == 0 ? "'" : ", '") + std::string(unused[i]) + "'";
  }
  if (unused.size() > names_shown_max) names += " and " + std::to_string(unused.size() - names_shown_max) + " more";
  const std::string counted = std::to_string(unused.size()) + (unused.size() == 1 ? " tensor" : " tensors");
  return make_error(error_code::malformed_input, "the file has " + counted + " that the model (" +
                                                     h.arch->key(hparam_key::block_count) + " = " +
                                                     std::to_string(h.n_layers) + ") does not use: " + names);
}

status resolve_rope_freqs(const gguf_file& file, const llama_hparams& h, llama_weights& w) {
  const std::string name(tensor_name::rope_freqs);
  if (file.find_tensor(name) != nullptr) {
    if (!h.arch->rope_freqs) {
      return make_error(error_code::unsupported,
                        "tensor '" + name + "' is not part of architecture '" + std::string(h.arch->name) + "'");
    }
    auto view = resolve(file, name, 1, h.rope_dims / 2);
    if (!view) return view.err();
    const auto* values = reinterpret_cast<const float*>(view->data);
    w.rope_freq_factors.assign(values, values + view->cols);
    for (float f : w.rope_freq_factors) {
      if (!(f > 0.0f) || !std::isfinite(f)) {
        return make_error(error_code::malformed_input, "tensor '" + name + "' holds a factor that is not positive");
      }
    }
  } else if (h.rope_scaling_type == rope_scaling::llama3) {
    w.rope_freq_factors = llama3_rope_freq_factors(h);
  } else if (h.rope_scaling_type == rope_scaling::yarn) {
    w.rope_freq_factors = yarn_rope_freq_factors(h);
  }
  return {};
}

}  // namespace

std::vector<float> llama3_rope_freq_factors(const llama_hparams& h) {
  const llama3_rope_scaling& s = h.llama3;
  const double pi = 3.14159265358979323846;
  const double old_context = s.original_context;
  const double low_freq_wavelength = old_context / s.low_freq_factor;
  const double high_freq_wavelength = old_context / s.high_freq_factor;
  std::vector<float> factors;
  for (std::uint32_t i = 0; i < h.rope_dims; i += 2) {
    const double frequency = std::pow(static_cast<double>(h.rope_freq_base), -static_cast<double>(i) / h.rope_dims);
    const double wavelength = 2 * pi / frequency;
    if (wavelength < high_freq_wavelength) {
      factors.push_back(1.0f);
    } else if (wavelength > low_freq_wavelength) {
      factors.push_back(s.factor);
    } else {
      const double smooth = (old_context / wavelength - s.low_freq_factor) / (s.high_freq_factor - s.low_freq_factor);
      factors.push_back(static_cast<float>(1.0 / ((1.0 - smooth) / s.factor + smooth)));
    }
  }
  return factors;
}

std::vector<float> yarn_rope_freq_factors(const llama_hparams& h) {
  const yarn_rope_scaling& y = h.yarn;
  const double pi = 3.14159265358979323846;
  const double n_dims = h.rope_dims;
  // The dimension (of n_dims) whose frequency turns `rotations` times over the original context.
  const auto dim_of = [&](double rotations) {
    return n_dims * std::log(y.original_context / (rotations * 2 * pi)) / (2 * std::log(static_cast<double>(h.rope_freq_base)));
  };
  const double low = std::max(0.0, std::floor(dim_of(y.beta_fast)));
  const double high = std::min(n_dims - 1, std::ceil(dim_of(y.beta_slow)));
  std::vector<float> factors;
  for (std::uint32_t i = 0; i < h.rope_dims; i += 2) {
    const double ramp = 1.0 - std::clamp((i / 2 - low) / std::max(0.001, high - low), 0.0, 1.0);
    const double mix = ramp * y.ext_factor;
    factors.push_back(static_cast<float>(1.0 / (mix + (1.0 - mix) / y.factor)));
  }
  return factors;
}

result<llama_weights> resolve_llama_weights(const gguf_file& file, const llama_hparams& h) {
  if (h.arch == nullptr) return make_error(error_code::invalid_argument, "hyperparameters without an architecture");
  llama_weights w;
  bool with[3] = {true, false, false};  // by tensor_family
  IG_TRY(check_family(file, h, tensor_family::qkv_bias, with[1]));
  IG_TRY(check_family(file, h, tensor_family::qk_norm, with[2]));
  auto token_embd = resolve(file, std::string(tensor_name::token_embd), h.n_vocab, h.n_embd);
  if (!token_embd) return token_embd.err();
  w.token_embd = std::move(*token_embd);
  for (std::uint32_t layer = 0; layer < h.n_layers; ++layer) {
    llama_layer_weights lw;
    for (const layer_tensor& t : layer_tensors()) {
      if (!with[static_cast<std::size_t>(t.family)]) continue;
      auto view = resolve(file, layer_tensor_name(layer, t.suffix), h.dims().size_of(t.rows), h.dims().size_of(t.cols));
      if (!view) return view.err();
      lw.*member_of(t.id) = std::move(*view);
    }
    w.layers.push_back(std::move(lw));
  }
  auto output_norm = resolve(file, std::string(tensor_name::output_norm), 1, h.n_embd);
  if (!output_norm) return output_norm.err();
  w.output_norm = std::move(*output_norm);
  if (file.find_tensor(tensor_name::output) == nullptr) {
    w.output = w.token_embd;
    w.output_tied = true;
  } else {
    auto output = resolve(file, std::string(tensor_name::output), h.n_vocab, h.n_embd);
    if (!output) return output.err();
    w.output = std::move(*output);
  }
  IG_TRY(resolve_rope_freqs(file, h, w));
  IG_TRY(check_every_tensor_used(file, h, w));
  return w;
}

}  // namespace infergrid::model
