// Epoch anchoring and withdrawals through the vault (deploy/readme/chain.md, "Anchoring" and
// "Withdrawals"), against a local anvil node: a signed withdrawal request leaves the ledger balance,
// the closed epoch is anchored by the settlement actor with the ledger's roots, and the account takes
// the amount from the vault with its Merkle proof after the challenge window — once, and not more;
// restarts and a chain node that was down never anchor an epoch twice nor lose one. A node bound to
// its wallet takes its ledger earnings out through that wallet, summed with the wallet's own.
#include <fstream>

#include "actors/settlement/chain/contract_views.hpp"
#include "actors/settlement/chain/identity_binder.hpp"
#include "actors/settlement/chain/identity_binding.hpp"
#include "actors/settlement/chain/vault_events.hpp"
#include "actors/settlement/chain/withdrawal_statement.hpp"
#include "actors/settlement/chain_anchor.hpp"
#include "tests/support/chain_bridge_fixture.hpp"
#include "tests/support/wait_until.hpp"

namespace infergrid::testing {
namespace {

using namespace infergrid::chain;

class ChainAnchor : public chain_bridge_fixture {
 protected:
  void SetUp() override {
    chain_bridge_fixture::SetUp();
    ASSERT_TRUE(net->fund(net->operator_key, 0).ok());  // gas only
    operator_key_file = dir.file("operator.key");
    std::ofstream(operator_key_file) << to_hex_0x(net->operator_key.secret()) << "\n";
  }
  result<ledger_ack> request_withdrawal(const chain_key& signer, const address& account, std::int64_t amount_micro,
                                        const std::string& op_id) {
    return request_withdrawal(signer, ledger_account_of(account), amount_micro, op_id);
  }
  // `chain_id`: the chain the statement is signed for (0: this anvil's).
  result<ledger_ack> request_withdrawal(const chain_key& signer, const std::string& account, std::int64_t amount_micro,
                                        const std::string& op_id, std::uint64_t chain_id = 0) {
    if (chain_id == 0) chain_id = net->client->chain_id().value();
    const chain_withdrawal_request request{
        op_id, account, amount_micro, sign_withdrawal(signer, chain_id, net->vault, static_cast<std::uint64_t>(amount_micro), op_id)};
    return grid->call<ledger_ack>("settlement", request, call_timeout_ms);
  }
  result<epoch_root> close_epoch(std::int64_t epoch) {
    return grid->call<epoch_root>("settlement", epoch_close{"close-" + std::to_string(epoch), epoch, 0, {}}, call_timeout_ms);
  }
  std::uint64_t latest_anchored() {
    auto latest = read_u64(*net->client, net->vault, vault_call::latest_epoch());
    return latest.ok() ? *latest : 0;
  }
  bool wait_for_anchor(std::uint64_t chain_epoch) {
    const auto deadline = std::chrono::steady_clock::now() + settle_timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (latest_anchored() >= chain_epoch) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }
  // EpochAnchored events the vault emitted so far.
  std::size_t anchors_on_chain() {
    auto head = net->client->block_number();
    auto logs = net->client->logs(net->vault, 0, head.ok() ? *head : 0);
    std::size_t count = 0;
    for (const chain_log& log : logs.ok() ? *logs : std::vector<chain_log>{}) {
      auto event = decode_vault_event(log);
      if (event.ok() && std::holds_alternative<epoch_anchored_event>(*event)) ++count;
    }
    return count;
  }
  result<transaction_receipt> withdraw(const chain_key& account, const chain_withdrawal_proof& granted,
                                       std::int64_t cumulative_micro) {
    std::vector<word> proof;
    for (const auto& sibling : granted.proof) {
      proof.emplace_back();
      std::copy(sibling.begin(), sibling.end(), proof.back().begin());
    }
    return net->client->send(account, net->vault,
                             vault_call::withdraw(granted.chain_epoch, static_cast<std::uint64_t>(cumulative_micro), proof));
  }
};

TEST_F(ChainAnchor, ClosedEpochIsAnchoredAndItsWithdrawalsPaidOnceWithAProof) {
  start_grid();
  const chain_key developer = funded(80 * token);
  const chain_key other = funded(80 * token);
  ASSERT_TRUE(deposit_and_wait(developer, 50 * token));
  ASSERT_TRUE(deposit_and_wait(other, 10 * token));

  // Refused: signed by another key, more than the balance; booked: 20 of 50, and a resend is a replay.
  EXPECT_EQ(request_withdrawal(other, developer.chain_address(), 20 * token, "w-forged").err().code, error_code::bad_signature);
  // The account's own signature, for the same vault address on another chain: refused here.
  const std::uint64_t elsewhere = net->client->chain_id().value() + 1;
  const auto other_chain = request_withdrawal(developer, ledger_account_of(developer.chain_address()), 20 * token, "w-chain", elsewhere);
  ASSERT_FALSE(other_chain.ok());
  EXPECT_EQ(other_chain.err().code, error_code::bad_signature);
  EXPECT_NE(other_chain.err().message.find("on chain " + std::to_string(elsewhere - 1)), std::string::npos) << other_chain.err().message;
  EXPECT_FALSE(request_withdrawal(developer, developer.chain_address(), 51 * token, "w-big").ok());
  ASSERT_TRUE(request_withdrawal(developer, developer.chain_address(), 20 * token, "w-1").ok());
  EXPECT_TRUE(request_withdrawal(developer, developer.chain_address(), 20 * token, "w-1")->replayed);
  ASSERT_TRUE(request_withdrawal(other, other.chain_address(), 4 * token, "w-2").ok());
  EXPECT_EQ(balance(developer.chain_address())->balance_micro, 30 * token);

  auto root = close_epoch(0);
  ASSERT_TRUE(root.ok()) << root.err().message;
  ASSERT_TRUE(wait_for_anchor(1));
  auto anchor = read_anchor(*net->client, net->vault, 1);
  ASSERT_TRUE(anchor.ok());
  EXPECT_EQ(std::vector<std::uint8_t>(anchor->ledger_root.begin(), anchor->ledger_root.end()), root->root_hash);
  auto granted = grid->call<chain_withdrawal_proof>("settlement", chain_withdrawal_proof_query{ledger_account_of(developer.chain_address())},
                                                    call_timeout_ms);
  ASSERT_TRUE(granted.ok()) << granted.err().message;
  EXPECT_EQ(granted->chain_epoch, 1u);
  EXPECT_EQ(granted->cumulative_micro, 20 * token);
  EXPECT_EQ(granted->balances_root, std::vector<std::uint8_t>(anchor->balances_root.begin(), anchor->balances_root.end()));

  // The vault pays after the challenge window, once, and never more than granted.
  EXPECT_EQ(withdraw(developer, *granted, 20 * token).err().code, error_code::conflict);  // window open
  ASSERT_TRUE(net->advance_time(net->parameters.challenge_window_seconds).ok());
  EXPECT_EQ(withdraw(developer, *granted, 21 * token).err().code, error_code::conflict);  // invalid proof
  const std::uint64_t wallet_before = *net->token_balance(developer.chain_address());
  ASSERT_TRUE(withdraw(developer, *granted, 20 * token).ok());
  EXPECT_EQ(*net->token_balance(developer.chain_address()), wallet_before + 20 * token);
  auto twice = withdraw(developer, *granted, 20 * token);
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.err().message.find("nothing to withdraw"), std::string::npos) << twice.err().message;

