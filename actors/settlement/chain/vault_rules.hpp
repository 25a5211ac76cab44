#pragma once
// vault_rules: the slashing and stake rules a SettlementVault was deployed with (immutable for its
// lifetime), and a gate that holds every chain-writing and chain-following thread of a settlement
// until the vault's rules are known to be the ones its ledger books by. A ledger that slashes 10%
// while the vault moves 20% would book one amount and custody another; so nothing is followed,
// anchored or slashed on a vault whose rules differ, and the difference is named in the log.
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "actors/settlement/chain/chain_client.hpp"
#include "actors/settlement/chain/vault_calls.hpp"

namespace infergrid::chain {

struct vault_rules {
  std::uint64_t conviction_quorum = 0;
  std::uint64_t slash_bps = 0;
  std::uint64_t slash_reporter_bps = 0;
  std::uint64_t miner_stake_min_micro = 0;
  std::uint64_t validator_stake_min_micro = 0;
  bool operator==(const vault_rules&) const = default;
};

result<vault_rules> read_vault_rules(chain_client& client, const address& vault);

// The rules among a vault's constructor arguments, and a deployment's arguments with these rules.
vault_rules rules_of(const vault_parameters& parameters);
void set_rules(vault_parameters& parameters, const vault_rules& rules);

// "slash_bps: the ledger books 1000, the vault enforces 2000; ..." — empty when they agree.
std::string rule_differences(const vault_rules& ledger, const vault_rules& vault);

// Thread-safe; shared by the watcher, the anchorer and the slasher of one bridge.
class vault_rules_gate {
 public:
  vault_rules_gate(address vault, vault_rules ledger_rules) : vault_(vault), ledger_rules_(ledger_rules) {}

  // ok once the vault's rules were read and agree (read once); `conflict`, for good, when they
  // differ; the read's own error (node down, no contract there) otherwise — try again later.
  status check(chain_client& client);

 private:
  const address vault_;
  const vault_rules ledger_rules_;
  std::mutex mutex_;
  std::optional<status> settled_;
};

}  // namespace infergrid::chain
