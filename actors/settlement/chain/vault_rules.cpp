#include "actors/settlement/chain/vault_rules.hpp"

#include <fmt/format.h>

#include "actors/settlement/chain/contract_views.hpp"
#include "actors/settlement/chain/vault_calls.hpp"

namespace infergrid::chain {
namespace {

struct rule_row {
  const char* name;  // as the ledger's settings name it
  std::uint64_t vault_rules::*field;
  bytes (*call)();
};

constexpr rule_row rule_rows[] = {
    {"conviction_quorum", &vault_rules::conviction_quorum, &vault_call::conviction_quorum},
    {"slash_bps", &vault_rules::slash_bps, &vault_call::slash_bps},
    {"slash_reporter_bps", &vault_rules::slash_reporter_bps, &vault_call::slash_reporter_bps},
    {"miner_stake_min_micro", &vault_rules::miner_stake_min_micro, &vault_call::miner_stake_min},
    {"validator_stake_min_micro", &vault_rules::validator_stake_min_micro, &vault_call::validator_stake_min},
};

}  // namespace

result<vault_rules> read_vault_rules(chain_client& client, const address& vault) {
  vault_rules out;
  for (const rule_row& row : rule_rows) {
    auto value = read_u64(client, vault, row.call());
    if (!value.ok()) return make_error(value.err().code, std::string("reading the vault's ") + row.name + ": " + value.err().message);
    out.*row.field = *value;
  }
  return out;
}

vault_rules rules_of(const vault_parameters& p) {
  return vault_rules{p.conviction_quorum, p.slash_bps, p.slash_reporter_bps, p.miner_stake_min_micro,
                     p.validator_stake_min_micro};
}

void set_rules(vault_parameters& p, const vault_rules& rules) {
  p.conviction_quorum = rules.conviction_quorum;
  p.slash_bps = rules.slash_bps;
  p.slash_reporter_bps = rules.slash_reporter_bps;
  p.miner_stake_min_micro = rules.miner_stake_min_micro;
  p.validator_stake_min_micro = rules.validator_stake_min_micro;
}

std::string rule_differences(const vault_rules& ledger, const vault_rules& vault) {
  std::string out;
  for (const rule_row& row : rule_rows) {
    if (ledger.*row.field == vault.*row.field) continue;
    out += fmt::format("{}{}: the ledger books {}, the vault enforces {}", out.empty() ? "" : "; ", row.name,
                       ledger.*row.field, vault.*row.field);
  }
  return out;
}

status vault_rules_gate::check(chain_client& client) {
  std::lock_guard lock(mutex_);
  if (settled_) return *settled_;
  auto rules = read_vault_rules(client, vault_);
  if (!rules.ok()) return rules.err();
  const std::string differences = rule_differences(ledger_rules_, *rules);
  settled_ = differences.empty()
                 ? status{}
                 : status(make_error(error_code::conflict,
                                     "vault " + to_hex_0x(vault_) + " does not enforce the ledger's rules (" + differences +
                                         "): nothing is followed, anchored or slashed on it; set the settlement's ledger "
                                         "settings to the vault's, or deploy a vault with the ledger's"));
  return *settled_;
}

}  // namespace infergrid::chain
