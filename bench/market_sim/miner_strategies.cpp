#include "bench/market_sim/miner_strategies.hpp"

#include <array>

namespace infergrid::market_sim {
namespace {

// clang-format off
// name                units share  uptime fail   ttft_ms speed compute paid  detect refused ask   cheat
constexpr std::array table = {
  miner_strategy{"honest-small",      1, 0.36, 0.99, 0.001,  300, 1.0, 1.00, 1.0, 0.0,   false, 1.0, false},
  miner_strategy{"honest-large",      8, 0.04, 0.99, 0.001,  300, 1.0, 1.00, 1.0, 0.0,   false, 1.0, false},
  miner_strategy{"large-flaky",       8, 0.03, 0.60, 0.050,  600, 1.0, 1.00, 1.0, 0.0,   false, 1.0, false},
  miner_strategy{"flaky",             1, 0.08, 0.60, 0.050,  300, 1.0, 1.00, 1.0, 0.0,   false, 1.0, false},
  miner_strategy{"slow",              1, 0.08, 0.99, 0.001, 2500, 0.5, 1.00, 1.0, 0.0,   false, 1.0, false},
  miner_strategy{"cheap-unreliable",  1, 0.08, 0.90, 0.200,  400, 1.0, 1.00, 1.0, 0.0,   false, 0.5, false},
  // Farms rewards by settling as much work again for itself at ask 0 (its own account pays).
  miner_strategy{"self-dealer",       1, 0.02, 0.99, 0.001,  300, 1.0, 1.00, 1.0, 0.0,   false, 1.0, false, 1.0},
  // The same work paid by a second account of its own at its ask (a sock puppet payer).
  miner_strategy{"sock-dealer",       1, 0.02, 0.99, 0.001,  300, 1.0, 1.00, 1.0, 0.0,   false, 1.0, false, 1.0, true},
  // Cheats (validation.md "Detection": 18/18, 18/18, 18/18, 15/16, 15/15, 18/18; refused receipts).
  miner_strategy{"cheat-smaller-model", 1, 0.05, 0.99, 0.001, 250, 1.3, 0.30, 1.0, 1.0,    false, 1.0, true},
  miner_strategy{"cheat-q4-downgrade",  1, 0.05, 0.99, 0.001, 250, 1.2, 0.50, 1.0, 1.0,    false, 1.0, true},
  miner_strategy{"cheat-random-tokens", 1, 0.05, 0.99, 0.001, 100, 3.0, 0.02, 1.0, 1.0,    false, 1.0, true},
  miner_strategy{"cheat-truncate",      1, 0.05, 0.99, 0.001, 300, 1.5, 0.50, 0.5, 0.9375, false, 1.0, true},
  miner_strategy{"cheat-replay-old",    1, 0.04, 0.99, 0.001, 100, 3.0, 0.02, 1.0, 1.0,    false, 1.0, true},
  miner_strategy{"cheat-inflate-count", 1, 0.03, 0.99, 0.001, 300, 1.0, 1.00, 2.0, 1.0,    true,  1.0, true},
  miner_strategy{"cheat-forged-receipt",1, 0.02, 0.99, 0.001, 100, 3.0, 0.02, 1.0, 0.0,    true,  1.0, true},
};
// clang-format on

constexpr double share_sum() {
  double sum = 0;
  for (const auto& row : table) sum += row.population_share;
  return sum;
}
static_assert(share_sum() > 0.999 && share_sum() < 1.001, "population shares must sum to 1");

}  // namespace

std::span<const miner_strategy> strategies() { return table; }

}  // namespace infergrid::market_sim
