#pragma once
// earnings_estimate: what a miner would earn per hour on a grid, from what it measured and what the
// grid says now — an estimate, and how it was made:
//   tokens/hour   = measured tokens/s with every slot busy × load × 3600
//   earnings/hour = tokens/hour × completion price per 1k tokens / 1000
// The load is the grid's measured utilisation (running jobs / slots) over the last minutes (the
// matchmaker's demand meter; the model's utilisation now when the meter has no samples): a miner
// joining gets its share of slots busy. The price is what the model's last jobs cleared at, else
// the median of the live workers' asks, else the miner's own ask (no one serves the model yet).
// Completion tokens only, before the ledger's fee; prompt tokens and epoch rewards come on top.
#include <cstdint>
#include <optional>
#include <string>

#include "messages/match.hpp"

namespace infergrid::cli {

struct earnings_inputs {
  double full_load_tokens_per_second = 0;  // measured, every slot decoding
  std::optional<model_supply> supply;      // the model on the grid now (none: nobody serves it)
  std::optional<demand_window_report> demand;  // the grid's utilisation over a recent window
  std::int64_t demand_window_s = 0;
  std::uint64_t own_ask_completion_micro = 0;
};

struct earnings_estimate {
  std::uint64_t price_completion_micro = 0;  // per 1k tokens
  std::string price_source;
  double load = 0;  // 0..1
  std::string load_source;
  double tokens_per_hour = 0;
  double micro_per_hour = 0;            // at that load
  double micro_per_hour_full_load = 0;  // every slot busy all hour
};

earnings_estimate estimate_earnings(const earnings_inputs& in);

// Lines for people: the figures and the formula with the numbers put in.
std::string describe(const earnings_estimate& estimate, double full_load_tokens_per_second);

}  // namespace infergrid::cli
