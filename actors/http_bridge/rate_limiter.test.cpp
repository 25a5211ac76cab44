#include "actors/http_bridge/rate_limiter.hpp"

#include <gtest/gtest.h>

namespace infergrid::http {
namespace {

using std::chrono::seconds;

TEST(RateLimiter, BurstThenRefillAtRate) {
  rate_limiter limiter({/*requests_per_minute=*/60, /*burst=*/3});
  const auto t0 = rate_limiter::clock::now();
  EXPECT_EQ(limiter.acquire("k", t0), 0);
  EXPECT_EQ(limiter.acquire("k", t0), 0);
  EXPECT_EQ(limiter.acquire("k", t0), 0);
  EXPECT_EQ(limiter.acquire("k", t0), 1);  // one per second: retry after 1 s
  EXPECT_EQ(limiter.acquire("other", t0), 0);  // buckets are per key
  EXPECT_EQ(limiter.acquire("k", t0 + seconds(1)), 0);
  EXPECT_GE(limiter.acquire("k", t0 + seconds(1)), 1);
  EXPECT_EQ(limiter.acquire("k", t0 + seconds(100)), 0);  // refilled, capped at burst
  EXPECT_EQ(limiter.acquire("k", t0 + seconds(100)), 0);
  EXPECT_EQ(limiter.acquire("k", t0 + seconds(100)), 0);
  EXPECT_GE(limiter.acquire("k", t0 + seconds(100)), 1);
}

TEST(RateLimiter, SlowRateAnswersLongerWait) {
  rate_limiter limiter({/*requests_per_minute=*/1, /*burst=*/1});
  const auto t0 = rate_limiter::clock::now();
  EXPECT_EQ(limiter.acquire("k", t0), 0);
  EXPECT_EQ(limiter.acquire("k", t0), 60);
}

TEST(RateLimiter, ZeroRateDisables) {
  rate_limiter limiter({0, 1});
  for (int i = 0; i < 100; ++i) EXPECT_EQ(limiter.acquire("k"), 0);
}

}  // namespace
}  // namespace infergrid::http
