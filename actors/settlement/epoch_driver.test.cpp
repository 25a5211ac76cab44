// The epoch driver on the real bus: a node hosting the settlement actor (epoch_interval_s: 1) and a
// matchmaker that measures demand. Idle periods close on the timer with no pool; the node is
// stopped, stays down for a few periods and restarts on the same ledger: the periods missed are
// closed then, each exactly once (op id epoch-demand/<end s>), none skipped, and the chain verifies.
#include <gtest/gtest.h>

#include <thread>

#include "actors/settlement/epoch_driver.hpp"
#include "actors/settlement/ledger/ledger_test_support.hpp"
#include "actors/settlement/ledger/ledger_verify.hpp"
#include "runtime/actor_runner.hpp"
#include "runtime/clock.hpp"
#include "runtime/node.hpp"
#include "tests/support/started_node.hpp"

namespace infergrid {
namespace {

class epoch_driver_test : public ::testing::Test {
 protected:
  void start(std::int64_t interval_s = 1, const clock* time = nullptr) {
    const std::string yaml = "node: {name: test}\n"
                             "limits: {drain_quiet_ms: 10}\n"
                             "actors:\n"
                             "  - name: settlement\n"
                             "    kind: settlement\n"
                             "    settings: {db: " + db + ", durable: false, epoch_interval_s: " + std::to_string(interval_s) +
                             ", epoch_demand_timeout_ms: 500}\n"
                             "  - name: matchmaker\n"
                             "    kind: matchmaker\n";
    auto started = testing::start_node(yaml, "<epoch driver test>", time);
    ASSERT_TRUE(started.ok()) << started.err().message;
    grid = std::move(*started);
  }
  void TearDown() override {
    if (grid) grid->stop();
  }
  ledger_view_report view() {
    auto report = grid->call<ledger_view_report>("settlement", ledger_view_query{0}, 5000);
    EXPECT_TRUE(report.ok()) << report.err().message;
    return report.ok() ? *report : ledger_view_report{};
  }
  // Waits until the driver has closed the period ending at end_unix_ms or later.
  ledger_view_report closed_through(std::int64_t end_unix_ms) {
    for (int i = 0; i < 200; ++i) {
      auto v = view();
      if (v.epoch_driver.last_period_end_unix_ms >= end_unix_ms) return v;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "no timer close through " << end_unix_ms;
    return view();
  }
  ledger::testing::temp_dir dir{"epoch-driver"};
  std::string db = dir.file("ledger.db");
  // Declared before the node: a manual clock the node's actors read must outlive them (TearDown
  // stops the node after the test body's locals are gone).
  std::unique_ptr<manual_clock> time;
  std::unique_ptr<node> grid;
};

TEST_F(epoch_driver_test, periods_close_on_the_timer_and_those_missed_while_down_are_closed_once) {
  EXPECT_EQ(parse_period_end(epoch_timer_op_id(1'700'000'003'000)), 1'700'000'003'000);
  EXPECT_EQ(parse_period_end("epoch-demand/12x"), 0);
  EXPECT_EQ(parse_period_end("escrow/1"), 0);

  start();
  const std::int64_t started_ms = unix_now_ms();
  auto before = closed_through((started_ms / 1000 + 2) * 1000);
  EXPECT_EQ(before.epoch_driver.interval_s, 1);
  EXPECT_GE(before.epoch_driver.closes, 2u);
  EXPECT_EQ(before.epoch_driver.last_pool_micro, 0);  // nothing served: the supply rule pays nothing
  EXPECT_EQ(before.epoch_driver.demand_failures, 0u);
  const std::int64_t first_end_ms = before.epoch_driver.last_period_end_unix_ms - (before.epoch_driver.closes - 1) * 1000;
  grid->stop();
  grid.reset();

  std::this_thread::sleep_for(std::chrono::milliseconds(3200));  // three periods end while down
  const std::int64_t restarted_ms = unix_now_ms();
  start();
  auto after = closed_through(restarted_ms / 1000 * 1000);
  const std::int64_t last_end_ms = after.epoch_driver.last_period_end_unix_ms;
  // Every period from the first to the last is closed exactly once, one epoch each, in order.
  entries_query ids;
  for (std::int64_t end_ms = first_end_ms; end_ms <= last_end_ms; end_ms += 1000) ids.op_ids.push_back(epoch_timer_op_id(end_ms));
  auto entries = grid->call<entries_reply>("settlement", ids, 5000);
  ASSERT_TRUE(entries.ok()) << entries.err().message;
  ASSERT_EQ(entries->entries.size(), ids.op_ids.size());
  for (const auto& e : entries->entries) EXPECT_EQ(e.operation, "epoch_close");
  EXPECT_EQ(after.epoch, static_cast<std::int64_t>(ids.op_ids.size()));  // no epoch closed twice or by anything else
  EXPECT_GE(ids.op_ids.size(), 5u);
  grid->stop();
  grid.reset();
  auto verified = ledger::verify_ledger(db);
  EXPECT_TRUE(verified.ok()) << verified.err().message;
}

// The driver reads the time of day through its context: with a manual clock an hour-long period
// closes when the test moves the clock past its end — in about a second of real time — and not
// before. On the system clock it would take the hour.
TEST_F(epoch_driver_test, an_hour_long_period_closes_when_the_context_clock_passes_its_end) {
  constexpr std::int64_t hour_ms = 3'600'000;
  const std::int64_t period_end_ms = (unix_now_ms() / hour_ms + 1) * hour_ms;
  time = std::make_unique<manual_clock>(period_end_ms - hour_ms + 60'000);  // a minute into the period
  start(3600, time.get());
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // the driver ticks every second
  auto before = view();
  EXPECT_EQ(before.epoch_driver.closes, 0u) << "59 minutes before its end the period must stay open";
  EXPECT_EQ(before.epoch_driver.next_close_unix_ms, period_end_ms);

  time->advance(hour_ms - 60'000 - 1);  // 1 ms before the end
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(view().epoch_driver.closes, 0u) << "1 ms before its end the period must stay open";

  time->advance(1);
  auto after = closed_through(period_end_ms);
  EXPECT_EQ(after.epoch_driver.closes, 1u);
  EXPECT_EQ(after.epoch_driver.last_period_end_unix_ms, period_end_ms);
  EXPECT_EQ(after.epoch_driver.demand_failures, 0u);
  auto entries = grid->call<entries_reply>("settlement", entries_query{{epoch_timer_op_id(period_end_ms)}}, 5000);
  ASSERT_TRUE(entries.ok()) << entries.err().message;
  ASSERT_EQ(entries->entries.size(), 1u);
  EXPECT_EQ(entries->entries[0].operation, "epoch_close");
}

}  // namespace
}  // namespace infergrid
