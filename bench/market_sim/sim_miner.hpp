#pragma once
// sim_miner: one simulated miner — its strategy, key (ledger account), its view in the routing
// (a matchmaker worker_entry with its ask) and what it earned and spent.
#include <array>
#include <cstdint>
#include <string>

#include "actors/matchmaker/worker_registry.hpp"
#include "actors/settlement/ledger/amount.hpp"
#include "actors/settlement/ledger/signed_ops.hpp"
#include "bench/market_sim/miner_strategies.hpp"
#include "runtime/identity.hpp"

namespace infergrid::market_sim {

// A miner's key from the seed, so accounts (and the whole run) repeat for a seed.
inline identity seeded_identity(std::uint64_t seed, std::uint32_t index) {
  std::array<std::uint8_t, 32> bytes{};
  for (int b = 0; b < 8; ++b) bytes[b] = static_cast<std::uint8_t>(seed >> (8 * b));
  for (int b = 0; b < 4; ++b) bytes[8 + b] = static_cast<std::uint8_t>(index >> (8 * b));
  bytes[31] = 0x5a;
  return identity::from_seed(bytes);
}

struct sim_miner {
  sim_miner(const miner_strategy& strategy, std::size_t strategy_index, identity identity_key)
      : kind(&strategy), kind_index(strategy_index), key(std::move(identity_key)), account(ledger::account_of(key)) {
    entry.worker_id = account;
    entry.models.push_back(model_offer{"model", "", 0, "", 0, 0, 0});
    entry.first_token_ms_ewma = strategy.first_token_ms;
  }

  std::uint32_t full_capacity(std::uint32_t jobs_per_unit) const {
    return static_cast<std::uint32_t>(jobs_per_unit * kind->hardware_units * kind->speed);
  }
  void begin_epoch() {
    last_assigned = entry.assigned;
    last_capacity = entry.slots;
    entry.assigned = 0;
    entry.slots = 0;
    paid_prompt = paid_completion = self_tokens = 0;
    audited = failed_audits = 0;
  }
  void serve(std::uint64_t prompt, std::uint64_t completion, ledger::micro_units energy_per_1k_micro) {
    paid_prompt += static_cast<std::int64_t>(prompt);
    paid_completion += static_cast<std::int64_t>(completion * kind->paid_completion_factor);
    energy_milli += static_cast<double>(prompt + completion) * energy_per_1k_micro * kind->compute_factor;
  }
  // Work it pays itself for (miner_strategy::self_dealt): settled at price 0, so only its energy counts.
  void serve_itself(std::uint64_t tokens, ledger::micro_units energy_per_1k_micro) {
    self_tokens += static_cast<std::int64_t>(tokens);
    energy_milli += static_cast<double>(tokens) * energy_per_1k_micro * kind->compute_factor;
  }
  double profit_micro() const {
    return static_cast<double>(income_micro + rewards_micro - slashed_micro - costs_micro - second_account_paid_micro) -
           energy_milli / 1000.0;
  }

  const miner_strategy* kind;
  std::size_t kind_index;
  identity key;
  std::string account;
  matchmaker::worker_entry entry;  // slots = this epoch's capacity in jobs (0 offline), assigned = its jobs
  bool present = true;             // false once it left (or was slashed under the stake minimum)
  std::uint32_t last_assigned = 0, last_capacity = 0;
  std::int64_t paid_prompt = 0, paid_completion = 0;  // this epoch, as its receipts claim
  std::int64_t self_tokens = 0;                       // this epoch, served to itself (completion tokens)
  std::uint32_t audited = 0, failed_audits = 0;       // this epoch
  std::uint32_t epochs_present = 0;
  std::uint64_t jobs = 0, convictions = 0;
  ledger::micro_units income_micro = 0, rewards_micro = 0, slashed_micro = 0, costs_micro = 0;
  ledger::micro_units second_account_paid_micro = 0;  // what its second account paid for its self-dealt work
  double energy_milli = 0;   // energy cost × 1000 (fractions of a micro-unit per job add up)
  double last_profit = 0;    // profit_micro() at the end of the previous epoch
};

}  // namespace infergrid::market_sim
