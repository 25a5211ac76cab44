#include "tests/support/vault_devnet.hpp"

#include "actors/settlement/chain/contract_views.hpp"
#include "actors/settlement/chain/token_units.hpp"

namespace infergrid::testing {

result<std::unique_ptr<vault_devnet>> vault_devnet::start(chain::vault_parameters parameters) {
  auto net = std::make_unique<vault_devnet>();
  auto node = anvil_node::start();
  if (!node) return node.err();
  net->node = std::move(*node);
  net->client = std::make_unique<chain::chain_client>(net->node->endpoint());
  for (const chain::chain_key* key : {&net->deployer, &net->operator_key}) IG_TRY(net->fund(*key, 0));
  parameters.operator_address = net->operator_key.chain_address();
  auto deployed = chain::deploy_vault(*net->client, net->deployer, chain_tools_dir() + "/artifacts", parameters,
                                      /*deploy_test_token=*/true);
  if (!deployed) return deployed.err();
  net->chain_id = deployed->chain_id;
  net->token = deployed->token;
  net->vault = deployed->vault;
  net->token_deploy_gas = deployed->token_deploy_gas;
  net->vault_deploy_gas = deployed->vault_deploy_gas;
  parameters.token = deployed->token;
  net->parameters = parameters;
  auto scale = chain::read_token_scale(*net->client, net->vault);
  if (!scale) return scale.err();
  net->scale = *scale;
  return net;
}

status vault_devnet::fund(const chain::chain_key& account, std::uint64_t tokens_micro) {
  IG_TRY(chain::fund_dev_account(*client, account.chain_address(), deployer, token, tokens_micro));
  if (tokens_micro == 0) return {};
  auto approved = client->send(account, token, chain::token_call::approve(vault, chain::token_units(tokens_micro, scale)));
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
  auto units = token_base_units(account);
  if (!units) return units.err();
  return chain::micro_of_token_units(*units, scale);
}

result<chain::word> vault_devnet::token_base_units(const chain::address& account) {
  return chain::read_word(*client, token, chain::token_call::balance_of(account));
}

}  // namespace infergrid::testing
