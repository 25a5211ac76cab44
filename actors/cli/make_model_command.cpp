// `infergrid make-model --out FILE [--size tiny|small|100m] [--type f16] [--seed N]`: writes a randomly
// initialised Llama-architecture GGUF with a SentencePiece vocabulary, for benchmarks and tests.
#include <fmt/core.h>

#include <map>

#include "actors/cli/command_registry.hpp"
#include "kernels/model/random_llama.hpp"

namespace infergrid::cli {
namespace {

struct make_model_args {
  std::string out;
  std::string size = "small";
  std::string type = "f16";
  std::uint64_t seed = 1;
};

int make_model(const make_model_args& args) {
  static const std::map<std::string, model::ggml_type> types = {
      {"f32", model::ggml_type::f32}, {"f16", model::ggml_type::f16},
      {"q8_0", model::ggml_type::q8_0}, {"q4_0", model::ggml_type::q4_0}};
  const model::ggml_type type = types.at(args.type);
  model::random_llama_options options;  // "small": 4 layers, width 512, GQA 8/4, vocab 1024
  options.weight_type = type;
  if (args.size == "100m") {
    options = model::random_llama_100m(type);
  } else if (args.size == "tiny") {
    options = model::random_llama_tiny(type);
  }
  options.seed = args.seed;
  if (auto written = model::write_random_llama(args.out, options); !written) {
    fmt::print(stderr, "error: {}\n", written.err().message);
    return 1;
  }
  fmt::print("wrote {} ({} layers, embd {}, heads {}/{}, ffn {}, vocab {}, {})\n", args.out, options.n_layers,
             options.n_embd, options.n_heads, options.n_kv_heads, options.n_ff, options.n_vocab, args.type);
  return 0;
}

void add_make_model(CLI::App& app) {
  auto* command = app.add_subcommand("make-model", "Write a randomly initialised Llama GGUF (benchmarks, tests)");
  static make_model_args args;
  command->add_option("--out", args.out, "Output GGUF file")->required();
  command->add_option("--size", args.size, "tiny, small (width 512, 4 layers) or 100m")
      ->check(CLI::IsMember({"tiny", "small", "100m"}));
  command->add_option("--type", args.type, "Weight type")->check(CLI::IsMember({"f32", "f16", "q8_0", "q4_0"}));
  command->add_option("--seed", args.seed, "Random seed");
  command->callback([] { set_exit_code(make_model(args)); });
}

IG_REGISTER_COMMAND(add_make_model);

}  // namespace
}  // namespace infergrid::cli
