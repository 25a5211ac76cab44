#include "actors/settlement/ledger/ledger_config.hpp"

namespace infergrid::ledger {
namespace {

bool share(std::int64_t bps) { return bps >= 0 && bps <= basis_points_whole; }

}  // namespace

status validate_config(const ledger_config& c) {
  if (c.treasury_account.empty()) return make_error(error_code::invalid_argument, "treasury_account is empty");
  if (!share(c.fee_bps) || !share(c.slash_bps) || !share(c.slash_reporter_bps)) {
    return make_error(error_code::invalid_argument, "fee_bps, slash_bps and slash_reporter_bps must be 0..10000");
  }
  if (c.miner_stake_min_micro < 0 || c.validator_stake_min_micro < 0 || c.validator_reward_per_verdict_micro < 0) {
    return make_error(error_code::invalid_argument, "stake minimums and rewards must not be negative");
  }
  if (c.unbonding_epochs < 0 || c.conviction_quorum < 1 || c.early_participant_epochs < 0 ||
      c.early_participant_multiplier_percent < 0 || c.early_participant_multiplier_percent > 10'000) {
    return make_error(error_code::invalid_argument, "unbonding_epochs, conviction_quorum or early multiplier out of range");
  }
  const reward_weights& w = c.weights;
  for (std::int64_t weight : {w.useful_tokens, w.latency, w.uptime, w.accuracy}) {
    if (weight < 0 || weight > 1'000'000) return make_error(error_code::invalid_argument, "reward weights must be 0..1e6");
  }
  if (!market::valid_supply_rule(c.supply)) {
    return make_error(error_code::invalid_argument, "supply rule out of range (targets must be > 0, utilisation and "
                                                    "saturation at most 1000000 ppm, amounts not negative)");
  }
  return {};
}

}  // namespace infergrid::ledger
