// health_report: /health says "degraded", with reasons, whenever the bridge cannot serve.
#include "actors/http_bridge/health_report.hpp"

#include <gtest/gtest.h>

namespace infergrid::http {
namespace {

// One model, two workers, the matchmaker answering, no settlement mode.
health_inputs serving() { return {1, 2, true, "", "", 0, 0}; }

TEST(HealthReport, ServingIsOk) {
  const auto body = health_json(serving());
  EXPECT_EQ(body["status"], "ok");
  EXPECT_TRUE(body["reasons"].empty());
  EXPECT_EQ(body["workers"], 2);
  EXPECT_EQ(body["matchmaker_reached"], true);
}

TEST(HealthReport, NoWorkersIsDegraded) {
  auto in = serving();
  in.models = 0;
  in.workers = 0;
  const auto body = health_json(in);
  EXPECT_EQ(body["status"], "degraded");
  EXPECT_EQ(body["reasons"], nlohmann::json::array({"no live workers"}));
}

TEST(HealthReport, MatchmakerOrSettlementUnreachableIsDegraded) {
  auto in = serving();
  in.matchmaker_unreachable = "request timed out";
  in.settlement_unreachable = "no route to ledger";
  const auto body = health_json(in);
  EXPECT_EQ(body["status"], "degraded");
  EXPECT_EQ(body["matchmaker_reached"], false);
  EXPECT_EQ(body["reasons"], nlohmann::json::array({"matchmaker unreachable: request timed out",
                                                    "settlement unreachable: no route to ledger"}));
  auto never = serving();
  never.matchmaker_answered_once = false;
  EXPECT_EQ(health_json(never)["reasons"][0], "the matchmaker has not answered yet");
}

}  // namespace
}  // namespace infergrid::http
