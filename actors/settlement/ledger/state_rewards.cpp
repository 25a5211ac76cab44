// ledger_state: epoch close — validator rewards per correct verdict, then the miners' share of the
// pool by a weighted multi-dimensional score (the close's score_rule says how the dimensions
// combine). Integer math; the remainder returns to the treasury, so exactly reward_pool_micro
// leaves the treasury and exactly that much is paid out.
#include <algorithm>
#include <set>

#include "actors/settlement/ledger/ledger_assert.hpp"
#include "actors/settlement/ledger/ledger_state.hpp"

namespace infergrid::ledger {
namespace {

constexpr std::int64_t parts_per_billion = 1'000'000'000;

struct miner_inputs {
  std::int64_t work = 0;  // tokens settled or value paid, as the close counts useful work
  const miner_metrics* metrics = nullptr;
};

status validate_metrics(const epoch_close_op& op) {
  if (op.metrics.size() > metrics_per_epoch_max) return make_error(error_code::too_large, "too many miner metrics");
  std::set<std::string_view> seen;
  for (const miner_metrics& m : op.metrics) {
    if (!seen.insert(m.miner).second) return make_error(error_code::invalid_argument, "metrics name " + m.miner + " twice");
    if (m.latency_p95_ms < 0 || m.uptime_ppm < 0 || m.uptime_ppm > parts_per_million || m.accuracy_ppm < 0 ||
        m.accuracy_ppm > parts_per_million) {
      return make_error(error_code::invalid_argument, "metrics of " + m.miner + " out of range");
    }
  }
  return {};
}

}  // namespace

result<ledger_state::plan> ledger_state::reward_plan(const epoch_close_op& op) const {
  const std::string& treasury = config_.treasury_account;
  plan p;
  p.creates.emplace_back(treasury, account_kind::treasury);
  p.add(treasury, bucket::balance, -op.reward_pool_micro);
  micro_units paid_micro = 0;

  // Validators first: reward_per_verdict each, scaled down pro rata if the pool is too small.
  const auto correct = correct_verdicts();
  wide_integer verdicts_total = 0;
  for (const auto& [validator, count] : correct) verdicts_total += count;
  const wide_integer wanted = verdicts_total * config_.validator_reward_per_verdict_micro;
  for (const auto& [validator, count] : correct) {
    const micro_units reward_micro =
        wanted <= op.reward_pool_micro
            ? count * config_.validator_reward_per_verdict_micro
            : static_cast<micro_units>(static_cast<wide_integer>(op.reward_pool_micro) * count / verdicts_total);
    p.add(validator, bucket::balance, reward_micro);
    paid_micro += reward_micro;
  }
  const micro_units miners_pool_micro = op.reward_pool_micro - paid_micro;
  IG_LEDGER_ASSERT(miners_pool_micro >= 0);

  // Miners: schedulable miners that did useful work or were measured this epoch.
  std::map<std::string, miner_inputs, std::less<>> inputs;
  if (op.work == useful_work::value_paid) {
    for (const auto& [miner, value] : epoch_value_paid_) inputs[miner].work = value;
  } else {
    for (const auto& [miner, tokens] : epoch_tokens_) inputs[miner].work = tokens;
  }
  for (const miner_metrics& m : op.metrics) inputs[m.miner].metrics = &m;
  std::erase_if(inputs, [this](const auto& item) { return !schedulable(item.first); });
  // A demand-driven close rewards useful work only: a miner that did none this epoch (measured,
  // but idle or refused — or, counting value paid, serving itself or for nothing) gets nothing,
  // however fast or available it was.
  if (op.demand) std::erase_if(inputs, [](const auto& item) { return item.second.work == 0; });
  wide_integer work_total = 0;
  std::int64_t latency_best_ms = 0;
  for (const auto& [miner, in] : inputs) {
    work_total += in.work;
    if (in.metrics != nullptr && in.metrics->latency_p95_ms > 0 &&
        (latency_best_ms == 0 || in.metrics->latency_p95_ms < latency_best_ms)) {
      latency_best_ms = in.metrics->latency_p95_ms;
    }
  }
  const reward_weights& w = config_.weights;
  std::map<std::string_view, wide_integer> scores;
  wide_integer score_total = 0;
  for (const auto& [miner, in] : inputs) {
    const wide_integer work_ppm = work_total > 0 ? static_cast<wide_integer>(in.work) * parts_per_million / work_total : 0;
    const miner_metrics none{};
    const miner_metrics& m = in.metrics != nullptr ? *in.metrics : none;
    const wide_integer latency_ppm =
        m.latency_p95_ms > 0 ? static_cast<wide_integer>(latency_best_ms) * parts_per_million / m.latency_p95_ms : 0;
    const wide_integer quality = w.latency * latency_ppm + w.uptime * m.uptime_ppm + w.accuracy * m.accuracy_ppm;
    // Work scaled by quality: its share in parts per billion, so that work split over accounts
    // rounds to within a micro-unit of the whole (weights ≤ 10^6 keep pool × score in 128 bits).
    const wide_integer work_ppb = work_total > 0 ? static_cast<wide_integer>(in.work) * parts_per_billion / work_total : 0;
    wide_integer score = op.score == score_rule::work_scaled
                             ? work_ppb * (w.useful_tokens * parts_per_million + quality) / parts_per_million
                             : w.useful_tokens * work_ppm + quality;
    if (early_participant(miner)) {
      score = score * config_.early_participant_multiplier_percent / 100;
    }
    scores[miner] = score;
    score_total += score;
  }
  for (const auto& [miner, score] : scores) {
    if (score_total == 0) break;
    const auto reward_micro = static_cast<micro_units>(static_cast<wide_integer>(miners_pool_micro) * score / score_total);
    p.add(std::string(miner), bucket::balance, reward_micro);
    paid_micro += reward_micro;
  }
  IG_LEDGER_ASSERT(paid_micro <= op.reward_pool_micro);
  p.add(treasury, bucket::balance, op.reward_pool_micro - paid_micro);  // rounding remainder
  return p;
}

bool ledger_state::early_participant(std::string_view miner) const {
  const account* a = find(miner);
  return a != nullptr && (a->first_stake_epoch < config_.early_participant_epochs || early_by_demand_.contains(miner));
}

market::demand_measure ledger_state::measured_demand(const epoch_close_op& op) const {
  IG_LEDGER_ASSERT(op.demand.has_value());
  market::demand_measure measured{epoch_tokens_total(), op.demand->queue_p95_ms, op.demand->utilisation_ppm, {}};
  if (op.work == useful_work::value_paid) measured.value_paid_micro = epoch_value_paid_total();
  return measured;
}

result<outcome> ledger_state::apply_one(const epoch_close_op& op) {
  if (op.epoch != epoch_) {
    return make_error(error_code::conflict, "epoch " + std::to_string(op.epoch) + " is not the open epoch " +
                                                std::to_string(epoch_));
  }
  if (op.reward_pool_micro < 0 || op.reward_pool_micro > amount_max_micro) {
    return make_error(error_code::invalid_argument, "reward pool out of range");
  }
  if (op.demand && op.reward_pool_micro != 0) {
    return make_error(error_code::invalid_argument, "a demand-driven epoch close names no reward pool (the supply rule decides it)");
  }
  IG_TRY(validate_metrics(op));
  epoch_close_op decided = op;
  if (op.demand) {
    const account* treasury = find(config_.treasury_account);
    const micro_units available = treasury == nullptr ? 0 : treasury->balance_micro;
    decided.reward_pool_micro = std::min(available, market::demand_reward_pool_micro(measured_demand(op), config_.supply));
  }
  auto p = reward_plan(decided);
  if (!p) return p.err();
  auto out = run(std::move(*p));
  if (out) {
    if (op.demand) early_window_open_ = market::short_of_supply(measured_demand(op), config_.supply);
    tallies_.clear();
    last_close_tokens_ = epoch_tokens_total();
    epoch_tokens_.clear();
    epoch_value_paid_.clear();
    withdrawn_at_close_ = closed_withdrawals{op.epoch, withdrawn_micro_};
    ++epoch_;
  }
  return out;
}

}  // namespace infergrid::ledger
