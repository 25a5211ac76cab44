// epoch_earnings: a miner's receipts and epoch reward per closed epoch, as the ledger's outcomes
// paid them; the open epoch is not listed; a walk limited to a few entries per call gets there over
// several calls and reports the epochs it has not finished as incomplete; asking for more epochs
// later sums the older ones without counting any entry twice.
#include "actors/settlement/epoch_earnings.hpp"

#include <gtest/gtest.h>

#include "actors/settlement/ledger/ledger_test_support.hpp"
#include "actors/settlement/ledger/signed_ops.hpp"

namespace infergrid {
namespace {

using ledger::testing::key;
constexpr ledger::micro_units token = ledger::micro_per_token;

class epoch_earnings_test : public ::testing::Test {
 protected:
  ledger::acknowledgement ok(const std::string& op_id, ledger::operation op) {
    auto ack = books.submit_one(ledger::command{op_id, "test", std::move(op)});
    EXPECT_TRUE(ack.ok()) << ack.err().message;
    return ack.ok() ? *ack : ledger::acknowledgement{};
  }
  // What the outcome credited to `account`'s balance.
  static ledger::micro_units credited(const ledger::acknowledgement& ack, const std::string& account) {
    ledger::micro_units sum = 0;
    for (const auto& p : ack.result.postings) {
      if (p.account == account && p.where == 0 && p.delta_micro > 0) sum += p.delta_micro;
    }
    return sum;
  }
  void add_miner(const identity& m) {
    ok("stake-deposit/" + ledger::account_of(m), ledger::deposit_op{ledger::account_of(m), 1, 100 * token});
    ok("stake/" + ledger::account_of(m), ledger::stake_op{ledger::account_of(m), 100 * token});
  }
  ledger::micro_units serve(const identity& m, const std::string& id, std::int64_t tokens) {
    ok("escrow/" + id, ledger::escrow_op{id, "dev", 10 * token, 1'000, 1'000});
    return credited(ok("settle/" + id, ledger::make_settle(m, id, tokens / 2, tokens - tokens / 2, digest{})),
                    ledger::account_of(m));
  }
  static const miner_epoch_earnings* row(const epoch_earnings_view& v, const identity& m) {
    for (const auto& r : v.miners) {
      if (r.account == ledger::account_of(m)) return &r;
    }
    return nullptr;
  }

  ledger::testing::temp_dir dir{"epoch-earnings-test"};
  ledger::ledger books = [this] {
    auto opened = ledger::ledger::open(ledger::ledger_options{.path = dir.file("ledger.db")}, key(100));
    EXPECT_TRUE(opened.ok());
    return std::move(*opened);
  }();
  identity a = key(1), b = key(2);
};

TEST_F(epoch_earnings_test, receipts_and_rewards_per_closed_epoch_summed_over_bounded_walks) {
  ok("genesis/dev", ledger::deposit_op{"dev", 0, 1'000 * token});
  ok("mint", ledger::mint_op{"treasury", 1'000 * token});
  add_miner(a);
  add_miner(b);
  const ledger::micro_units a0 = serve(a, "r1", 30'000) + serve(a, "r2", 10'000);
  const ledger::micro_units b0 = serve(b, "r3", 20'000);
  const auto close0 = ok("close/0", ledger::epoch_close_op{0, 10 * token, {}});
  const ledger::micro_units a1 = serve(a, "r4", 8'000);
  const auto close1 = ok("close/1", ledger::epoch_close_op{1, 0, {}});
  serve(b, "r5", 5'000);  // the open epoch: not listed

  epoch_earnings_book book(4);  // a few entries per call: several calls to get through
  auto first = book.newest(books, 1);
  ASSERT_TRUE(first.ok()) << first.err().message;
  ASSERT_EQ(first->size(), 1u);
  EXPECT_EQ((*first)[0].epoch, 1);
  EXPECT_TRUE((*first)[0].complete) << "epoch 1 has 3 entries: one call";
  ASSERT_NE(row((*first)[0], a), nullptr);
  EXPECT_EQ(row((*first)[0], a)->receipts_micro, a1);
  EXPECT_EQ(row((*first)[0], a)->paid_receipts, 1u);
  EXPECT_EQ(row((*first)[0], b), nullptr) << "b was paid nothing in epoch 1";

  // Now both epochs: epoch 0 (13 entries) needs more than one walk; none counted twice.
  auto both = book.newest(books, 2);
  ASSERT_TRUE(both.ok());
  ASSERT_EQ(both->size(), 2u);
  EXPECT_EQ((*both)[1].epoch, 0);
  EXPECT_FALSE((*both)[1].complete);
  for (int calls = 0; calls < 10 && !(*both)[1].complete; ++calls) both = book.newest(books, 2);
  ASSERT_TRUE((*both)[0].complete && (*both)[1].complete);
  const epoch_earnings_view& e0 = (*both)[1];
  const epoch_earnings_view& e1 = (*both)[0];
  EXPECT_EQ(e0.first_seq, 1u);
  EXPECT_EQ(e0.last_seq, close0.seq);
  EXPECT_EQ(e1.first_seq, close0.seq + 1);
  EXPECT_EQ(e1.last_seq, close1.seq);
  EXPECT_EQ(row(e0, a)->receipts_micro, a0);
  EXPECT_EQ(row(e0, a)->paid_receipts, 2u);
  EXPECT_EQ(row(e0, a)->rewards_micro, credited(close0, ledger::account_of(a)));
  EXPECT_EQ(row(e0, b)->receipts_micro, b0);
  EXPECT_EQ(row(e0, b)->rewards_micro, credited(close0, ledger::account_of(b)));
  EXPECT_GT(row(e0, a)->rewards_micro, row(e0, b)->rewards_micro) << "more useful tokens, more reward";
  EXPECT_EQ(row(e1, a)->receipts_micro, a1) << "epoch 1 not counted again";
  EXPECT_EQ(row(e1, a)->rewards_micro, 0);

  ok("close/2", ledger::epoch_close_op{2, 0, {}});  // a new epoch: summed, the old ones kept
  auto three = book.newest(books, 3);
  ASSERT_TRUE(three.ok());
  ASSERT_EQ(three->size(), 3u);
  EXPECT_TRUE((*three)[0].complete);
  EXPECT_EQ(row((*three)[0], b)->paid_receipts, 1u);
  EXPECT_EQ(row((*three)[2], a)->receipts_micro, a0);
  EXPECT_EQ(book.newest(books, ledger_view_earnings_epochs_max + 1).err().code, error_code::invalid_argument);
}

}  // namespace
}  // namespace infergrid
