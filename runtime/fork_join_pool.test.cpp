#include "runtime/fork_join_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <thread>
#include <vector>

namespace infergrid {
namespace {

TEST(fork_join_pool, every_item_runs_once_and_run_returns_after_the_last) {
  fork_join_pool pool(3);
  EXPECT_EQ(pool.threads(), 4u);
  for (std::size_t n : {0u, 1u, 2u, 7u, 64u, 1000u}) {
    std::vector<std::atomic<int>> runs(n);
    pool.run(n, [&](std::size_t i) {
      if (i % 5 == 0) std::this_thread::sleep_for(std::chrono::microseconds(200));  // uneven items
      runs[i].fetch_add(1);
    });
    for (std::size_t i = 0; i < n; ++i) EXPECT_EQ(runs[i].load(), 1) << n << " " << i;
  }
}

TEST(fork_join_pool, items_spread_over_the_helpers) {
  fork_join_pool pool(3);
  std::mutex seen_mutex;
  std::set<std::thread::id> seen;
  pool.run(16, [&](std::size_t) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // long enough for every helper to wake
    std::lock_guard lock(seen_mutex);
    seen.insert(std::this_thread::get_id());
  });
  EXPECT_GE(seen.size(), 2u);
  EXPECT_TRUE(seen.count(std::this_thread::get_id()));  // the caller works too
}

// Many short calls back to back: a helper that wakes after its call ended must not run a later
// call's items with the earlier call's function (each call's function checks it is its own).
TEST(fork_join_pool, a_late_helper_never_runs_an_ended_call) {
  fork_join_pool pool(2);
  std::atomic<int> wrong{0};
  for (int call = 0; call < 3000; ++call) {
    std::vector<int> items(3, 0);
    const int expected = call;
    pool.run(items.size(), [&, expected](std::size_t i) {
      if (expected != call) wrong.fetch_add(1);
      items[i] += 1;
    });
    for (int v : items) ASSERT_EQ(v, 1) << call;
  }
  EXPECT_EQ(wrong.load(), 0);
}

TEST(fork_join_pool, with_no_helpers_the_caller_runs_everything_in_order) {
  fork_join_pool pool(0);
  std::vector<std::size_t> order;
  pool.run(5, [&](std::size_t i) { order.push_back(i); });
  EXPECT_EQ(order, (std::vector<std::size_t>{0, 1, 2, 3, 4}));
}

TEST(fork_join_pool, helpers_are_one_per_hardware_thread_capped_by_the_items) {
  EXPECT_EQ(pool_helpers(4, 16), 3u);
  EXPECT_EQ(pool_helpers(4, 2), 1u);
  EXPECT_EQ(pool_helpers(4, 0), 0u);
  EXPECT_EQ(pool_helpers(1, 16), 0u);
  const std::size_t hardware = std::max(1u, std::thread::hardware_concurrency());
  EXPECT_EQ(pool_helpers(0, 1000), hardware - 1);
}

}  // namespace
}  // namespace infergrid
