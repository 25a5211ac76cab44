// `infergrid make-model --out FILE [--arch llama|qwen2|qwen3] [--size tiny|small|100m|qwen2-0.5b|qwen2-1.5b]
// [--type f16] [--seed N]`: writes a randomly initialised GGUF of a supported architecture (its real
// tensor names and metadata keys) with a SentencePiece vocabulary, for benchmarks and tests.
#include <fmt/core.h>

#include <map>
#include <string>
#include <vector>

#include "actors/cli/command_registry.hpp"
#include "kernels/model/architecture.hpp"
#include "kernels/model/random_llama.hpp"

namespace infergrid::cli {
namespace {

struct make_model_args {
  std::string out;
  std::string arch;  // empty: the size's own (qwen2 for the qwen2-* sizes, else llama)
  std::string size = "small";
  std::string type = "f16";
  std::uint64_t seed = 1;
};

int make_model(const make_model_args& args) {
  static const std::map<std::string, model::ggml_type> types = {
      {"f32", model::ggml_type::f32}, {"f16", model::ggml_type::f16},
      {"q8_0", model::ggml_type::q8_0}, {"q4_0", model::ggml_type::q4_0}};
  const model::ggml_type type = types.at(args.type);
  using size_function = model::random_llama_options (*)(model::ggml_type);
  static const std::map<std::string, size_function> sizes = {
      {"tiny", model::random_llama_tiny},
      {"small", [](model::ggml_type t) { return model::random_llama_options{.weight_type = t}; }},  // width 512, 4 layers
      {"100m", model::random_llama_100m},
      {"qwen2-0.5b", model::random_qwen2_0_5b},
      {"qwen2-1.5b", model::random_qwen2_1_5b}};
  model::random_llama_options options = sizes.at(args.size)(type);
  if (!args.arch.empty()) options.architecture = args.arch;
  options.seed = args.seed;
  if (auto written = model::write_random_llama(args.out, options); !written) {
    fmt::print(stderr, "error: {}\n", written.err().message);
    return 1;
  }
  fmt::print("wrote {} ({}, {} layers, embd {}, heads {}/{}, ffn {}, vocab {}, {}{})\n", args.out,
             options.architecture, options.n_layers, options.n_embd, options.n_heads, options.n_kv_heads, options.n_ff,
             options.n_vocab, args.type, options.tied_output ? ", tied embeddings" : "");
  return 0;
}

void add_make_model(CLI::App& app) {
  auto* command = app.add_subcommand("make-model", "Write a randomly initialised GGUF (benchmarks, tests)");
  static make_model_args args;
  command->add_option("--out", args.out, "Output GGUF file")->required();
  std::vector<std::string> architectures;
  for (const model::architecture& a : model::architectures()) architectures.emplace_back(a.name);
  command->add_option("--arch", args.arch, "Architecture (default: the size's; llama, or qwen2 for qwen2-* sizes)")
      ->check(CLI::IsMember(architectures));
  command->add_option("--size", args.size, "tiny, small (width 512, 4 layers), 100m, qwen2-0.5b or qwen2-1.5b")
      ->check(CLI::IsMember({"tiny", "small", "100m", "qwen2-0.5b", "qwen2-1.5b"}));
  command->add_option("--type", args.type, "Weight type")->check(CLI::IsMember({"f32", "f16", "q8_0", "q4_0"}));
  command->add_option("--seed", args.seed, "Random seed");
  command->callback([] { set_exit_code(make_model(args)); });
}

IG_REGISTER_COMMAND(add_make_model);

}  // namespace
}  // namespace infergrid::cli
