// forwarded_work: a finished request's forwarded counts stay for its receipt, bounded in time and count.
#include "actors/matchmaker/forwarded_work.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace infergrid::matchmaker
