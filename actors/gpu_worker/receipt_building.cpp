#include "actors/gpu_worker/receipt_building.hpp"

#include "actors/gpu_worker/receipt_signing.hpp"

namespace infergrid::gpu_worker {

completion_receipt build_receipt(const sequence_summary& done, const model_offer& offer, const identity& key,
                                 cheat_mode cheat) {
  completion_receipt receipt;
  receipt.request_id = done.request.request_id;
  receipt.worker_id = to_hex(key.public_id());
  receipt.model = offer.name;
  receipt.model_hash = offer.content_hash;
  receipt.prompt_hash = prompt_hash_of(done.prompt_tokens);
  receipt.prompt_token_count = static_cast<std::uint32_t>(done.prompt_tokens.size());
  receipt.first_index = done.first_index;
  receipt.completion_token_count = done.generated_here;
  receipt.sampling = done.request.sampling;
  receipt.price_prompt_micro = static_cast<std::uint64_t>(done.price.prompt_per_1k_micro);
  receipt.price_completion_micro = static_cast<std::uint64_t>(done.price.completion_per_1k_micro);
  receipt.finish_reason = done.finish_reason;
  receipt.output_tokens = done.output_tokens;
  receipt.fingerprints = done.fingerprints;
  receipt.embedding = done.embedding;
  cheat_before_signing(cheat, receipt);
  sign_receipt(receipt, key);
  cheat_after_signing(cheat, receipt);
  return receipt;
}

}  // namespace infergrid::gpu_worker
