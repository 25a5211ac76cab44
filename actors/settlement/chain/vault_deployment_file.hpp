#pragma once
// vault_deployment_file: where a SettlementVault is — a small YAML file that `infergrid chain deploy
// --out` and `infergrid up --chain` write and the settlement actor's `chain_deployment` setting reads
// (its keys are the actor's own chain_* setting names, so they can be copied into a config as well):
//   chain_endpoint: http://127.0.0.1:8545
//   chain_id: 31337
//   chain_token: "0x…"
//   chain_token_deployed: true      # the test token, minted by its deployer
//   chain_vault: "0x…"
//   chain_start_block: 2            # the vault's creation block: nothing of it is older
#include <string>

#include "actors/settlement/chain/vault_deploy.hpp"

namespace infergrid::chain {

struct vault_deployment_record {
  std::string endpoint;
  vault_deployment deployment;
};

// Written to a temporary file, then renamed over `path`.
status write_vault_deployment_file(const std::string& path, const vault_deployment_record& record);
// A missing file, a missing or unknown key or a malformed address is an error naming the file (and key).
result<vault_deployment_record> read_vault_deployment_file(const std::string& path);

}  // namespace infergrid::chain
