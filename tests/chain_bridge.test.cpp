// The settlement actor's chain bridge against a local anvil node: confirmed Deposited/Staked/Unbonded/UnbondedWithdrawn/Slashed events
// become ledger operations once (op id = tx hash + log index) — after N confirmations, across actor
// restarts with and without the cursor, and across a chain node that went down and came back while
// the actor kept serving (deploy/readme/chain.md, "Chain bridge").
#include <fstream>

#include "actors/settlement/chain/identity_binder.hpp"
#include "actors/settlement/chain/identity_binding.hpp"
#include "actors/settlement/chain/slash_statement.hpp"
#include "actors/settlement/chain/vault_deploy.hpp"
#include "actors/settlement/chain/vault_rules.hpp"
#include "messages/chain_slash.hpp"
#include "messages/ledger_view.hpp"
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

// An address that deposited (a developer account) and then stakes on the vault: the ledger would
// refuse the stake half of the Staked log and keep its deposit half as free balance, which could
// then leave through the balances root and again through vault.unbond + withdrawUnbonded. The log
// books nothing; the vault keeps the stake, which only the vault can pay back.
TEST_F(ChainBridge, AStakeFromAnAddressThatDepositedFirstIsNotBookedAsFreeBalance) {
  start_grid();
  const chain_key both = funded(80 * token);
  ASSERT_TRUE(deposit_and_wait(both, 1 * token));
  ASSERT_TRUE(net->client->send(both, net->vault, vault_call::stake(stake_role::miner, 50 * token)).ok());
  mine(2);
  // A later deposit of the same address is the barrier: once it is booked, the stake was seen.
  deposit(both, 2 * token);
  mine(2);
  EXPECT_TRUE(wait_for(both.chain_address(), 3 * token, 0));
  auto after = balance(both.chain_address());
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->balance_micro, 3 * token) << "the 50 staked must not be free balance";
  EXPECT_EQ(after->staked_micro, 0);
  expect_books_verify(3 * token);
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

  // First a node on that endpoint that has not loaded its state yet (at block 0, behind what was
  // followed): waited for like a node that is down, never taken for a reorganisation.
  {
    const auto port = static_cast<std::uint16_t>(std::stoi(chain_endpoint.substr(chain_endpoint.rfind(':') + 1)));
    auto empty = anvil_node::start(port);
    ASSERT_TRUE(empty.ok()) << empty.err().message;
    net->node = std::move(*empty);
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    auto view = grid->call<ledger_view_report>("settlement", ledger_view_query{0}, call_timeout_ms);
    ASSERT_TRUE(view.ok());
    EXPECT_EQ(view->chain.reorganised, "");
    net->node->stop();
  }
  restart_chain_node(state);  // on the same endpoint with the same chain
  deposit(developer, 5 * token);
  mine(2);
  EXPECT_TRUE(wait_for(developer.chain_address(), 15 * token));
  expect_books_verify(18 * token);
}

