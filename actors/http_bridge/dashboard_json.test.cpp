// dashboard_json: a ledger view whose newest ask failed is not shown as current — the feed says
// reached: false with the error and the age of the last view that answered, and /metrics says the
// same (infergrid_ledger_view_reached, infergrid_ledger_view_age_seconds).
#include "actors/http_bridge/dashboard_json.hpp"

#include <gtest/gtest.h>

#include "actors/http_bridge/epoch_metrics.hpp"

namespace infergrid::http {
namespace {

using namespace std::chrono_literals;

TEST(dashboard_ledger_feed, a_failed_refresh_is_not_reached_and_says_how_old_the_last_view_is) {
  dashboard_store store;
  store.expect_ledger(true);
  ledger_view_report view;
  view.epoch = 7;
  store.set_ledger(view);
  const auto answered = ledger_json(store.ledger());
  EXPECT_TRUE(answered["ledger"]["reached"].get<bool>());
  EXPECT_TRUE(answered["verification"]["ok"].get<bool>());

  store.set_ledger(make_error(error_code::timeout, "no reply before the deadline"));
  const auto failed = ledger_json(store.ledger());
  EXPECT_FALSE(failed["ledger"]["reached"].get<bool>()) << failed.dump();
  EXPECT_EQ(failed["ledger"]["error"], "no reply before the deadline");
  EXPECT_GE(failed["ledger"]["age_ms"].get<std::int64_t>(), 0);
  EXPECT_EQ(failed["epoch"], 7) << "the last view is still there, marked as not current";
}

TEST(dashboard_ledger_feed, never_reached_has_no_view_and_no_age) {
  dashboard_store store;
  store.expect_ledger(true);
  store.set_ledger(make_error(error_code::timeout, "no reply before the deadline"));
  const auto feed = ledger_json(store.ledger());
  EXPECT_FALSE(feed["ledger"]["reached"].get<bool>());
  EXPECT_FALSE(feed["ledger"].contains("age_ms"));
  EXPECT_FALSE(feed.contains("verification"));
}

TEST(dashboard_ledger_feed, metrics_say_whether_the_ledger_view_is_current_and_its_age) {
  dashboard_reading<ledger_view_report> reading;
  std::string never;
  render_ledger_view_metrics(never, reading, std::chrono::steady_clock::now());
  EXPECT_NE(never.find("\ninfergrid_ledger_view_reached 0\n"), std::string::npos) << never;
  EXPECT_EQ(never.find("infergrid_ledger_view_age_seconds"), std::string::npos) << never;

  reading.report = ledger_view_report{};
  reading.arrived = std::chrono::steady_clock::now();
  std::string current;
  render_ledger_view_metrics(current, reading, reading.arrived + 500ms);
  EXPECT_NE(current.find("\ninfergrid_ledger_view_reached 1\n"), std::string::npos) << current;
  EXPECT_NE(current.find("\ninfergrid_ledger_view_age_seconds 0.500\n"), std::string::npos) << current;

  reading.error = "no reply before the deadline";
  std::string stale;
  render_ledger_view_metrics(stale, reading, reading.arrived + 35s);
  EXPECT_NE(stale.find("\ninfergrid_ledger_view_reached 0\n"), std::string::npos) << stale;
  EXPECT_NE(stale.find("\ninfergrid_ledger_view_age_seconds 35.000\n"), std::string::npos) << stale;
}

}  // namespace
}  // namespace infergrid::http
