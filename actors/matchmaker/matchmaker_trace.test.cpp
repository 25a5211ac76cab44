// The matchmaker's trace_query: a request id it does not remember is answered not_found, and is no
// handler error (infergrid_actor_errors_total counts failures, not lookups that found nothing).
#include <gtest/gtest.h>

#include "messages/challenge.hpp"
#include "runtime/node.hpp"

namespace infergrid::matchmaker {
namespace {

TEST(matchmaker_trace, an_unknown_request_id_is_not_found_and_no_handler_error) {
  node_config config;
  config.source = "<test>";
  config.name = "mm";
  config.limits.drain_quiet_ms = 10;
  config.actors.push_back({"matchmaker", "matchmaker", settings(YAML::Load("{}"), "<test>", "settings")});
  auto grid = std::move(node::create(config)).value();
  ASSERT_TRUE(grid->start().ok());
  for (const char* id : {"no-such-request", "typo-id"}) {
    auto traced = grid->call<trace_report>("matchmaker", trace_query{id}, 2000);
    ASSERT_FALSE(traced.ok());
    EXPECT_EQ(traced.err().code, error_code::not_found);
    EXPECT_NE(traced.err().message.find("does not remember request"), std::string::npos) << traced.err().message;
  }
  grid->stop();
  bool seen = false;
  for (const auto& m : grid->metrics()) {
    if (m.address != "mm/matchmaker") continue;
    seen = true;
    EXPECT_EQ(m.errors, 0u);
  }
  EXPECT_TRUE(seen);
}

}  // namespace
}  // namespace infergrid::matchmaker
