#pragma once
// ask_policy: the price a miner asks when it sets none (gpu_worker `pricing: utilisation`, the
// default). The ask rises with how busy the worker is, between a floor (idle) and a ceiling (every
// slot running and as many jobs again queued), so spare capacity is cheap and a saturated worker
// prices itself out of the routing until it has room again:
//   busy_permille = min(1000, 1000 × (running + queued) / (2 × slots))
//   ask_micro     = floor_micro + (ceiling_micro − floor_micro) × busy_permille / 1000   (rounded down)
// Pure and integer: the worker, its tests and bench/market_sim compute the same asks.
#include <cstdint>

#include "runtime/result.hpp"

namespace infergrid::market {

struct ask_bounds {
  std::uint64_t floor_micro = 0;    // per 1k tokens, asked when idle
  std::uint64_t ceiling_micro = 0;  // per 1k tokens, asked when saturated
};

// invalid_argument naming the problem when the ceiling is under the floor.
status validate_ask_bounds(const ask_bounds& bounds, const char* what);

// How busy a worker is, 0..1000; a worker without slots counts as saturated.
std::uint32_t busy_permille(std::uint32_t running, std::uint32_t queued, std::uint32_t slots);

std::uint64_t utilisation_ask_micro(const ask_bounds& bounds, std::uint32_t busy_permille);

}  // namespace infergrid::market
