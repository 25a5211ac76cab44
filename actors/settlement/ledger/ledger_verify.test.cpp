// Tampering with the ledger file is caught: by verify_ledger directly, and by the real
// `infergrid ledger verify` binary, which exits non-zero naming the entry or account.
#include "actors/settlement/ledger/ledger_verify.hpp"

#include <gtest/gtest.h>

#include "actors/settlement/ledger/ledger.hpp"
#include "actors/settlement/ledger/ledger_test_support.hpp"
#include "actors/settlement/ledger/signed_ops.hpp"

namespace infergrid::ledger {
namespace {

constexpr micro_units token = micro_per_token;

using testing::cli_result;
using testing::run_cli;

class ledger_verify_test : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = ledger::open(ledger_options{.path = path}, testing::key(1));
    ASSERT_TRUE(opened.ok()) << opened.err().message;
    const identity miner = testing::key(2);
    std::vector<command> batch{{"d1", "m1", deposit_op{"dev", 0, 10 * token}},
                               {"d2", "m2", deposit_op{account_of(miner), 1, token}},
                               {"e1", "m3", escrow_op{"r1", "dev", token, 1'000, 1'000}},
                               {"s1", "m4", make_settle(miner, "r1", 100, 100, digest{})},
                               {"t1", "m5", transfer_op{"dev", "eve", token}}};
    for (const auto& ack : opened->submit(batch)) ASSERT_TRUE(ack.ok()) << ack.err().message;
  }
  void tamper(const std::string& sql) {
    auto db = sqlite_db::open(path);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->exec("DROP TRIGGER IF EXISTS entries_no_update; DROP TRIGGER IF EXISTS entries_no_delete;").ok());
    auto changed = db->exec(sql);
    ASSERT_TRUE(changed.ok()) << changed.err().message;
  }
  void expect_failure_naming(const std::string& what) {
    auto report = verify_ledger(path);
    ASSERT_FALSE(report.ok());
    EXPECT_NE(report.err().message.find(what), std::string::npos) << report.err().message;
  }
  testing::temp_dir dir{"ledger-verify"};
  std::string path = dir.file("ledger.db");
};

TEST_F(ledger_verify_test, untouched_ledger_verifies_through_the_cli) {
  const cli_result out = run_cli("ledger --db " + path + " verify");
  EXPECT_EQ(out.exit_code, 0) << out.output;
  EXPECT_NE(out.output.find("ledger OK: 5 entries"), std::string::npos) << out.output;
}

TEST_F(ledger_verify_test, changed_operation_bytes_fail_the_cli_naming_the_entry) {
  // Rewrite entry 3's escrow of 1 token (1000000 = ce 00 0f 42 40) into 2 tokens (ce 00 1e 84 80).
  tamper("UPDATE entries SET op_bytes = CAST(replace(CAST(op_bytes AS TEXT) COLLATE BINARY, "
         "CAST(x'ce000f4240' AS TEXT), CAST(x'ce001e8480' AS TEXT)) AS BLOB) WHERE seq = 3");
  const cli_result out = run_cli("ledger --db " + path + " verify");
  EXPECT_NE(out.exit_code, 0) << out.output;
  EXPECT_NE(out.output.find("entry 3"), std::string::npos) << out.output;
}

TEST_F(ledger_verify_test, changed_cause_is_caught_by_the_hash) {
  tamper("UPDATE entries SET cause_id = 'forged' WHERE seq = 2");
  expect_failure_naming("entry 2: hash does not match");
}

TEST_F(ledger_verify_test, forged_signature_is_caught) {
  tamper("UPDATE entries SET signature = zeroblob(64) WHERE seq = 4");
  expect_failure_naming("entry 4: signature does not verify");
}

TEST_F(ledger_verify_test, deleted_entry_breaks_the_chain) {
  tamper("DELETE FROM entries WHERE seq = 2");
  expect_failure_naming("entry 3: sequence gap");
}

TEST_F(ledger_verify_test, dropped_last_entry_leaves_balances_that_do_not_replay) {
  tamper("DELETE FROM entries WHERE seq = 5");
  expect_failure_naming("account");
}

TEST_F(ledger_verify_test, edited_balance_is_caught_and_named) {
  tamper("UPDATE accounts SET balance_micro = balance_micro + 1 WHERE id = 'eve'");
  const cli_result out = run_cli("ledger --db " + path + " verify");
  EXPECT_NE(out.exit_code, 0);
  EXPECT_NE(out.output.find("account eve"), std::string::npos) << out.output;
}

TEST(ledger_verify_expiry, an_open_escrow_past_its_expiry_fails_verify_until_the_operator_refunds_it) {
  testing::temp_dir dir{"ledger-expiry"};
  const std::string path = dir.file("ledger.db");
  {
    auto signer = identity::load_or_create(path + ".key");  // the key the CLI signs the refund with
    ASSERT_TRUE(signer.ok()) << signer.err().message;
    auto opened = ledger::open(ledger_options{.path = path}, std::move(*signer));
    ASSERT_TRUE(opened.ok()) << opened.err().message;
    const std::int64_t long_ago_unix_ms = 1'000;  // 1970: well past
    for (const auto& ack : opened->submit(std::vector<command>{
             {"d1", "m1", deposit_op{"dev", 0, 10 * token}},
             {"e1", "m2", escrow_op{"late", "dev", token, 1'000, 1'000, long_ago_unix_ms}},
             {"e2", "m3", escrow_op{"fresh", "dev", token, 1'000, 1'000, unix_ms_now() + 3'600'000}}})) {
      ASSERT_TRUE(ack.ok()) << ack.err().message;
    }
  }
  auto report = verify_ledger(path);
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.err().message.find("escrow of request late"), std::string::npos) << report.err().message;
  const cli_result listed = run_cli("ledger --db " + path + " escrows");
  EXPECT_EQ(listed.exit_code, 0) << listed.output;
  EXPECT_NE(listed.output.find("late  payer dev  held 1.000000  EXPIRED"), std::string::npos) << listed.output;
  EXPECT_NE(listed.output.find("fresh  payer dev  held 1.000000  expires in"), std::string::npos) << listed.output;
  EXPECT_NE(listed.output.find("2 open escrows"), std::string::npos) << listed.output;
  const cli_result refunded = run_cli("ledger --db " + path + " refund late");
  EXPECT_EQ(refunded.exit_code, 0) << refunded.output;
  const cli_result again = run_cli("ledger --db " + path + " refund late");  // same op id: once
  EXPECT_NE(again.output.find("already recorded"), std::string::npos) << again.output;
  const cli_result verified = run_cli("ledger --db " + path + " verify");
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
  EXPECT_NE(verified.output.find("1 open escrows, supply 10.000000 tokens"), std::string::npos) << verified.output;
}

}  // namespace
}  // namespace infergrid::ledger
