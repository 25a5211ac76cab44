#include "kernels/model/logit_sums.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "kernels/model/test_support.hpp"

namespace infergrid::model {
namespace {

constexpr float inf = std::numeric_limits<float>::infinity();

TEST(logit_sums, exp_of_is_within_3e_7_of_exp_down_to_its_floor) {
  double worst = 0;
  for (float x = -85.9f; x <= 0.0f; x += 0.00037f) {
    const double exact = std::exp(static_cast<double>(x));
    worst = std::max(worst, std::abs(exp_of(x) - exact) / exact);
  }
  EXPECT_LT(worst, 3e-7);
  EXPECT_EQ(exp_of(0.0f), 1.0f);
  EXPECT_EQ(exp_of(2.5f), 1.0f);  // above 0: taken as 0
  EXPECT_EQ(exp_of(-86.0f), 0.0f);
  EXPECT_EQ(exp_of(-1000.0f), 0.0f);
  EXPECT_EQ(exp_of(-inf), 0.0f);
}

// Rows of every length around the lanes and chunks, against a plain double loop.
TEST(logit_sums, whole_row_passes_match_plain_loops) {
  for (const std::size_t n : {1u, 7u, 8u, 9u, 1023u, 1024u, 1025u, 5000u}) {
    std::vector<float> row = testing_support::random_normals(n, static_cast<std::uint32_t>(n), 4.0f);
    if (n > 3) row[2] = -inf;  // a masked token
    const float top = *std::max_element(row.begin(), row.end());
    EXPECT_EQ(max_logit(row), top) << n;
    const float floor = top - 3.0f;
    for (const float scale : {1.0f, 1.0f / 0.7f, 4.0f}) {
      double exact = 0;
      for (const float v : row) exact += v >= floor ? std::exp(static_cast<double>((v - top) * scale)) : 0.0;
      EXPECT_NEAR(sum_of_exps(row, top, scale, floor) / exact, 1.0, 1e-6) << n << " " << scale;
      double all = 0;
      for (const float v : row) all += std::exp(static_cast<double>((v - top) * scale));
      EXPECT_NEAR(sum_of_exps(row, top, scale, -inf) / all, 1.0, 1e-6) << n << " " << scale;
    }
    EXPECT_EQ(count_at_least(row, floor),
              static_cast<std::size_t>(std::count_if(row.begin(), row.end(), [&](float v) { return v >= floor; })));
  }
}

TEST(logit_sums, argmax_takes_the_lowest_id_among_equals_and_skips_nans) {
  EXPECT_EQ(argmax_logit(std::vector<float>{1.0f, 5.0f, 2.0f, 5.0f}), 1u);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  EXPECT_EQ(argmax_logit(std::vector<float>{nan, 1.0f, 3.0f, nan}), 2u);
  EXPECT_EQ(max_logit(std::vector<float>{nan, -2.0f}), -2.0f);
  EXPECT_EQ(max_logit(std::vector<float>{}), -inf);
  EXPECT_DOUBLE_EQ(sum_of_exps(std::vector<float>{0.0f, nan, 0.0f, -inf}, 0.0f, 1.0f, -inf), 2.0);  // NaN adds nothing
}


// The plain definitions the one-pass functions must agree with.
std::size_t plain_argmax(const std::vector<float>& row) {
  std::size_t best = 0;
  bool found = false;
  for (std::size_t i = 0; i < row.size(); ++i) {
    if (std::isnan(row[i])) continue;
    if (!found || row[i] > row[best]) best = i, found = true;
  }
  return best;
}

double plain_log_sum_exp(const std::vector<float>& row) {
  const float top = max_logit(row);
  double sum = 0;
  for (const float v : row) sum += std::isnan(v) ? 0.0 : std::exp(static_cast<double>(v) - top);
  return top + std::log(sum);
}

// Rows of several 4096-logit chunks: the max in a later chunk, ties across chunks, chunks of -inf
// and NaN, the largest logit at either end.
TEST(logit_sums, one_pass_argmax_and_summary_match_the_plain_definitions) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  for (const std::size_t n : {1u, 4095u, 4096u, 4097u, 32000u, 151936u}) {
    for (int shape = 0; shape < 6; ++shape) {
      std::vector<float> row = testing_support::random_normals(n, static_cast<std::uint32_t>(n + shape), 3.0f);
      if (shape == 1) row[n - 1] = 40.0f;                              // the top in the last chunk
      if (shape == 2 && n > 9000) row[8500] = row[9000] = 40.0f;       // a tie inside one chunk
      if (shape == 3 && n > 9000) row[8500] = row[300] = 40.0f;        // a tie across chunks: the first wins
      if (shape == 4) std::fill(row.begin(), row.begin() + std::min<std::size_t>(n, 4096), -inf);  // a masked chunk
      if (shape == 5) std::fill(row.begin(), row.begin() + std::min<std::size_t>(n, 4096), nan);
      if (shape >= 4 && n <= 4096) continue;                            // the whole row: edge cases below
      const row_summary summary = summarize_row(row);
      EXPECT_EQ(argmax_logit(row), plain_argmax(row)) << n << " " << shape;
      EXPECT_EQ(summary.argmax, plain_argmax(row)) << n << " " << shape;
      EXPECT_EQ(summary.max, max_logit(row)) << n << " " << shape;
      EXPECT_NEAR(summary.log_sum_exp(), plain_log_sum_exp(row), 1e-5) << n << " " << shape;
    }
  }
}

TEST(logit_sums, a_summary_of_a_row_without_finite_logits_is_its_max) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  std::vector<float> masked(9000, -inf);
  EXPECT_EQ(summarize_row(masked).log_sum_exp(), -inf);
  EXPECT_EQ(summarize_row(masked).argmax, 0u);
  std::vector<float> nan_then_masked(9000, nan);
  nan_then_masked[5000] = -inf;  // the first chunk all NaN: -inf is found in the second
  EXPECT_EQ(argmax_logit(nan_then_masked), 5000u);
  EXPECT_EQ(summarize_row(nan_then_masked).argmax, 5000u);
  EXPECT_EQ(argmax_logit(std::vector<float>(5000, nan)), 0u);
  std::vector<float> infinite = testing_support::random_normals(9000, 3, 1.0f);
  infinite[7000] = inf;
  EXPECT_EQ(summarize_row(infinite).log_sum_exp(), inf);
  EXPECT_EQ(summarize_row(infinite).argmax, 7000u);
  EXPECT_EQ(summarize_row(std::vector<float>{}).log_sum_exp(), -inf);
}

}  // namespace
}  // namespace infergrid::model
