#pragma once
// generation: the token loop shared by every engine — tokenize the prompt, prefill it in one forward
// call, then sample and decode one token at a time, streaming text, until EOS, the token budget, the
// context end or the caller cancels. Engines plug in as a forward function (the CPU reference, the
// Vulkan engine), so the loop, its stop rules and its timing are written once.
#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kernels/model/sampler.hpp"
#include "kernels/model/tokenizer.hpp"
#include "runtime/result.hpp"

namespace infergrid::model {

// Runs `tokens` at positions start_position.. and returns the last token's logits (n_vocab floats).
using forward_function =
    std::function<result<std::vector<float>>(std::span<const token_id> tokens, std::size_t start_position)>;
// Receives each complete piece of text; returning false cancels generation.
using text_callback = std::function<bool(std::string_view text)>;

struct generation_config {
  std::size_t max_new_tokens = 64;
  sampler_config sampling;
  bool stop_at_eos = true;
};

enum class stop_reason { max_tokens, end_of_generation, context_full, cancelled };
std::string_view to_string(stop_reason reason);

struct generation_result {
  std::vector<token_id> prompt_tokens;
  std::vector<token_id> generated_tokens;  // includes the EOS token when it stopped on one
  std::string text;                        // the generated text (not the prompt)
  stop_reason reason = stop_reason::max_tokens;
  double prefill_seconds = 0.0;
  double decode_seconds = 0.0;  // sampling and forward passes after the prefill

  double prefill_tokens_per_second() const;
  double decode_tokens_per_second() const;
};

// `context_size` bounds prompt + generated tokens (the engine's KV cache length).
result<generation_result> generate(const tokenizer& vocab, const forward_function& forward, std::size_t context_size,
                                   std::string_view prompt, const generation_config& config,
                                   const text_callback& on_text = {});

}  // namespace infergrid::model
