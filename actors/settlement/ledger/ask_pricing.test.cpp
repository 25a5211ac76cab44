// Ask pricing: a miner is paid at the ask it signed, each price capped by the escrow's (the payer's
// caps); a receipt without an ask is paid at the escrow's prices; the ask is part of what the miner
// signed and of the entry's canonical bytes.
#include <gtest/gtest.h>

#include "actors/settlement/ledger/escrow_fixture.test.hpp"
#include "actors/settlement/ledger/operation_codec.hpp"
#include "actors/settlement/ledger/signed_ops.hpp"

namespace infergrid::ledger {
namespace {

class ask_pricing_test : public testing::escrow_fixture {
 protected:
  // The payer's caps: 4,000 micro per 1k prompt tokens (4 per token), 8,000 per 1k completion tokens.
  ask_pricing_test() : escrow_fixture(4'000, 8'000) {}
  const identity& miner = first;
  const identity& other = second;
};

TEST_F(ask_pricing_test, a_miner_is_paid_at_its_ask_under_the_caps_and_the_payer_keeps_the_rest) {
  // 100 prompt tokens at 1 per token, 50 completion tokens at 2 per token.
  ok(make_settle(miner, "req-1", 100, 50, digest{}, receipt_ask{1'000, 2'000}));
  EXPECT_EQ(balance(account_of(miner)), after_fee(100 + 100));
  EXPECT_EQ(balance(dev), 10 * token - 200);
  EXPECT_EQ(state.find(dev)->escrowed_micro, 0);
}

TEST_F(ask_pricing_test, an_ask_above_a_cap_is_paid_at_the_cap) {
  // The prompt asks under its cap, the completion over it (8 per token is the most the payer agreed to).
  ok(make_settle(miner, "req-1", 100, 50, digest{}, receipt_ask{3'000, 50'000}));
  EXPECT_EQ(balance(account_of(miner)), after_fee(300 + 400));
  EXPECT_EQ(balance(dev), 10 * token - 700);
}

TEST_F(ask_pricing_test, a_receipt_without_an_ask_is_paid_at_the_escrow_prices) {
  ok(make_settle(miner, "req-1", 100, 50, digest{}));
  EXPECT_EQ(balance(account_of(miner)), after_fee(400 + 400));
}

TEST_F(ask_pricing_test, each_worker_of_a_failover_is_paid_at_its_own_ask) {
  ok(make_partial_settle(miner, "req-1", 100, 30, digest{}, receipt_ask{1'000, 2'000}));
  ok(make_settle(other, "req-1", 100, 20, digest{}, receipt_ask{4'000, 6'000}));
  EXPECT_EQ(balance(account_of(miner)), after_fee(100 + 60));  // the prompt once, with the first payment
  EXPECT_EQ(balance(account_of(other)), after_fee(120));
  EXPECT_EQ(balance(dev), 10 * token - (160 + 120));
}

TEST_F(ask_pricing_test, the_ask_is_signed_and_a_changed_ask_does_not_verify) {
  settle_op op = make_settle(miner, "req-1", 100, 50, digest{}, receipt_ask{1'000, 2'000});
  op.receipt.ask->completion_per_1k_micro = 8'000;  // the hub asking more for the miner than it signed
  auto out = state.apply(op);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.err().code, error_code::bad_signature);
  op.receipt.ask.reset();  // nor may it drop the ask to be paid at the caps
  EXPECT_EQ(state.apply(op).err().code, error_code::bad_signature);
  EXPECT_EQ(state.find(dev)->escrowed_micro, token);
}

TEST_F(ask_pricing_test, a_negative_ask_is_refused) {
  auto out = state.apply(make_settle(miner, "req-1", 100, 50, digest{}, receipt_ask{-1, 2'000}));
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.err().code, error_code::invalid_argument);
}

TEST(ask_encoding, a_receipt_without_an_ask_keeps_its_five_field_bytes_and_one_with_it_round_trips) {
  settlement_receipt old{"req-1", "miner", 3, 4, byte_vector(32, 7)};
  const byte_vector five = signing_bytes(old);
  settlement_receipt priced = old;
  priced.ask = receipt_ask{100, 200};
  EXPECT_NE(signing_bytes(priced), five);
  for (const settlement_receipt& r : {old, priced}) {
    const operation op = settle_op{r, byte_vector(64, 1)};
    auto back = decode_operation(encode_operation(op));
    ASSERT_TRUE(back.ok()) << back.err().message;
    const auto& decoded = std::get<settle_op>(*back).receipt;
    EXPECT_EQ(decoded.ask, r.ask);
    EXPECT_EQ(decoded.completion_tokens, 4);
  }
}

}  // namespace
}  // namespace infergrid::ledger
