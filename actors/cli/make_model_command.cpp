// `infergrid make-model --out FILE [--arch llama|qwen2|qwen3] [--size NAME (random_llama_sizes: tiny … llama3.1-8b)]
// [--type f16|q4_k_m|...] [--pure] [--seed N] [--vocab qwen3|llama3 --tokenizer-json PATH] [--emit-token TEXT]`: writes a
// randomly initialised GGUF of a supported architecture (its real tensor names and metadata keys) with a
// generated SentencePiece vocabulary, or with a real byte-level BPE vocabulary read from a Hugging Face
// tokenizer.json (and the tokenizer_config.json beside it) as llama.cpp's converter writes it, for
// benchmarks and tests.
#include <fmt/core.h>

#include <string>
#include <vector>

#include "actors/cli/command_registry.hpp"
#include "kernels/model/architecture.hpp"
#include "kernels/model/forced_token_model.hpp"
#include "kernels/model/random_llama.hpp"

namespace infergrid::cli {
namespace {

struct make_model_args {
  std::string out;
  std::string arch;  // empty: the size's own (qwen2 for the qwen2-* sizes, else llama)
  std::string size = "small";
  std::string type = "f16";
  bool pure = false;  // every matrix in the type itself, no llama.cpp mix (llama-quantize --pure)
  std::uint64_t seed = 1;
  std::string vocab;
  std::string tokenizer_json;
  std::string emit_token;
};

result<std::uint32_t> token_index(const model::gguf_tokenizer_fields& fields, const std::string& text) {
  for (std::size_t id = 0; id < fields.tokens.size(); ++id) {
    if (fields.tokens[id] == text) return static_cast<std::uint32_t>(id);
  }
  return make_error(error_code::not_found, "--emit-token '" + text + "' is not a token of the vocabulary");
}

status write_model(const make_model_args& args, const model::random_llama_options& options,
                   const model::gguf_tokenizer_fields& fields) {
  auto writer = model::build_random_llama(options);
  if (!writer) return writer.err();
  if (!args.emit_token.empty()) {
    auto token = token_index(fields, args.emit_token);
    if (!token) return token.err();
    IG_TRY(model::force_greedy_token(*writer, options, *token));
  }
  return writer->write(args.out);
}

int make_model(const make_model_args& args) {
  // Both checked by the options' validators: a size of random_llama_sizes, a type of the table or a mix.
  model::random_llama_options options = *model::random_llama_named(args.size, args.type);
  if (!args.arch.empty()) options.architecture = args.arch;
  if (args.pure) options.mix.reset();  // options.weight_type is already the mix's base type
  options.seed = args.seed;
  model::gguf_tokenizer_fields fields;
  if (!args.vocab.empty()) {
    auto profile = model::find_hf_vocab_profile(args.vocab);
    auto imported = profile ? model::import_hf_tokenizer(args.tokenizer_json, *profile)
                            : result<model::gguf_tokenizer_fields>(profile.err());
    if (!imported) {
      fmt::print(stderr, "error: {}\n", imported.err().message);
      return 1;
    }
    fields = std::move(*imported);
    options.tokenizer_fields = &fields;
    options.n_vocab = static_cast<std::uint32_t>(fields.tokens.size());
  }
  if (auto written = write_model(args, options, fields); !written) {
    fmt::print(stderr, "error: {}\n", written.err().message);
    return 1;
  }
  fmt::print("wrote {} ({}, {} layers, embd {}, heads {}/{}, ffn {}, vocab {}, {}{}{})\n", args.out,
             options.architecture, options.n_layers, options.n_embd, options.n_heads, options.n_kv_heads, options.n_ff,
             options.n_vocab, args.type, args.pure ? " pure" : "", options.tied_output ? ", tied embeddings" : "");
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
  // The sizes and their shapes, read from the one table (random_llama_sizes).
  std::vector<std::string> size_names;
  std::string size_help = "Shape (default: small):";
  for (const model::random_llama_size& size : model::random_llama_sizes()) {
    size_names.emplace_back(size.name);
    const model::random_llama_options shape = size.options(model::ggml_type::f16);
    size_help += fmt::format("{} {} (width {}, {} layers, vocabulary {})", size_names.size() == 1 ? "" : ",",
                             size.name, shape.n_embd, shape.n_layers, shape.n_vocab);
  }
  command->add_option("--size", args.size, size_help)->check(CLI::IsMember(size_names));
  // A mix's name wins over a type's: q2_k is llama.cpp's Q2_K mix, as llama-quantize names it (--pure: the type).
  std::vector<std::string> type_names;
  for (const model::type_traits& t : model::all_types) {
    if (!model::quant_mix_named(t.cli_name)) type_names.emplace_back(t.cli_name);
  }
  std::string mix_names;
  for (const model::quant_mix& mix : model::quant_mixes) {
    type_names.emplace_back(mix.cli_name);
    mix_names += (mix_names.empty() ? "" : " / ") + std::string(mix.cli_name);
  }
  command->add_option("--type", args.type,
                      "Weight type of the matrices (norms stay F32), or llama.cpp's " + mix_names + " tensor mix")
      ->check(CLI::IsMember(type_names))
      ->capture_default_str();
  command->add_flag("--pure", args.pure,
                    "No mix: every matrix in the --type's own weight type, as llama-quantize --pure (--type q2_k "
                    "--pure writes only Q2_K matrices; rows must then be whole blocks of it)");
  command->add_option("--seed", args.seed, "Random seed (the same seed writes the same weights)")->capture_default_str();
  auto* vocab = command->add_option("--vocab", args.vocab, "Real byte-level BPE vocabulary: qwen3 or llama3")
                    ->check(CLI::IsMember({"qwen3", "llama3"}));
  auto* json = command->add_option("--tokenizer-json", args.tokenizer_json,
                                   "Hugging Face tokenizer.json for --vocab (tokenizer_config.json beside it)");
  vocab->needs(json);
  json->needs(vocab);
  command->add_option("--emit-token", args.emit_token,
                      "For tests: weights whose greedy decoding emits this token (e.g. <|im_end|>) every step")
      ->needs(vocab);
  command->callback([] { set_exit_code(make_model(args)); });
}

IG_REGISTER_COMMAND(add_make_model);

}  // namespace
}  // namespace infergrid::cli
