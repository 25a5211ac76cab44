#pragma once
// gpu_worker settings (the actor's `settings:` mapping), one line each with its default.
#include <cstdint>
#include <string>

#include "actors/gpu_worker/cheat_mode.hpp"
#include "actors/gpu_worker/continuous_batch.hpp"
#include "actors/gpu_worker/worker_pricing.hpp"
#include "runtime/result.hpp"
#include "runtime/settings.hpp"

namespace infergrid::gpu_worker {

struct worker_config {
  std::string model_path;             // GGUF file (required)
  std::string model_name;             // name clients ask for; default: the file name without .gguf
  std::string device;                 // Vulkan device: index or name substring; "" = best
  std::uint32_t slots = 4;            // sequences decoded together (KV-cache slots)
  std::uint32_t context_size = 0;     // positions per slot; 0 = the model's context length, at most 4096
  bool kv_cache_f16 = false;          // kv_cache_type: f16 (loaded_model.hpp)
  pricing_config pricing;                      // asks per 1k tokens (worker_pricing.hpp)
  std::uint64_t stake_micro = 0;               // stake the miner reports (stake gate)
  std::string matchmaker = "matchmaker";       // where to register
  std::int64_t register_retry_ms = 500;        // retry period while the matchmaker does not answer
  std::int64_t heartbeat_interval_ms = 500;    // used until the matchmaker says otherwise
  std::string identity_file;                   // Ed25519 seed file; "" = a fresh key each start
  std::uint32_t benchmark_tokens = 16;         // decode steps measured at startup for tokens/s
  double tokens_per_second = 0;                // advertised decode speed; 0 = measure benchmark_tokens steps at
                                               // startup (`infergrid miner join` states its own benchmark's)
  batch_limits batch;
  // Test-only (cheat_mode.hpp; refused unless INFERGRID_TEST_CHEATS=1): a cheating miner.
  cheat_mode cheat = cheat_mode::none;
  std::string claimed_model_hash;  // "" = the served file's own hash
  std::string forge_fingerprints_with;  // the real model's GGUF (fingerprint_forger.hpp); "" = off
};

result<worker_config> read_worker_config(const settings& config);

}  // namespace infergrid::gpu_worker
