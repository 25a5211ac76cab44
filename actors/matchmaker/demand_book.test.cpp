// demand_book: the supply signal names a model short of capacity and how many slots it wants.
#include <gtest/gtest.h>

#include "actors/matchmaker/demand_book.hpp"

namespace infergrid::matchmaker {
namespace {

model_supply row_of(std::uint32_t slots, std::uint32_t running, std::uint32_t queued) {
  model_supply row;
  row.model = "m";
  row.slots = slots;
  row.running = running;
  row.queued = queued;
  row.utilisation_permille = slots == 0 ? 1000 : std::min<std::uint32_t>(1000, running * 1000 / slots);
  return row;
}

TEST(demand_book, a_model_with_room_and_short_waits_is_not_short) {
  demand_book book(100);
  for (int i = 0; i < 100; ++i) book.waited("m", i < 96 ? 10 : 9'000);  // 4 % waited long: p95 still short
  model_supply row = row_of(16, 8, 0);
  book.fill(row);
  EXPECT_EQ(row.queue_p95_ms, 10);
  EXPECT_FALSE(row.short_of_capacity);
  EXPECT_EQ(row.slots_wanted, 0u);
}

TEST(demand_book, queued_jobs_long_waits_or_saturation_make_it_short_and_name_the_slots_wanted) {
  demand_book book(10);
  model_supply queued = row_of(16, 16, 12);
  book.fill(queued);
  EXPECT_TRUE(queued.short_of_capacity);
  EXPECT_EQ(queued.slots_wanted, 40u - 16u) << "28 busy at 70 % utilisation need 40 slots";
  model_supply saturated = row_of(10, 9, 0);
  book.fill(saturated);
  EXPECT_TRUE(saturated.short_of_capacity);
  EXPECT_EQ(saturated.slots_wanted, 3u);
  for (int i = 0; i < 20; ++i) book.waited("m", 2'500);  // the window keeps the last 10
  model_supply waiting = row_of(16, 4, 0);
  book.fill(waiting);
  EXPECT_EQ(waiting.queue_p95_ms, 2'500);
  EXPECT_TRUE(waiting.short_of_capacity);
  model_supply other = row_of(16, 4, 0);
  other.model = "other";
  book.fill(other);
  EXPECT_FALSE(other.short_of_capacity) << "waits are per model";
}

}  // namespace
}  // namespace infergrid::matchmaker
