// Partial settlement: a failed-over worker's and a cancelled stream's tokens, paid from the open
// escrow by the miner's signed claim, each miner once, the prompt once, the rest refunded exactly.
#include <gtest/gtest.h>

#include "actors/settlement/ledger/escrow_fixture.test.hpp"
#include "actors/settlement/ledger/signed_ops.hpp"

namespace infergrid::ledger {
namespace {

class partial_settle_test : public testing::escrow_fixture {
 protected:
  // 1,000 micro per 1k prompt tokens (1 per token), 10,000 per 1k completion tokens (10 per token).
  partial_settle_test() : escrow_fixture(1'000, 10'000) {}
};

TEST_F(partial_settle_test, failover_pays_each_worker_its_tokens_and_the_prompt_once) {
  // 40 prompt tokens; the first worker streamed 30 tokens, the second finished with 50 more.
  ok(make_partial_settle(first, "req-1", 40, 30, digest{}));
  EXPECT_EQ(state.find_escrow("req-1")->held_micro, token - (40 + 300));  // still open
  ok(make_settle(second, "req-1", 40, 50, digest{}));
  EXPECT_EQ(balance(account_of(first)), after_fee(40 + 300));
  EXPECT_EQ(balance(account_of(second)), after_fee(500));  // its prompt prefill is not charged again
  EXPECT_EQ(balance(dev), 10 * token - (40 + 300 + 500));   // the client pays what it received
  EXPECT_EQ(state.find(dev)->escrowed_micro, 0);
  EXPECT_EQ(state.find_escrow("req-1"), nullptr);
  EXPECT_TRUE(*state.escrow_closed("req-1"));
}

TEST_F(partial_settle_test, a_cancelled_stream_pays_its_tokens_and_the_refund_returns_the_rest) {
  ok(make_partial_settle(first, "req-1", 40, 12, digest{}));
  ok(refund_op{"req-1", "cancelled by the client"});
  EXPECT_EQ(balance(account_of(first)), after_fee(40 + 120));
  EXPECT_EQ(balance(dev), 10 * token - (40 + 120));
  EXPECT_EQ(state.find(dev)->escrowed_micro, 0);
}

TEST_F(partial_settle_test, each_miner_is_paid_once_per_request) {
  ok(make_partial_settle(first, "req-1", 40, 12, digest{}));
  EXPECT_EQ(refused(make_partial_settle(first, "req-1", 40, 20, digest{})), error_code::conflict);
  EXPECT_EQ(refused(make_settle(first, "req-1", 40, 20, digest{})), error_code::conflict);
  EXPECT_EQ(balance(account_of(first)), after_fee(40 + 120));
  ok(refund_op{"req-1", "done"});
  // The escrow has ended: nothing more is paid from it.
  EXPECT_EQ(refused(make_partial_settle(second, "req-1", 40, 5, digest{})), error_code::conflict);
}

TEST_F(partial_settle_test, claims_are_capped_at_what_the_escrow_still_holds) {
  // 1 token = 1,000,000 micro holds 100,000 completion tokens at 10 micro each.
  ok(make_partial_settle(first, "req-1", 0, 80'000, digest{}));
  ok(make_partial_settle(second, "req-1", 0, 80'000, digest{}));  // only 200,000 micro were left
  EXPECT_EQ(state.find_escrow("req-1")->held_micro, 0);
  ok(refund_op{"req-1", "done"});
  EXPECT_EQ(balance(dev), 9 * token);
  EXPECT_EQ(balance(account_of(first)) + balance(account_of(second)) + balance("treasury"), token);
}

TEST_F(partial_settle_test, a_forged_claim_pays_nothing) {
  auto forged = make_partial_settle(first, "req-1", 40, 12, digest{});
  forged.receipt.completion_tokens = 1'000;  // the signature covered 12
  EXPECT_EQ(refused(forged), error_code::bad_signature);
  EXPECT_EQ(state.find_escrow("req-1")->held_micro, token);
}

}  // namespace
}  // namespace infergrid::ledger
