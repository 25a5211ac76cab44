// `infergrid model-info FILE`: validates a GGUF model and prints its hyperparameters, vocabulary,
// content hash and tensor table — the first thing to run on a model file that will not load.
#include <fmt/core.h>

#include <map>

#include "actors/cli/command_registry.hpp"
#include "kernels/model/chat/file_template.hpp"
#include "kernels/model/gguf_file.hpp"
#include "kernels/model/llama_hparams.hpp"
#include "kernels/model/llama_weights.hpp"
#include "kernels/model/tokenizer.hpp"

namespace infergrid::cli {
namespace {

// Prints the tokenizer's summary, or its error (generate and the worker refuse such a file, so
// model-info fails on it too); whether it is usable.
bool print_tokenizer(const model::gguf_file& file) {
  auto vocab = model::tokenizer::from_gguf(file);
  if (!vocab) {
    fmt::print(stderr, "error: the tokenizer is unusable: {}\n", vocab.err().message);
    return false;
  }
  static const std::map<std::string, std::string> kinds = {{"llama", "SentencePiece"}, {"gpt2", "byte-level BPE"}};
  std::string end_of_generation;
  for (model::token_id id : vocab->end_of_generation_ids()) {
    end_of_generation += (end_of_generation.empty() ? "" : " ") + std::to_string(id);
  }
  fmt::print("tokenizer: {}, {} tokens, bos {}, eos {}, add_bos {}, end of generation [{}]\n",
             kinds.at(vocab->model_name()), vocab->vocab_size(), vocab->bos_id(), vocab->eos_id(), vocab->add_bos(),
             end_of_generation);
  return true;
}

// Which chat template the bridge and `generate --chat` render prompts with.
void print_chat_template(const model::gguf_file& file) {
  auto found = chat::template_of(file);
  if (!found) return (void)fmt::print(stderr, "error: tokenizer.chat_template: {}\n", found.err().message);
  if (!found->present) return (void)fmt::print("chat template: none in the file (prompts use the plain default)\n");
  if (!found->recognised) {
    return (void)fmt::print("chat template: of no known family (prompts use the plain default)\n");
  }
  fmt::print("chat template: {}\n", chat::to_string(found->family));
}

int print_model_info(const std::string& path, bool list_tensors) {
  auto file = model::gguf_file::open(path);
  if (!file) {
    fmt::print(stderr, "error: {}\n", file.err().message);
    return 1;
  }
  fmt::print("file: {} (GGUF v{}, {} metadata keys, {} tensors, alignment {})\n", path, file->version(),
             file->metadata().size(), file->tensors().size(), file->alignment());
  auto h = model::read_llama_hparams(*file);
  if (!h) {
    fmt::print(stderr, "error: {}\n", h.err().message);
    return 1;
  }
  fmt::print("{}: layers {}, embd {}, heads {} (kv {}, head_dim {}), ffn {}, vocab {}, context {}\n", h->arch->name,
             h->n_layers, h->n_embd, h->n_heads, h->n_kv_heads, h->head_dim, h->n_ff, h->n_vocab, h->context_length);
  fmt::print("rope: {}, dims {}, base {}, freq_scale {}, scaling {}; rms eps {}\n",
             h->arch->rope == model::rope_style::neox ? "neox" : "norm", h->rope_dims, h->rope_freq_base,
             h->rope_freq_scale, model::to_string(h->rope_scaling_type), h->rms_norm_eps);
  fmt::print("content hash (BLAKE2b-256 of the file): {}\n", to_hex(h->content_hash));
  auto weights = model::resolve_llama_weights(*file, *h);
  if (!weights) {
    fmt::print(stderr, "error: {}\n", weights.err().message);
    return 1;
  }
  std::uint64_t parameters = 0;
  std::uint64_t weight_bytes = 0;
  for (const model::gguf_tensor& t : file->tensors()) {
    parameters += t.n_elements;
    weight_bytes += t.bytes;
  }
  fmt::print("weights: {} parameters in {} bytes; output {}; q/k/v biases {}; q/k head norms {}; rope factors {}\n",
             parameters, weight_bytes, weights->output_tied ? "tied to token_embd" : "separate",
             weights->has_qkv_bias() ? "yes" : "no", weights->has_qk_norm() ? "yes" : "no",
             weights->rope_freq_factors.size());
  const bool tokenizer_usable = print_tokenizer(*file);
  print_chat_template(*file);
  if (list_tensors) {
    for (const model::gguf_tensor& t : file->tensors()) {
      std::string dims;
      for (std::uint64_t d : t.dims) dims += (dims.empty() ? "" : " x ") + std::to_string(d);
      fmt::print("  {:<28} {:<5} [{}] {} bytes at +{}\n", t.name, model::traits_of(t.type).name, dims, t.bytes,
                 t.offset);
    }
  }
  return tokenizer_usable ? 0 : 1;
}

void add_model_info(CLI::App& app) {
  auto* command = app.add_subcommand("model-info", "Validate a GGUF model and print its hyperparameters and tensors");
  static std::string path;
  static bool list_tensors = false;
  command->add_option("file", path, "GGUF model file")->required();
  command->add_flag("--tensors", list_tensors, "Also list every tensor");
  command->callback([] { set_exit_code(print_model_info(path, list_tensors)); });
}

IG_REGISTER_COMMAND(add_model_info);

}  // namespace
}  // namespace infergrid::cli