// A reorganisation deeper than the confirmations is detected, not followed blindly: the watcher
// remembers the hash of the last block it followed past (also in the cursor); once the chain has
// replaced it, nothing more is booked from that chain (a deposit on the new branch is never
// credited), the settlement's view says why (infergrid_chain_reorganised on /metrics), and a restart
// from the cursor finds it again. What was booked from the replaced blocks is left for an operator.
TEST_F(ChainBridge, AReorganisationDeeperThanTheConfirmationsStopsTheFollowing) {
  start_grid();
  const chain_key developer = funded(80 * token);
  const chain_key other = funded(80 * token);
  auto snapshot = net->client->rpc().call("evm_snapshot");
  ASSERT_TRUE(snapshot.ok()) << snapshot.err().message;
  ASSERT_TRUE(deposit_and_wait(developer, 10 * token));  // booked under 2 confirmations
  const auto reorganised = [&] {
    auto view = grid->call<ledger_view_report>("settlement", ledger_view_query{0}, call_timeout_ms);
    return view.ok() ? view->chain.reorganised : std::string();
  };
  EXPECT_EQ(reorganised(), "");

  // The chain goes back before the deposit and grows another branch, longer than the first.
  ASSERT_TRUE(net->client->rpc().call("evm_revert", nlohmann::json::array({*snapshot})).ok());
  deposit(other, 7 * token);
  mine(6);
  std::string why;
  for (int i = 0; i < 100 && why.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    why = reorganised();
  }
  EXPECT_NE(why.find("the chain reorganised deeper than chain_confirmations (2): block "), std::string::npos) << why;
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(balance(other.chain_address()).err().code, error_code::not_found);  // the new branch is not followed
  EXPECT_EQ(balance(developer.chain_address())->balance_micro, 10 * token);      // booked from the old one: kept
  auto view = grid->call<ledger_view_report>("settlement", ledger_view_query{0}, call_timeout_ms);
  ASSERT_TRUE(view.ok());
  EXPECT_TRUE(view->chain.enabled);
  EXPECT_TRUE(view->chain.node_reachable);

  // A restart reads the followed block from the cursor and stops again.
  stop_grid();
  start_grid();
  why.clear();
  for (int i = 0; i < 100 && why.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    why = reorganised();
  }
  EXPECT_NE(why.find("reorganised"), std::string::npos);
  EXPECT_EQ(balance(other.chain_address()).err().code, error_code::not_found);
}

// A vault deployed with other slashing or stake rules than the ledger books by is refused: at
// start when the chain answers (the settlement actor does not start, and says which rules differ),
// and when the chain first answers after a start without it (nothing is followed: a deposit on that
// vault is never credited). The same check holds the anchorer and the slasher (chain/vault_rules.hpp).
TEST_F(ChainBridge, AVaultWhoseRulesDifferFromTheLedgersIsNeverFollowed) {
  vault_parameters other = default_vault_parameters();
  other.slash_bps = 2000;
  other.conviction_quorum = 2;
  net.reset();
  auto started = vault_devnet::start(other);
  ASSERT_TRUE(started.ok()) << started.err().message;
  net = std::move(*started);
  auto refused = testing::start_node(grid_yaml(), "<chain bridge test>");
  ASSERT_FALSE(refused.ok()) << "a settlement started on a vault that slashes 20% while its ledger books 10%";
  EXPECT_EQ(refused.err().code, error_code::conflict) << refused.err().message;
  EXPECT_NE(refused.err().message.find("conviction_quorum: the ledger books 3, the vault enforces 2"), std::string::npos)
      << refused.err().message;
  EXPECT_NE(refused.err().message.find("slash_bps: the ledger books 1000, the vault enforces 2000"), std::string::npos)
      << refused.err().message;

  // Started while the chain is down (the rules cannot be read yet), then the chain comes back.
  const chain_key developer = funded(80 * token);
  const nlohmann::json state = stop_chain_node();
  start_grid();
  restart_chain_node(state);
  deposit(developer, 10 * token);
  mine(3);
  std::this_thread::sleep_for(std::chrono::milliseconds(2000));  // many polls at 50-400 ms
  EXPECT_EQ(balance(developer.chain_address()).err().code, error_code::not_found);
}

// The rules read back from a deployed vault are its constructor's; the gate agrees with equal ones.
TEST_F(ChainBridge, TheVaultsRulesReadBackAsDeployed) {
  auto rules = read_vault_rules(*net->client, net->vault);
  ASSERT_TRUE(rules.ok()) << rules.err().message;
  EXPECT_EQ(*rules, rules_of(default_vault_parameters()));
  vault_rules_gate same(net->vault, *rules);
  EXPECT_TRUE(same.check(*net->client).ok());
  vault_rules stricter = *rules;
  stricter.validator_stake_min_micro += 1;
  vault_rules_gate differs(net->vault, stricter);
  EXPECT_EQ(differs.check(*net->client).err().code, error_code::conflict);
  EXPECT_EQ(rule_differences(stricter, *rules), "validator_stake_min_micro: the ledger books " +
                                                    std::to_string(stricter.validator_stake_min_micro) +
                                                    ", the vault enforces " + std::to_string(rules->validator_stake_min_micro));
}

