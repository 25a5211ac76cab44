// throughput_series: per-second counts and percentiles, old seconds forgotten, errors kept apart.
#include "actors/http_bridge/throughput_series.hpp"

#include <gtest/gtest.h>

namespace infergrid::http {
namespace {

TEST(ThroughputSeries, PercentilesAndTokensPerSecond) {
  throughput_series series;
  for (int i = 1; i <= 100; ++i) series.record(1000, 200, i / 1000.0, 10, i / 10000.0);
  series.record(1000, 503, 5.0, 0, -1);
  series.record(1002, 200, 0.050, 30, -1);
  const auto points = series.points(1002, 3);
  ASSERT_EQ(points.size(), 3u);
  EXPECT_EQ(points[0].unix_s, 1000);
  EXPECT_EQ(points[0].requests, 100u);
  EXPECT_EQ(points[0].errors, 1u);
  EXPECT_EQ(points[0].completion_tokens, 1000u);
  EXPECT_NEAR(points[0].latency_p50_ms, 50, 1e-3);
  EXPECT_NEAR(points[0].latency_p99_ms, 99, 1e-3);
  EXPECT_NEAR(points[0].first_token_p99_ms, 9.9, 1e-3);
  EXPECT_EQ(points[1].requests, 0u);  // a quiet second
  EXPECT_EQ(points[2].first_token_p50_ms, 0);  // no first token seen
  EXPECT_DOUBLE_EQ(series.tokens_per_second(1003, 4), (1000 + 30) / 4.0);
}

TEST(ThroughputSeries, ForgetsSecondsOutsideItsWindow) {
  throughput_series series;
  series.record(5, 200, 0.01, 7, -1);
  const std::int64_t later = 5 + static_cast<std::int64_t>(throughput_series::seconds_kept);
  series.record(later, 200, 0.02, 3, -1);  // same bucket, a new second
  EXPECT_EQ(series.points(later, 1)[0].completion_tokens, 3u);
  EXPECT_EQ(series.points(5, 1)[0].completion_tokens, 0u);
  EXPECT_EQ(quantile({}, 0.99), 0);
  EXPECT_EQ(quantile({3, 1, 2}, 0.5), 2);
}

}  // namespace
}  // namespace infergrid::http
