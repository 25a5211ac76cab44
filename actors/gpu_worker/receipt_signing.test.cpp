// receipt_signing: a signed receipt verifies; any changed field, a foreign key or a bad id fails.
#include <gtest/gtest.h>

#include "actors/gpu_worker/receipt_signing.hpp"
#include "actors/settlement/ledger/operation_codec.hpp"

namespace infergrid {
namespace {

completion_receipt signed_receipt(const identity& key) {
  completion_receipt r;
  r.request_id = "req";
  r.worker_id = to_hex(key.public_id());
  r.model = "stories260k";
  r.completion_token_count = 64;
  r.sampling.seed = 7;
  sign_receipt(r, key);
  return r;
}

TEST(receipt_signing, signed_receipt_verifies_and_tampering_is_caught) {
  const auto key = identity::generate();
  auto receipt = signed_receipt(key);
  EXPECT_TRUE(verify_receipt(receipt).ok());
  auto more_tokens = receipt;
  more_tokens.completion_token_count = 65;
  EXPECT_EQ(verify_receipt(more_tokens).err().code, error_code::bad_signature);
  auto other_signer = receipt;
  other_signer.worker_id = to_hex(identity::generate().public_id());
  EXPECT_EQ(verify_receipt(other_signer).err().code, error_code::bad_signature);
  auto short_signature = receipt;
  short_signature.signature.resize(10);
  EXPECT_EQ(verify_receipt(short_signature).err().code, error_code::malformed_input);
  auto bad_id = receipt;
  bad_id.worker_id = "not hex";
  EXPECT_FALSE(verify_receipt(bad_id).ok());
}

// Whether the settlement signature verifies over settlement's payload for this receipt's claim.
bool settlement_signature_verifies(const completion_receipt& r, const identity& key) {
  signature sig{};
  if (r.settlement_signature.size() != sig.size()) return false;
  std::copy(r.settlement_signature.begin(), r.settlement_signature.end(), sig.begin());
  return verify_signature(key.public_id(), ledger::signing_bytes(settlement_claim_of(r)), sig);
}

TEST(receipt_signing, settlement_signature_covers_the_tokens_and_the_whole_body) {
  const auto key = identity::generate();
  auto receipt = signed_receipt(key);
  receipt.prompt_token_count = 5;
  sign_receipt(receipt, key);
  EXPECT_TRUE(settlement_signature_verifies(receipt, key));
  const auto claim = settlement_claim_of(receipt);
  EXPECT_EQ(claim.miner, receipt.worker_id);
  EXPECT_EQ(claim.prompt_tokens, 5);
  EXPECT_EQ(claim.completion_tokens, 64);
  const digest bound = receipt_digest(receipt);
  EXPECT_EQ(claim.receipt_digest, ledger::byte_vector(bound.begin(), bound.end()));
  auto other_model = receipt;  // not a settled field, but bound through the digest
  other_model.model = "other";
  EXPECT_FALSE(settlement_signature_verifies(other_model, key));
  auto more_tokens = receipt;
  more_tokens.completion_token_count = 65;
  EXPECT_FALSE(settlement_signature_verifies(more_tokens, key));
  EXPECT_TRUE(verify_receipt(receipt).ok());  // the settlement signature is outside the signed body
}

}  // namespace
}  // namespace infergrid
