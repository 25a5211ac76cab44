// Paying each generated position of a request once: a receipt says where its tokens start
// (first_index), so a worker that took its request back after a failover (A → B → A) is paid for
// both of its segments, and no position is paid twice — whoever claims it.
#include <gtest/gtest.h>

#include "actors/settlement/ledger/escrow_fixture.test.hpp"
#include "actors/settlement/ledger/operation_codec.hpp"
#include "actors/settlement/ledger/signed_ops.hpp"

namespace infergrid::ledger {
namespace {

class paid_positions_test : public testing::escrow_fixture {
 protected:
  // 1 micro per prompt token, 10 per completion token.
  paid_positions_test() : escrow_fixture(1'000, 10'000) {}
};

TEST_F(paid_positions_test, a_worker_that_took_its_request_back_is_paid_for_both_segments) {
  // 40 prompt tokens; A streamed positions 0..30, B 30..50, A again 50..90 and finished.
  ok(make_partial_settle(first, "req-1", 40, 30, digest{}, std::nullopt, 0));
  ok(make_partial_settle(second, "req-1", 40, 20, digest{}, std::nullopt, 30));
  ok(make_settle(first, "req-1", 40, 40, digest{}, std::nullopt, 50));
  EXPECT_EQ(balance(account_of(first)), after_fee(40 + 300) + after_fee(400));
  EXPECT_EQ(balance(account_of(second)), after_fee(200));
  EXPECT_EQ(balance(dev), 10 * token - (40 + 900));  // the prompt once and each of the 90 tokens once
  EXPECT_EQ(state.find(dev)->escrowed_micro, 0);
  EXPECT_TRUE(*state.escrow_closed("req-1"));
}

TEST_F(paid_positions_test, a_position_is_paid_once_whoever_claims_it) {
  ok(make_partial_settle(first, "req-1", 40, 30, digest{}, std::nullopt, 0));
  // Another miner claiming positions 10..30, the same miner the same segment again (a longer claim).
  EXPECT_EQ(refused(make_partial_settle(second, "req-1", 40, 20, digest{}, std::nullopt, 10)), error_code::conflict);
  EXPECT_EQ(refused(make_partial_settle(first, "req-1", 40, 35, digest{}, std::nullopt, 0)), error_code::conflict);
  EXPECT_EQ(refused(make_settle(second, "req-1", 40, 5, digest{}, std::nullopt, 29)), error_code::conflict);
  EXPECT_EQ(balance(account_of(first)), after_fee(40 + 300));
  EXPECT_EQ(balance(account_of(second)), 0);
  // Right after the paid positions is fine.
  ok(make_settle(second, "req-1", 40, 5, digest{}, std::nullopt, 30));
  EXPECT_EQ(balance(account_of(second)), after_fee(50));
}

TEST_F(paid_positions_test, a_claim_of_no_tokens_covers_no_positions) {
  ok(make_partial_settle(first, "req-1", 40, 0, digest{}, std::nullopt, 20));  // the prompt only
  ok(make_settle(second, "req-1", 40, 30, digest{}, std::nullopt, 0));        // positions 0..30 include 20
  EXPECT_EQ(balance(account_of(first)), after_fee(40));
  EXPECT_EQ(balance(account_of(second)), after_fee(300));
}

TEST_F(paid_positions_test, a_receipt_without_positions_pays_its_miner_once_per_request) {
  ok(make_partial_settle(first, "req-1", 40, 30, digest{}));
  EXPECT_EQ(refused(make_settle(first, "req-1", 40, 10, digest{}, std::nullopt, 50)), error_code::conflict);
  ok(make_partial_settle(second, "req-1", 40, 10, digest{}, std::nullopt, 30));
  EXPECT_EQ(refused(make_settle(second, "req-1", 40, 10, digest{})), error_code::conflict);
}

TEST_F(paid_positions_test, a_position_outside_any_request_is_refused_and_a_changed_one_does_not_verify) {
  EXPECT_EQ(refused(make_partial_settle(first, "req-1", 40, 30, digest{}, std::nullopt, -1)), error_code::invalid_argument);
  auto moved = make_partial_settle(first, "req-1", 40, 30, digest{}, std::nullopt, 0);
  moved.receipt.first_index = 100;  // the miner signed position 0
  EXPECT_EQ(refused(moved), error_code::bad_signature);
  auto dropped = make_partial_settle(first, "req-1", 40, 30, digest{}, std::nullopt, 0);
  dropped.receipt.first_index.reset();
  EXPECT_EQ(refused(dropped), error_code::bad_signature);
  EXPECT_EQ(state.find_escrow("req-1")->held_micro, token);
}

TEST(first_index_encoding, older_receipts_keep_their_bytes_and_placed_ones_round_trip_with_or_without_an_ask) {
  settlement_receipt old{"req-1", "miner", 3, 4, byte_vector(32, 7)};
  settlement_receipt priced = old;
  priced.ask = receipt_ask{100, 200};
  settlement_receipt placed = priced;
  placed.first_index = 17;
  settlement_receipt placed_unpriced = old;
  placed_unpriced.first_index = 0;
  EXPECT_NE(signing_bytes(placed), signing_bytes(priced));
  EXPECT_NE(signing_bytes(placed_unpriced), signing_bytes(old));
  for (const settlement_receipt& r : {old, priced, placed, placed_unpriced}) {
    const operation op = partial_settle_op{r, byte_vector(64, 1)};
    auto back = decode_operation(encode_operation(op));
    ASSERT_TRUE(back.ok()) << back.err().message;
    const auto& decoded = std::get<partial_settle_op>(*back).receipt;
    EXPECT_EQ(decoded.ask, r.ask);
    EXPECT_EQ(decoded.first_index, r.first_index);
    EXPECT_EQ(encode_operation(*back), encode_operation(op));
  }
}

}  // namespace
}  // namespace infergrid::ledger
