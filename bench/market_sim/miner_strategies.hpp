#pragma once
// miner_strategies: the kinds of miner bench/market_sim puts on the grid, one row each. The cheat
// rows are the cheat classes the validators know (actors/gpu_worker/cheat_mode.hpp), each with the
// detection rate deploy/readme/validation.md measured ("Detection": found guilty when audited) and
// what the cheat saves; receipts the matchmaker refuses (inflated counts, forged or missing
// signatures) are never paid.
#include <cstdint>
#include <span>
#include <string_view>

namespace infergrid::market_sim {

struct miner_strategy {
  std::string_view name;
  std::uint32_t hardware_units;  // GPUs: capacity is jobs_per_unit per unit per epoch
  double population_share;       // of the simulated miners
  double uptime;                 // share of each epoch it is online
  double failure_rate;           // share of its jobs it drops (failed over to another miner, unpaid)
  double first_token_ms;         // the latency the matchmaker measures
  double speed;                  // capacity per unit relative to an honest GPU
  double compute_factor;         // energy per job relative to honest serving (a cheat's saving)
  double paid_completion_factor; // completion tokens its receipts claim relative to an honest answer
  double detection;              // P(an audited job of it is found guilty)
  bool receipts_refused;         // the matchmaker refuses its receipts: never paid, a failed audit each
  double ask_factor;             // its ask relative to the default pricing policy's
  bool cheat;
  // Jobs it also serves itself each epoch it is online, relative to its capacity, paid from its own
  // account at price 0: work nobody else paid for, which the ledger's epoch close counts as no
  // useful work (settlement.md "Epoch rewards": value paid by others). It does them honestly.
  double self_dealt = 0;
  // Its self-dealt work is paid by a second account it holds, at its own ask: the ledger counts it
  // as value paid by another account (it cannot tell whose the account is), and the fee it takes
  // (ledger fee_bps) is the dealer's cost. The payment is counted as the dealer's expense.
  bool through_second_account = false;
};

// The strategy table (population shares sum to 1).
std::span<const miner_strategy> strategies();

}  // namespace infergrid::market_sim
