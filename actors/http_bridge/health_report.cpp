#include "actors/http_bridge/health_report.hpp"

#include <vector>

namespace infergrid::http {

nlohmann::json health_json(const health_inputs& in) {
  std::vector<std::string> reasons;
  if (!in.matchmaker_answered_once) reasons.push_back("the matchmaker has not answered yet");
  if (!in.matchmaker_unreachable.empty()) reasons.push_back("matchmaker unreachable: " + in.matchmaker_unreachable);
  if (in.workers == 0) reasons.push_back("no live workers");
  if (!in.settlement_unreachable.empty()) reasons.push_back("settlement unreachable: " + in.settlement_unreachable);
  const bool matchmaker_reached = in.matchmaker_answered_once && in.matchmaker_unreachable.empty();
  return {{"status", reasons.empty() ? "ok" : "degraded"},
          {"reasons", reasons},
          {"models", in.models},
          {"workers", in.workers},
          {"matchmaker_reached", matchmaker_reached},
          {"queue_depth", in.queue_depth},
          {"jobs_in_flight", in.jobs_in_flight}};
}

}  // namespace infergrid::http
