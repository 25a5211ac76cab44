// The settlement actor's chain bridge against a local anvil node: confirmed Deposited/Staked events
// become ledger operations once (op id = tx hash + log index) — after N confirmations, across actor
// restarts with and without the cursor, and across a chain node that went down and came back while
// the actor kept serving (deploy/readme/chain.md, "Chain bridge").
#include "tests/support/chain_bridge_fixture.hpp"

namespace infergrid::testing {
namespace {

using namespace infergrid::chain;
using ChainBridge = chain_bridge_fixture;

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

  const nlohmann::json state = stop_chain_node();
  // The ledger still answers and records off-chain operations while the watcher retries.
  EXPECT_EQ(balance(developer.chain_address())->balance_micro, 10 * token);
  ASSERT_TRUE((grid->call<ledger_ack>("settlement", ledger_deposit{"offchain-1", "dev", 0, 3 * token}, call_timeout_ms)).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // several failed polls, backoff up to 400 ms

  restart_chain_node(state);  // on the same endpoint with the same chain
  deposit(developer, 5 * token);
  mine(2);
  EXPECT_TRUE(wait_for(developer.chain_address(), 15 * token));
  expect_books_verify(18 * token);
}

}  // namespace
}  // namespace infergrid::testing
