#include "market/supply_rule.hpp"

#include <gtest/gtest.h>

namespace infergrid::market {
namespace {

TEST(supply_rule, the_pool_pays_for_served_tokens_at_target_utilisation_without_a_queue) {
  const supply_rule rule;
  EXPECT_EQ(demand_reward_pool_micro({10'000'000, 0, 700'000}, rule), 1'000'000);
  EXPECT_EQ(demand_reward_pool_micro({10'000'000, 2'000, 950'000}, rule), 1'000'000) << "capped at the target, queue at target";
  EXPECT_EQ(demand_reward_pool_micro({0, 50'000, 1'000'000}, rule), 0) << "no tokens served, no subsidy";
}

TEST(supply_rule, idle_capacity_shrinks_the_pool_and_a_queue_grows_it_up_to_the_bound) {
  const supply_rule rule;
  EXPECT_EQ(demand_reward_pool_micro({10'000'000, 0, 350'000}, rule), 500'000);
  EXPECT_EQ(demand_reward_pool_micro({10'000'000, 0, 0}, rule), 0);
  EXPECT_EQ(demand_reward_pool_micro({10'000'000, 3'000, 700'000}, rule), 1'500'000);
  EXPECT_EQ(demand_reward_pool_micro({10'000'000, 600'000, 700'000}, rule), 3'000'000) << "boost capped at x3";
  supply_rule small = rule;
  small.reward_pool_max_micro = 1'234;
  EXPECT_EQ(demand_reward_pool_micro({10'000'000, 600'000, 700'000}, small), 1'234);
  EXPECT_EQ(demand_reward_pool_micro({-5, -1, -1}, rule), 0) << "nonsense measures pay nothing";
}

TEST(supply_rule, the_pool_never_falls_when_demand_rises) {
  const supply_rule rule;
  std::int64_t previous = 0;
  for (std::int64_t queue_ms = 0; queue_ms <= 10'000; queue_ms += 250) {
    const std::int64_t pool = demand_reward_pool_micro({1'000'000, queue_ms, 800'000}, rule);
    EXPECT_GE(pool, previous);
    previous = pool;
  }
}

TEST(supply_rule, short_of_supply_when_requests_queue_or_workers_saturate) {
  const supply_rule rule;
  EXPECT_FALSE(short_of_supply({1, 2'000, 899'999}, rule));
  EXPECT_TRUE(short_of_supply({1, 2'001, 0}, rule));
  EXPECT_TRUE(short_of_supply({1, 0, 900'000}, rule));
  EXPECT_TRUE(valid_supply_rule(rule));
  supply_rule bad = rule;
  bad.queue_target_ms = 0;
  EXPECT_FALSE(valid_supply_rule(bad));
}

}  // namespace
}  // namespace infergrid::market
