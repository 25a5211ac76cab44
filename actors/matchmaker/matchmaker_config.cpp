#include "actors/matchmaker/matchmaker_config.hpp"

#include "runtime/settings.hpp"
#include "runtime/writable_path.hpp"

namespace infergrid::matchmaker {

result<matchmaker_config> read_matchmaker_config(const settings& config) {
  IG_TRY(config.reject_unknown_keys({"heartbeat_interval_ms", "heartbeat_timeout_ms", "stall_timeout_ms",
                                     "dispatch_timeout_ms", "tick_ms", "idle_tick_ms", "default_deadline_ms", "orphan_wait_ms", "max_workers", "max_jobs",
                                     "max_attempts", "min_stake_micro", "stake_from", "receipts_to", "settlement_retry_ms", "owed_journal", "owed_journal_sync", "submitter_lost_ms", "validators", "audit_memory",
                                     "reputation_prior_passes", "reputation_prior_failures", "reputation_failure_weight",
                                     "reputation_conviction_weight", "reputation_half_life_ms",
                                     "reputation_floor_permille", "conviction_quorum", "price_weight", "price_window_jobs", "demand_history_s",
                                     "receipt_wait_ms"}));
  matchmaker_config out;
  IG_TRY(read_setting(config, "heartbeat_interval_ms", out.heartbeat_interval_ms));
  IG_TRY(read_setting(config, "heartbeat_timeout_ms", out.heartbeat_timeout_ms));
  IG_TRY(read_setting(config, "stall_timeout_ms", out.stall_timeout_ms));
  IG_TRY(read_setting(config, "dispatch_timeout_ms", out.dispatch_timeout_ms));
  IG_TRY(read_setting(config, "tick_ms", out.tick_ms));
  IG_TRY(read_setting(config, "idle_tick_ms", out.idle_tick_ms));
  IG_TRY(read_setting(config, "default_deadline_ms", out.default_deadline_ms));
  IG_TRY(read_setting(config, "orphan_wait_ms", out.orphan_wait_ms));
  IG_TRY(config.require_that(out.orphan_wait_ms > 0, "orphan_wait_ms", "must be >= 1"));
  IG_TRY(read_setting(config, "max_workers", out.max_workers));
  IG_TRY(read_setting(config, "max_jobs", out.max_jobs));
  IG_TRY(read_setting(config, "max_attempts", out.max_attempts));
  IG_TRY(read_setting(config, "min_stake_micro", out.min_stake_micro));
  IG_TRY(read_setting(config, "stake_from", out.stake_from));
  IG_TRY(read_setting(config, "receipts_to", out.receipts_to));
  IG_TRY(read_setting(config, "settlement_retry_ms", out.settlement_retry_ms));
  IG_TRY(config.require_that(out.settlement_retry_ms > 0, "settlement_retry_ms", "must be >= 1"));
  IG_TRY(read_setting(config, "owed_journal", out.owed_journal));
  IG_TRY(check_writable_setting(config, "owed_journal", out.owed_journal));
  IG_TRY(read_setting(config, "owed_journal_sync", out.owed_journal_sync));
  IG_TRY(read_setting(config, "validators", out.validators));
  IG_TRY(read_setting(config, "audit_memory", out.audit_memory));
  IG_TRY(read_setting(config, "price_weight", out.routing.price));
  IG_TRY(read_setting(config, "price_window_jobs", out.price_window_jobs));
  IG_TRY(read_setting(config, "demand_history_s", out.demand_history_s));
  IG_TRY(read_setting(config, "submitter_lost_ms", out.submitter_lost_ms));
  IG_TRY(config.require_that(out.submitter_lost_ms > 0, "submitter_lost_ms", "must be >= 1"));
  IG_TRY(read_setting(config, "receipt_wait_ms", out.receipt_wait_ms));
  IG_TRY(config.require_that(out.receipt_wait_ms > 0, "receipt_wait_ms", "must be >= 1"));
  IG_TRY(config.require_that(out.demand_history_s > 0, "demand_history_s", "must be >= 1"));
  IG_TRY(config.require_that(out.routing.price >= 0, "price_weight", "must be >= 0"));
  IG_TRY(config.require_that(out.price_window_jobs != 0, "price_window_jobs", "must be >= 1"));
  reputation_config& r = out.reputation;
  IG_TRY(read_setting(config, "reputation_prior_passes", r.prior_passes));
  IG_TRY(read_setting(config, "reputation_prior_failures", r.prior_failures));
  IG_TRY(read_setting(config, "reputation_failure_weight", r.failure_weight));
  IG_TRY(read_setting(config, "reputation_conviction_weight", r.conviction_weight));
  IG_TRY(read_setting(config, "reputation_half_life_ms", r.recovery_half_life_ms));
  IG_TRY(read_setting(config, "reputation_floor_permille", r.routing_floor_permille));
  IG_TRY(read_setting(config, "conviction_quorum", r.conviction_quorum));
  IG_TRY(config.require_that(r.prior_passes > 0 && r.prior_failures > 0 && r.conviction_quorum >= 1,
                             "reputation_prior_passes", "priors must be > 0 and conviction_quorum >= 1"));
  IG_TRY(config.require_that(out.heartbeat_interval_ms > 0 && out.heartbeat_timeout_ms > out.heartbeat_interval_ms,
                             "heartbeat_timeout_ms", "must be greater than heartbeat_interval_ms (> 0)"));
  IG_TRY(config.require_that(out.tick_ms > 0, "tick_ms", "must be > 0"));
  IG_TRY(config.require_that(out.idle_tick_ms > 0, "idle_tick_ms", "must be > 0"));
  return out;
}

}  // namespace infergrid::matchmaker
