// SettlementVault on a local anvil node, driven through the C++ chain client as settlement drives
// it: deposits and stakes, unbonding delay, operator-only anchors, Merkle withdrawals after the
// challenge window, quorum slashing, identity binding, and a node that is down (deploy/readme/chain.md).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

#include "actors/settlement/chain/balances_tree.hpp"
#include "actors/settlement/chain/identity_binder.hpp"
#include "actors/settlement/chain/identity_binding.hpp"
#include "actors/settlement/chain/keccak.hpp"
#include "actors/settlement/chain/slash_statement.hpp"
#include "actors/settlement/chain/token_units.hpp"
#include "actors/settlement/chain/vault_events.hpp"
#include "tests/support/vault_devnet.hpp"

namespace infergrid::testing {
namespace {

using namespace infergrid::chain;
using ::testing::HasSubstr;

constexpr std::uint64_t token = 1'000'000;  // micro-units per token

class VaultContract : public ::testing::Test {
 protected:
  void SetUp() override {
    auto started = vault_devnet::start();
    ASSERT_TRUE(started.ok()) << started.err().message;
    net = std::move(*started);
  }

  // Sends and expects success; the receipt's vault events.
  std::vector<vault_event> must_send(const chain_key& from, const address& to, const bytes& data) {
    auto receipt = net->client->send(from, to, data);
    EXPECT_TRUE(receipt.ok()) << receipt.err().message;
    if (!receipt) return {};
    auto events = vault_events_of(*receipt, net->vault);
    EXPECT_TRUE(events.ok());
    return events.ok() ? *events : std::vector<vault_event>{};
  }
  // Sends and expects a revert whose reason contains `reason`.
  void must_revert(const chain_key& from, const bytes& data, const std::string& reason) {
    auto receipt = net->client->send(from, net->vault, data);
    ASSERT_FALSE(receipt.ok()) << "expected a revert: " << reason;
    EXPECT_EQ(receipt.err().code, error_code::conflict);
    EXPECT_THAT(receipt.err().message, HasSubstr(reason));
  }
  std::uint64_t vault_u64(const bytes& call) {
    auto value = net->view_u64(net->vault, call);
    EXPECT_TRUE(value.ok()) << value.err().message;
    return value.ok() ? *value : 0;
  }
  std::uint64_t tokens_of(const address& account) { return *net->token_balance(account); }
  chain_key funded(std::uint64_t tokens_micro) {
    chain_key key = chain_key::generate();
    const status done = net->fund(key, tokens_micro);
    EXPECT_TRUE(done.ok()) << done.err().message;
    return key;
  }
  // `count` validators staked at the minimum, sorted by address (the order slash wants).
  std::vector<chain_key> staked_validators(std::size_t count) {
    std::vector<chain_key> validators;
    for (std::size_t i = 0; i < count; ++i) {
      validators.push_back(funded(net->parameters.validator_stake_min_micro));
      must_send(validators.back(), net->vault, vault_call::stake(stake_role::validator, net->parameters.validator_stake_min_micro));
    }
    std::sort(validators.begin(), validators.end(),
              [](const chain_key& a, const chain_key& b) { return a.chain_address() < b.chain_address(); });
    return validators;
  }
  std::vector<bytes> slash_signatures(const std::vector<chain_key>& signers, const address& miner, const word& evidence) {
    std::vector<bytes> out;
    for (const chain_key& signer : signers) out.push_back(sign_slash(signer, net->chain_id, net->vault, miner, evidence));
    return out;
  }

