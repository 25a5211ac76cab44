#include "actors/matchmaker/matchmaker_config.hpp"

#include "runtime/settings.hpp"

namespace infergrid::matchmaker {

result<matchmaker_config> read_matchmaker_config(const settings& config) {
  IG_TRY(config.reject_unknown_keys({"heartbeat_interval_ms", "heartbeat_timeout_ms", "stall_timeout_ms",
                                     "dispatch_timeout_ms", "tick_ms", "default_deadline_ms", "max_workers", "max_jobs",
                                     "max_attempts", "min_stake_micro", "receipts_to"}));
  matchmaker_config out;
  IG_TRY(read_setting(config, "heartbeat_interval_ms", out.heartbeat_interval_ms));
  IG_TRY(read_setting(config, "heartbeat_timeout_ms", out.heartbeat_timeout_ms));
  IG_TRY(read_setting(config, "stall_timeout_ms", out.stall_timeout_ms));
  IG_TRY(read_setting(config, "dispatch_timeout_ms", out.dispatch_timeout_ms));
  IG_TRY(read_setting(config, "tick_ms", out.tick_ms));
  IG_TRY(read_setting(config, "default_deadline_ms", out.default_deadline_ms));
  IG_TRY(read_setting(config, "max_workers", out.max_workers));
  IG_TRY(read_setting(config, "max_jobs", out.max_jobs));
  IG_TRY(read_setting(config, "max_attempts", out.max_attempts));
  IG_TRY(read_setting(config, "min_stake_micro", out.min_stake_micro));
  IG_TRY(read_setting(config, "receipts_to", out.receipts_to));
  if (out.heartbeat_interval_ms <= 0 || out.heartbeat_timeout_ms <= out.heartbeat_interval_ms) {
    return make_error(error_code::invalid_argument,
                      config.where("heartbeat_timeout_ms") + ": must be greater than heartbeat_interval_ms (> 0)");
  }
  if (out.tick_ms <= 0) return make_error(error_code::invalid_argument, config.where("tick_ms") + ": must be > 0");
  return out;
}

}  // namespace infergrid::matchmaker
