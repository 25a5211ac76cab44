// forwarded_work: a finished request's forwarded counts stay for its receipt, bounded in time and
// count; after failovers each earlier segment's last claim is passed on for payment.
#include "actors/matchmaker/forwarded_work.hpp"

#include <gtest/gtest.h>

#include "actors/gpu_worker/claimed_stream.test.hpp"
#include "actors/settlement/ledger/ledger_test_support.hpp"

namespace infergrid::matchmaker {
namespace {

token_chunk chunk_of(const std::string& request_id, const std::string& worker_id, std::size_t tokens) {
  token_chunk chunk;
  chunk.request_id = request_id;
  chunk.worker_id = worker_id;
  chunk.tokens.assign(tokens, 7);
  chunk.prompt_token_count = 3;
  return chunk;
}

completion_receipt receipt_of(const std::string& request_id, const std::string& worker_id, std::uint32_t tokens,
                              std::uint32_t prompt_tokens = 3) {
  completion_receipt receipt;
  receipt.request_id = request_id;
  receipt.worker_id = worker_id;
  receipt.prompt_token_count = prompt_tokens;
  receipt.completion_token_count = tokens;
  return receipt;
}

// Request r1: A streams positions 0..5 (chunks of 2 and 3), B 5..7, then A again from 7 and
// finishes with 4 tokens.
void stream_a_b_a(forwarded_work& work, const identity& a, const identity& b) {
  const std::string a_id = to_hex(a.public_id()), b_id = to_hex(b.public_id());
  work.started("r1", a_id, 0);
  testing::claimed_stream a_first(a, "r1", 0);
  work.forwarded(a_first.next(2));
  work.forwarded(a_first.next(3));
  work.started("r1", b_id, 5);
  testing::claimed_stream b_only(b, "r1", 5);
  work.forwarded(b_only.next(2));
  work.started("r1", a_id, 7);
  testing::claimed_stream a_again(a, "r1", 7);
  work.forwarded(a_again.next(4));
}

TEST(forwarded_work, a_finished_request_is_kept_for_its_receipt_then_forgotten_after_the_wait) {
  forwarded_work work(1000);
  work.started("r1", "w1", 0);
  work.forwarded(chunk_of("r1", "w1", 5));
  work.finished("r1", 10'000);
  EXPECT_TRUE(work.check(receipt_of("r1", "w1", 5)).ok());  // a receipt right after the last chunk
  EXPECT_FALSE(work.check(receipt_of("r1", "w1", 6)).ok());  // counts must match what was forwarded
  work.started("r2", "w1", 0);
  work.finished("r2", 10'900);
  EXPECT_EQ(work.requests_held(), 2u);
  work.started("r3", "w1", 0);
  work.finished("r3", 11'001);  // r1 finished more than 1000 ms ago: forgotten; r2 stays
  EXPECT_EQ(work.requests_held(), 2u);
  auto late = work.check(receipt_of("r1", "w1", 5));
  ASSERT_FALSE(late.ok());
  EXPECT_NE(late.err().message.find("no such request was forwarded"), std::string::npos);
}

TEST(forwarded_work, at_most_max_finished_requests_are_kept) {
  forwarded_work work(1'000'000'000);
  for (std::size_t i = 0; i < forwarded_work::max_finished + 10; ++i) {
    const std::string id = "r" + std::to_string(i);
    work.started(id, "w1", 0);
    work.finished(id, 1);
  }
  EXPECT_EQ(work.requests_held(), forwarded_work::max_finished);
  EXPECT_FALSE(work.check(receipt_of("r0", "w1", 0, 0)).ok());  // the oldest went first
  EXPECT_TRUE(work.check(receipt_of("r" + std::to_string(forwarded_work::max_finished + 9), "w1", 0, 0)).ok());
}

TEST(forwarded_work, a_worker_that_took_its_request_back_has_each_earlier_segment_paid) {
  const identity a = ledger::testing::key(1);
  const identity b = ledger::testing::key(2);
  const std::string a_id = to_hex(a.public_id()), b_id = to_hex(b.public_id());
  forwarded_work work(1000);
  stream_a_b_a(work, a, b);
  completion_receipt receipt = receipt_of("r1", a_id, 4);
  receipt.first_index = 7;
  ASSERT_TRUE(work.check(receipt).ok());
  const auto earlier = work.earlier_claims(receipt);
  ASSERT_EQ(earlier.size(), 2u);
  EXPECT_EQ(earlier[0].miner, a_id);
  EXPECT_EQ(earlier[0].first_index, 0u);
  EXPECT_EQ(earlier[0].completion_tokens, 5);
  EXPECT_EQ(earlier[1].miner, b_id);
  EXPECT_EQ(earlier[1].first_index, 5u);
  EXPECT_EQ(earlier[1].completion_tokens, 2);
  EXPECT_NE(earlier[0].op_id, earlier[1].op_id);
  EXPECT_TRUE(earlier[0].partial && earlier[1].partial);
  // A's two segments are two payments: their op ids differ.
  testing::claimed_stream a_later(a, "r1", 7);
  EXPECT_NE(partial_settlement_of(a_later.next(4)).op_id, earlier[0].op_id);
}

// The segments paid from chunk claims go to the validators with their evidence: after A → B → A,
// A's first segment and B's (A's last one has its receipt); a cancelled request's every segment.
// Each carries the stream from position 0 to its end and the chunks its claim chains.
TEST(forwarded_work, segments_without_a_receipt_of_their_own_are_handed_out_with_evidence_their_claim_binds) {
  const identity a = ledger::testing::key(1);
  const identity b = ledger::testing::key(2);
  const std::string a_id = to_hex(a.public_id()), b_id = to_hex(b.public_id());
  forwarded_work work(1000);
  stream_a_b_a(work, a, b);
  const std::vector<claimed_segment> segments = work.finished("r1", 10'000, true);
  ASSERT_EQ(segments.size(), 2u);
  EXPECT_EQ(segments[0].worker_id, a_id);
  EXPECT_EQ(segments[0].first_index, 0u);
  EXPECT_EQ(segments[0].output_tokens, (std::vector<std::int32_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(segments[0].chunk_tokens, (std::vector<std::uint32_t>{2, 3}));
  EXPECT_EQ(segments[0].fingerprints.size(), 10u);
  EXPECT_EQ(segments[1].worker_id, b_id);
  EXPECT_EQ(segments[1].first_index, 5u);
  EXPECT_EQ(segments[1].output_tokens, (std::vector<std::int32_t>{0, 1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(segments[1].fingerprints.size(), 4u);
  for (const claimed_segment& segment : segments) {
    EXPECT_TRUE(verify_claimed_segment("r1", segment).ok()) << verify_claimed_segment("r1", segment).err().message;
  }
  EXPECT_FALSE(verify_claimed_segment("r2", segments[0]).ok());  // bound to its request
  // The receipt that ends it still checks against the counts (the evidence itself is dropped).
  completion_receipt receipt = receipt_of("r1", a_id, 4);
  receipt.first_index = 7;
  EXPECT_TRUE(work.check(receipt).ok());
  EXPECT_TRUE(work.finished("r1", 10'001, true).empty());
  // Cancelled after A's chunks: A's only segment, no receipt coming.
  work.started("r2", a_id, 0);
  testing::claimed_stream cancelled(a, "r2", 0);
  work.forwarded(cancelled.next(3));
  const std::vector<claimed_segment> cut = work.finished("r2", 10'002);
  ASSERT_EQ(cut.size(), 1u);
  EXPECT_EQ(cut[0].claim.completion_tokens, 3);
  EXPECT_TRUE(verify_claimed_segment("r2", cut[0]).ok());
}

// A claim whose digest does not chain the tokens and fingerprints forwarded binds no evidence: it
// is not kept (nor paid); the last one that did chain them stays.
TEST(forwarded_work, a_claim_that_does_not_chain_what_was_forwarded_is_not_kept) {
  const identity a = ledger::testing::key(1);
  forwarded_work work(1000);
  work.started("r1", to_hex(a.public_id()), 0);
  testing::claimed_stream stream(a, "r1", 0);
  work.forwarded(stream.next(2));
  token_chunk altered = stream.next(3);
  altered.fingerprints[0] ^= 1;  // not what the claim's digest chains
  work.forwarded(altered);
  const std::vector<settle_receipt> claims = work.claims_of("r1");
  ASSERT_EQ(claims.size(), 1u);
  EXPECT_EQ(claims[0].completion_tokens, 2);
  // The segment handed out is what that claim covers.
  const std::vector<claimed_segment> segments = work.finished("r1", 1);
  ASSERT_EQ(segments.size(), 1u);
  EXPECT_EQ(segments[0].output_tokens.size(), 2u);
  EXPECT_TRUE(verify_claimed_segment("r1", segments[0]).ok());
}

}  // namespace
}  // namespace infergrid::matchmaker
