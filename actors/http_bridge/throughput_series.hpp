#pragma once
// throughput_series: the bridge's served traffic per second, for the dashboard's plots — completed
// requests, completion tokens, end-to-end latency and time to first token (p50/p99) of each of the
// last `seconds_kept` seconds. HTTP threads record each request to a completion or embedding route
// once, with its final status (its n choices together; a refusal before any job ran too); readers
// take points.
// Thread-safe; memory bounded (samples per second are capped, the rest only counted).
#include <array>
#include <cstdint>
#include <mutex>
#include <vector>

namespace infergrid::http {

struct series_point {
  std::int64_t unix_s = 0;
  std::uint64_t requests = 0;   // requests answered 200 in that second
  std::uint64_t errors = 0;     // answered otherwise (4xx refusals, 5xx, 499 client gone)
  std::uint64_t completion_tokens = 0;
  double latency_p50_ms = 0;
  double latency_p99_ms = 0;
  double first_token_p50_ms = 0;  // 0 when no request of that second saw a first token
  double first_token_p99_ms = 0;
};

class throughput_series {
 public:
  static constexpr std::size_t seconds_kept = 600;
  static constexpr std::size_t samples_per_second_max = 4096;

  // A finished request: its status, whole duration, tokens and time to first token (< 0: none).
  void record(std::int64_t unix_s, int status, double latency_s, std::int64_t completion_tokens, double first_token_s);
  // The seconds in (now_s - seconds, now_s], oldest first; seconds without traffic are zero points.
  std::vector<series_point> points(std::int64_t now_s, std::size_t seconds) const;
  // Completion tokens per second over the `seconds` whole seconds before now_s.
  double tokens_per_second(std::int64_t now_s, std::size_t seconds) const;

 private:
  struct bucket {
    std::int64_t unix_s = -1;
    std::uint64_t requests = 0;
    std::uint64_t errors = 0;
    std::uint64_t completion_tokens = 0;
    std::vector<float> latencies_ms;
    std::vector<float> first_tokens_ms;
  };
  const bucket* at(std::int64_t unix_s) const;

  mutable std::mutex mutex_;
  std::array<bucket, seconds_kept> buckets_;
};

// The q-quantile (0..1) of `values` by nearest rank; 0 for none. Sorts its copy.
double quantile(std::vector<float> values, double q);

}  // namespace infergrid::http
