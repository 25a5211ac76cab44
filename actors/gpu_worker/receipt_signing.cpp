#include "actors/gpu_worker/receipt_signing.hpp"

#include <algorithm>

#include "actors/settlement/ledger/operation_codec.hpp"

namespace infergrid {
namespace {

std::vector<std::uint8_t> signed_bytes(completion_receipt receipt) {
  receipt.signature.clear();
  receipt.settlement_signature.clear();
  return encode_body(receipt);
}

}  // namespace

std::string prompt_hash_of(std::span<const std::int32_t> prompt_tokens) {
  std::vector<std::uint8_t> bytes;
  bytes.reserve(prompt_tokens.size() * 4);
  for (const auto t : prompt_tokens) {
    const auto u = static_cast<std::uint32_t>(t);
    for (int shift = 0; shift < 32; shift += 8) bytes.push_back(static_cast<std::uint8_t>(u >> shift));
  }
  return to_hex(hash_bytes(bytes));
}

digest receipt_digest(const completion_receipt& receipt) { return hash_bytes(signed_bytes(receipt)); }

ledger::settlement_receipt settlement_claim_of(const completion_receipt& receipt) {
  const digest bound = receipt_digest(receipt);
  // The worker's price for the job, as it stands in the receipt (and its digest).
  const ledger::receipt_ask ask{static_cast<ledger::micro_units>(receipt.price_prompt_micro),
                                static_cast<ledger::micro_units>(receipt.price_completion_micro)};
  return ledger::settlement_receipt{receipt.request_id,
                                    receipt.worker_id,
                                    receipt.prompt_token_count,
                                    receipt.completion_token_count,
                                    ledger::byte_vector(bound.begin(), bound.end()),
                                    ask,
                                    static_cast<std::int64_t>(receipt.first_index)};
}

void sign_receipt(completion_receipt& receipt, const identity& key) {
  const auto sig = key.sign(signed_bytes(receipt));
  const auto claim = key.sign(ledger::signing_bytes(settlement_claim_of(receipt)));
  receipt.signature.assign(sig.begin(), sig.end());
  receipt.settlement_signature.assign(claim.begin(), claim.end());
}

status verify_receipt(const completion_receipt& receipt) {
  public_key signer{};
  IG_TRY(from_hex(receipt.worker_id, signer));
  signature sig{};
  if (receipt.signature.size() != sig.size()) {
    return make_error(error_code::malformed_input, "receipt signature has " + std::to_string(receipt.signature.size()) +
                                                       " bytes, expected 64");
  }
  std::copy(receipt.signature.begin(), receipt.signature.end(), sig.begin());
  if (!verify_signature(signer, signed_bytes(receipt), sig)) {
    return make_error(error_code::bad_signature, "receipt for " + receipt.request_id + " is not signed by " + receipt.worker_id);
  }
  return {};
}

}  // namespace infergrid
