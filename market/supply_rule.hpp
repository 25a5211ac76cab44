#pragma once
// supply_rule: how much an epoch's rewards subsidise supply, from measured demand, so that rewards
// pull miners in when requests queue and stop subsidising idle capacity. Pure and integer: the
// ledger applies it at a demand-driven epoch close (settlement.md "Epoch rewards"), the
// matchmaker uses its thresholds to name models short of capacity, bench/market_sim runs it.
//
//   base_micro        = value_paid_micro × reward_per_paid_ppm / 10^6          (a close counting value paid)
//                     | tokens_served × reward_per_1k_tokens_micro / 1000   (closes before it: tokens)
//   utilisation_ppm'  = min(utilisation_ppm, utilisation_target_ppm)
//   idle_factor_ppm   = 10^6 × utilisation_ppm' / utilisation_target_ppm      (< 10^6: capacity sits idle)
//   queue_excess_ppm  = min(queue_boost_max_ppm, 10^6 × max(0, queue_p95_ms − queue_target_ms) / queue_target_ms)
//   pool_micro        = min(reward_pool_max_micro,
//                           base_micro × idle_factor_ppm / 10^6 × (10^6 + queue_excess_ppm) / 10^6)
// (each division rounds down). The grid is *short of supply* when queue_p95_ms > queue_target_ms
// or utilisation_ppm ≥ saturation_ppm; while it is, the early-participant window is open (a miner
// whose first stake comes then gets the early multiplier).
#include <cstdint>
#include <optional>

#include <msgpack.hpp>

namespace infergrid::market {

struct supply_rule {
  // Reward per 1k tokens served in the epoch (the subsidy for useful work, not for capacity).
  std::int64_t reward_per_1k_tokens_micro = 100;
  // Utilisation at which capacity counts as fully used; below it the pool shrinks in proportion.
  std::int64_t utilisation_target_ppm = 700'000;
  // Utilisation from which the grid is short of supply even without a queue.
  std::int64_t saturation_ppm = 900'000;
  // p95 of the time requests wait for a worker that counts as acceptable.
  std::int64_t queue_target_ms = 2'000;
  // The pool grows with the queue time beyond the target, at most by this much (2'000'000 = ×3).
  std::int64_t queue_boost_max_ppm = 2'000'000;
  // Upper bound of one epoch's pool (the treasury bounds it too).
  std::int64_t reward_pool_max_micro = 10'000'000'000;
  // Reward per micro-unit payers paid miners in the epoch, in parts per million (500'000 = half), for
  // a close counting value paid: about what reward_per_1k_tokens_micro gave at the default asks
  // (100 / 200 micro per 1k prompt / completion tokens). Work a miner pays itself for, or does at
  // price 0, adds nothing; a miner paying itself through a second account pays the fee
  // (ledger fee_bps) on it, so such farming pays only while this rate × the queue boost (up to ×3)
  // exceeds the fee. Appended: a rule stored before it decodes with this default.
  std::int64_t reward_per_paid_ppm = 500'000;
  MSGPACK_DEFINE(reward_per_1k_tokens_micro, utilisation_target_ppm, saturation_ppm, queue_target_ms,
                 queue_boost_max_ppm, reward_pool_max_micro, reward_per_paid_ppm)
  bool operator==(const supply_rule&) const = default;
};

// Demand measured over one epoch.
struct demand_measure {
  std::int64_t tokens_served = 0;      // prompt + completion tokens settled (the ledger counts them)
  std::int64_t queue_p95_ms = 0;       // p95 of request wait for a worker (the matchmaker measures it)
  std::int64_t utilisation_ppm = 0;    // mean running jobs / slots (the matchmaker measures it)
  // Set: micro-units miners were credited from receipts other accounts paid (the ledger counts
  // them), and the base is this value, not tokens_served.
  std::optional<std::int64_t> value_paid_micro;
};

// Whether the rule's numbers are usable (positive targets, saturation ≤ 10^6, non-negative amounts).
bool valid_supply_rule(const supply_rule& rule);
std::int64_t demand_reward_pool_micro(const demand_measure& demand, const supply_rule& rule);
bool short_of_supply(const demand_measure& demand, const supply_rule& rule);

}  // namespace infergrid::market
