#include "kernels/model/ranked_row.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "kernels/model/logit_sums.hpp"
#include "kernels/model/test_support.hpp"

namespace infergrid::model {
namespace {

constexpr float inf = std::numeric_limits<float>::infinity();

// Rows whose logits spread wide (standard deviation 30), bunch (0.2), tie (whole numbers), or hold
// masked and NaN tokens.
std::vector<std::vector<float>> rows() {
  std::vector<std::vector<float>> out;
  for (const float spread : {0.2f, 3.0f, 30.0f}) out.push_back(testing_support::random_normals(3000, 5, spread));
  std::vector<float> ties = testing_support::random_normals(3000, 6, 3.0f);
  for (float& v : ties) v = std::round(v);
  out.push_back(ties);
  std::vector<float> masked = testing_support::random_normals(3000, 7, 3.0f);
  for (std::size_t i = 0; i < masked.size(); i += 3) masked[i] = -inf;
  masked[10] = std::numeric_limits<float>::quiet_NaN();
  out.push_back(masked);
  return out;
}

// What the row's answers must be: the whole row sorted, cut and walked one token at a time.
std::vector<ranked_token> sorted_candidates(const ranked_row& row) {
  std::vector<ranked_token> all;
  for (std::size_t i = 0; i < row.logits.size(); ++i) {
    const ranked_token t{static_cast<token_id>(i), row.logits[i]};
    if (t.logit >= row.floor && (!row.last || !ranks_before(*row.last, t))) all.push_back(t);
  }
  std::sort(all.begin(), all.end(), ranks_before);
  return all;
}

std::vector<ranked_row> cuts_of(std::span<const float> logits) {
  const float top = max_logit(logits);
  const std::vector<ranked_token> sorted = best_of(logits, logits.size());
  return {ranked_row{logits, top, -inf, std::nullopt}, ranked_row{logits, top, top - 2.0f, std::nullopt},
          ranked_row{logits, top, -inf, sorted[40]}, ranked_row{logits, top, top - 20.0f, sorted[700]}};
}

TEST(ranked_row, first_past_is_where_the_sorted_walk_passes_the_weight) {
  for (const std::vector<float>& logits : rows()) {
    for (const ranked_row& row : cuts_of(logits)) {
      const std::vector<ranked_token> sorted = sorted_candidates(row);
      ASSERT_FALSE(sorted.empty());
      for (const float scale : {1.0f, 1.0f / 0.7f}) {
        std::vector<double> running;
        double sum = 0;
        for (const ranked_token& t : sorted) running.push_back(sum += row.weight(t.logit, scale));
        EXPECT_NEAR(row.total_weight(scale) / sum, 1.0, 1e-12);
        for (const double fraction : {0.0, 0.1, 0.5, 0.93, 0.999}) {
          const double target = fraction * sum;
          const auto at = std::upper_bound(running.begin(), running.end(), target) - running.begin();
          const ranked_token expected = sorted[std::min<std::size_t>(static_cast<std::size_t>(at), sorted.size() - 1)];
          EXPECT_EQ(row.first_past(target, scale).id, expected.id) << "fraction " << fraction;
          const double before = row.weight_before(expected, scale);
          EXPECT_NEAR(before, at == 0 ? 0.0 : running[static_cast<std::size_t>(at) - 1], 1e-9 * sum);
        }
        EXPECT_EQ(row.first_past(2 * sum, scale).id, sorted.back().id);  // past the total: the last
      }
      const std::vector<ranked_token> listed = row.ranked();
      ASSERT_EQ(listed.size(), sorted.size());
      for (std::size_t r = 0; r < sorted.size(); ++r) ASSERT_EQ(listed[r].id, sorted[r].id);
    }
  }
}

TEST(ranked_row, holds_follows_floor_and_cut) {
  const std::vector<float> logits = {3.0f, 1.0f, 3.0f, 2.0f, std::numeric_limits<float>::quiet_NaN()};
  const ranked_row row{logits, 3.0f, 1.5f, ranked_token{2, 3.0f}};  // 0 and 2 only: 3 is after the cut
  EXPECT_TRUE(row.holds(row.token(0)));
  EXPECT_TRUE(row.holds(row.token(2)));
  EXPECT_FALSE(row.holds(row.token(3)));
  EXPECT_FALSE(row.holds(row.token(1)));
  EXPECT_FALSE(row.holds(row.token(4)));
  EXPECT_DOUBLE_EQ(row.total_weight(1.0f), 2.0);
}

TEST(ranked_row, best_of_is_the_head_of_the_sort) {
  for (const std::vector<float>& logits : rows()) {
    const ranked_row all{logits, max_logit(logits), -inf, std::nullopt};
    const std::vector<ranked_token> expected = sorted_candidates(all);
    for (const std::size_t k : {1u, 40u, 2999u, 5000u}) {
      const std::vector<ranked_token> best = best_of(logits, k);
      ASSERT_EQ(best.size(), std::min(k, expected.size()));
      for (std::size_t r = 0; r < best.size(); ++r) ASSERT_EQ(best[r].id, expected[r].id) << "k " << k;
    }
  }
}

}  // namespace
}  // namespace infergrid::model
