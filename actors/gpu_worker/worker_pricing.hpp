#pragma once
// worker_pricing: the ask a gpu_worker publishes for its model (in its registration and every
// heartbeat). Three sources, the first that applies wins:
//   1. `asks_file` (YAML `{price_prompt_micro: N, price_completion_micro: N}`), re-read whenever it
//      changes (runtime/file_watch: time, size or inode): the miner changes its price while serving. A file that cannot be
//      read or parsed, or has another key, keeps the previous asks and is reported once per change;
//   2. `pricing: fixed`: the configured `price_prompt_micro` / `price_completion_micro`;
//   3. `pricing: utilisation` (the default for a worker that sets no price): the ask follows load
//      between floor and ceiling (market/ask_policy.hpp).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "market/ask_policy.hpp"
#include "runtime/file_watch.hpp"
#include "runtime/result.hpp"
#include "runtime/settings.hpp"

namespace infergrid::gpu_worker {

enum class pricing_mode { fixed, utilisation };

struct pricing_config {
  pricing_mode mode = pricing_mode::utilisation;  // fixed when a price_* key is set, unless `pricing` says otherwise
  std::uint64_t price_prompt_micro = 100;        // fixed asks, per 1k tokens
  std::uint64_t price_completion_micro = 200;
  market::ask_bounds prompt_bounds{100, 400};      // utilisation policy: idle .. saturated, per 1k tokens
  market::ask_bounds completion_bounds{200, 800};
  std::string asks_file;                           // "" = none
};

// Reads `pricing`, `price_*`, `price_floor_*`, `price_ceiling_*` and `asks_file` from the settings.
result<pricing_config> read_pricing_config(const settings& config);

struct ask_pair {
  std::uint64_t prompt_micro = 0;
  std::uint64_t completion_micro = 0;
  bool operator==(const ask_pair&) const = default;
};

class worker_pricing {
 public:
  explicit worker_pricing(pricing_config config);

  // The ask now, given the worker's load. `warn` hears of an asks file that changed and cannot be used.
  ask_pair current(std::uint32_t running, std::uint32_t queued, std::uint32_t slots,
                   const std::function<void(const std::string&)>& warn);

 private:
  void reload_asks_file(const std::function<void(const std::string&)>& warn);

  pricing_config config_;
  bool file_asks_valid_ = false;
  ask_pair file_asks_;
  std::optional<file_watch> watch_;  // from the first read on
};

}  // namespace infergrid::gpu_worker
