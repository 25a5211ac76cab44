#pragma once
// vault_devnet: a development chain with the settlement contracts on it — a fresh anvil node, the
// test token (minted by `deployer`) and a SettlementVault whose operator is `operator_key` — and
// the moves tests need around it (the deployment itself is chain::deploy_vault, as in production): funding an account (gas money, tokens, the vault's allowance)
// and moving the node's clock.
#include <memory>

#include "actors/settlement/chain/chain_client.hpp"
#include "actors/settlement/chain/token_units.hpp"
#include "actors/settlement/chain/vault_deploy.hpp"
#include "tests/support/anvil_node.hpp"

namespace infergrid::testing {

struct vault_devnet {
  static result<std::unique_ptr<vault_devnet>> start(chain::vault_parameters parameters = chain::default_vault_parameters());

  // 1000 ether for gas (anvil_setBalance), `tokens_micro` minted to it, the vault allowed to take them.
  status fund(const chain::chain_key& account, std::uint64_t tokens_micro);
  // evm_increaseTime then evm_mine: the next block is `seconds` later.
  status advance_time(std::uint64_t seconds);
  // A view returning one uint256 that fits 64 bits (balances, stakes).
  result<std::uint64_t> view_u64(const chain::address& contract, const chain::bytes& call_data);
  // The account's test tokens in micro-units (refused if it holds a fraction of one), and in base units.
  result<std::uint64_t> token_balance(const chain::address& account);
  result<chain::word> token_base_units(const chain::address& account);

  std::unique_ptr<anvil_node> node;
  std::unique_ptr<chain::chain_client> client;
  chain::chain_key deployer = chain::chain_key::generate();
  chain::chain_key operator_key = chain::chain_key::generate();
  chain::vault_parameters parameters;
  chain::address token{};
  chain::address vault{};
  chain::token_scale scale;  // the vault's: 10^12 base units per micro-unit (18 decimals)
  std::uint64_t chain_id = 0;
  std::uint64_t token_deploy_gas = 0;
  std::uint64_t vault_deploy_gas = 0;
};

}  // namespace infergrid::testing
