// Withdrawals through the chain are refused — and book nothing — wherever custody cannot be checked,
// over the bus of a node hosting the settlement actor (no chain node needed: these refusals come
// before one is asked): a settlement without a chain bridge; a request naming no chain account, a
// zero or negative amount, no op id; and a chain node down since the actor started (the chain id
// the signed statement names is not known yet). The account's balance stays whole and the ledger
// holds no withdrawal. (tests/chain_anchor.test.cpp covers a forged signature, another chain's
// statement, more than the balance and an unbound node identity against a live anvil.)
#include <gtest/gtest.h>

#include "actors/settlement/chain/withdrawal_statement.hpp"
#include "actors/settlement/chain_ledger_operations.hpp"
#include "actors/settlement/ledger/ledger_test_support.hpp"
#include "actors/settlement/ledger/ledger_verify.hpp"
#include "messages/chain_withdrawal.hpp"
#include "messages/ledger.hpp"
#include "tests/support/free_port.hpp"
#include "tests/support/started_node.hpp"

namespace infergrid {
namespace {

constexpr std::int64_t token = ledger::micro_per_token;
constexpr std::int64_t timeout_ms = 5000;
const std::string vault_hex = "0x00000000000000000000000000000000000000ee";

class chain_withdrawal_refusals : public ::testing::Test {
 protected:
  // A node hosting the settlement actor; `chain_settings`: appended to its settings.
  void start(const std::string& chain_settings) {
    const std::string yaml = "node: {name: test}\n"
                             "limits: {drain_quiet_ms: 10}\n"
                             "actors:\n"
                             "  - name: settlement\n"
                             "    kind: settlement\n"
                             "    settings: {db: " + db + ", durable: false" + chain_settings + "}\n";
    auto started = testing::start_node(yaml, "<chain withdrawal refusals>");
    ASSERT_TRUE(started.ok()) << started.err().message;
    grid = std::move(*started);
    ASSERT_TRUE((grid->call<ledger_ack>("settlement", ledger_deposit{"dep", account, 0, 10 * token}, timeout_ms)).ok());
  }
  void TearDown() override {
    if (grid) grid->stop();
  }
  // The account's own signed statement, as if the chain's id were `chain_id`.
  chain_withdrawal_request signed_request(std::int64_t amount_micro, const std::string& op_id, std::uint64_t chain_id = 31337) {
    const auto vault = chain::address_from_hex(vault_hex).value();
    return chain_withdrawal_request{op_id, account, amount_micro,
                                    chain::sign_withdrawal(key, chain_id, vault, static_cast<std::uint64_t>(amount_micro), op_id)};
  }
  error refusal(const chain_withdrawal_request& request) {
    auto ack = grid->call<ledger_ack>("settlement", request, timeout_ms);
    EXPECT_FALSE(ack.ok()) << "booked as entry " << ack->seq;
    return ack.ok() ? error{} : ack.err();
  }
  void expect_nothing_booked() {
    auto b = grid->call<balance_reply>("settlement", balance_query{account}, timeout_ms);
    ASSERT_TRUE(b.ok()) << b.err().message;
    EXPECT_EQ(b->balance_micro, 10 * token);
    grid->stop();
    auto report = ledger::verify_ledger(db);
    ASSERT_TRUE(report.ok()) << report.err().message;
    EXPECT_EQ(report->entries, 1u) << "only the deposit";
  }

  ledger::testing::temp_dir dir{"chain-withdrawal-refusals"};
  std::string db = dir.file("ledger.db");
  chain::chain_key key = chain::chain_key::generate();
  std::string account = ledger_account_of(key.chain_address());
  std::unique_ptr<node> grid;
};

TEST_F(chain_withdrawal_refusals, a_settlement_without_a_chain_bridge_books_no_withdrawal) {
  start("");
  const error why = refusal(signed_request(token, "w-1"));
  EXPECT_EQ(why.code, error_code::unavailable);
  EXPECT_NE(why.message.find("no chain bridge"), std::string::npos) << why.message;
  expect_nothing_booked();
}

TEST_F(chain_withdrawal_refusals, malformed_requests_and_a_chain_node_down_since_start_book_nothing) {
  start(", chain_endpoint: \"http://127.0.0.1:" + std::to_string(testing::free_tcp_port()) + "\", chain_vault: \"" + vault_hex +
        "\", chain_poll_interval_ms: 50, chain_retry_max_ms: 100");
  chain_withdrawal_request unnamed = signed_request(token, "w-1");
  unnamed.account = "carol";
  EXPECT_EQ(refusal(unnamed).code, error_code::invalid_argument);
  EXPECT_EQ(refusal(signed_request(0, "w-2")).code, error_code::invalid_argument);
  EXPECT_EQ(refusal(signed_request(-5 * token, "w-3")).code, error_code::invalid_argument);
  EXPECT_EQ(refusal(signed_request(token, "")).code, error_code::invalid_argument);
  const error down = refusal(signed_request(token, "w-4"));
  EXPECT_EQ(down.code, error_code::unavailable);
  EXPECT_NE(down.message.find("has not answered"), std::string::npos) << down.message;
  expect_nothing_booked();
}

}  // namespace
}  // namespace infergrid
