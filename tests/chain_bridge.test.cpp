// The settlement actor's chain bridge against a local anvil node: confirmed Deposited/Staked events
// become ledger operations once (op id = tx hash + log index) — after N confirmations, across actor
// restarts with and without the cursor, and across a chain node that went down and came back while
// the actor kept serving (deploy/readme/chain.md, "Chain bridge").
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "actors/settlement/chain_ledger_operations.hpp"
#include "actors/settlement/ledger/ledger_test_support.hpp"
#include "actors/settlement/ledger/ledger_verify.hpp"
#include "messages/ledger.hpp"
#include "runtime/config.hpp"
#include "runtime/node.hpp"
#include "tests/support/vault_devnet.hpp"

namespace infergrid::testing {
namespace {

using namespace infergrid::chain;
constexpr std::int64_t token = 1'000'000;
constexpr std::int64_t call_timeout_ms = 5000;
constexpr auto settle_timeout = std::chrono::seconds(20);  // bound on waiting for the bridge to catch up

class ChainBridge : public ::testing::Test {
 protected:
  void SetUp() override {
    auto started = vault_devnet::start();
    ASSERT_TRUE(started.ok()) << started.err().message;
    net = std::move(*started);
  }
  void TearDown() override { stop_grid(); }

  void start_grid() {
    const std::string yaml = "node: {name: test}\n"
                             "limits: {drain_quiet_ms: 10}\n"
                             "actors:\n"
                             "  - name: settlement\n"
                             "    kind: settlement\n"
                             "    settings: {db: " + db + ", durable: false, chain_endpoint: '" + net->node->endpoint() +
                             "', chain_vault: '" + to_hex_0x(net->vault) + "', chain_confirmations: 2,\n"
                             "               chain_poll_interval_ms: 50, chain_retry_max_ms: 400}\n";
    auto config = parse_config(yaml, "<chain bridge test>");
    ASSERT_TRUE(config.ok()) << config.err().message;
    auto created = node::create(std::move(*config));
    ASSERT_TRUE(created.ok()) << created.err().message;
    grid = std::move(*created);
    ASSERT_TRUE(grid->start().ok());
  }
  void stop_grid() {
    if (grid) grid->stop();
    grid.reset();
  }
  void mine(int blocks) {
    for (int i = 0; i < blocks; ++i) ASSERT_TRUE(net->client->rpc().call("evm_mine").ok());
  }
  result<balance_reply> balance(const address& account) {
    return grid->call<balance_reply>("settlement", balance_query{ledger_account_of(account)}, call_timeout_ms);
  }
  // Polls the ledger until `account` holds `balance_micro` free and `staked_micro` staked.
  bool wait_for(const address& account, std::int64_t balance_micro, std::int64_t staked_micro = 0) {
    const auto deadline = std::chrono::steady_clock::now() + settle_timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto b = balance(account);
      if (b.ok() && b->balance_micro == balance_micro && b->staked_micro == staked_micro) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }
  transaction_receipt deposit(const chain_key& from, std::int64_t amount_micro) {
    auto receipt = net->client->send(from, net->vault, vault_call::deposit(static_cast<std::uint64_t>(amount_micro)));
    EXPECT_TRUE(receipt.ok()) << receipt.err().message;
    return receipt.ok() ? *receipt : transaction_receipt{};
  }
  // Deposits on-chain, buries the block under the confirmations, waits until the ledger has it.
  bool deposit_and_wait(const chain_key& developer, std::int64_t amount_micro) {
    deposit(developer, amount_micro);
    mine(2);
    return wait_for(developer.chain_address(), amount_micro);
  }
  chain_key funded(std::int64_t tokens_micro) {
    chain_key key = chain_key::generate();
    EXPECT_TRUE(net->fund(key, static_cast<std::uint64_t>(tokens_micro)).ok());
    return key;
  }
  void expect_books_verify(std::int64_t supply_micro) {
    stop_grid();
    auto report = ledger::verify_ledger(db);
    ASSERT_TRUE(report.ok()) << report.err().message;
    EXPECT_EQ(report->supply_micro, supply_micro);
  }

