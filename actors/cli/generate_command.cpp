// `infergrid generate --model FILE --prompt "..." -n 64 [sampling flags] [--device D]`: runs a
// GGUF Llama on the Vulkan engine, streams the text to stdout as it is produced, and reports the
// device and the prefill and decode speeds on stderr.
#include <fmt/core.h>

#include <cstdio>
#include <string>

#include "actors/cli/command_registry.hpp"
#include "kernels/engine/llama_engine.hpp"
#include "kernels/engine/load_progress_lines.hpp"
#include "kernels/model/chat/file_template.hpp"
#include "kernels/model/generation.hpp"
#include "kernels/model/gguf_file.hpp"
#include "kernels/model/tokenizer.hpp"

namespace infergrid::cli {
namespace {

struct generate_flags {
  std::string model_path = "deploy/models/stories260k.gguf";
  std::string prompt = "Once upon a time";
  std::size_t max_new_tokens = 64;
  model::sampler_config sampling;
  std::string device;
  std::uint32_t context_size = 0;
  std::string kv_cache_type = "f32";
  // Chat: the prompt is a user message rendered with the model's chat template (as the HTTP bridge renders
  // /v1/chat/completions), after an optional system message; only the reply is printed.
  bool chat = false;
  std::string system;
  bool no_think = false;     // Qwen3's enable_thinking=false
  bool show_prompt = false;  // the rendered prompt on stderr
};

// The text the model is given: the prompt itself, or with --chat its rendering by the file's template.
result<std::string> model_input(const model::gguf_file& file, const generate_flags& flags) {
  if (!flags.chat) return flags.prompt;
  auto found = chat::template_of(file);
  if (!found) return found.err();
  if (!found->recognised) {
    fmt::print(stderr, "warning: {}: the prompt uses the plain default (\"User: ...\\nAssistant:\")\n",
               found->present ? "tokenizer.chat_template is of no known family" : "the model has no chat template");
  }
  std::vector<chat::chat_message> messages;
  if (!flags.system.empty()) messages.push_back({.role = "system", .content = flags.system});
  messages.push_back({.role = "user", .content = flags.prompt});
  chat::render_options options;
  if (flags.no_think) options.enable_thinking = false;
  return chat::render_chat(found->family, messages, options);
}

int run_generate(const generate_flags& flags) {
  auto file = model::gguf_file::open(flags.model_path);
  if (!file) {
    fmt::print(stderr, "error: {}\n", file.err().message);
    return 1;
  }
  auto vocab = model::tokenizer::from_gguf(*file);
  if (!vocab) {
    fmt::print(stderr, "error: {}\n", vocab.err().message);
    return 1;
  }
  engine::engine_options options;
  options.device = flags.device;
  options.context_size = flags.context_size;
  options.kv_cache_f16 = flags.kv_cache_type == "f16";
  const auto print_line = [](const std::string& line) { fmt::print(stderr, "{}\n", line); };
  options.on_load_progress = engine::load_progress_lines(print_line);
  options.on_load_message = print_line;
  auto engine = engine::llama_engine::create(*file, options);
  if (!engine) {
    fmt::print(stderr, "error: {}\n", engine.err().message);
    return 1;
  }
  fmt::print(stderr, "device: {}\n", engine->device_description());
  const model::forward_function forward = [&](std::span<const model::token_id> tokens,
                                              std::size_t start) -> result<std::vector<float>> {
    const engine::sequence_step entry{0, tokens, static_cast<std::uint32_t>(start)};
    auto out = engine->step(std::span(&entry, 1));
    if (!out) return out.err();
    return std::move(out->logits);
  };
  auto input = model_input(*file, flags);
  if (!input) {
    fmt::print(stderr, "error: {}\n", input.err().message);
    return 1;
  }
  if (flags.show_prompt) fmt::print(stderr, "prompt: {}\n", *input);
  model::generation_config config;
  config.max_new_tokens = flags.max_new_tokens;
  config.sampling = flags.sampling;
  if (!flags.chat) fmt::print("{}", flags.prompt);  // a continuation reads on from its prompt; a reply stands alone
  std::fflush(stdout);
  auto generated = model::generate(*vocab, forward, engine->context_size(), *input, config,
                                   [](std::string_view text) {
                                     fmt::print("{}", text);
                                     std::fflush(stdout);
                                     return true;
                                   });
  fmt::print("\n");
  std::fflush(stdout);
  if (!generated) {
    fmt::print(stderr, "error: {}\n", generated.err().message);
    return 1;
  }
  fmt::print(stderr, "prefill: {} tokens, {:.1f} tokens/s\n", generated->prompt_tokens.size(),
             generated->prefill_tokens_per_second());
  fmt::print(stderr, "decode: {} tokens, {:.1f} tokens/s (stopped: {})\n", generated->generated_tokens.size(),
             generated->decode_tokens_per_second(), model::to_string(generated->reason));
  return 0;
}

void add_generate(CLI::App& app) {
  auto flags = std::make_shared<generate_flags>();
  CLI::App* cmd = app.add_subcommand("generate", "Generate text with a GGUF model (llama, qwen2, qwen3) on the Vulkan engine");
  cmd->add_option("--model,-m", flags->model_path, "GGUF model file")->capture_default_str();
  cmd->add_option("--prompt,-p", flags->prompt, "Prompt text")->capture_default_str();
  cmd->add_option("-n,--tokens", flags->max_new_tokens, "Most tokens to generate")->capture_default_str();
  cmd->add_option("--temp", flags->sampling.temperature, "Temperature (<= 0: greedy)")->capture_default_str();
  cmd->add_option("--top-k", flags->sampling.top_k, "Top-k (<= 0: off)")->capture_default_str();
  cmd->add_option("--top-p", flags->sampling.top_p, "Top-p (>= 1: off)")->capture_default_str();
  cmd->add_option("--min-p", flags->sampling.min_p, "Min-p (<= 0: off)")->capture_default_str();
  cmd->add_option("--repeat-penalty", flags->sampling.repeat_penalty, "Repetition penalty (1: off)")
      ->capture_default_str();
  cmd->add_option("--seed", flags->sampling.seed, "Sampling seed")->capture_default_str();
  cmd->add_option("--device", flags->device, "Vulkan device: index or name substring (default: best GPU, "
                                             "else $INFERGRID_VK_DEVICE or lavapipe)");
  cmd->add_option("--ctx", flags->context_size, "Context positions (0: the model's, at most 4096)")
      ->capture_default_str();
  cmd->add_option("--kv-cache-type", flags->kv_cache_type, "KV cache element type: f32, or f16 (half the memory)")
      ->check(CLI::IsMember({"f32", "f16"}))
      ->capture_default_str();
  cmd->add_flag("--chat", flags->chat,
                "Treat the prompt as a user message: render it with the model's chat template (tokenizer.chat_template, "
                "as /v1/chat/completions does) and print only the reply");
  cmd->add_option("--system", flags->system, "With --chat: a system message before the prompt");
  cmd->add_flag("--no-think", flags->no_think, "With --chat: Qwen3's enable_thinking=false (an empty <think></think>)");
  cmd->add_flag("--show-prompt", flags->show_prompt, "Print the text given to the model (with --chat: as rendered) on stderr");
  cmd->callback([flags] {
    if (!flags->chat && (!flags->system.empty() || flags->no_think)) {
      fmt::print(stderr, "error: --system and --no-think need --chat\n");
      return set_exit_code(2);
    }
    set_exit_code(run_generate(*flags));
  });
}

IG_REGISTER_COMMAND(add_generate);

}  // namespace
}  // namespace infergrid::cli
