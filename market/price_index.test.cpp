#include "market/price_index.hpp"

#include <gtest/gtest.h>

namespace infergrid::market {
namespace {

TEST(price_index, quantiles_are_nearest_rank) {
  EXPECT_EQ(quantiles_of({}), (quantiles{0, 0, 0}));
  EXPECT_EQ(quantiles_of({7}), (quantiles{7, 7, 7}));
  EXPECT_EQ(quantiles_of({300, 100, 200}), (quantiles{100, 200, 300}));
  std::vector<std::uint64_t> hundred;
  for (std::uint64_t i = 100; i >= 1; --i) hundred.push_back(i * 10);
  EXPECT_EQ(quantiles_of(hundred), (quantiles{100, 500, 900}));
  EXPECT_EQ(quantiles_of({10, 20, 30, 40}), (quantiles{10, 20, 40}));
}

TEST(price_index, clearing_price_is_token_weighted_over_the_last_jobs) {
  clearing_window window(3);
  EXPECT_EQ(window.completion_price_micro(), 0u);
  window.record({10, 100, 50, 200});
  window.record({30, 300, 150, 400});
  EXPECT_EQ(window.prompt_price_micro(), (10 * 50 + 30 * 150) / 40u);
  EXPECT_EQ(window.completion_price_micro(), (100 * 200 + 300 * 400) / 400u);
  window.record({0, 100, 999, 600});   // no prompt tokens: no weight on the prompt price
  window.record({0, 0, 1, 1});         // pushes the first job out
  EXPECT_EQ(window.jobs(), 3u);
  EXPECT_EQ(window.prompt_price_micro(), 150u);
  EXPECT_EQ(window.completion_price_micro(), (300 * 400 + 100 * 600) / 400u);
}

}  // namespace
}  // namespace infergrid::market
