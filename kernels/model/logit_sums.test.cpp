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

}  // namespace
}  // namespace infergrid::model
