#include "kernels/model/forced_token_model.hpp"

#include <random>
#include <vector>

namespace infergrid::model {
namespace {

status replace(gguf_writer& writer, const random_llama_options& o, const std::string& name, std::size_t rows,
               std::size_t cols, const std::vector<float>& values) {
  if (!writer.remove_tensor(name)) return make_error(error_code::not_found, "no tensor " + name + " to replace");
  return writer.add_tensor(name, o.weight_type, {cols, rows}, values);
}

}  // namespace

status force_greedy_token(gguf_writer& writer, const random_llama_options& o, std::uint32_t token) {
  if (token >= o.n_vocab) return make_error(error_code::invalid_argument, "forced token is outside the vocabulary");
  if (o.tied_output) return make_error(error_code::unsupported, "a forced token needs a separate output.weight");
  std::mt19937_64 rng(o.seed ^ 0x5eedu);
  std::normal_distribution<float> normal(0.0f, 0.1f);
  std::vector<float> embedding(std::size_t{o.n_vocab} * o.n_embd);
  for (std::size_t i = 0; i < embedding.size(); ++i) embedding[i] = i % o.n_embd == 0 ? 1.0f : normal(rng);
  IG_TRY(replace(writer, o, "token_embd.weight", o.n_vocab, o.n_embd, embedding));
  for (std::uint32_t layer = 0; layer < o.n_layers; ++layer) {
    const std::string p = "blk." + std::to_string(layer) + ".";
    IG_TRY(replace(writer, o, p + "attn_output.weight", o.n_embd, o.n_embd,
                   std::vector<float>(std::size_t{o.n_embd} * o.n_embd, 0.0f)));
    IG_TRY(replace(writer, o, p + "ffn_down.weight", o.n_embd, o.n_ff,
                   std::vector<float>(std::size_t{o.n_embd} * o.n_ff, 0.0f)));
  }
  std::vector<float> output(std::size_t{o.n_vocab} * o.n_embd, 0.0f);
  output[std::size_t{token} * o.n_embd] = 16.0f;  // a logit far above the others even at temperature 1
  return replace(writer, o, "output.weight", o.n_vocab, o.n_embd, output);
}

}  // namespace infergrid::model
