#pragma once
// receipt_building: the signed completion_receipt for a finished sequence — what it computed (model,
// prompt hash, counts, sampler, finish reason), its evidence (output tokens, fingerprints) and the
// worker's two signatures (receipt_signing.hpp). A test-only cheat mode alters it (cheat_mode.hpp).
#include "actors/gpu_worker/cheat_mode.hpp"
#include "actors/gpu_worker/continuous_batch.hpp"
#include "messages/match.hpp"
#include "runtime/identity.hpp"

namespace infergrid::gpu_worker {

completion_receipt build_receipt(const sequence_summary& done, const model_offer& offer, const identity& key,
                                 cheat_mode cheat = cheat_mode::none);

}  // namespace infergrid::gpu_worker
