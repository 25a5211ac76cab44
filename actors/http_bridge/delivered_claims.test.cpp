// delivered_claims: what a cancelled stream pays — each segment's last claim for exactly the tokens
// the bridge received, one per segment, so a worker that took the job back is paid for both stretches.
#include "actors/http_bridge/delivered_claims.hpp"

#include <gtest/gtest.h>

#include "actors/gpu_worker/claimed_stream.test.hpp"
#include "actors/settlement/ledger/ledger_test_support.hpp"

namespace infergrid::http {
namespace {

using ledger::testing::key;

TEST(delivered_claims, each_segment_is_paid_by_its_last_claim_a_to_b_to_a) {
  const identity a = key(1), b = key(2);
  delivered_claims delivered;
  testing::claimed_stream a_first(a, "r1", 0);
  delivered.add(a_first.next(2));
  delivered.add(a_first.next(1));
  testing::claimed_stream b_only(b, "r1", 3);
  delivered.add(b_only.next(4));
  testing::claimed_stream a_again(a, "r1", 7);
  delivered.add(a_again.next(1));
  delivered.add(a_again.next(2));
  const auto& claims = delivered.claims();
  ASSERT_EQ(claims.size(), 3u);
  const std::string a_id = to_hex(a.public_id()), b_id = to_hex(b.public_id());
  EXPECT_EQ(claims[0].miner, a_id);
  EXPECT_EQ(claims[0].first_index, 0u);
  EXPECT_EQ(claims[0].completion_tokens, 3);
  EXPECT_EQ(claims[1].miner, b_id);
  EXPECT_EQ(claims[1].first_index, 3u);
  EXPECT_EQ(claims[1].completion_tokens, 4);
  EXPECT_EQ(claims[2].miner, a_id);
  EXPECT_EQ(claims[2].first_index, 7u);
  EXPECT_EQ(claims[2].completion_tokens, 3);
  EXPECT_NE(claims[0].op_id, claims[2].op_id);
}

TEST(delivered_claims, a_claim_for_more_than_was_received_is_not_kept) {
  const identity a = key(1);
  delivered_claims delivered;
  testing::claimed_stream stream(a, "r1", 0);
  delivered.add(stream.next(2));
  (void)stream.next(1);             // lost on the way: the bridge never received it
  delivered.add(stream.next(1));    // claims 4 tokens; the bridge has 3 from this worker
  ASSERT_EQ(delivered.claims().size(), 1u);
  EXPECT_EQ(delivered.claims()[0].completion_tokens, 2);
}

// A claim whose digest does not chain the fingerprints received binds no evidence a validator could
// audit (the matchmaker does not keep it either): the bridge does not pay it.
TEST(delivered_claims, a_claim_that_does_not_chain_the_fingerprints_received_is_not_kept) {
  const identity a = key(1);
  delivered_claims delivered;
  testing::claimed_stream stream(a, "r1", 0);
  delivered.add(stream.next(2));
  token_chunk altered = stream.next(3);
  altered.fingerprints.back() ^= 1;
  delivered.add(altered);
  delivered.add(stream.next(1));  // the chain stays broken from there
  ASSERT_EQ(delivered.claims().size(), 1u);
  EXPECT_EQ(delivered.claims()[0].completion_tokens, 2);
}

}  // namespace
}  // namespace infergrid::http
