// `infergrid ledger` as a user runs it: mutations with idempotent op ids, refusals with a clear
// message and a non-zero exit, balances and history.
#include <gtest/gtest.h>

#include "actors/settlement/ledger/ledger_test_support.hpp"

namespace infergrid::ledger {
namespace {

using testing::run_cli;

class ledger_cli_test : public ::testing::Test {
 protected:
  testing::cli_result ledger_cli(const std::string& arguments) { return run_cli("ledger --db " + db + " " + arguments); }
  testing::temp_dir dir{"ledger-cli"};
  std::string db = dir.file("ledger.db");
};

TEST_F(ledger_cli_test, deposit_retry_with_the_same_op_id_is_recorded_once) {
  auto first = ledger_cli("--create --op-id d-1 deposit alice 12.5");
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_NE(first.output.find("recorded as entry 1"), std::string::npos) << first.output;
  auto retry = ledger_cli("--op-id d-1 deposit alice 12.5");
  ASSERT_EQ(retry.exit_code, 0) << retry.output;
  EXPECT_NE(retry.output.find("already recorded as entry 1"), std::string::npos) << retry.output;
  auto reused = ledger_cli("--op-id d-1 deposit alice 99");
  EXPECT_NE(reused.exit_code, 0);
  EXPECT_NE(reused.output.find("conflict"), std::string::npos) << reused.output;
  auto balance = ledger_cli("balance alice");
  ASSERT_EQ(balance.exit_code, 0) << balance.output;
  EXPECT_NE(balance.output.find("balance    12.500000"), std::string::npos) << balance.output;
}

// A mistyped --key (a fresh key would be made at that path) or another node's key must not write:
// an entry sealed by a key other than the ledger's signer made verify fail for good.
TEST_F(ledger_cli_test, a_mutation_with_a_key_other_than_the_signers_is_refused_and_writes_nothing) {
  ASSERT_EQ(ledger_cli("--create deposit alice 1").exit_code, 0);
  auto other = ledger_cli("--key " + dir.file("typo.key") + " deposit alice 2");
  EXPECT_NE(other.exit_code, 0) << other.output;
  EXPECT_NE(other.output.find("is signed by key"), std::string::npos) << other.output;
  auto verified = ledger_cli("verify");
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
  auto balance = ledger_cli("balance alice");
  EXPECT_NE(balance.output.find("balance    1.000000"), std::string::npos) << balance.output;
}

TEST_F(ledger_cli_test, overdraft_is_refused_with_a_clear_message) {
  ASSERT_EQ(ledger_cli("--create deposit bob 1").exit_code, 0);
  auto refused = ledger_cli("transfer bob carol 2");
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.output.find("insufficient funds: account bob"), std::string::npos) << refused.output;
  auto garbage = ledger_cli("deposit bob 1.0000001");
  EXPECT_NE(garbage.exit_code, 0);
  EXPECT_NE(garbage.output.find("more than 6 decimals"), std::string::npos) << garbage.output;
}

TEST_F(ledger_cli_test, stake_needs_a_miner_and_history_lists_entries) {
  ASSERT_EQ(ledger_cli("deposit m1 200 --kind miner --create").exit_code, 0);
  ASSERT_EQ(ledger_cli("stake m1 150").exit_code, 0);
  ASSERT_EQ(ledger_cli("unbond m1 50").exit_code, 0);
  ASSERT_EQ(ledger_cli("deposit dev 5").exit_code, 0);
  auto not_miner = ledger_cli("stake dev 1");
  EXPECT_NE(not_miner.exit_code, 0);
  EXPECT_NE(not_miner.output.find("not a miner or validator"), std::string::npos) << not_miner.output;
  auto history = ledger_cli("history m1");
  ASSERT_EQ(history.exit_code, 0);
  EXPECT_NE(history.output.find("unbond"), std::string::npos) << history.output;
  EXPECT_NE(history.output.find("stake"), std::string::npos);
  EXPECT_NE(history.output.find("deposit"), std::string::npos);
  auto verify = ledger_cli("verify");
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
  EXPECT_NE(verify.output.find("ledger OK: 4 entries"), std::string::npos) << verify.output;
}

// A mistyped --db must not start a second set of books with a new signer key: a mutation there is
// refused (nothing created) unless --create says a new ledger is meant.
TEST_F(ledger_cli_test, a_mutation_on_a_missing_ledger_is_refused_unless_create_is_given) {
  for (const char* mutation : {"deposit alice 1", "mint alice 1", "transfer alice bob 1", "refund some-request"}) {
    auto refused = ledger_cli(mutation);
    EXPECT_NE(refused.exit_code, 0) << mutation;
    EXPECT_NE(refused.output.find("no ledger at " + db + "; pass --create to start a new one"), std::string::npos)
        << refused.output;
  }
  EXPECT_FALSE(std::filesystem::exists(db));
  EXPECT_FALSE(std::filesystem::exists(db + ".key"));
  auto created = ledger_cli("--create deposit alice 1");
  ASSERT_EQ(created.exit_code, 0) << created.output;
  auto next = ledger_cli("deposit alice 2");  // the ledger exists now: no --create needed
  ASSERT_EQ(next.exit_code, 0) << next.output;
  EXPECT_NE(ledger_cli("balance alice").output.find("balance    3.000000"), std::string::npos);
}

TEST_F(ledger_cli_test, queries_on_a_missing_ledger_fail_without_creating_it) {
  auto missing = ledger_cli("balance alice");
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.output.find("no ledger at"), std::string::npos) << missing.output;
  EXPECT_FALSE(std::filesystem::exists(db));
}

}  // namespace
}  // namespace infergrid::ledger
