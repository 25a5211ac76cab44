#include "market/supply_rule.hpp"

#include <algorithm>

namespace infergrid::market {
namespace {

__extension__ typedef __int128 wide;
constexpr std::int64_t million = 1'000'000;

}  // namespace

bool valid_supply_rule(const supply_rule& rule) {
  return rule.reward_per_1k_tokens_micro >= 0 && rule.reward_per_paid_ppm >= 0 && rule.utilisation_target_ppm > 0 && rule.utilisation_target_ppm <= million &&
         rule.saturation_ppm > 0 && rule.saturation_ppm <= million && rule.queue_target_ms > 0 &&
         rule.queue_boost_max_ppm >= 0 && rule.reward_pool_max_micro >= 0;
}

std::int64_t demand_reward_pool_micro(const demand_measure& demand, const supply_rule& rule) {
  const wide tokens = std::max<std::int64_t>(demand.tokens_served, 0);
  const wide base = demand.value_paid_micro
                        ? wide{std::max<std::int64_t>(*demand.value_paid_micro, 0)} * rule.reward_per_paid_ppm / million
                        : tokens * rule.reward_per_1k_tokens_micro / 1000;
  const wide utilisation = std::clamp<std::int64_t>(demand.utilisation_ppm, 0, rule.utilisation_target_ppm);
  const wide idle_factor = utilisation * million / rule.utilisation_target_ppm;
  const wide excess_ms = std::max<std::int64_t>(demand.queue_p95_ms - rule.queue_target_ms, 0);
  const wide queue_excess = std::min<wide>(rule.queue_boost_max_ppm, excess_ms * million / rule.queue_target_ms);
  const wide pool = base * idle_factor / million * (million + queue_excess) / million;
  return static_cast<std::int64_t>(std::min<wide>(pool, rule.reward_pool_max_micro));
}

bool short_of_supply(const demand_measure& demand, const supply_rule& rule) {
  return demand.queue_p95_ms > rule.queue_target_ms || demand.utilisation_ppm >= rule.saturation_ppm;
}

}  // namespace infergrid::market
