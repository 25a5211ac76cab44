#include "tests/support/vault_devnet.hpp"

#include "actors/settlement/chain/abi.hpp"
#include "actors/settlement/chain/contract_views.hpp"
#include "actors/settlement/chain/contract_artifact.hpp"

namespace infergrid::testing {
namespace {

constexpr std::string_view thousand_ether_wei_hex = "0x3635c9adc5dea00000";  // 1000 × 10^18
constexpr std::uint64_t token_micro = 1'000'000;

}  // namespace

chain::vault_parameters default_vault_parameters() {
  chain::vault_parameters p;
  p.unbonding_delay_seconds = 3600;
  p.challenge_window_seconds = 600;
  p.miner_stake_min_micro = 100 * token_micro;
  p.validator_stake_min_micro = 100 * token_micro;
  p.conviction_quorum = 3;
  p.slash_bps = 1000;
  p.slash_reporter_bps = 5000;
  return p;
}

result<std::unique_ptr<vault_devnet>> vault_devnet::start(chain::vault_parameters parameters) {
  auto net = std::make_unique<vault_devnet>();
  auto node = anvil_node::start();
  if (!node) return node.err();
  net->node = std::move(*node);
  net->client = std::make_unique<chain::chain_client>(net->node->endpoint());
  auto id = net->client->chain_id();
  if (!id) return id.err();
  net->chain_id = *id;
  for (const chain::chain_key* key : {&net->deployer, &net->operator_key}) IG_TRY(net->fund(*key, 0));

  const std::string artifacts = chain_tools_dir() + "/artifacts";
  auto token_code = chain::load_contract_artifact(artifacts, "TestToken");
  if (!token_code) return token_code.err();
  auto token = net->client->deploy(net->deployer, token_code->creation_code, &net->token_deploy_gas);
  if (!token) return token.err();
  net->token = *token;

  auto vault_code = chain::load_contract_artifact(artifacts, "SettlementVault");
  if (!vault_code) return vault_code.err();
  parameters.token = net->token;
  parameters.operator_address = net->operator_key.chain_address();
  chain::bytes creation = vault_code->creation_code;
  const chain::bytes arguments = chain::vault_constructor_arguments(parameters);
  creation.insert(creation.end(), arguments.begin(), arguments.end());
  auto vault = net->client->deploy(net->deployer, creation, &net->vault_deploy_gas);
  if (!vault) return vault.err();
  net->vault = *vault;
  net->parameters = parameters;
  return net;
}

status vault_devnet::fund(const chain::chain_key& account, std::uint64_t tokens_micro) {
  auto funded = client->rpc().call(
      "anvil_setBalance", nlohmann::json::array({chain::to_hex_0x(account.chain_address()), thousand_ether_wei_hex}));
  if (!funded) return funded.err();
  if (tokens_micro == 0) return {};
  auto minted = client->send(deployer, token, chain::token_call::mint(account.chain_address(), tokens_micro));
  if (!minted) return minted.err();
  auto approved = client->send(account, token, chain::token_call::approve(vault, tokens_micro));
  if (!approved) return approved.err();
  return {};
}

status vault_devnet::advance_time(std::uint64_t seconds) {
  auto increased = client->rpc().call("evm_increaseTime", nlohmann::json::array({seconds}));
  if (!increased) return increased.err();
  auto mined = client->rpc().call("evm_mine");
  if (!mined) return mined.err();
  return {};
}

result<std::uint64_t> vault_devnet::view_u64(const chain::address& contract, const chain::bytes& call_data) {
  return chain::read_u64(*client, contract, call_data);
}

result<std::uint64_t> vault_devnet::token_balance(const chain::address& account) {
  return view_u64(token, chain::token_call::balance_of(account));
}

}  // namespace infergrid::testing
