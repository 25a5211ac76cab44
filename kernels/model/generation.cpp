#include "kernels/model/generation.hpp"

#include <chrono>
#include <cmath>

#include "kernels/model/finite_logits.hpp"
#include "kernels/model/logit_sums.hpp"

namespace infergrid::model {
namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// An engine that returns the wrong number of logits has a bug; report it instead of sampling garbage.
status check_logits(const result<std::vector<float>>& logits, const tokenizer& vocab) {
  if (!logits) return logits.err();
  if (logits->size() != vocab.vocab_size()) {
    return make_error(error_code::internal, "forward returned " + std::to_string(logits->size()) +
                                                " logits for a vocabulary of " + std::to_string(vocab.vocab_size()));
  }
  return {};
}

}  // namespace

std::string_view to_string(stop_reason reason) {
  switch (reason) {
    case stop_reason::max_tokens: return "max_tokens";
    case stop_reason::end_of_generation: return "end_of_generation";
    case stop_reason::context_full: return "context_full";
    case stop_reason::cancelled: return "cancelled";
  }
  return "unknown";
}

double generation_result::prefill_tokens_per_second() const {
  return prefill_seconds > 0.0 ? static_cast<double>(prompt_tokens.size()) / prefill_seconds : 0.0;
}

double generation_result::decode_tokens_per_second() const {
  // The first generated token comes from the prefill's logits; the rest each cost one forward pass.
  const std::size_t decoded = generated_tokens.size() > 1 ? generated_tokens.size() - 1 : 0;
  return decode_seconds > 0.0 ? static_cast<double>(decoded) / decode_seconds : 0.0;
}

result<generation_result> generate(const tokenizer& vocab, const forward_function& forward, std::size_t context_size,
                                   std::string_view prompt, const generation_config& config,
                                   const text_callback& on_text) {
  generation_result out;
  out.prompt_tokens = vocab.encode(prompt);
  if (out.prompt_tokens.empty()) {
    return make_error(error_code::invalid_argument, "the prompt is empty and the model adds no BOS token");
  }
  if (out.prompt_tokens.size() > context_size) {
    return make_error(error_code::too_large, "the prompt has " + std::to_string(out.prompt_tokens.size()) +
                                                 " tokens; the context holds " + std::to_string(context_size));
  }
  sampler picker(config.sampling);
  for (token_id token : out.prompt_tokens) picker.accept(token);
  text_stream stream(vocab, /*at_text_start=*/prompt.empty());

  auto start = std::chrono::steady_clock::now();
  auto logits = forward(out.prompt_tokens, 0);
  IG_TRY(check_logits(logits, vocab));
  out.prefill_seconds = seconds_since(start);
  start = std::chrono::steady_clock::now();
  std::size_t position = out.prompt_tokens.size();
  // Bounded by max_new_tokens; each round also stops at EOS, a full context or cancellation.
  for (std::size_t step = 0; step < config.max_new_tokens; ++step) {
    if (!std::isfinite(max_logit(*logits))) return non_finite_logits(step);
    const token_id next = picker.sample(*logits);
    out.generated_tokens.push_back(next);
    if (config.stop_at_eos && vocab.is_end_of_generation(next)) {
      out.reason = stop_reason::end_of_generation;
      break;
    }
    const std::string piece = stream.push(next);
    out.text += piece;
    if (!piece.empty() && on_text && !on_text(piece)) {
      out.reason = stop_reason::cancelled;
      break;
    }
    if (step + 1 == config.max_new_tokens) break;
    if (position >= context_size) {
      out.reason = stop_reason::context_full;
      break;
    }
    logits = forward(std::span<const token_id>(&out.generated_tokens.back(), 1), position);
    IG_TRY(check_logits(logits, vocab));
    ++position;
  }
  out.decode_seconds = seconds_since(start);
  const std::string rest = stream.finish();
  out.text += rest;
  if (!rest.empty() && on_text) on_text(rest);
  return out;
}

}  // namespace infergrid::model
