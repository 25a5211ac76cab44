#pragma once
// fingerprint_forger: a TEST-ONLY cheat (gpu_worker setting `forge_fingerprints_with: PATH`, refused
// without INFERGRID_TEST_CHEATS=1, like cheat_mode.hpp's). The miner generates with a cheap model (the
// GGUF it serves, with `claimed_model_hash` naming the real one) and, when an answer is finished,
// prefills prompt + output once through the real model at PATH to write the fingerprints the real
// model gives those tokens — a forgery no fingerprint check can tell from an honest one. Validators
// must convict it by the draws (reason `tokens`): the tokens are not what the real model's
// distribution and the stated seed draw.
#include <string>

#include "actors/gpu_worker/continuous_batch.hpp"
#include "kernels/engine/llama_engine.hpp"
#include "runtime/result.hpp"

namespace infergrid::gpu_worker {

class fingerprint_forger {
 public:
  // The real model at `path`, on a one-slot engine of `context_size` positions.
  static result<fingerprint_forger> load(const std::string& path, std::uint32_t context_size);

  // Replaces the fingerprints of `done` (its tokens generated here) with the real model's.
  status forge(sequence_summary& done);

 private:
  explicit fingerprint_forger(engine::llama_engine engine) : engine_(std::move(engine)) {}
  engine::llama_engine engine_;
};

}  // namespace infergrid::gpu_worker
