#pragma once
// loaded_model: what an actor that runs a model loads when it starts — its signing key, the GGUF,
// the vocabulary and a Vulkan engine over it — in that order, the first failure returned with its
// reason. The gpu_worker (a miner) and the validator (which replays miners) both start this way.
#include <cstdint>
#include <functional>
#include <string>

#include "kernels/engine/llama_engine.hpp"
#include "kernels/model/gguf_file.hpp"
#include "kernels/model/tokenizer.hpp"
#include "runtime/identity.hpp"
#include "runtime/result.hpp"
#include "runtime/settings.hpp"

namespace infergrid::gpu_worker {

struct model_load_options {
  std::string model_path;          // resolved already (model_path.hpp)
  std::string identity_file;       // Ed25519 seed file, created when missing; "" = a fresh key
  std::string device;              // Vulkan device: index or name substring; "" = best
  std::uint32_t slots = 1;
  std::uint32_t context_size = 0;  // 0 = the model's (capped by the engine)
  std::uint32_t batch_tokens = 0;  // tokens (and logits rows) per submit; 0 = the engine's default
  std::function<void(const std::string&)> log_line;  // load progress and messages
  // Weights uploaded so far (done, total bytes), instead of log_line's progress lines (a progress bar).
  std::function<void(std::size_t, std::size_t)> on_progress;
  bool kv_cache_f16 = false;  // engine_options::kv_cache_f16
};

// The `kv_cache_type` setting of a model-running actor: "f32" (the default) or "f16" (half the KV
// cache memory, llama.cpp's default type) into `f16`; another value is an error naming the setting.
status read_kv_cache_type(const settings& config, bool& f16);

struct loaded_model {
  identity key;
  model::gguf_file file;
  model::tokenizer vocab;
  engine::llama_engine engine;
};

result<loaded_model> load_model(const model_load_options& options);

}  // namespace infergrid::gpu_worker