  std::unique_ptr<vault_devnet> net;
};

TEST_F(VaultContract, DepositAndStakeEmitEventsAndMoveBalances) {
  const chain_key developer = funded(80 * token);
  auto events = must_send(developer, net->vault, vault_call::deposit(50 * token));
  ASSERT_EQ(events.size(), 1u);
  const auto& deposited = std::get<deposited_event>(events[0]);
  EXPECT_EQ(deposited.account, developer.chain_address());
  EXPECT_EQ(deposited.amount_micro, 50 * token);
  EXPECT_EQ(tokens_of(developer.chain_address()), 30 * token);
  EXPECT_EQ(tokens_of(net->vault), 50 * token);
  EXPECT_EQ(vault_u64(vault_call::pool()), 50 * token);

  const chain_key miner = funded(150 * token);
  events = must_send(miner, net->vault, vault_call::stake(stake_role::miner, 150 * token));
  ASSERT_EQ(events.size(), 1u);
  const auto& staked = std::get<staked_event>(events[0]);
  EXPECT_EQ(staked.account, miner.chain_address());
  EXPECT_EQ(staked.role, static_cast<std::uint8_t>(stake_role::miner));
  EXPECT_EQ(staked.staked_total_micro, 150 * token);
  EXPECT_EQ(vault_u64(vault_call::staked_of(miner.chain_address())), 150 * token);
  EXPECT_EQ(vault_u64(vault_call::pool()), 50 * token);  // stakes are not the ledger's pool
  EXPECT_EQ(tokens_of(net->vault), 200 * token);

  // The bridge reads the same events back with eth_getLogs.
  auto head = net->client->block_number();
  ASSERT_TRUE(head.ok());
  auto logs = net->client->logs(net->vault, 0, *head, vault_event_topic("Deposited(address,uint256)"));
  ASSERT_TRUE(logs.ok()) << logs.err().message;
  ASSERT_EQ(logs->size(), 1u);
  EXPECT_EQ(std::get<deposited_event>(*decode_vault_event(logs->front())).amount_micro, 50 * token);
}

TEST_F(VaultContract, StakeRefusesAnotherRoleZeroAndMoreThanTheWalletHolds) {
  const chain_key miner = funded(200 * token);
  must_send(miner, net->vault, vault_call::stake(stake_role::miner, 100 * token));
  must_revert(miner, vault_call::stake(stake_role::validator, 10 * token), "account already staked in another role");
  must_revert(miner, vault_call::stake(stake_role::miner, 0), "amount must be positive");
  must_revert(miner, vault_call::stake(stake_role::miner, 101 * token), "allowance too small");
  must_revert(miner, vault_call::deposit(0), "amount must be positive");
  EXPECT_EQ(vault_u64(vault_call::staked_of(miner.chain_address())), 100 * token);
}

TEST_F(VaultContract, UnbondedStakeIsReleasedOnlyAfterTheDelay) {
  const chain_key miner = funded(150 * token);
  must_send(miner, net->vault, vault_call::stake(stake_role::miner, 150 * token));
  must_revert(miner, vault_call::unbond(151 * token), "stake too small");
  auto events = must_send(miner, net->vault, vault_call::unbond(50 * token));
  ASSERT_EQ(events.size(), 1u);
  auto now = net->client->block_timestamp();
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(std::get<unbonded_event>(events[0]).release_at_unix_s, *now + net->parameters.unbonding_delay_seconds);
  EXPECT_EQ(vault_u64(vault_call::staked_of(miner.chain_address())), 100 * token);
  EXPECT_EQ(vault_u64(vault_call::unbonding_of(miner.chain_address())), 50 * token);

  must_revert(miner, vault_call::withdraw_unbonded(), "nothing has matured");
  ASSERT_TRUE(net->advance_time(net->parameters.unbonding_delay_seconds - 60).ok());
  must_revert(miner, vault_call::withdraw_unbonded(), "nothing has matured");
  ASSERT_TRUE(net->advance_time(120).ok());
  events = must_send(miner, net->vault, vault_call::withdraw_unbonded());
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(std::get<unbonded_withdrawn_event>(events[0]).amount_micro, 50 * token);
  EXPECT_EQ(tokens_of(miner.chain_address()), 50 * token);
  EXPECT_EQ(vault_u64(vault_call::unbonding_of(miner.chain_address())), 0u);
  must_revert(miner, vault_call::withdraw_unbonded(), "nothing has matured");
}

TEST_F(VaultContract, OnlyTheOperatorAnchorsAndEpochsIncrease) {
  const chain_key stranger = funded(0);
  const word ledger_root = keccak256(std::string_view("ledger root of epoch 1"));
  const word balances_root = keccak256(std::string_view("balances root of epoch 1"));
  must_revert(stranger, vault_call::anchor_epoch(1, ledger_root, balances_root), "only the operator anchors");
  auto events = must_send(net->operator_key, net->vault, vault_call::anchor_epoch(1, ledger_root, balances_root));
  ASSERT_EQ(events.size(), 1u);
  const auto& anchored = std::get<epoch_anchored_event>(events[0]);
  EXPECT_EQ(anchored.epoch, 1u);
  EXPECT_EQ(anchored.ledger_root, ledger_root);
  EXPECT_EQ(anchored.balances_root, balances_root);
  must_revert(net->operator_key, vault_call::anchor_epoch(1, ledger_root, balances_root), "epoch already anchored");
  must_send(net->operator_key, net->vault, vault_call::anchor_epoch(2, ledger_root, balances_root));
}

TEST_F(VaultContract, WithdrawalWithAProofAfterTheWindowPaysOnce) {
  const chain_key developer = funded(100 * token);
  must_send(developer, net->vault, vault_call::deposit(100 * token));
  std::vector<balance_leaf> leaves = {{developer.chain_address(), 60 * token}};
  for (int i = 0; i < 4; ++i) leaves.push_back({chain_key::generate().chain_address(), (7 + i) * token});
  auto tree = balances_tree::build(leaves);
  ASSERT_TRUE(tree.ok());
  const word ledger_root = keccak256(std::string_view("epoch 1"));
  must_send(net->operator_key, net->vault, vault_call::anchor_epoch(1, ledger_root, tree->root()));

  must_revert(developer, vault_call::withdraw(1, 60 * token, tree->proof(0)), "challenge window still open");
  ASSERT_TRUE(net->advance_time(net->parameters.challenge_window_seconds).ok());
  must_revert(developer, vault_call::withdraw(1, 61 * token, tree->proof(0)), "invalid balances proof");
  must_revert(developer, vault_call::withdraw(1, 60 * token, tree->proof(1)), "invalid balances proof");
  must_revert(developer, vault_call::withdraw(2, 60 * token, tree->proof(0)), "epoch not anchored");

  auto events = must_send(developer, net->vault, vault_call::withdraw(1, 60 * token, tree->proof(0)));
  ASSERT_EQ(events.size(), 1u);
  const auto& withdrawn = std::get<withdrawn_event>(events[0]);
  EXPECT_EQ(withdrawn.amount_micro, 60 * token);
  EXPECT_EQ(withdrawn.cumulative_micro, 60 * token);
  EXPECT_EQ(tokens_of(developer.chain_address()), 60 * token);
  EXPECT_EQ(vault_u64(vault_call::pool()), 40 * token);
  must_revert(developer, vault_call::withdraw(1, 60 * token, tree->proof(0)), "nothing to withdraw");

  // The next epoch grants 90 in all: only the 30 not yet withdrawn are paid.
  leaves[0].cumulative_micro = 90 * token;
  auto next = balances_tree::build(leaves);
  ASSERT_TRUE(next.ok());
  must_send(net->operator_key, net->vault, vault_call::anchor_epoch(2, ledger_root, next->root()));
  ASSERT_TRUE(net->advance_time(net->parameters.challenge_window_seconds).ok());
  events = must_send(developer, net->vault, vault_call::withdraw(2, 90 * token, next->proof(0)));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(std::get<withdrawn_event>(events[0]).amount_micro, 30 * token);
  EXPECT_EQ(tokens_of(developer.chain_address()), 90 * token);
  // An older root grants less than what was withdrawn: nothing more.
  must_revert(developer, vault_call::withdraw(1, 60 * token, tree->proof(0)), "nothing to withdraw");
}

TEST_F(VaultContract, WithdrawalsNeverTakeMoreThanThePoolNorTouchStakes) {
  const chain_key miner = funded(500 * token);
  must_send(miner, net->vault, vault_call::stake(stake_role::miner, 500 * token));
  const chain_key developer = funded(10 * token);
  must_send(developer, net->vault, vault_call::deposit(10 * token));
  auto tree = balances_tree::build({{developer.chain_address(), 400 * token}});
  ASSERT_TRUE(tree.ok());
  must_send(net->operator_key, net->vault, vault_call::anchor_epoch(1, word{}, tree->root()));
  ASSERT_TRUE(net->advance_time(net->parameters.challenge_window_seconds).ok());
  must_revert(developer, vault_call::withdraw(1, 400 * token, tree->proof(0)), "pool too small");
  EXPECT_EQ(tokens_of(net->vault), 510 * token);
}

TEST_F(VaultContract, QuorumOfStakedValidatorsSlashesAsTheLedgerRulesSay) {
  const chain_key miner = funded(1000 * token);
  // Staked 5.00007 after unbonding 100 then 45: the forfeit takes the stake first, then the newest unbonding.
  const std::uint64_t stake_micro = 150 * token + 70;
  must_send(miner, net->vault, vault_call::stake(stake_role::miner, stake_micro));
  must_send(miner, net->vault, vault_call::unbond(100 * token));
  must_send(miner, net->vault, vault_call::unbond(45 * token));
  const std::vector<chain_key> validators = staked_validators(3);
  const word evidence = keccak256(std::string_view("receipt r-17 convicted"));
  const std::uint64_t pool_before = vault_u64(vault_call::pool());

  auto events = must_send(validators[0], net->vault,
                          vault_call::slash(miner.chain_address(), evidence, slash_signatures(validators, miner.chain_address(), evidence)));
  ASSERT_EQ(events.size(), 1u);
  const auto& slashed = std::get<slashed_event>(events[0]);
  // bonded = 150.00007; forfeit = floor(bonded × 1000 / 10000); voters share floor(forfeit × 5000 / 10000)
  // equally; the treasury gets the rest with the rounding remainder (ledger_state::slash_plan).
  const std::uint64_t forfeit = stake_micro * 1000 / 10000;
  const std::uint64_t each = forfeit * 5000 / 10000 / 3;
  EXPECT_EQ(slashed.miner, miner.chain_address());
  EXPECT_EQ(slashed.evidence_hash, evidence);
  EXPECT_EQ(slashed.forfeit_micro, forfeit);
  EXPECT_EQ(slashed.reward_per_voter_micro, each);
  EXPECT_EQ(slashed.treasury_share_micro, forfeit - 3 * each);
  ASSERT_EQ(slashed.voters.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(slashed.voters[i], validators[i].chain_address());
  EXPECT_EQ(vault_u64(vault_call::staked_of(miner.chain_address())), 0u);
  EXPECT_EQ(vault_u64(vault_call::unbonding_of(miner.chain_address())), 145 * token - (forfeit - (5 * token + 70)));
  EXPECT_EQ(vault_u64(vault_call::pool()), pool_before + forfeit);

  // A conviction happens once per evidence.
  must_revert(validators[0], vault_call::slash(miner.chain_address(), evidence, slash_signatures(validators, miner.chain_address(), evidence)),
              "evidence already convicted");
}

TEST_F(VaultContract, SlashRefusesBelowQuorumStrangersDuplicatesAndForgeries) {
  const chain_key miner = funded(200 * token);
  must_send(miner, net->vault, vault_call::stake(stake_role::miner, 200 * token));
  const std::vector<chain_key> validators = staked_validators(3);
  const address target = miner.chain_address();
  const word evidence = keccak256(std::string_view("receipt r-18"));
  auto sigs = slash_signatures(validators, target, evidence);

  must_revert(validators[0], vault_call::slash(target, evidence, {sigs[0], sigs[1]}), "below quorum");
  must_revert(validators[0], vault_call::slash(target, evidence, {sigs[0], sigs[0], sigs[1]}), "signers not distinct and ascending");
  must_revert(validators[0], vault_call::slash(target, evidence, {sigs[2], sigs[1], sigs[0]}), "signers not distinct and ascending");

  // A key that never staked (or a validator under the minimum) does not count.
  std::vector<chain_key> with_stranger = {validators[0], validators[1], chain_key::generate()};
  std::sort(with_stranger.begin(), with_stranger.end(),
            [](const chain_key& a, const chain_key& b) { return a.chain_address() < b.chain_address(); });
  must_revert(validators[0], vault_call::slash(target, evidence, slash_signatures(with_stranger, target, evidence)),
              "signer is not a staked validator");
  // Signatures over other evidence recover other addresses: forged for this one.
  const word other = keccak256(std::string_view("receipt r-19"));
  must_revert(validators[0], vault_call::slash(target, evidence, slash_signatures(validators, target, other)),
              "signer is not a staked validator");
  // The malleated twin (s -> n - s, v flipped) of a valid signature is refused.
  bytes twin = sigs[0];
  const auto order = *word_from_hex("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
  int borrow = 0;
  for (int i = 31; i >= 0; --i) {
    const int difference = order[i] - twin[32 + i] - borrow;
    twin[32 + i] = static_cast<std::uint8_t>(difference & 0xff);
    borrow = difference < 0 ? 1 : 0;
  }
  twin[64] = twin[64] == 27 ? 28 : 27;
  must_revert(validators[0], vault_call::slash(target, evidence, {twin, sigs[1], sigs[2]}), "signature s is not canonical");
  // A validator cannot be slashed as a miner.
  must_revert(validators[0], vault_call::slash(validators[1].chain_address(), evidence, sigs), "not a miner");
  EXPECT_EQ(vault_u64(vault_call::staked_of(target)), 200 * token);
  // The genuine quorum still works after all the refusals.
  must_send(validators[0], net->vault, vault_call::slash(target, evidence, sigs));
  EXPECT_EQ(vault_u64(vault_call::staked_of(target)), 180 * token);
}

TEST_F(VaultContract, IdentityBindingKeepsAStatementAnyoneCanCheck) {
  const chain_key account = funded(0);
  const identity node = identity::generate();
  const word key = identity_key_word(node);
  const bytes signature = sign_identity_binding(node, net->chain_id, net->vault, account.chain_address());
  auto events = must_send(account, net->vault, vault_call::bind_identity(key, signature));
  ASSERT_EQ(events.size(), 1u);
  const auto& bound = std::get<identity_bound_event>(events[0]);
  EXPECT_EQ(bound.account, account.chain_address());
  EXPECT_EQ(bound.ed25519_public_key, key);
  EXPECT_TRUE(verify_identity_binding(bound, net->chain_id, net->vault).ok());
  auto stored = net->client->call(net->vault, vault_call::identity_of(account.chain_address()));
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(*abi_reader(*stored).word_at(0), key);

  // The same statement claimed by another address does not verify.
  identity_bound_event stolen = bound;
  stolen.account = chain_key::generate().chain_address();
  EXPECT_EQ(verify_identity_binding(stolen, net->chain_id, net->vault).err().code, error_code::bad_signature);
  must_revert(account, vault_call::bind_identity(key, bytes(63, 1)), "signature must be 64 bytes");
  // Once per address, and before its first stake: the ledger books its stakes to one identity.
  must_revert(account, vault_call::bind_identity(key, signature), "identity already bound");
  const chain_key staker = funded(100 * token);
  must_send(staker, net->vault, vault_call::stake(stake_role::miner, 100 * token));
  must_revert(staker, vault_call::bind_identity(key, sign_identity_binding(node, net->chain_id, net->vault, staker.chain_address())),
              "bind the identity before staking");
}

// Gas per call, printed for deploy/readme/chain.md (figures, not assertions: each call must succeed).
// The vault counts micro-units; its 18-decimal token (as BTT) moves 10^12 base units for each.
TEST_F(VaultContract, AmountsAreMicroUnitsWhileTheTokenMovesEighteenDecimals) {
  EXPECT_EQ(*net->view_u64(net->token, token_call::decimals()), 18u);
  EXPECT_EQ(vault_u64(vault_call::token_units_per_micro()), 1'000'000'000'000u);
  const chain_key developer = funded(80 * token);
  const std::string eighty_tokens = "0x" + std::string(47, '0') + "4563918244f400000";  // 80 × 10^18
  EXPECT_EQ(to_hex_0x(*net->token_base_units(developer.chain_address())), eighty_tokens);
  auto events = must_send(developer, net->vault, vault_call::deposit(12'500'000));  // 12.5 tokens
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(std::get<deposited_event>(events[0]).amount_micro, 12'500'000u);  // the event is in micro-units
  EXPECT_EQ(vault_u64(vault_call::pool()), 12'500'000u);
  const std::string twelve_and_a_half = "0x" + std::string(48, '0') + "ad78ebc5ac620000";  // 12.5 × 10^18
  EXPECT_EQ(to_hex_0x(*net->token_base_units(net->vault)), twelve_and_a_half);
  EXPECT_EQ(tokens_of(developer.chain_address()), 67'500'000u);

  // A token whose base unit is larger than a micro-unit cannot back the ledger: the vault refuses it.
  auto coarse = deploy_test_token(*net->client, net->deployer, chain_tools_dir() + "/artifacts", 5);
  ASSERT_TRUE(coarse.ok()) << coarse.err().message;
  vault_parameters parameters = net->parameters;
  parameters.token = *coarse;
  auto refused = deploy_vault(*net->client, net->deployer, chain_tools_dir() + "/artifacts", parameters, false);
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.err().message, HasSubstr("token decimals must be 6 to 24"));
}

TEST_F(VaultContract, GasPerCallIsMeasured) {
  std::vector<std::pair<std::string, std::uint64_t>> table = {{"deploy TestToken", net->token_deploy_gas},
                                                              {"deploy SettlementVault", net->vault_deploy_gas}};
  const auto measure = [&](const std::string& name, const chain_key& from, const bytes& data) {
    auto receipt = net->client->send(from, net->vault, data);
    ASSERT_TRUE(receipt.ok()) << name << ": " << receipt.err().message;
    table.emplace_back(name, receipt->gas_used);
  };
  const chain_key developer = funded(100 * token);
  measure("deposit (the vault's first)", developer, vault_call::deposit(40 * token));
  measure("deposit", developer, vault_call::deposit(60 * token));
  const chain_key miner = funded(300 * token);
  measure("stake (first, miner)", miner, vault_call::stake(stake_role::miner, 200 * token));
  measure("stake (more)", miner, vault_call::stake(stake_role::miner, 100 * token));
  measure("unbond", miner, vault_call::unbond(10 * token));
  ASSERT_TRUE(net->advance_time(net->parameters.unbonding_delay_seconds).ok());
  measure("withdrawUnbonded (1 matured)", miner, vault_call::withdraw_unbonded());

  std::vector<balance_leaf> leaves = {{developer.chain_address(), 50 * token}};
  for (int i = 1; i < 1024; ++i) leaves.push_back({chain_key::generate().chain_address(), static_cast<std::uint64_t>(i)});
  auto tree = balances_tree::build(leaves);
  ASSERT_TRUE(tree.ok());
  measure("anchorEpoch", net->operator_key, vault_call::anchor_epoch(1, keccak256(std::string_view("epoch 1")), tree->root()));
  ASSERT_TRUE(net->advance_time(net->parameters.challenge_window_seconds).ok());
  measure("withdraw (1,024 accounts: 10-hash proof)", developer, vault_call::withdraw(1, 50 * token, tree->proof(0)));

  const std::vector<chain_key> validators = staked_validators(3);
  const word evidence = keccak256(std::string_view("receipt r-20"));
  measure("slash (quorum of 3 signatures)", validators[0],
          vault_call::slash(miner.chain_address(), evidence, slash_signatures(validators, miner.chain_address(), evidence)));
  const identity node = identity::generate();
  const word key = identity_key_word(node);
  const chain_key unstaked = funded(0);
  measure("bindIdentity", unstaked,
          vault_call::bind_identity(key, sign_identity_binding(node, net->chain_id, net->vault, unstaked.chain_address())));

  std::printf("%-44s %10s\n", "SettlementVault call", "gas used");
  for (const auto& [name, gas] : table) std::printf("%-44s %10llu\n", name.c_str(), static_cast<unsigned long long>(gas));
}

TEST_F(VaultContract, ANodeThatIsDownIsAClearErrorNotAThrow) {
  const chain_key account = funded(10 * token);
  net->node->stop();
  auto sent = net->client->send(account, net->vault, vault_call::deposit(1 * token));
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.err().code, error_code::unavailable);
  EXPECT_THAT(sent.err().message, HasSubstr("unreachable"));
  EXPECT_THAT(sent.err().message, HasSubstr(net->node->endpoint()));
  EXPECT_EQ(net->client->block_number().err().code, error_code::unavailable);
}

}  // namespace
}  // namespace infergrid::testing
