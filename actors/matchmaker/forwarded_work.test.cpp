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
  // A streams positions 0..5, B 5..7, then A again from 7 and finishes with 4 tokens.
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

}  // namespace
}  // namespace infergrid::matchmaker
