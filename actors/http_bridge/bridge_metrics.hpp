#pragma once
// bridge_metrics: the bridge's Prometheus series, written by the HTTP threads and the actor
// thread, rendered in the text exposition format (version 0.0.4) for `GET /metrics`:
//   infergrid_http_requests_total{route,status}            counter
//   infergrid_http_request_duration_seconds{route}         histogram (whole request)
//   infergrid_http_time_to_first_token_seconds             histogram (streams)
//   infergrid_http_tokens_total{type=prompt|completion}    counter (billed tokens)
//   infergrid_http_cancelled_total                         counter (client went away mid-job; not timeouts)
//   infergrid_http_queue_depth, infergrid_http_jobs_in_flight   gauges
//   infergrid_workers{model}                               gauge (live workers per model; 0 once none)
//   infergrid_actor_*_total{actor,kind}                    the runtime's per-actor counters (refused too)
//   infergrid_dashboard_answers_total{how=built|shared}    dashboard JSON answers (dashboard_cache.hpp)
// Thread-safe.
#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "actors/http_bridge/openai_response.hpp"
#include "runtime/metrics.hpp"

namespace infergrid::http {

// Upper bounds (seconds) of the latency histograms' buckets, Prometheus' usual ladder.
inline constexpr std::array<double, 14> latency_buckets_s = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                             0.25,  0.5,    1,     2.5,  5,     10,  30};

class latency_histogram {
 public:
  void observe(double seconds);
  void render(std::string& out, const std::string& name, const std::string& labels) const;

 private:
  std::array<std::uint64_t, latency_buckets_s.size()> counts_{};
  std::uint64_t total_ = 0;
  double sum_s_ = 0;
};

// What the actor thread knows and the HTTP threads show.
struct metrics_snapshot_inputs {
  std::int64_t queue_depth = 0;
  std::int64_t jobs_in_flight = 0;
  std::vector<served_model> models;
  std::vector<actor_metrics> actors;
  std::vector<std::string> models_seen;  // served since start: those without live workers show 0
};

class bridge_metrics {
 public:
  void count_request(const std::string& route, int status, double duration_s);
  void observe_first_token(double seconds);
  void count_tokens(std::int64_t prompt_tokens, std::int64_t completion_tokens);
  void count_cancelled();
  std::string render(const metrics_snapshot_inputs& inputs) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, std::uint64_t> requests_;
  std::map<std::string, latency_histogram> durations_;
  latency_histogram first_token_;
  std::uint64_t prompt_tokens_ = 0;
  std::uint64_t completion_tokens_ = 0;
  std::uint64_t cancelled_ = 0;
};

// Escapes a label value (backslash, double quote, newline) as the text format requires.
std::string prometheus_label(const std::string& value);

}  // namespace infergrid::http
