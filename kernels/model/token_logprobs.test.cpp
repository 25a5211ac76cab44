// token_logprobs against a direct computation: log(exp(logit) / sum of exp(logits)) in long double.
#include "kernels/model/token_logprobs.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "kernels/model/test_support.hpp"

namespace infergrid::model {
namespace {

std::vector<float> random_logits(std::size_t n, std::uint32_t seed) {
  return testing_support::random_normals(n, seed, 4.0f);
}

std::vector<double> direct_logprobs(std::span<const float> logits) {
  long double sum = 0;
  for (const float x : logits) sum += std::exp(static_cast<long double>(x));
  std::vector<double> out;
  for (const float x : logits) out.push_back(static_cast<double>(std::log(std::exp(static_cast<long double>(x)) / sum)));
  return out;
}

TEST(token_logprobs, the_whole_distribution_sums_to_one_sorted_and_matches_a_direct_computation) {
  for (std::uint32_t seed = 0; seed < 10; ++seed) {
    const auto logits = random_logits(512, seed);
    const auto expected = direct_logprobs(logits);
    const auto chosen = static_cast<token_id>(seed * 37 % logits.size());
    const auto all = logprobs_at(logits, chosen, logits.size());
    ASSERT_EQ(all.top.size(), logits.size());
    double probability_sum = 0;
    for (std::size_t i = 0; i < all.top.size(); ++i) {
      const auto& entry = all.top[i];
      probability_sum += std::exp(static_cast<double>(entry.logprob));
      EXPECT_NEAR(entry.logprob, expected[static_cast<std::size_t>(entry.token)], 1e-4) << "token " << entry.token;
      EXPECT_LE(entry.logprob, 0.0f);
      if (i > 0) {
        EXPECT_GE(all.top[i - 1].logprob, entry.logprob) << "not sorted at " << i;
      }
    }
    EXPECT_NEAR(probability_sum, 1.0, 1e-4);
    EXPECT_EQ(all.chosen.token, chosen);
    EXPECT_NEAR(all.chosen.logprob, expected[static_cast<std::size_t>(chosen)], 1e-4);
  }
}

TEST(token_logprobs, top_n_is_the_n_most_likely_and_argmax_comes_first) {
  const auto logits = random_logits(1000, 7);
  const auto expected = direct_logprobs(logits);
  std::vector<std::size_t> order(logits.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return logits[a] > logits[b]; });
  for (const std::size_t n : {0u, 1u, 3u, 20u}) {
    const auto out = logprobs_at(logits, 5, n);
    ASSERT_EQ(out.top.size(), n);
    for (std::size_t i = 0; i < n; ++i) {
      EXPECT_EQ(out.top[i].token, static_cast<token_id>(order[i])) << "rank " << i << " of " << n;
      EXPECT_NEAR(out.top[i].logprob, expected[order[i]], 1e-4);
    }
    EXPECT_NEAR(out.chosen.logprob, expected[5], 1e-4);
  }
}

TEST(token_logprobs, large_logits_do_not_overflow_and_ties_go_to_the_lower_id) {
  const std::vector<float> logits{1000.0f, 1000.0f, 990.0f, -1e30f};
  const auto out = logprobs_at(logits, 2, 2);
  ASSERT_EQ(out.top.size(), 2u);
  EXPECT_EQ(out.top[0].token, 0);
  EXPECT_EQ(out.top[1].token, 1);
  EXPECT_NEAR(out.top[0].logprob, -std::log(2.0), 1e-4);
  EXPECT_TRUE(std::isfinite(out.chosen.logprob));
  EXPECT_NEAR(out.chosen.logprob, -10.0 - std::log(2.0), 1e-3);
  EXPECT_NEAR(summarize_row(logits).log_sum_exp(), 1000.0 + std::log(2.0), 1e-3);
}

}  // namespace
}  // namespace infergrid::model
