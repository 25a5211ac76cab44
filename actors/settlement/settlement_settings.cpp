// settlement_state: reading the actor's `settings:` mapping.
#include "actors/settlement/settlement_state.hpp"

namespace infergrid {

result<settlement_settings> read_settlement_settings(const settings& config) {
  IG_TRY(config.reject_unknown_keys({"db", "key", "durable", "epoch_root_subscribers", "genesis_deposits", "treasury_account",
                                     "miner_stake_min_micro", "validator_stake_min_micro", "unbonding_epochs",
                                     "fee_bps", "conviction_quorum", "slash_bps", "slash_reporter_bps",
                                     "validator_reward_per_verdict_micro", "early_participant_epochs",
                                     "early_participant_multiplier_percent", "weight_useful_tokens",
                                     "weight_latency", "weight_uptime", "weight_accuracy", "escrow_grace_ms",
                                     "escrow_default_timeout_ms", "reconcile_interval_ms", "escrow_restart_grace_ms", "chain_endpoint", "chain_vault",
                                     "chain_confirmations", "chain_start_block", "chain_poll_interval_ms",
                                     "chain_retry_max_ms", "chain_operator_key", "chain_deployment", "epoch_interval_ms", "epoch_interval_s",
                                     "epoch_demand_from", "epoch_demand_timeout_ms"}));
  settlement_settings out;
  ledger::ledger_config& l = out.ledger;
  IG_TRY(read_setting(config, "db", out.db_path));
  IG_TRY(read_setting(config, "key", out.key_path));
  IG_TRY(read_setting(config, "durable", out.durable));
  IG_TRY(read_setting(config, "epoch_root_subscribers", out.epoch_root_subscribers));
  IG_TRY(read_setting(config, "genesis_deposits", out.genesis_deposits));
  for (const auto& [account, amount_micro] : out.genesis_deposits) {
    if (amount_micro <= 0) {
      return make_error(error_code::invalid_argument, config.where("genesis_deposits") + ": " + account +
                                                          " needs a positive amount_micro");
    }
  }
  IG_TRY(read_setting(config, "escrow_grace_ms", out.expiry.grace_ms));
  IG_TRY(read_setting(config, "escrow_default_timeout_ms", out.expiry.default_timeout_ms));
  IG_TRY(read_setting(config, "reconcile_interval_ms", out.expiry.reconcile_interval_ms));
  IG_TRY(read_setting(config, "escrow_restart_grace_ms", out.expiry.restart_grace_ms));
  if (out.expiry.grace_ms < 0 || out.expiry.restart_grace_ms < 0 || out.expiry.default_timeout_ms < 1 || out.expiry.reconcile_interval_ms < 1) {
    return make_error(error_code::invalid_argument, config.where() + ": escrow_grace_ms and escrow_restart_grace_ms must be >= 0, "
                                                    "escrow_default_timeout_ms and reconcile_interval_ms >= 1");
  }
  IG_TRY(read_setting(config, "epoch_interval_ms", out.epoch_interval_ms));
  if (out.epoch_interval_ms < 0) return make_error(error_code::invalid_argument, config.where("epoch_interval_ms") + ": must be >= 0");
  IG_TRY(read_chain_bridge_settings(config, out.chain));
  l.slashes_on_chain = !out.chain.endpoint.empty();  // the vault holds the stakes, so its slash is the one booked
  IG_TRY(read_epoch_driver_settings(config, out.epochs));
  if (out.epochs.interval_s > 0 && out.epoch_interval_ms > 0) {
    return make_error(error_code::invalid_argument, config.where("epoch_interval_s") +
                                                        ": set epoch_interval_s (closes by demand) or epoch_interval_ms, not both");
  }
  IG_TRY(read_setting(config, "treasury_account", l.treasury_account));
  IG_TRY(read_setting(config, "miner_stake_min_micro", l.miner_stake_min_micro));
  IG_TRY(read_setting(config, "validator_stake_min_micro", l.validator_stake_min_micro));
  IG_TRY(read_setting(config, "unbonding_epochs", l.unbonding_epochs));
  IG_TRY(read_setting(config, "fee_bps", l.fee_bps));
  IG_TRY(read_setting(config, "conviction_quorum", l.conviction_quorum));
  IG_TRY(read_setting(config, "slash_bps", l.slash_bps));
  IG_TRY(read_setting(config, "slash_reporter_bps", l.slash_reporter_bps));
  IG_TRY(read_setting(config, "validator_reward_per_verdict_micro", l.validator_reward_per_verdict_micro));
  IG_TRY(read_setting(config, "early_participant_epochs", l.early_participant_epochs));
  IG_TRY(read_setting(config, "early_participant_multiplier_percent", l.early_participant_multiplier_percent));
  IG_TRY(read_setting(config, "weight_useful_tokens", l.weights.useful_tokens));
  IG_TRY(read_setting(config, "weight_latency", l.weights.latency));
  IG_TRY(read_setting(config, "weight_uptime", l.weights.uptime));
  IG_TRY(read_setting(config, "weight_accuracy", l.weights.accuracy));
  if (auto valid = ledger::validate_config(l); !valid) {
    return make_error(error_code::invalid_argument, config.where() + ": " + valid.err().message);
  }
  if (out.key_path.empty()) out.key_path = out.db_path + ".key";
  return out;
}

}  // namespace infergrid
