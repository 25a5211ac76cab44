// json_mask_bench: the cost of response_format json_object. Greedy decode of one answer on the
// Vulkan engine, the same model and prompt run twice in one process: unconstrained, then with
// json_token_mask applied before every draw (as the gpu_worker does). Prints tokens/s of both, the
// ratio (issue 15's target: >= 0.8x), the mask's own time per token and its one-off build time.
// The mask costs one pass over the vocabulary's bytes per token, so a 151k-token vocabulary (Qwen)
// is the case to measure:
//   ./build/bench/json_mask_bench build/tokenizer_conformance/qwen3-tiny.gguf [tokens=48]
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>

#include "actors/gpu_worker/seeded_sampling.hpp"
#include "kernels/engine/llama_engine.hpp"
#include "kernels/model/json_token_mask.hpp"

using namespace infergrid;
using clock_type = std::chrono::steady_clock;

namespace {

double ms_since(clock_type::time_point start) {
  return std::chrono::duration<double, std::milli>(clock_type::now() - start).count();
}

struct run_result {
  double decode_ms = 0;  // engine steps
  double mask_ms = 0;    // json_token_mask::apply
  std::uint32_t tokens = 0;
};

result<run_result> decode(engine::llama_engine& engine, const model::tokenizer& vocab, const model::json_token_mask* mask,
                          std::uint32_t max_tokens) {
  std::vector<model::token_id> history = vocab.encode("Describe a cat as JSON:");
  const std::size_t prompt = history.size();
  const engine::sequence_step prefill{0, history, 0};
  auto out = engine.step(std::span(&prefill, 1), {.logits = true, .greedy = false});
  if (!out.ok()) return out.err();
  sampling_params greedy;
  if (mask != nullptr) greedy.output_format = "json_object";
  run_result r;
  std::vector<float> scratch;
  while (r.tokens < max_tokens) {
    const auto masked_at = clock_type::now();
    const auto logits = mask == nullptr ? out->logits_of(0)
                                        : gpu_worker::constrained_logits(greedy, *mask, std::span(history).subspan(prompt),
                                                                         out->logits_of(0), scratch);
    if (mask != nullptr) r.mask_ms += ms_since(masked_at);
    const model::token_id next = gpu_worker::sample_at(greedy, logits, history, r.tokens);
    ++r.tokens;
    if (vocab.is_end_of_generation(next)) break;
    history.push_back(next);
    const auto stepped_at = clock_type::now();
    const engine::sequence_step step{0, std::span(&history.back(), 1), static_cast<std::uint32_t>(history.size() - 1)};
    out = engine.step(std::span(&step, 1), {.logits = true, .greedy = false});
    if (!out.ok()) return out.err();
    r.decode_ms += ms_since(stepped_at);
  }
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    fmt::print(stderr, "usage: json_mask_bench MODEL.gguf [tokens=48]\n");
    return 2;
  }
  const std::uint32_t tokens = argc > 2 ? static_cast<std::uint32_t>(std::atoi(argv[2])) : 48;
  auto file = model::gguf_file::open(argv[1]);
  if (!file.ok()) return fmt::print(stderr, "{}\n", file.err().message), 1;
  auto vocab = model::tokenizer::from_gguf(*file);
  if (!vocab.ok()) return fmt::print(stderr, "{}\n", vocab.err().message), 1;
  engine::engine_options options;
  options.n_slots = 1;
  options.context_size = 512;  // enough for the prompt and the answer
  auto engine = engine::llama_engine::create(*file, options);
  if (!engine.ok()) return fmt::print(stderr, "{}\n", engine.err().message), 1;
  const auto built_at = clock_type::now();
  const model::json_token_mask mask(*vocab);
  const double build_ms = ms_since(built_at);
  auto free = decode(*engine, *vocab, nullptr, tokens);
  auto constrained = decode(*engine, *vocab, &mask, tokens);
  if (!free.ok() || !constrained.ok()) {
    return fmt::print(stderr, "{}\n", (!free.ok() ? free : constrained).err().message), 1;
  }
  const double free_tps = 1000.0 * free->tokens / (free->decode_ms + 1e-9);
  const double constrained_tps = 1000.0 * constrained->tokens / (constrained->decode_ms + constrained->mask_ms + 1e-9);
  fmt::print("model {} ({} tokens in the vocabulary) on {}\n", argv[1], vocab->vocab_size(), engine->device_description());
  fmt::print("mask build: {:.1f} ms (once per model)\n", build_ms);
  fmt::print("unconstrained: {} tokens, {:.1f} tokens/s\n", free->tokens, free_tps);
  fmt::print("json_object:   {} tokens, {:.1f} tokens/s (mask {:.2f} ms/token)\n", constrained->tokens, constrained_tps,
             constrained->mask_ms / std::max<std::uint32_t>(constrained->tokens, 1));
  fmt::print("ratio json_object / unconstrained: {:.2f}x (target >= 0.8x)\n", constrained_tps / free_tps);
  return 0;
}