  // A restart queues the last closed epoch again: the anchorer finds it on the vault and sends nothing.
  stop_grid();
  start_grid();
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  EXPECT_EQ(anchors_on_chain(), 1u);
  // Reconciled: the vault holds the ledger's supply plus the withdrawals not yet taken (other's 4).
  EXPECT_EQ(*net->token_balance(net->vault), static_cast<std::uint64_t>((36 + 4) * token));
  expect_books_verify(36 * token);
}

TEST_F(ChainAnchor, AnEpochClosedWhileTheChainIsDownIsAnchoredOnceItIsBack) {
  start_grid();
  const chain_key developer = funded(80 * token);
  ASSERT_TRUE(deposit_and_wait(developer, 10 * token));
  ASSERT_TRUE(request_withdrawal(developer, developer.chain_address(), 3 * token, "w-1").ok());
  const nlohmann::json state = stop_chain_node();
  ASSERT_TRUE(close_epoch(0).ok());  // the ledger closes it at once; the anchor waits
  ASSERT_TRUE(close_epoch(1).ok());  // and a newer one replaces it: its balances cover the older one's
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));  // failed tries, backoff up to 400 ms
  restart_chain_node(state);
  ASSERT_TRUE(wait_for_anchor(2));
  EXPECT_EQ(anchors_on_chain(), 1u);  // epoch 1 (the vault's 2) only
  stop_grid();  // stopped and started again: nothing more is sent
  start_grid();
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  EXPECT_EQ(anchors_on_chain(), 1u);
  EXPECT_EQ(latest_anchored(), 2u);
  expect_books_verify(7 * token);
}

