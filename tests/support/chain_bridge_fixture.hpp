#pragma once
// chain_bridge_fixture: a test with a fresh dev chain (vault_devnet) and an in-process node hosting
// the settlement actor with its chain bridge on that chain — start/stop it, mine, fund keys, deposit,
// and wait for the ledger to book what the chain did.
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
#include "tests/support/started_node.hpp"

namespace infergrid::testing {

using namespace infergrid::chain;
constexpr std::int64_t token = 1'000'000;
constexpr std::int64_t call_timeout_ms = 5000;
constexpr auto settle_timeout = std::chrono::seconds(20);  // bound on waiting for the bridge to catch up

class chain_bridge_fixture : public ::testing::Test {
 protected:
  void SetUp() override {
    auto started = vault_devnet::start();
    ASSERT_TRUE(started.ok()) << started.err().message;
    net = std::move(*started);
  }
  void TearDown() override { stop_grid(); }

  // The test node's config: the settlement actor with its bridge on this test's chain.
  std::string grid_yaml() const {
    return "node: {name: test}\n"
                             "limits: {drain_quiet_ms: 10}\n"
                             "actors:\n"
                             "  - name: settlement\n"
                             "    kind: settlement\n"
                             "    settings: {db: " + db + ", durable: false, chain_endpoint: '" + net->node->endpoint() +
                             "', chain_vault: '" + to_hex_0x(net->vault) + "', chain_confirmations: 2,\n"
                             "               chain_poll_interval_ms: 50, chain_retry_max_ms: 400" +
                             (operator_key_file.empty() ? std::string() : ", chain_operator_key: " + operator_key_file) + "}\n";
  }
  void start_grid() {
    auto started = testing::start_node(grid_yaml(), "<chain bridge test>");
    ASSERT_TRUE(started.ok()) << started.err().message;
    grid = std::move(*started);
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
  // Stops the chain node, returning its state (anvil_dumpState) for restart_chain_node.
  nlohmann::json stop_chain_node() {
    auto state = net->client->rpc().call("anvil_dumpState");
    EXPECT_TRUE(state.ok());
    chain_endpoint = net->node->endpoint();
    net->node->stop();
    return state.ok() ? *state : nlohmann::json();
  }
  // The node back on the same endpoint with the same chain.
  void restart_chain_node(const nlohmann::json& state) {
    const auto port = static_cast<std::uint16_t>(std::stoi(chain_endpoint.substr(chain_endpoint.rfind(':') + 1)));
    auto restarted = anvil_node::start(port);
    ASSERT_TRUE(restarted.ok()) << restarted.err().message;
    net->node = std::move(*restarted);
    ASSERT_TRUE(net->client->rpc().call("anvil_loadState", nlohmann::json::array({state})).ok());
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
  std::string chain_endpoint;
  std::string operator_key_file;  // set: the bridge anchors closed epochs with net->operator_key
};

}  // namespace infergrid::testing
