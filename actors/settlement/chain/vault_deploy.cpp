#include "actors/settlement/chain/vault_deploy.hpp"

#include <cstdlib>

#include "actors/settlement/chain/contract_artifact.hpp"
#include "actors/settlement/chain/token_units.hpp"

namespace infergrid::chain {
namespace {

constexpr std::string_view thousand_ether_wei_hex = "0x3635c9adc5dea00000";  // 1000 × 10^18
constexpr std::uint64_t token_micro = 1'000'000;

}  // namespace

vault_parameters default_vault_parameters() {
  vault_parameters p;
  p.unbonding_delay_seconds = 3600;
  p.challenge_window_seconds = 600;
  p.miner_stake_min_micro = 100 * token_micro;
  p.validator_stake_min_micro = 100 * token_micro;
  p.conviction_quorum = 3;
  p.slash_bps = 1000;
  p.slash_reporter_bps = 5000;
  return p;
}

result<vault_deployment> deploy_vault(chain_client& client, const chain_key& deployer, const std::string& artifacts_dir,
                                      vault_parameters parameters, bool deploy_test_token) {
  vault_deployment out;
  auto id = client.chain_id();
  if (!id) return id.err();
  out.chain_id = *id;
  if (deploy_test_token) {
    auto token = chain::deploy_test_token(client, deployer, artifacts_dir, test_token_decimals, &out.token_deploy_gas);
    if (!token) return token.err();
    parameters.token = *token;
    out.token_deployed = true;
  } else {
    auto token_exists = has_code(client, parameters.token);
    if (!token_exists) return token_exists.err();
    if (!*token_exists) return make_error(error_code::not_found, "the token " + to_hex_0x(parameters.token) + " has no code on this chain");
  }
  out.token = parameters.token;

  auto vault_code = load_contract_artifact(artifacts_dir, "SettlementVault");
  if (!vault_code) return vault_code.err();
  bytes creation = vault_code->creation_code;
  const bytes arguments = vault_constructor_arguments(parameters);
  creation.insert(creation.end(), arguments.begin(), arguments.end());
  auto receipt = client.send(deployer, std::nullopt, creation);
  if (!receipt) return make_error(receipt.err().code, "deploying SettlementVault: " + receipt.err().message);
  if (!receipt->contract_address) return make_error(error_code::malformed_input, "the vault's creation receipt names no contract address");
  out.vault = *receipt->contract_address;
  out.vault_deploy_gas = receipt->gas_used;
  out.deployed_block = receipt->block_number;
  return out;
}

result<address> deploy_test_token(chain_client& client, const chain_key& deployer, const std::string& artifacts_dir,
                                  std::uint64_t decimals, std::uint64_t* gas_used) {
  auto token_code = load_contract_artifact(artifacts_dir, "TestToken");
  if (!token_code) return token_code.err();
  bytes creation = token_code->creation_code;
  const bytes arguments = abi_encode({abi_uint(decimals)});
  creation.insert(creation.end(), arguments.begin(), arguments.end());
  auto token = client.deploy(deployer, creation, gas_used);
  if (!token) return make_error(token.err().code, "deploying TestToken: " + token.err().message);
  return token;
}

status fund_dev_account(chain_client& client, const address& account, const chain_key& token_minter, const address& token,
                        std::uint64_t tokens_micro) {
  auto funded = client.rpc().call("anvil_setBalance", nlohmann::json::array({to_hex_0x(account), thousand_ether_wei_hex}));
  if (!funded) return funded.err();
  if (tokens_micro == 0) return {};
  auto scale = read_token_decimals(client, token);
  if (!scale) return scale.err();
  auto minted = client.send(token_minter, token, token_call::mint(account, token_units(tokens_micro, *scale)));
  if (!minted) return minted.err();
  return {};
}

result<bool> has_code(chain_client& client, const address& contract) {
  auto code = client.rpc().call("eth_getCode", nlohmann::json::array({to_hex_0x(contract), "latest"}));
  if (!code) return code.err();
  if (!code->is_string()) return make_error(error_code::malformed_input, "eth_getCode result is not a hex string");
  const auto text = code->get<std::string>();
  return text != "0x" && !text.empty();
}

std::string default_chain_tools_dir() {
  const char* configured = std::getenv("INFERGRID_CHAIN_TOOLS");
  if (configured != nullptr && *configured != '\0') return configured;
  return std::string(INFERGRID_CHAIN_TOOLS_DIR);
}

}  // namespace infergrid::chain
