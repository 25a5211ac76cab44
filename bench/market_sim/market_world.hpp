#pragma once
// market_world: the economic simulation behind bench/market_sim. Thousands of miners (the rows of
// miner_strategies.hpp) serve a demand curve over many epochs through the grid's real rules:
//   - asks: the default pricing policy (market/ask_policy.hpp) from each miner's last utilisation;
//   - routing: each job samples `candidates` online, routable miners and the real routing cost
//     (matchmaker::routing_cost: load, latency, reputation, price) picks one; caps by capacity;
//   - reputation: the matchmaker's reputation_book on a simulated clock (audits pass or fail);
//   - audits: each job is audited by each validator with `audit_rate`; a cheat is found guilty
//     with its class's detection rate, escalated to every validator, and the quorum's signed
//     verdicts convict and slash it in the ledger;
//   - money: the real ledger_state — escrow and settlement of every miner's epoch of jobs at its
//     ask (one receipt per miner and epoch, signed by its key), verdicts, and a demand-driven epoch
//     close (market/supply_rule.hpp) whose pool is split by the ledger's score.
// Deterministic for a seed: the same parameters give the same report, byte for byte.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "actors/settlement/ledger/amount.hpp"

namespace infergrid::market_sim {

struct market_params {
  std::uint64_t seed = 1;
  std::uint32_t miners = 2000;
  std::uint32_t epochs = 60;
  std::uint32_t validators = 3;
  double audit_rate = 0.05;              // per validator and job (validation.md: validator `audit_rate`)
  std::uint32_t jobs_per_unit = 200;     // an honest GPU's capacity per epoch
  double base_demand = 0.55;             // demand as a share of the honest miners' starting capacity
  std::uint32_t candidates = 4;          // miners sampled per job before the routing cost decides
  std::int64_t epoch_ms = 600'000;       // simulated length of an epoch (the reputation clock)
  ledger::micro_units stake_micro = 100 * ledger::micro_per_token;
  ledger::micro_units unit_cost_micro = 6'000;         // fixed cost of one GPU online for an epoch
  ledger::micro_units energy_per_1k_tokens_micro = 40; // energy per 1k tokens served honestly
  bool demand_doubles = true;            // at a third of the run
  bool half_leave = true;                // half the miners leave at two thirds of the run
  bool self_dealing = true;              // self-dealers also settle work for themselves at ask 0 (miner_strategy::self_dealt)
  bool second_account_dealing = true;    // sock-dealers pay their own work from a second account (through_second_account)
  // The ledger's supply_rule::reward_per_paid_ppm (reward per micro-unit others paid); unset: its default.
  std::optional<std::int64_t> reward_per_paid_ppm;
};

struct strategy_result {
  std::string name;
  std::uint32_t miners = 0;
  std::uint32_t hardware_units = 0;
  bool cheat = false;
  double profit_per_epoch_micro = 0;       // per miner: income + rewards − slashes − costs, over its epochs
  double profit_per_unit_epoch_micro = 0;  // the same per GPU
  double reward_share = 0;                 // of all epoch rewards paid to miners
  double jobs_share = 0;
  std::uint64_t convictions = 0;
  double saving_per_job_micro = 0;         // a cheat's saving (energy, claimed tokens) per job
  double break_even_audit_rate = 0;        // per-validator audit rate at which the cheat stops losing (cheats)
};

struct epoch_line {
  std::uint32_t epoch = 0;
  std::uint64_t demand_jobs = 0;
  std::uint64_t served_jobs = 0;
  std::uint32_t online_miners = 0;
  std::int64_t queue_p95_ms = 0;
  std::int64_t utilisation_ppm = 0;
  std::uint64_t median_ask_completion_micro = 0;
  std::uint64_t cleared_completion_micro = 0;
  ledger::micro_units reward_pool_micro = 0;
};

struct market_report {
  market_params params;
  std::vector<strategy_result> strategies;
  std::vector<epoch_line> timeline;
  double top_decile_hardware_share = 0;  // of all GPUs, held by the 10% of miners with the most
  double top_decile_reward_share = 0;    // of miners' rewards paid to them
  std::uint64_t jobs_simulated = 0;
  std::uint32_t epochs_cheating_paid = 0;  // epochs in which some cheat class out-earned honest-small per GPU
};

market_report run_market(const market_params& params);
// The report as printed (deterministic: no timings).
std::string format_report(const market_report& report);

}  // namespace infergrid::market_sim
