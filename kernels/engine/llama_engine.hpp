#pragma once
// llama_engine: a Llama-architecture GGUF model on a Vulkan device, ready for continuous batching.
//
// The KV cache has n_slots sequence slots, each with its own region of context_size positions. A
// step runs a batch of (slot, tokens, start_position) entries — a prompt prefill of many tokens,
// one decode token per running sequence, or both mixed — recorded into one command buffer and
// submitted once, and returns the logits of each entry's last token (and, if asked, the greedy
// token computed on the device). Which slot holds which sequence is the caller's business (the
// worker actor): a new sequence joins at any step boundary by prefilling into a free slot from
// position 0; a slot is reused by simply starting again at position 0.
//
// One thread drives an engine (the worker actor's); step() submits and waits, so a step's results
// are complete when it returns.
//
//   auto engine = llama_engine::load("model.gguf", {.n_slots = 8});
//   const sequence_step batch[] = {{0, prompt_tokens, 0}, {1, {&next, 1}, 57}};
//   auto out = engine->step(batch);          // out->logits_of(0), out->logits_of(1)
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "kernels/engine/kernel_library.hpp"
#include "kernels/model/gguf_file.hpp"
#include "kernels/model/llama_hparams.hpp"
#include "runtime/result.hpp"

namespace infergrid::engine {

struct engine_options {
  std::string device;                 // Vulkan device: index or name substring; empty = $INFERGRID_VK_DEVICE or best
  std::uint32_t n_slots = 1;          // sequences with their own KV cache region
  std::uint32_t context_size = 0;     // positions per slot; 0 = the model's context length, at most 4096
  std::uint32_t max_batch_tokens = 128;  // tokens per submit; longer batches run in several submits
  // Logits rows one submit can return: 0 = n_slots (a step's last token per sequence). score() uses
  // up to this many per submit, so a validator sets it to max_batch_tokens.
  std::uint32_t max_output_rows = 0;
  // The KV cache in 16-bit floats: half its memory (llama.cpp's default cache type), values rounded
  // once when written. Needs storageBuffer16BitAccess (NVIDIA, AMD, Intel, lavapipe have it).
  bool kv_cache_f16 = false;
  kernel_options kernels;
  // Record the common step shapes at load and run each once with placeholder tokens (creating
  // every pipeline they use, and on CPU drivers, which compile at a pipeline's first dispatch, the
  // code itself), so the first prompt and token are not slowed by shader compilation.
  bool warm_up = true;
  // Largest weight part in bytes; 0 = the device's binding limits decide where matrices split.
  std::size_t weight_part_bytes_limit = 0;
  // Time every dispatch with device timestamps (kernel_profile()); costs a little per dispatch.
  bool profile = false;
  // Told as the weights go up to the device (see upload_progress in device_model.hpp).
  std::function<void(std::size_t done_bytes, std::size_t total_bytes)> on_load_progress;
  // Told the memory plan (memory_plan::describe()) before anything is uploaded.
  std::function<void(const std::string&)> on_load_message;
  // Memory the model may use on the device in bytes; 0 = what the device offers (memory_plan.hpp).
  // A model whose plan exceeds it is refused before the upload.
  std::size_t memory_limit_bytes = 0;
};

struct sequence_step {
  std::uint32_t slot = 0;
  std::span<const std::int32_t> tokens;  // at positions start_position, start_position + 1, ...
  std::uint32_t start_position = 0;      // the slot's cache must hold positions before it
};

struct step_options {
  bool logits = true;   // copy each entry's last-token logits back
  bool greedy = false;  // compute each entry's argmax on the device
  // With logits: a step of one submit (every decode step; prefills up to max_batch_tokens) leaves
  // them where the device wrote them (host-visible memory) and logits_of views them there, valid
  // until the engine's next call — no copy of [entries][n_vocab] floats per step (16 sequences of
  // a 152k vocabulary: 9.7 MB). A longer step copies them as without it, and so does a device whose
  // host-visible memory is not cached (reading that is slow: the draws' passes read a copy).
  bool borrow_logits = false;
};

struct step_result {
  std::uint32_t n_vocab = 0;
  std::vector<float> logits;             // [entries][n_vocab] when step_options::logits, unless borrowed
  std::span<const float> borrowed;       // the same rows in the engine's buffer (step_options::borrow_logits)
  std::vector<std::int32_t> greedy_ids;  // [entries] when step_options::greedy
  std::span<const float> logits_of(std::size_t entry) const {
    return (borrowed.empty() ? std::span<const float>(logits) : borrowed).subspan(entry * n_vocab, n_vocab);
  }
};

class llama_engine {
 public:
  static result<llama_engine> load(const std::string& path, const engine_options& options = {});
  // Uploads from an open file; the file is not needed afterwards.
  static result<llama_engine> create(const model::gguf_file& file, const engine_options& options = {});

  llama_engine(llama_engine&&) noexcept;
  llama_engine& operator=(llama_engine&&) noexcept;
  ~llama_engine();

  result<step_result> step(std::span<const sequence_step> batch, const step_options& options = {});
  // Teacher forcing: runs `tokens` into `slot` from `start_position` as a prefill and returns the
  // logits after every one of them (logits_of(i) predicts the token after tokens[i]), in submits of
  // up to min(max_batch_tokens, max_output_rows) tokens — one prefill checks a whole answer.
  result<step_result> score(std::uint32_t slot, std::span<const std::int32_t> tokens, std::uint32_t start_position);
  // Embedding: runs `tokens` into `slot` from position 0 as a prefill (no logits) and returns the
  // mean over the tokens of the final hidden state (after output_norm), n_embd floats — llama.cpp's
  // mean pooling, unnormalised.
  result<std::vector<float>> embed(std::uint32_t slot, std::span<const std::int32_t> tokens);

  const model::llama_hparams& hparams() const;
  std::string device_description() const;
  std::uint32_t n_slots() const;
  std::uint32_t context_size() const;
  std::size_t weight_bytes() const;    // weights as stored on the device
  std::size_t kv_cache_bytes() const;
  std::size_t activation_bytes() const;
  // Device time per kernel over the steps run since load or the last reset (engine_options::profile;
  // empty without it).
  const kernel_times& kernel_profile() const;
  void reset_kernel_profile();

 private:
  struct state;
  explicit llama_engine(std::unique_ptr<state> s);
  status run_warm_up_steps();
  std::unique_ptr<state> state_;
};

}  // namespace infergrid::engine
