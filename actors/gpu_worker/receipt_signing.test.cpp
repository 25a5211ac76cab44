// receipt_signing: a signed receipt verifies; any changed field, a foreign key or a bad id fails.
#include <gtest/gtest.h>

#include "actors/gpu_worker/receipt_signing.hpp"

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

}  // namespace
}  // namespace infergrid
