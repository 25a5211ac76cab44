#pragma once
// vault_deploy: putting the settlement contracts on a chain — the test token (a dev chain's stand-in
// for BTT, minted by its deployer) unless an existing token is named, then a SettlementVault over it
// whose operator anchors epochs — and funding accounts on a dev chain. What `infergrid chain deploy`
// and `infergrid up --chain` do, and what the chain tests start from (deploy/readme/chain.md).
#include <optional>
#include <string>

#include "actors/settlement/chain/chain_client.hpp"
#include "actors/settlement/chain/vault_calls.hpp"

namespace infergrid::chain {

// The test token's decimals: BTT's, so every dev chain and chain test converts micro-units to 10^12
// base units each (token_units.hpp) as a real deployment does.
inline constexpr std::uint64_t test_token_decimals = 18;

// The ledger's rules (deploy/readme/settlement.md) as vault parameters, with the unbonding delay
// counted in seconds instead of epochs; token and operator are left for the caller.
vault_parameters default_vault_parameters();

struct vault_deployment {
  std::uint64_t chain_id = 0;
  address token{};
  bool token_deployed = false;        // true: the test token was deployed here (its deployer mints)
  address vault{};
  std::uint64_t deployed_block = 0;   // the vault's creation block: the chain bridge reads from here
  std::uint64_t token_deploy_gas = 0; // 0 when an existing token was used
  std::uint64_t vault_deploy_gas = 0;
};

// Deploys the vault with `parameters` (its token: `parameters.token`, or a fresh TestToken when
// `deploy_test_token`) from `deployer`, which pays the gas. `artifacts_dir` holds the compiled
// contracts (contracts/compile.mjs).
result<vault_deployment> deploy_vault(chain_client& client, const chain_key& deployer, const std::string& artifacts_dir,
                                      vault_parameters parameters, bool deploy_test_token);

// Deploys a TestToken with `decimals` from `deployer` (its minter); `gas_used`, when given, gets the gas.
result<address> deploy_test_token(chain_client& client, const chain_key& deployer, const std::string& artifacts_dir,
                                  std::uint64_t decimals, std::uint64_t* gas_used = nullptr);

// Dev chains only (anvil): sets `account`'s ether to 1000 (anvil_setBalance) for gas and, when
// `tokens_micro` > 0, mints it that many micro-units of test tokens (in the token's base units; the
// minter is the test token's deployer).
status fund_dev_account(chain_client& client, const address& account, const chain_key& token_minter,
                        const address& token, std::uint64_t tokens_micro);

// Whether `contract` has code on the chain (eth_getCode): a deployment from an earlier run is still there.
result<bool> has_code(chain_client& client, const address& contract);

// Where the npm packages (anvil) and compiled contracts are: $INFERGRID_CHAIN_TOOLS, else the
// chain_contracts folder of the build tree this binary was built in (deploy/install-chain-tools.sh).
std::string default_chain_tools_dir();

}  // namespace infergrid::chain
