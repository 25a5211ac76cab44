// demand_meter: a window's utilisation is time-weighted over its seconds, its queue time the p95 of
// the waits in it (plus jobs still waiting when it reaches now); windows do not leak into each other.
#include <gtest/gtest.h>

#include <vector>

#include "actors/matchmaker/demand_meter.hpp"

namespace infergrid::matchmaker {
namespace {

constexpr std::int64_t t0_ms = 1'700'000'000'000;

TEST(demand_meter, utilisation_is_weighted_over_the_window_samples) {
  demand_meter meter(3600);
  for (int tick = 0; tick < 20; ++tick) meter.sample(t0_ms + tick * 50, 4, 16);          // second 0: 25 %
  for (int tick = 0; tick < 20; ++tick) meter.sample(t0_ms + 1000 + tick * 50, 12, 16);  // second 1: 75 %
  for (int tick = 0; tick < 20; ++tick) meter.sample(t0_ms + 2000 + tick * 50, 0, 16);   // second 2: idle
  const auto busy = meter.measure({t0_ms, t0_ms + 2000}, t0_ms + 5000, {});
  EXPECT_EQ(busy.utilisation_ppm, 500'000);
  EXPECT_EQ(busy.samples, 40u);
  EXPECT_EQ(meter.measure({t0_ms + 1000, t0_ms + 2000}, t0_ms + 5000, {}).utilisation_ppm, 750'000);
  EXPECT_EQ(meter.measure({t0_ms + 2000, t0_ms + 3000}, t0_ms + 5000, {}).utilisation_ppm, 0);
  const auto before = meter.measure({t0_ms - 10'000, t0_ms}, t0_ms + 5000, {});
  EXPECT_EQ(before.samples, 0u);  // the matchmaker was not running then
  EXPECT_EQ(before.utilisation_ppm, 0);
}

TEST(demand_meter, a_sample_weighs_by_the_time_it_stands_for) {
  demand_meter meter(3600);
  // An idle second sampled twice (the matchmaker's slow idle tick), then a busy second sampled 20
  // times: each second counts for its length, not for its number of samples.
  meter.sample(t0_ms, 0, 16, 500);
  meter.sample(t0_ms + 500, 0, 16, 500);
  for (int tick = 0; tick < 20; ++tick) meter.sample(t0_ms + 1000 + tick * 50, 16, 16, 50);
  EXPECT_EQ(meter.measure({t0_ms, t0_ms + 2000}, t0_ms + 5000, {}).utilisation_ppm, 500'000);
}

TEST(demand_meter, running_beyond_the_slots_counts_as_full) {
  demand_meter meter(3600);
  meter.sample(t0_ms, 40, 16);
  EXPECT_EQ(meter.measure({t0_ms, t0_ms + 1000}, t0_ms + 1000, {}).utilisation_ppm, 1'000'000);
}

TEST(demand_meter, queue_time_is_the_p95_of_the_window_waits) {
  demand_meter meter(3600);
  for (int i = 1; i <= 100; ++i) meter.waited(t0_ms + i, i * 10);  // 10 .. 1000 ms
  meter.waited(t0_ms + 5000, 60'000);                               // the next window
  const auto window = meter.measure({t0_ms, t0_ms + 1000}, t0_ms + 6000, {});
  EXPECT_EQ(window.jobs_dispatched, 100u);
  EXPECT_EQ(window.queue_p95_ms, 950);
  EXPECT_EQ(meter.measure({t0_ms + 1000, t0_ms + 5000}, t0_ms + 6000, {}).queue_p95_ms, 0);
}

TEST(demand_meter, jobs_still_waiting_count_when_the_window_reaches_now) {
  demand_meter meter(3600);
  meter.waited(t0_ms + 10, 5);
  const std::vector<std::int64_t> waiting{4000, 7000};
  EXPECT_EQ(meter.measure({t0_ms, t0_ms + 1000}, t0_ms + 900, waiting).queue_p95_ms, 7000);
  EXPECT_EQ(meter.measure({t0_ms, t0_ms + 1000}, t0_ms + 1500, waiting).queue_p95_ms, 5);  // a past window
}

TEST(demand_meter, history_is_bounded) {
  demand_meter meter(10);
  meter.sample(t0_ms, 8, 8);
  meter.waited(t0_ms, 100);
  meter.sample(t0_ms + 60'000, 0, 8);
  meter.waited(t0_ms + 60'000, 1);
  const auto old = meter.measure({t0_ms, t0_ms + 1000}, t0_ms + 60'000, {});
  EXPECT_EQ(old.samples, 0u);
  EXPECT_EQ(old.jobs_dispatched, 0u);
}

}  // namespace
}  // namespace infergrid::matchmaker
