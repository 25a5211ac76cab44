#include "actors/settlement/ledger/ledger.hpp"

#include <gtest/gtest.h>

#include "actors/settlement/ledger/ledger_test_support.hpp"
#include "actors/settlement/ledger/ledger_verify.hpp"
#include "actors/settlement/ledger/operation_codec.hpp"
#include "actors/settlement/ledger/signed_ops.hpp"

namespace infergrid::ledger {
namespace {

using testing::key;
constexpr micro_units token = micro_per_token;

class ledger_test : public ::testing::Test {
 protected:
  ledger open_ledger() {
    auto opened = ledger::open(ledger_options{.path = path}, key(100));
    EXPECT_TRUE(opened.ok()) << opened.err().message;
    return std::move(*opened);
  }
  testing::temp_dir dir{"ledger-test"};
  std::string path = dir.file("ledger.db");
};

TEST_F(ledger_test, replay_with_same_op_id_is_a_no_op_returning_the_original_outcome) {
  ledger l = open_ledger();
  const command deposit{"op-1", "msg-1", deposit_op{"alice", 0, 5 * token}};
  auto first = l.submit_one(deposit);
  ASSERT_TRUE(first.ok()) << first.err().message;
  EXPECT_FALSE(first->replayed);
  auto again = l.submit_one(deposit);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(again->seq, first->seq);
  EXPECT_EQ(again->result, first->result);
  EXPECT_EQ(l.state().find("alice")->balance_micro, 5 * token);
  auto different = l.submit_one(command{"op-1", "msg-2", deposit_op{"alice", 0, 6 * token}});
  ASSERT_FALSE(different.ok());
  EXPECT_EQ(different.err().code, error_code::conflict);
  EXPECT_EQ(l.last_seq(), 1u);
}

TEST_F(ledger_test, group_commit_acknowledges_each_command_on_its_own) {
  ledger l = open_ledger();
  std::vector<command> batch{
      {"d1", "m", deposit_op{"bob", 0, 2 * token}},
      {"e1", "m", escrow_op{"req-1", "bob", 3 * token, 1, 1}},  // insufficient: only 2 tokens
      {"e2", "m", escrow_op{"req-2", "bob", token, 1, 1}},
      {"d1", "m", deposit_op{"bob", 0, 2 * token}},  // duplicate inside the batch
  };
  auto acks = l.submit(batch);
  ASSERT_EQ(acks.size(), 4u);
  EXPECT_TRUE(acks[0].ok());
  ASSERT_FALSE(acks[1].ok());
  EXPECT_EQ(acks[1].err().code, error_code::insufficient_funds);
  EXPECT_TRUE(acks[2].ok());
  ASSERT_TRUE(acks[3].ok());
  EXPECT_TRUE(acks[3]->replayed);
  EXPECT_EQ(l.last_seq(), 2u);
}

TEST_F(ledger_test, state_survives_reopen_and_replays_identically) {
  const identity miner = key(1);
  {
    ledger l = open_ledger();
    ASSERT_TRUE(l.submit_one({"d", "m", deposit_op{"dev", 0, 10 * token}}).ok());
    ASSERT_TRUE(l.submit_one({"dm", "m", deposit_op{account_of(miner), 1, 200 * token}}).ok());
    ASSERT_TRUE(l.submit_one({"s", "m", stake_op{account_of(miner), 150 * token}}).ok());
    ASSERT_TRUE(l.submit_one({"e", "m", escrow_op{"r1", "dev", token, 10'000, 10'000}}).ok());
    ASSERT_TRUE(l.submit_one({"st", "m", make_settle(miner, "r1", 50, 50, digest{})}).ok());
    ASSERT_TRUE(l.submit_one({"e2", "m", escrow_op{"r2", "dev", token, 1, 1}}).ok());
  }
  ledger again = open_ledger();
  EXPECT_EQ(again.last_seq(), 6u);
  EXPECT_EQ(again.state().find("dev")->balance_micro, 10 * token - 1'000 - token);
  EXPECT_EQ(again.state().find("dev")->escrowed_micro, token);
  EXPECT_TRUE(again.state().schedulable(account_of(miner)));
  auto replay = again.submit_one({"st", "m", make_settle(miner, "r1", 50, 50, digest{})});
  ASSERT_TRUE(replay.ok());
  EXPECT_TRUE(replay->replayed);
  auto report = verify_ledger(path);
  ASSERT_TRUE(report.ok()) << report.err().message;
  EXPECT_EQ(report->entries, 6u);
  EXPECT_EQ(report->open_escrows, 1u);
  EXPECT_EQ(report->supply_micro, 210 * token);
}

TEST_F(ledger_test, epoch_close_publishes_the_root_hash) {
  ledger l = open_ledger();
  ASSERT_TRUE(l.submit_one({"m", "x", mint_op{"treasury", token}}).ok());
  auto closed = l.submit_one({"c0", "x", epoch_close_op{0, 0, {}}});
  ASSERT_TRUE(closed.ok());
  auto roots = l.store().epoch_roots();
  ASSERT_TRUE(roots.ok());
  ASSERT_EQ(roots->size(), 1u);
  EXPECT_EQ(roots->front().last_seq, closed->seq);
  EXPECT_EQ(byte_vector(roots->front().root_hash.begin(), roots->front().root_hash.end()), closed->entry_hash);
}

TEST_F(ledger_test, history_lists_an_accounts_entries_newest_first) {
  ledger l = open_ledger();
  ASSERT_TRUE(l.submit_one({"a", "x", deposit_op{"carol", 0, token}}).ok());
  ASSERT_TRUE(l.submit_one({"b", "x", deposit_op{"dave", 0, token}}).ok());
  ASSERT_TRUE(l.submit_one({"c", "x", transfer_op{"dave", "carol", token / 2}}).ok());
  auto history = l.store().history("carol", 10);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].op_id, "c");
  EXPECT_EQ((*history)[1].op_id, "a");
  // Pages: only entries before before_seq; the previous page's oldest seq reads the next page.
  auto older = l.store().history("carol", 1, (*history)[0].seq);
  ASSERT_TRUE(older.ok());
  ASSERT_EQ(older->size(), 1u);
  EXPECT_EQ((*older)[0].op_id, "a");
  auto none = l.store().history("carol", 10, (*older)[0].seq);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty()) << "nothing before the first entry";
}