// A node that binds its identity to its wallet before staking has its stake booked to the identity
// (the account its receipts and verdicts name); settlement hands out the binding and keeps a
// validator's slash signature only when it recovers to that validator's bound wallet, over the
// statement convicting the bound miner on that very receipt.
TEST_F(ChainBridge, BoundStakesBookToTheIdentityAndSlashSignaturesAreChecked) {
  ASSERT_TRUE(net->fund(net->operator_key, 0).ok());
  operator_key_file = dir.file("operator.key");
  std::ofstream(operator_key_file) << to_hex_0x(net->operator_key.secret()) << "\n";
  start_grid();
  const auto bind_and_stake = [&](const identity& node, const chain_key& wallet, stake_role role, std::int64_t amount) {
    const word key = identity_key_word(node);
    const bytes statement = sign_identity_binding(node, net->chain_id, net->vault, wallet.chain_address());
    ASSERT_TRUE(net->client->send(wallet, net->vault, vault_call::bind_identity(key, statement)).ok());
    ASSERT_TRUE(net->client->send(wallet, net->vault, vault_call::stake(role, static_cast<std::uint64_t>(amount))).ok());
  };
  const identity miner = identity::generate();
  const identity validator = identity::generate();
  const chain_key miner_wallet = funded(150 * token);
  const chain_key validator_wallet = funded(100 * token);
  bind_and_stake(miner, miner_wallet, stake_role::miner, 150 * token);
  bind_and_stake(validator, validator_wallet, stake_role::validator, 100 * token);
  mine(2);
  const std::string miner_account = to_hex(miner.public_id());
  const std::string validator_account = to_hex(validator.public_id());
  const auto staked = [&](const std::string& account) {
    auto b = grid->call<balance_reply>("settlement", balance_query{account}, call_timeout_ms);
    return b.ok() ? b->staked_micro : -1;
  };
  const auto deadline = std::chrono::steady_clock::now() + settle_timeout;
  while (staked(validator_account) != 100 * token && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(staked(miner_account), 150 * token);
  EXPECT_EQ(staked(validator_account), 100 * token);
  EXPECT_EQ(balance(miner_wallet.chain_address()).err().code, error_code::not_found);  // nothing on the 0x account

  auto bound = grid->call<chain_identity>("settlement", chain_identity_query{miner_account}, call_timeout_ms);
  ASSERT_TRUE(bound.ok()) << bound.err().message;
  EXPECT_EQ(bound->chain_address, to_hex_0x(miner_wallet.chain_address()));
  EXPECT_EQ(grid->call<chain_identity>("settlement", chain_identity_query{"ab"}, call_timeout_ms).err().code,
            error_code::not_found);

  const auto send = [&](const chain_key& signer, const std::string& signed_request, const std::string& sent_request) {
    const bytes signature = sign_slash(signer, net->chain_id, net->vault, miner_wallet.chain_address(),
                                       conviction_evidence(signed_request, miner_account));
    return grid->call<chain_slash_signature_ack>(
        "settlement", chain_slash_signature{sent_request, miner_account, validator_account, signature}, call_timeout_ms);
  };
  EXPECT_EQ(send(chain_key::generate(), "r-1", "r-1").err().code, error_code::bad_signature);  // not its wallet
  EXPECT_EQ(send(validator_wallet, "r-2", "r-1").err().code, error_code::bad_signature);       // another receipt
  // A signature on another miner's receipt of r-1, sent first, is that receipt's: it does not pin
  // the request to that miner, and this miner's receipt still gathers its own signatures.
  const identity other = identity::generate();
  const chain_key other_wallet = funded(0);  // gas only: binding stakes nothing
  const bytes other_statement = sign_identity_binding(other, net->chain_id, net->vault, other_wallet.chain_address());
  ASSERT_TRUE(net->client->send(other_wallet, net->vault, vault_call::bind_identity(identity_key_word(other), other_statement)).ok());
  mine(2);
  const std::string other_account = to_hex(other.public_id());
  const auto other_bound = [&] {
    return grid->call<chain_identity>("settlement", chain_identity_query{other_account}, call_timeout_ms).ok();
  };
  const auto bind_deadline = std::chrono::steady_clock::now() + settle_timeout;
  while (!other_bound() && std::chrono::steady_clock::now() < bind_deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const bytes other_signature = sign_slash(validator_wallet, net->chain_id, net->vault, other_wallet.chain_address(),
                                           conviction_evidence("r-1", other_account));
  auto other_kept = grid->call<chain_slash_signature_ack>(
      "settlement", chain_slash_signature{"r-1", other_account, validator_account, other_signature}, call_timeout_ms);
  ASSERT_TRUE(other_kept.ok()) << other_kept.err().message;
  auto kept = send(validator_wallet, "r-1", "r-1");
  ASSERT_TRUE(kept.ok()) << kept.err().message;
  EXPECT_EQ(kept->signatures_kept, 1u);
  expect_books_verify(250 * token);
}

// Unbonding on the vault takes the stake out of the ledger's at once — below the scheduling minimum
// the stake gate closes — and what the vault pays out once its delay has passed leaves the ledger's
// unbonding bucket and supply, oldest first, so the two books keep agreeing.
TEST_F(ChainBridge, UnbondingsAndTheirPayoutsFollowTheVault) {
  start_grid();
  const chain_key miner = funded(150 * token);
  const std::string account = ledger_account_of(miner.chain_address());
  const auto gate = [&] { return grid->call<stake_reply>("settlement", stake_query{account}, call_timeout_ms); };
  // Polls until the ledger holds `staked` and `unbonding` for the miner.
  const auto books = [&](std::int64_t staked, std::int64_t unbonding) {
    const auto deadline = std::chrono::steady_clock::now() + settle_timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto g = gate();
      if (g.ok() && g->staked_micro == staked && g->unbonding_micro == unbonding) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    auto g = gate();
    ADD_FAILURE() << "the ledger holds " << (g.ok() ? std::to_string(g->staked_micro) + " staked, " +
                                                          std::to_string(g->unbonding_micro) + " unbonding"
                                                    : g.err().message)
                  << "; the vault " << staked << " and " << unbonding;
    return false;
  };
  const auto call = [&](const bytes& data) { ASSERT_TRUE(net->client->send(miner, net->vault, data).ok()); };
  call(vault_call::stake(stake_role::miner, 150 * token));
  mine(2);
  ASSERT_TRUE(books(150 * token, 0));
  EXPECT_TRUE(gate()->schedulable);

  call(vault_call::unbond(60 * token));
  mine(2);
  ASSERT_TRUE(books(90 * token, 60 * token));
  EXPECT_FALSE(gate()->schedulable) << "90 tokens staked is below the 100-token minimum";

  ASSERT_TRUE(net->advance_time(net->parameters.unbonding_delay_seconds).ok());  // the 60 mature
  call(vault_call::unbond(90 * token));                                          // these 90 do not yet
  mine(2);
  ASSERT_TRUE(books(0, 150 * token));
  call(vault_call::withdraw_unbonded());
  mine(2);
  ASSERT_TRUE(books(0, 90 * token));
  EXPECT_EQ(*net->token_balance(miner.chain_address()), static_cast<std::uint64_t>(60 * token));
  EXPECT_EQ(*net->view_u64(net->vault, vault_call::unbonding_of(miner.chain_address())), static_cast<std::uint64_t>(90 * token));

  // The entries carry the logs' identities: a restart without the cursor rereads and books nothing twice.
  stop_grid();
  ASSERT_TRUE(std::filesystem::remove(db + ".chain-cursor"));
  start_grid();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  ASSERT_TRUE(books(0, 90 * token));
  expect_books_verify(90 * token);  // the ledger's supply: what the vault still holds
}

// Anyone may send a quorum of validators' slash signatures to the vault, so the vault can slash a
// miner before (or without) this ledger convicting it. The Slashed event is then booked as it says:
// the miner's stake shrinks by the vault's forfeit (the stake gate follows), each voter's balance
// and the treasury's get their shares, the supply stays what the vault holds, and a reread of the
// chain books nothing twice.
TEST_F(ChainBridge, ASlashTheVaultExecutedFirstIsBookedAsItsEventSays) {
  start_grid();
  const chain_key miner = funded(150 * token);
  ASSERT_TRUE(net->client->send(miner, net->vault, vault_call::stake(stake_role::miner, 150 * token)).ok());
  std::vector<chain_key> voters;
  for (int i = 0; i < 3; ++i) {
    voters.push_back(funded(100 * token));
    ASSERT_TRUE(net->client->send(voters.back(), net->vault, vault_call::stake(stake_role::validator, 100 * token)).ok());
  }
  mine(2);
  ASSERT_TRUE(wait_for(miner.chain_address(), 0, 150 * token));
  for (const chain_key& v : voters) ASSERT_TRUE(wait_for(v.chain_address(), 0, 100 * token));

  const std::string miner_account = ledger_account_of(miner.chain_address());
  const word evidence = conviction_evidence("r-elsewhere", miner_account);
  std::vector<std::pair<address, bytes>> signed_by;
  for (const chain_key& v : voters) {
    signed_by.emplace_back(v.chain_address(), sign_slash(v, net->chain_id, net->vault, miner.chain_address(), evidence));
  }
  std::sort(signed_by.begin(), signed_by.end());  // the vault takes signers in ascending order
  std::vector<bytes> signatures;
  for (const auto& [signer, signature] : signed_by) signatures.push_back(signature);
  ASSERT_TRUE(net->client->send(voters[0], net->vault, vault_call::slash(miner.chain_address(), evidence, signatures)).ok());
  mine(2);

  // The vault's split at slash_bps 1000 and slash_reporter_bps 5000: 15 forfeited, 2.5 to each voter, 7.5 to the treasury.
  ASSERT_EQ(*net->view_u64(net->vault, vault_call::staked_of(miner.chain_address())), static_cast<std::uint64_t>(135 * token));
  ASSERT_TRUE(wait_for(miner.chain_address(), 0, 135 * token));
  for (const chain_key& v : voters) EXPECT_TRUE(wait_for(v.chain_address(), 5 * token / 2, 100 * token));
  auto treasury = grid->call<balance_reply>("settlement", balance_query{"treasury"}, call_timeout_ms);
  ASSERT_TRUE(treasury.ok()) << treasury.err().message;
  EXPECT_EQ(treasury->balance_micro, 15 * token / 2);
  auto gate = grid->call<stake_reply>("settlement", stake_query{miner_account}, call_timeout_ms);
  ASSERT_TRUE(gate.ok());
  EXPECT_TRUE(gate->schedulable) << "135 staked is still above the 100-token minimum";

  stop_grid();
  ASSERT_TRUE(std::filesystem::remove(db + ".chain-cursor"));
  start_grid();
  mine(2);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the whole chain reread
  EXPECT_TRUE(wait_for(miner.chain_address(), 0, 135 * token));
  EXPECT_EQ(grid->call<balance_reply>("settlement", balance_query{"treasury"}, call_timeout_ms)->balance_micro, 15 * token / 2);
  expect_books_verify(450 * token);
}

}  // namespace
}  // namespace infergrid::testing
