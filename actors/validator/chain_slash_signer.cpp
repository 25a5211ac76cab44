#include "actors/validator/chain_slash_signer.hpp"

#include <algorithm>

#include "actors/settlement/chain/chain_key_file.hpp"
#include "actors/settlement/chain/identity_binding.hpp"
#include "actors/settlement/chain/slash_statement.hpp"
#include "actors/settlement/chain/vault_deployment_file.hpp"

namespace infergrid::validator {

result<std::optional<chain_slash_signer>> chain_slash_signer::create(const std::string& key_file,
                                                                     const std::string& deployment_file) {
  if (key_file.empty() && deployment_file.empty()) return std::optional<chain_slash_signer>();
  if (key_file.empty() || deployment_file.empty()) {
    return make_error(error_code::invalid_argument, "chain_key and chain_deployment go together (slashing on the vault)");
  }
  auto key = chain::read_chain_key_file(key_file);
  if (!key.ok()) return make_error(key.err().code, "chain_key: " + key.err().message);
  auto deployed = chain::read_vault_deployment_file(deployment_file);
  if (!deployed.ok()) return make_error(deployed.err().code, "chain_deployment: " + deployed.err().message);
  if (deployed->deployment.chain_id == 0) {
    return make_error(error_code::invalid_argument, "chain_deployment: " + deployment_file + " names no chain_id");
  }
  return std::optional<chain_slash_signer>(
      chain_slash_signer(std::move(*key), deployed->deployment.chain_id, deployed->deployment.vault));
}

result<chain::bytes> chain_slash_signer::sign(const chain_identity& miner_binding, const std::string& request_id,
                                              const std::string& miner) const {
  if (miner_binding.account != miner) {
    return make_error(error_code::conflict, "settlement answered with the chain identity of " + miner_binding.account);
  }
  auto address = chain::address_from_hex(miner_binding.chain_address);
  if (!address.ok()) return address.err();
  chain::identity_bound_event statement{*address, {}, miner_binding.binding_signature};
  if (auto parsed = from_hex(miner, statement.ed25519_public_key); !parsed.ok()) return parsed.err();
  IG_TRY(chain::verify_identity_binding(statement, chain_id_, vault_));
  return chain::sign_slash(key_, chain_id_, vault_, *address, chain::conviction_evidence(request_id, miner));
}

}  // namespace infergrid::validator
