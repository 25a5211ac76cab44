#pragma once
// epoch_close_rule: the epoch close the settlement actor writes now — its epoch driver, its timer
// and an epoch_close message alike — counting useful work as value paid by other accounts
// (useful_work::value_paid; settlement.md "Epoch rewards"), with latency, uptime and accuracy
// scaling each miner's work rather than added to it (score_rule::work_scaled). bench/market_sim
// closes its epochs with it too, so the simulation runs the ledger's rule, not a copy. Entries
// written under the earlier rules (tokens settled, additive scores) replay as they were written.
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "actors/settlement/ledger/operation.hpp"

namespace infergrid::ledger {

inline epoch_close_op current_epoch_close(std::int64_t epoch, micro_units reward_pool_micro,
                                          std::vector<miner_metrics> metrics, std::optional<epoch_demand> demand) {
  return epoch_close_op{epoch, reward_pool_micro, std::move(metrics), demand, useful_work::value_paid,
                        score_rule::work_scaled};
}

}  // namespace infergrid::ledger