TEST_F(ledger_test, reopening_with_another_config_is_refused) {
  { ledger l = open_ledger(); }
  ledger_options other{.path = path};
  other.config.fee_bps = 999;
  auto opened = ledger::open(other, key(100));
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.err().code, error_code::conflict);
  other.use_stored_config = true;
  auto adopted = ledger::open(other, key(100));
  ASSERT_TRUE(adopted.ok());
  EXPECT_EQ(adopted->config().fee_bps, ledger_config{}.fee_bps);
}

TEST_F(ledger_test, a_ledger_opens_only_with_its_signers_key) {
  { ledger l = open_ledger(); }
  auto other = ledger::open(ledger_options{.path = path}, key(101));
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.err().code, error_code::permission_denied);
  EXPECT_NE(other.err().message.find("is signed by key"), std::string::npos) << other.err().message;
  EXPECT_TRUE(ledger::open(ledger_options{.path = path}, key(100)).ok());
}

TEST_F(ledger_test, a_ledger_keeps_the_custody_of_stakes_it_was_created_with) {
  { ledger l = open_ledger(); }
  ledger_options on_chain{.path = path};
  on_chain.config.slashes_on_chain = true;
  auto opened = ledger::open(on_chain, key(100));
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.err().code, error_code::conflict);
  EXPECT_NE(opened.err().message.find("created without stakes in custody on a chain"), std::string::npos) << opened.err().message;
}

TEST_F(ledger_test, a_second_writer_is_refused_while_the_first_holds_the_file) {
  ledger first = open_ledger();
  auto second = ledger::open(ledger_options{.path = path}, key(100));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.err().code, error_code::conflict);
  EXPECT_NE(second.err().message.find("open for writing by another process"), std::string::npos) << second.err().message;
  ASSERT_TRUE(first.submit_one({"a", "x", deposit_op{"erin", 0, token}}).ok());  // the holder still writes
}

TEST_F(ledger_test, the_writer_lock_goes_with_the_ledger) {
  { ledger first = open_ledger(); }
  auto again = ledger::open(ledger_options{.path = path}, key(100));
  EXPECT_TRUE(again.ok()) << again.err().message;
}

TEST(escrow_encoding, an_escrow_without_expiry_keeps_its_five_field_bytes_and_one_with_has_six) {
  const byte_vector plain = encode_operation(escrow_op{"r", "dev", 1, 2, 3});
  ASSERT_GT(plain.size(), 3u);
  EXPECT_EQ(plain[2], 0x95);  // [8, [5 fields]]: the bytes every escrow was written with before expiries
  const byte_vector timed = encode_operation(escrow_op{"r", "dev", 1, 2, 3, 1'700'000'000'000});
  EXPECT_EQ(timed[2], 0x96);
  auto back = decode_operation(timed);
  ASSERT_TRUE(back.ok()) << back.err().message;
  EXPECT_EQ(std::get<escrow_op>(*back).expires_at_unix_ms, 1'700'000'000'000);
  // Six fields with a zero expiry is another encoding of the five-field escrow: not canonical.
  byte_vector zero = plain;
  zero[2] = 0x96;
  zero.push_back(0x00);
  EXPECT_EQ(decode_operation(zero).err().code, error_code::malformed_input);
}

TEST_F(ledger_test, entries_table_refuses_updates) {
  { ledger l = open_ledger(); ASSERT_TRUE(l.submit_one({"a", "x", deposit_op{"erin", 0, token}}).ok()); }
  auto db = sqlite_db::open(path);
  ASSERT_TRUE(db.ok());
  auto tampered = db->exec("UPDATE entries SET cause_id = 'forged' WHERE seq = 1");
  ASSERT_FALSE(tampered.ok());
  EXPECT_NE(tampered.err().message.find("append-only"), std::string::npos);
}

}  // namespace
}  // namespace infergrid::ledger