  std::unique_ptr<vault_devnet> net;
  ledger::testing::temp_dir dir{"chain-bridge"};
  std::string db = dir.file("ledger.db");
  std::unique_ptr<node> grid;
};

TEST_F(ChainBridge, ConfirmedDepositsAndStakesBecomeLedgerOperations) {
  start_grid();
  const chain_key developer = funded(80 * token);
  const transaction_receipt receipt = deposit(developer, 50 * token);
  // Not yet buried under 2 blocks: the bridge has not booked it (several polls later).
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(balance(developer.chain_address()).err().code, error_code::not_found);
  mine(2);
  EXPECT_TRUE(wait_for(developer.chain_address(), 50 * token));

  const chain_key miner = funded(150 * token);
  ASSERT_TRUE(net->client->send(miner, net->vault, vault_call::stake(stake_role::miner, 150 * token)).ok());
  mine(2);
  EXPECT_TRUE(wait_for(miner.chain_address(), 0, 150 * token));
  auto gate = grid->call<stake_reply>("settlement", stake_query{ledger_account_of(miner.chain_address())}, call_timeout_ms);
  ASSERT_TRUE(gate.ok());
  EXPECT_TRUE(gate->schedulable);

  // The deposit's entry carries the log's identity as its op id.
  const std::string op_id = "chain/" + to_hex_0x(receipt.transaction_hash) + "/" + std::to_string(receipt.logs.at(0).log_index);
  auto entries = grid->call<entries_reply>("settlement", entries_query{{op_id}}, call_timeout_ms);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->entries.size(), 1u);
  EXPECT_EQ(entries->entries[0].operation, "deposit");
  expect_books_verify(200 * token);
}

TEST_F(ChainBridge, RestartsNeverApplyAnEventTwice) {
  start_grid();
  const chain_key developer = funded(80 * token);
  ASSERT_TRUE(deposit_and_wait(developer, 10 * token));
  stop_grid();

  // While the actor is down: another deposit; and the cursor is lost, so everything is reread.
  deposit(developer, 5 * token);
  mine(2);
  ASSERT_TRUE(std::filesystem::remove(db + ".chain-cursor"));
  start_grid();
  EXPECT_TRUE(wait_for(developer.chain_address(), 15 * token));
  stop_grid();

  // With the cursor: a restart reads on from where it was.
  deposit(developer, 1 * token);
  mine(2);
  start_grid();
  EXPECT_TRUE(wait_for(developer.chain_address(), 16 * token));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // more polls change nothing
  EXPECT_EQ(balance(developer.chain_address())->balance_micro, 16 * token);
  expect_books_verify(16 * token);
}

TEST_F(ChainBridge, ActorKeepsServingWhileTheChainIsDownAndCatchesUp) {
  start_grid();
  const chain_key developer = funded(80 * token);
  ASSERT_TRUE(deposit_and_wait(developer, 10 * token));

  auto state = net->client->rpc().call("anvil_dumpState");
  ASSERT_TRUE(state.ok());
  const std::string endpoint = net->node->endpoint();
  net->node->stop();
  // The ledger still answers and records off-chain operations while the watcher retries.
  EXPECT_EQ(balance(developer.chain_address())->balance_micro, 10 * token);
  ASSERT_TRUE((grid->call<ledger_ack>("settlement", ledger_deposit{"offchain-1", "dev", 0, 3 * token}, call_timeout_ms)).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // several failed polls, backoff up to 400 ms

  // The node comes back on the same endpoint with the same chain.
  const auto port = static_cast<std::uint16_t>(std::stoi(endpoint.substr(endpoint.rfind(':') + 1)));
  auto restarted = anvil_node::start(port);
  ASSERT_TRUE(restarted.ok()) << restarted.err().message;
  net->node = std::move(*restarted);
  ASSERT_TRUE(net->client->rpc().call("anvil_loadState", nlohmann::json::array({*state})).ok());
  deposit(developer, 5 * token);
  mine(2);
  EXPECT_TRUE(wait_for(developer.chain_address(), 15 * token));
  expect_books_verify(18 * token);
}

}  // namespace
}  // namespace infergrid::testing
