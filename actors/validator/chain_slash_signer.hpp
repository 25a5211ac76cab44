#pragma once
// chain_slash_signer: a validator's side of slashing on the vault (deploy/readme/chain.md,
// "Slashing on-chain"). With `chain_key` (its staked chain wallet's secret, a key file) and
// `chain_deployment` (the vault's deployment file: chain id and vault address) set, a guilty
// verdict is preceded by the validator's signature of the vault's slash statement for that
// conviction. The miner's chain address comes from settlement (chain_identity), but the validator
// trusts it only when the miner's own Ed25519 signature binds that address on this chain and vault,
// so a settlement cannot turn its signature against another address.
#include <optional>
#include <string>

#include "actors/settlement/chain/chain_key.hpp"
#include "messages/chain_slash.hpp"

namespace infergrid::validator {

class chain_slash_signer {
 public:
  // nullopt when neither setting is given; an error when one is missing or a file is unreadable.
  static result<std::optional<chain_slash_signer>> create(const std::string& key_file, const std::string& deployment_file);

  // r | s | v over slash_digest(chain id, vault, the miner's bound address, conviction_evidence(request, miner)).
  result<chain::bytes> sign(const chain_identity& miner_binding, const std::string& request_id, const std::string& miner) const;
  const chain::address& chain_address() const { return key_.chain_address(); }

 private:
  chain_slash_signer(chain::chain_key key, std::uint64_t chain_id, chain::address vault)
      : key_(std::move(key)), chain_id_(chain_id), vault_(vault) {}
  chain::chain_key key_;
  std::uint64_t chain_id_ = 0;
  chain::address vault_{};
};

}  // namespace infergrid::validator
