#pragma once
// ledger_config: every tunable of the ledger, one line each with its default and what it means
// (Ray-style config table). Amounts are micro-units; shares are basis points (10'000 = 100 %).
#include <cstdint>
#include <string>

#include "runtime/result.hpp"

#include <msgpack.hpp>

#include "actors/settlement/ledger/amount.hpp"
#include "market/supply_rule.hpp"

namespace infergrid::ledger {

struct reward_weights {
  // Weight of the miner's share of the epoch's useful work: value others paid it (tokens settled
  // in closes written before useful_work::value_paid). Named as its setting, weight_useful_tokens.
  std::int64_t useful_tokens = 50;
  // Weight of latency (best p95 latency among miners / this miner's p95 latency).
  std::int64_t latency = 15;
  // Weight of uptime/stability as reported for the epoch (parts per million).
  std::int64_t uptime = 15;
  // Weight of validation accuracy (share of audited receipts found correct, parts per million).
  std::int64_t accuracy = 20;
  MSGPACK_DEFINE(useful_tokens, latency, uptime, accuracy)
  bool operator==(const reward_weights&) const = default;
};

struct ledger_config {
  // Account that receives fees, slashed stake and reward remainders, and funds the reward pool.
  std::string treasury_account = "treasury";
  // Stake a miner needs to be scheduled by the matchmaker.
  micro_units miner_stake_min_micro = 100 * micro_per_token;
  // Stake a validator needs for its verdicts to count.
  micro_units validator_stake_min_micro = 100 * micro_per_token;
  // Epochs an unbonded stake stays locked (and slashable) before it can be withdrawn.
  std::int64_t unbonding_epochs = 2;
  // Share of every settled request's cost that goes to the treasury.
  std::int64_t fee_bps = 100;
  // Distinct validators' guilty verdicts against one receipt that convict its miner.
  std::int64_t conviction_quorum = 3;
  // Share of the convicted miner's bonded stake (staked + unbonding) that is forfeited.
  std::int64_t slash_bps = 1'000;
  // Share of the forfeited stake paid to the validators that voted guilty (rest to the treasury).
  std::int64_t slash_reporter_bps = 5'000;
  // Paid from the epoch pool to a validator per correct verdict (before miners are paid).
  micro_units validator_reward_per_verdict_micro = micro_per_token / 100;
  // Miners whose first stake happened before this epoch are early participants...
  std::int64_t early_participant_epochs = 4;
  // ...and their reward score is multiplied by this percentage.
  std::int64_t early_participant_multiplier_percent = 150;
  // Weights of the miner score dimensions.
  reward_weights weights{};
  // The pool of a demand-driven epoch close and when the early window opens (market/supply_rule.hpp).
  market::supply_rule supply{};
  // Stakes are in custody on a chain (a settlement with a chain bridge): a validators' quorum convicts
  // here, but the forfeit is booked as the vault's Slashed event says (chain_slash_op), so the ledger
  // can never take more or less than the vault did — e.g. when the miner withdrew matured unbonding
  // before the vault's slash executed.
  bool slashes_on_chain = false;
  // The config is part of the ledger: stored at creation, replayed by verify (fields append-only;
  // a config stored before `supply` or `slashes_on_chain` decodes with its defaults).
  MSGPACK_DEFINE(treasury_account, miner_stake_min_micro, validator_stake_min_micro, unbonding_epochs, fee_bps,
                 conviction_quorum, slash_bps, slash_reporter_bps, validator_reward_per_verdict_micro,
                 early_participant_epochs, early_participant_multiplier_percent, weights, supply, slashes_on_chain)
  bool operator==(const ledger_config&) const = default;
};

// Rejects a config whose shares or minimums make no sense (e.g. a fee over 100 %).
status validate_config(const ledger_config& config);

}  // namespace infergrid::ledger