// A miner bound to its wallet is paid to its node identity's ledger account; its wallet signs the
// withdrawal of those earnings, and the next anchored epoch grants them to the wallet's address,
// summed with what the wallet's own 0x account withdrew — one leaf, one vault payment.
TEST_F(ChainAnchor, ABoundNodesEarningsLeaveThroughItsWallet) {
  start_grid();
  const identity node = identity::generate();
  const std::string node_account = to_hex(node.public_id());
  const chain_key wallet = funded(200 * token);
  const word key = identity_key_word(node);
  ASSERT_TRUE(net->client->send(wallet, net->vault,
                                vault_call::bind_identity(key, sign_identity_binding(node, net->chain_id, net->vault, wallet.chain_address())))
                  .ok());
  ASSERT_TRUE(net->client->send(wallet, net->vault, vault_call::stake(stake_role::miner, 150 * token)).ok());
  ASSERT_TRUE(deposit_and_wait(wallet, 10 * token));  // the wallet's own 0x account
  const auto staked = [&] {
    auto b = grid->call<balance_reply>("settlement", balance_query{node_account}, call_timeout_ms);
    return b.ok() ? b->staked_micro : -1;
  };
  ASSERT_TRUE(wait_until([&] { return staked() == 150 * token; }));
  // Its earnings: a developer's deposit fills the vault's pool, and the miner's pay lands on its node
  // account (booked here as a deposit of the same amount the pool received: a receipt would move it).
  ASSERT_TRUE(deposit_and_wait(funded(20 * token), 20 * token));
  ASSERT_TRUE(grid->call<ledger_ack>("settlement", ledger_deposit{"earned-1", node_account, 1, 12 * token}, call_timeout_ms).ok());

  const identity stranger = identity::generate();
  EXPECT_EQ(request_withdrawal(wallet, to_hex(stranger.public_id()), token, "w-unbound").err().code, error_code::invalid_argument);
  EXPECT_EQ(request_withdrawal(funded(0), node_account, 12 * token, "w-forged").err().code, error_code::bad_signature);
  ASSERT_TRUE(request_withdrawal(wallet, node_account, 12 * token, "w-earned").ok());
  ASSERT_TRUE(request_withdrawal(wallet, wallet.chain_address(), 3 * token, "w-own").ok());
  EXPECT_EQ(grid->call<balance_reply>("settlement", balance_query{node_account}, call_timeout_ms)->balance_micro, 0);

  ASSERT_TRUE(close_epoch(0).ok());
  ASSERT_TRUE(wait_for_anchor(1));
  auto granted = grid->call<chain_withdrawal_proof>("settlement", chain_withdrawal_proof_query{ledger_account_of(wallet.chain_address())},
                                                    call_timeout_ms);
  ASSERT_TRUE(granted.ok()) << granted.err().message;
  EXPECT_EQ(granted->cumulative_micro, 15 * token);
  auto by_node = grid->call<chain_withdrawal_proof>("settlement", chain_withdrawal_proof_query{node_account}, call_timeout_ms);
  ASSERT_TRUE(by_node.ok()) << by_node.err().message;
  EXPECT_EQ(by_node->account, ledger_account_of(wallet.chain_address()));  // the node's proof is its wallet's
  EXPECT_EQ(by_node->proof, granted->proof);
  auto anchor = read_anchor(*net->client, net->vault, 1);
  ASSERT_TRUE(anchor.ok());
  EXPECT_EQ(granted->balances_root, std::vector<std::uint8_t>(anchor->balances_root.begin(), anchor->balances_root.end()));

  ASSERT_TRUE(net->advance_time(net->parameters.challenge_window_seconds).ok());
  const std::uint64_t wallet_before = *net->token_balance(wallet.chain_address());
  ASSERT_TRUE(withdraw(wallet, *granted, 15 * token).ok());
  EXPECT_EQ(*net->token_balance(wallet.chain_address()), wallet_before + 15 * token);
  // The ledger's supply: the stake, the wallet's 10, the developer's 20 and the 12 earned, less the
  // 15 paid out.
  expect_books_verify(177 * token);
}

}  // namespace
}  // namespace infergrid::testing
