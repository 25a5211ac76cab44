// dashboard_store: the first read after a quiet spell asks the feed for fresh views and returns the
// view that answers it (not the stale one), later reads neither ask nor wait, and a read marks the
// store as read lately (the feed's full-rate refresh). A settlement liveness probe that times out
// marks the ledger unreachable for /health — unless a ledger view answered after it was sent.
#include "actors/http_bridge/dashboard_store.hpp"

#include <chrono>
#include <future>
#include <thread>

#include <gtest/gtest.h>

namespace infergrid::http {
namespace {

using namespace std::chrono_literals;

grid_view_report view_with(std::uint64_t completed) {
  grid_view_report report;
  report.completed = completed;
  return report;
}

TEST(dashboard_store, the_first_read_after_a_quiet_spell_waits_for_fresh_views) {
  dashboard_store store;  // no waker: the test plays the feed
  store.expect_ledger(false);
  store.set_grid(view_with(1));  // the view built at start, before anyone read
  EXPECT_FALSE(store.read_lately());

  auto reader = std::async(std::launch::async, [&] { return store.grid(); });
  // The feed: a reader asked for fresh views; it answers with a newer one.
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!store.take_refresh_wanted() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
  store.set_grid(view_with(2));
  const auto read = reader.get();
  ASSERT_TRUE(read.report.has_value());
  EXPECT_EQ(read.report->completed, 2u) << "the reader got the view built before its read";
  EXPECT_TRUE(store.read_lately());

  // Read lately: the next read neither asks nor waits.
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(store.grid().report->completed, 2u);
  EXPECT_LT(std::chrono::steady_clock::now() - started, dashboard_fresh_wait);
  EXPECT_FALSE(store.take_refresh_wanted());
}

TEST(dashboard_store, a_probe_timing_out_after_a_newer_ledger_view_answered_leaves_settlement_reachable) {
  dashboard_store store;
  store.expect_ledger(true);
  store.set_ledger(ledger_view_report{});
  const std::uint64_t before_view = store.ledger_answers();  // a probe goes out
  store.set_ledger(ledger_view_report{});                     // then a full view answers
  store.set_ledger_probe_failed(make_error(error_code::timeout, "settlement: no answer"), before_view);
  EXPECT_EQ(store.ledger_unreachable(), "") << "the older probe's timeout hid a newer answer";

  const std::uint64_t now = store.ledger_answers();  // no view answers after this probe
  store.set_ledger_probe_failed(make_error(error_code::timeout, "settlement: no answer"), now);
  EXPECT_EQ(store.ledger_unreachable(), "settlement: no answer");
  store.set_ledger(ledger_view_report{});
  EXPECT_EQ(store.ledger_unreachable(), "") << "a view that answers clears it";
}

}  // namespace
}  // namespace infergrid::http
