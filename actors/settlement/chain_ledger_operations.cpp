#include "actors/settlement/chain_ledger_operations.hpp"

namespace infergrid {
namespace {

std::string cause_of(const chain::chain_log& log) { return "chain/block/" + std::to_string(log.block_number); }

// The test token's base unit is the ledger's micro-unit; an amount beyond int64 cannot be booked.
bool fits(std::uint64_t amount_micro) { return amount_micro <= static_cast<std::uint64_t>(INT64_MAX); }

std::string kind_name(ledger::account_kind kind) {
  return std::string(ledger::account_kind_names.at(static_cast<std::size_t>(kind)));
}

}  // namespace

std::string ledger_account_of(const chain::address& account) { return chain::to_hex_0x(account); }

std::string chain_op_id(const chain::chain_log& log) {
  return "chain/" + chain::to_hex_0x(log.transaction_hash) + "/" + std::to_string(log.log_index);
}

std::vector<ledger::command> ledger_commands_of(const chain::chain_log& log, const chain::vault_event& event,
                                               const chain_identities& identities, const account_kind_lookup& kind_of,
                                               std::string* refusal) {
  std::vector<ledger::command> out;
  if (const auto* deposited = std::get_if<chain::deposited_event>(&event); deposited && fits(deposited->amount_micro)) {
    out.push_back({chain_op_id(log), cause_of(log),
                   ledger::deposit_op{ledger_account_of(deposited->account),
                                      static_cast<std::uint8_t>(ledger::account_kind::developer),
                                      static_cast<ledger::micro_units>(deposited->amount_micro)}});
  } else if (const auto* staked = std::get_if<chain::staked_event>(&event); staked && fits(staked->amount_micro)) {
    const auto kind = staked->role == static_cast<std::uint8_t>(chain::stake_role::validator) ? ledger::account_kind::validator
                                                                                              : ledger::account_kind::miner;
    const std::string account = identities.ledger_account(staked->account);
    if (const auto booked = kind_of(account); booked && *booked != kind) {
      if (refusal != nullptr) {
        *refusal = "stake of " + account + " not booked: the account is a " +
                   kind_name(*booked) + ", not a " + kind_name(kind) +
                   " (bind an identity, or stake from an address that never deposited)";
      }
      return out;
    }
    const auto amount_micro = static_cast<ledger::micro_units>(staked->amount_micro);
    out.push_back({chain_op_id(log), cause_of(log), ledger::deposit_op{account, static_cast<std::uint8_t>(kind), amount_micro}});
    out.push_back({chain_op_id(log) + "/stake", cause_of(log), ledger::stake_op{account, amount_micro}});
  } else if (const auto* unbonded = std::get_if<chain::unbonded_event>(&event); unbonded && fits(unbonded->amount_micro)) {
    out.push_back({chain_op_id(log), cause_of(log),
                   ledger::unbond_op{identities.ledger_account(unbonded->account),
                                     static_cast<ledger::micro_units>(unbonded->amount_micro)}});
  } else if (const auto* paid = std::get_if<chain::unbonded_withdrawn_event>(&event); paid && fits(paid->amount_micro)) {
    out.push_back({chain_op_id(log), cause_of(log),
                   ledger::unbonding_paid_op{identities.ledger_account(paid->account),
                                             static_cast<ledger::micro_units>(paid->amount_micro)}});
  }
  return out;
}

std::vector<ledger::command> chain_slash_command_of(const chain::chain_log& log, const chain::slashed_event& slashed,
                                                   const chain_identities& identities, const std::string& request_id) {
  // A forfeit of nothing (the miner had nothing bonded on the vault) still settles a conviction awaiting it.
  if ((slashed.forfeit_micro == 0 && request_id.empty()) || !fits(slashed.forfeit_micro)) return {};
  ledger::chain_slash_op op{request_id, identities.ledger_account(slashed.miner),
                            static_cast<ledger::micro_units>(slashed.forfeit_micro), {},
                            static_cast<ledger::micro_units>(slashed.reward_per_voter_micro),
                            static_cast<ledger::micro_units>(slashed.treasury_share_micro)};
  for (const chain::address& voter : slashed.voters) op.voters.push_back(identities.ledger_account(voter));
  return {ledger::command{chain_op_id(log), cause_of(log), std::move(op)}};
}

}  // namespace infergrid
