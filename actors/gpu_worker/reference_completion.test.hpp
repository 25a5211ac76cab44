#pragma once
// reference_completion (test support): what a greedy completion must be, computed with the CPU
// reference forward pass — the tokens, and the text as the grid streams it (the continuation of
// the prompt's text, so "The dog" continues " was ...", with its space).
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "kernels/model/generation.hpp"
#include "kernels/model/gguf_file.hpp"
#include "kernels/model/tokenizer.hpp"
#include "kernels/reference/llama_forward.hpp"

namespace infergrid::gpu_worker::testing {

struct reference_completion {
  std::vector<std::int32_t> tokens;
  std::string text;
};

// Thread-safe; each (prompt, max_tokens) is computed once.
inline const reference_completion& greedy_reference(const std::string& model_path, const std::string& prompt,
                                                    std::uint32_t max_tokens, std::size_t context_size = 512) {
  static std::mutex mutex;
  static std::map<std::pair<std::string, std::uint32_t>, reference_completion> cache;
  std::lock_guard lock(mutex);
  auto key = std::make_pair(prompt, max_tokens);
  if (auto found = cache.find(key); found != cache.end()) return found->second;
  static auto file = std::move(model::gguf_file::open(model_path)).value();
  static auto vocab = std::move(model::tokenizer::from_gguf(file)).value();
  auto cpu = std::move(reference::llama_forward::create(file, context_size)).value();
  const model::forward_function forward = [&](std::span<const model::token_id> tokens, std::size_t start) {
    return cpu.forward(tokens, start);
  };
  model::generation_config config;
  config.max_new_tokens = max_tokens;
  config.sampling.temperature = 0;
  auto generated = std::move(model::generate(vocab, forward, context_size, prompt, config)).value();
  std::vector<std::int32_t> all = generated.prompt_tokens;
  all.insert(all.end(), generated.generated_tokens.begin(), generated.generated_tokens.end());
  const std::string prompt_text = vocab.decode(generated.prompt_tokens);
  const std::string full_text = vocab.decode(all);
  return cache[key] = reference_completion{generated.generated_tokens, full_text.substr(prompt_text.size())};
}

}  // namespace infergrid::gpu_worker::testing
