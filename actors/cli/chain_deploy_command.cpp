// `infergrid chain deploy`: puts the settlement contracts on a chain (deploy/readme/chain.md,
// "Deploying") — the test token unless --token names an existing one, then a SettlementVault over
// it with the ledger's rules — prints where they are and, with --out, writes the deployment file a
// settlement actor reads (`chain_deployment: FILE`).
//   infergrid chain deploy --rpc URL --key FILE [--token 0x…] [--operator 0x…] [--out FILE]
// --key: the deployer, who pays the gas (and mints the test token). --operator: the address that
// anchors epochs (the settlement actor's chain_operator_key); the deployer when not given.
#include "actors/cli/chain_deploy_command.hpp"

#include <memory>

#include <fmt/format.h>

#include "actors/cli/command_registry.hpp"
#include "actors/settlement/chain/chain_key_file.hpp"
#include "actors/settlement/chain/vault_deployment_file.hpp"

namespace infergrid::cli {
namespace {

using namespace infergrid::chain;

struct deploy_args {
  std::string rpc = "http://127.0.0.1:8545";
  std::string key_file;
  std::string token;
  std::string operator_address;
  std::string out;
  std::string tools_dir = default_chain_tools_dir();
  std::uint64_t unbonding_delay_s = default_vault_parameters().unbonding_delay_seconds;
  std::uint64_t challenge_window_s = default_vault_parameters().challenge_window_seconds;
};

status deploy(const deploy_args& args) {
  auto deployer = read_chain_key_file(args.key_file);
  if (!deployer) return deployer.err();
  vault_parameters parameters = default_vault_parameters();
  parameters.unbonding_delay_seconds = args.unbonding_delay_s;
  parameters.challenge_window_seconds = args.challenge_window_s;
  parameters.operator_address = deployer->chain_address();
  if (!args.operator_address.empty()) {
    auto operator_address = address_from_hex(args.operator_address);
    if (!operator_address) return make_error(error_code::invalid_argument, "--operator: " + operator_address.err().message);
    parameters.operator_address = *operator_address;
  }
  if (!args.token.empty()) {
    auto token = address_from_hex(args.token);
    if (!token) return make_error(error_code::invalid_argument, "--token: " + token.err().message);
    parameters.token = *token;
  }
  chain_client client(args.rpc);
  auto deployed = deploy_vault(client, *deployer, args.tools_dir + "/artifacts", parameters, args.token.empty());
  if (!deployed) return deployed.err();
  fmt::print("chain {} at {}, deployed by {}\n", deployed->chain_id, args.rpc, to_hex_0x(deployer->chain_address()));
  if (deployed->token_deployed) {
    fmt::print("token {} (TestToken, {} gas; its deployer mints)\n", to_hex_0x(deployed->token), deployed->token_deploy_gas);
  } else {
    fmt::print("token {} (existing)\n", to_hex_0x(deployed->token));
  }
  fmt::print("vault {} (SettlementVault, {} gas, block {}; operator {})\n", to_hex_0x(deployed->vault),
             deployed->vault_deploy_gas, deployed->deployed_block, to_hex_0x(parameters.operator_address));
  if (args.out.empty()) return {};
  IG_TRY(write_vault_deployment_file(args.out, vault_deployment_record{args.rpc, *deployed}));
  fmt::print("written to {} (settlement settings: chain_deployment: {})\n", args.out, args.out);
  return {};
}

}  // namespace

void add_chain_deploy_command(CLI::App& chain) {
  auto args = std::make_shared<deploy_args>();
  auto* sub = chain.add_subcommand("deploy", "deploy the test token (or use --token) and a SettlementVault; print their addresses");
  sub->add_option("--rpc", args->rpc, "the EVM node's JSON-RPC endpoint")->capture_default_str();
  sub->add_option("--key", args->key_file, "file with the deployer's secp256k1 secret (hex): pays the gas")->required();
  sub->add_option("--token", args->token, "an existing ERC-20 token (0x…) instead of deploying the test token");
  sub->add_option("--operator", args->operator_address, "the address that anchors epochs (default: the deployer)");
  sub->add_option("--out", args->out, "write the deployment file (YAML) the settlement actor's chain_deployment reads");
  sub->add_option("--unbonding-delay-s", args->unbonding_delay_s, "how long unbonded stake stays locked")->capture_default_str();
  sub->add_option("--challenge-window-s", args->challenge_window_s, "how long after an anchor withdrawals wait")->capture_default_str();
  sub->add_option("--tools", args->tools_dir, "folder with artifacts/ (the compiled contracts)")->capture_default_str();
  sub->callback([args] {
    auto deployed = deploy(*args);
    if (deployed) return;
    fmt::print(stderr, "chain deploy: {}\n", deployed.err().message);
    set_exit_code(1);
  });
}

}  // namespace infergrid::cli
