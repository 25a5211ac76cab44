#pragma once
// health_report: the body of `GET /health` — "ok", or "degraded" with the reasons an operator must
// act on (no live worker, the matchmaker not reached, settlement mode's settlement not reached).
// The HTTP status stays 200 either way: the bridge itself answers; the body says what it can serve.
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace infergrid::http {

struct health_inputs {
  std::size_t models = 0;
  std::int64_t workers = 0;
  bool matchmaker_answered_once = false;
  std::string matchmaker_unreachable;  // why the last model-list ask failed ("" = it answered)
  std::string settlement_unreachable;  // settlement mode: why the last ledger view failed ("" = it answered)
  std::int64_t queue_depth = 0;
  std::int64_t jobs_in_flight = 0;
};

nlohmann::json health_json(const health_inputs& in);

}  // namespace infergrid::http
