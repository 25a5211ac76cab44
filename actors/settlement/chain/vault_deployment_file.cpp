#include "actors/settlement/chain/vault_deployment_file.hpp"

#include <sstream>

#include <yaml-cpp/yaml.h>

#include "runtime/replace_file.hpp"
#include "runtime/settings.hpp"
#include "runtime/yaml_duplicate_keys.hpp"

namespace infergrid::chain {

status write_vault_deployment_file(const std::string& path, const vault_deployment_record& record) {
  const vault_deployment& d = record.deployment;
  std::ostringstream out;
  out << "# A SettlementVault, written by infergrid (deploy/readme/chain.md); a settlement actor reads it\n"
         "# with `chain_deployment: "
      << path << "`.\n"
      << "chain_endpoint: " << record.endpoint << "\n"
      << "chain_id: " << d.chain_id << "\n"
      << "chain_token: \"" << to_hex_0x(d.token) << "\"\n"
      << "chain_token_deployed: " << (d.token_deployed ? "true" : "false") << "\n"
      << "chain_vault: \"" << to_hex_0x(d.vault) << "\"\n"
      << "chain_start_block: " << d.deployed_block << "\n";
  return replace_file(path, out.str());
}

result<vault_deployment_record> read_vault_deployment_file(const std::string& path) {
  YAML::Node node;
  try {
    node = YAML::LoadFile(path);
  } catch (const YAML::Exception& e) {
    return make_error(error_code::not_found, "cannot read the deployment file " + path + ": " + e.what());
  }
  IG_TRY(reject_duplicate_keys(node, path));
  const settings file(node, path, "");
  IG_TRY(file.reject_unknown_keys(
      {"chain_endpoint", "chain_id", "chain_token", "chain_token_deployed", "chain_vault", "chain_start_block"}));
  vault_deployment_record out;
  auto endpoint = file.require<std::string>("chain_endpoint");
  auto chain_id = file.require<std::uint64_t>("chain_id");
  auto token = file.require<std::string>("chain_token");
  auto vault = file.require<std::string>("chain_vault");
  auto start_block = file.require<std::uint64_t>("chain_start_block");
  auto token_deployed = file.get<bool>("chain_token_deployed", false);
  if (!endpoint) return endpoint.err();
  if (!chain_id) return chain_id.err();
  if (!token) return token.err();
  if (!vault) return vault.err();
  if (!start_block) return start_block.err();
  if (!token_deployed) return token_deployed.err();
  auto token_address = address_from_hex(*token);
  if (!token_address) return make_error(error_code::invalid_argument, file.where("chain_token") + ": " + token_address.err().message);
  auto vault_address = address_from_hex(*vault);
  if (!vault_address) return make_error(error_code::invalid_argument, file.where("chain_vault") + ": " + vault_address.err().message);
  out.endpoint = *endpoint;
  out.deployment.chain_id = *chain_id;
  out.deployment.token = *token_address;
  out.deployment.token_deployed = *token_deployed;
  out.deployment.vault = *vault_address;
  out.deployment.deployed_block = *start_block;
  return out;
}

}  // namespace infergrid::chain
