#include "actors/http_bridge/bridge_metrics.hpp"

#include <gtest/gtest.h>

namespace infergrid::http {
namespace {

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.rfind(line + "\n", 0) == 0;
}

TEST(BridgeMetrics, RendersPrometheusText) {
  bridge_metrics metrics;
  metrics.count_request("/v1/models", 200, 0.002);
  metrics.count_request("/v1/models", 200, 0.2);
  metrics.count_request("/v1/models", 401, 0.001);
  metrics.count_tokens(3, 4);
  metrics.observe_first_token(0.05);
  metrics_snapshot_inputs inputs;
  inputs.queue_depth = 2;
  inputs.jobs_in_flight = 1;
  inputs.models = {{"stories\"260k", "infergrid", 512, 3, 5, 19, 2, 792}};
  inputs.actors = {actor_metrics{"local/http", "http_bridge", 10, 9, 1, 0, 0, 0, 2, 4}};
  inputs.models_seen = {"gone", "stories\"260k"};  // "gone": its last worker left
  const auto text = metrics.render(inputs);
  EXPECT_TRUE(has_line(text, "infergrid_http_requests_total{route=\"/v1/models\",status=\"200\"} 2")) << text;
  EXPECT_TRUE(has_line(text, "infergrid_http_requests_total{route=\"/v1/models\",status=\"401\"} 1"));
  EXPECT_TRUE(has_line(text, "infergrid_http_request_duration_seconds_bucket{route=\"/v1/models\",le=\"0.001\"} 1"));
  EXPECT_TRUE(has_line(text, "infergrid_http_request_duration_seconds_bucket{route=\"/v1/models\",le=\"0.0025\"} 2"));
  EXPECT_TRUE(has_line(text, "infergrid_http_request_duration_seconds_bucket{route=\"/v1/models\",le=\"+Inf\"} 3"));
  EXPECT_TRUE(has_line(text, "infergrid_http_request_duration_seconds_count{route=\"/v1/models\"} 3"));
  EXPECT_TRUE(has_line(text, "infergrid_http_time_to_first_token_seconds_count 1"));
  EXPECT_TRUE(has_line(text, "infergrid_http_tokens_total{type=\"prompt\"} 3"));
  EXPECT_TRUE(has_line(text, "infergrid_http_queue_depth 2"));
  EXPECT_TRUE(has_line(text, "infergrid_workers{model=\"stories\\\"260k\"} 3"));
  EXPECT_TRUE(has_line(text, "infergrid_workers{model=\"gone\"} 0")) << text;
  EXPECT_EQ(text.find("infergrid_workers{model=\"stories\\\"260k\"} 0"), std::string::npos);
  EXPECT_TRUE(has_line(text, "infergrid_model_free_slots{model=\"stories\\\"260k\"} 5"));
  EXPECT_TRUE(has_line(text, "infergrid_model_running_jobs{model=\"stories\\\"260k\"} 19"));
  EXPECT_TRUE(has_line(text, "infergrid_model_queued_jobs{model=\"stories\\\"260k\"} 2"));
  EXPECT_TRUE(has_line(text, "infergrid_model_utilisation_ratio{model=\"stories\\\"260k\"} 0.792"));
  EXPECT_TRUE(has_line(text, "infergrid_actor_received_total{actor=\"local/http\",kind=\"http_bridge\"} 10"));
  EXPECT_TRUE(has_line(text, "infergrid_actor_timeouts_total{actor=\"local/http\",kind=\"http_bridge\"} 2"));
  EXPECT_TRUE(has_line(text, "infergrid_actor_refused_total{actor=\"local/http\",kind=\"http_bridge\"} 4"));
  // Every sample line belongs to a declared family.
  std::size_t types = 0;
  for (std::size_t at = text.find("# TYPE "); at != std::string::npos; at = text.find("# TYPE ", at + 1)) ++types;
  EXPECT_GE(types, 14u);
}

}  // namespace
}  // namespace infergrid::http
