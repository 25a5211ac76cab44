#pragma once
// cheat_mode: ways a dishonest miner could cut corners, built into the real worker so the validator
// tests run real cheating worker processes. TEST-ONLY: the `cheat` setting is refused unless the
// environment has INFERGRID_TEST_CHEATS=1 (tests set it for the worker processes they start).
//
//   random_tokens      every token uniform over the vocabulary; embeddings random directions
//   truncate           ends after half of max_tokens with an end-of-generation token it did not draw
//   replay_old         answers every request with the first answer it computed (a cached answer)
//   inflate_count      claims twice the tokens it generated (billing fraud)
//   wrong_model_hash   signs a receipt naming another model hash
//   forge_signature    receipts signed by a throwaway key
//   missing_signature  receipts without signatures
// A different model or a cheaper quantisation needs no mode: serve that GGUF under the real model's
// name and set `claimed_model_hash` (also test-only) to the real model's hash; with
// `forge_fingerprints_with` (fingerprint_forger.hpp) its fingerprints are forged through the real one.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "kernels/model/tokenizer.hpp"
#include "messages/inference.hpp"
#include "runtime/identity.hpp"
#include "runtime/result.hpp"

namespace infergrid::gpu_worker {

enum class cheat_mode {
  none,
  random_tokens,
  truncate,
  replay_old,
  inflate_count,
  wrong_model_hash,
  forge_signature,
  missing_signature
};

inline constexpr const char* test_cheats_env = "INFERGRID_TEST_CHEATS";

// "" or "none" -> none; any other known name only with INFERGRID_TEST_CHEATS=1 set.
result<cheat_mode> read_cheat_mode(const std::string& name);
// Refuses a test-only setting (e.g. claimed_model_hash) without INFERGRID_TEST_CHEATS=1.
status allow_test_only(const std::string& setting);

// The token-level cheats, applied where the worker samples.
class token_cheat {
 public:
  explicit token_cheat(cheat_mode mode) : mode_(mode) {}
  // Whether any cheat is on (replace() then keeps state: call it from one thread, in order).
  bool active() const { return mode_ != cheat_mode::none; }
  // The token to emit at generated position `position` instead of the honest draw.
  model::token_id replace(model::token_id honest, std::uint32_t position, std::uint32_t max_tokens,
                          const model::tokenizer& vocab);
  // A finished answer (replay_old keeps the first).
  void remember(const std::vector<std::int32_t>& output);
  // An embedding job's answer (random_tokens: a random direction of the same length).
  void replace_embedding(std::vector<float>& embedding);

 private:
  cheat_mode mode_;
  std::mt19937_64 rng_{7};
  std::vector<std::int32_t> remembered_;
};

// The receipt-level cheats: `before_signing` alters what is signed, `after_signing` the signatures.
void cheat_before_signing(cheat_mode mode, completion_receipt& receipt);
void cheat_after_signing(cheat_mode mode, completion_receipt& receipt);

}  // namespace infergrid::gpu_worker
