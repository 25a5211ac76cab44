#include "actors/http_bridge/throughput_series.hpp"

#include <algorithm>
#include <cmath>

namespace infergrid::http {

double quantile(std::vector<float> values, double q) {
  if (values.empty()) return 0;
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(values.size())));
  const std::size_t index = std::min(values.size() - 1, rank == 0 ? 0 : rank - 1);
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(index), values.end());
  return values[index];
}

void throughput_series::record(std::int64_t unix_s, int status, double latency_s, std::int64_t completion_tokens,
                               double first_token_s) {
  if (unix_s < 0) return;
  std::lock_guard lock(mutex_);
  bucket& b = buckets_[static_cast<std::size_t>(unix_s) % seconds_kept];
  if (b.unix_s != unix_s) b = bucket{unix_s};
  if (status != 200) {
    ++b.errors;
    return;
  }
  ++b.requests;
  b.completion_tokens += static_cast<std::uint64_t>(std::max<std::int64_t>(0, completion_tokens));
  if (b.latencies_ms.size() < samples_per_second_max) b.latencies_ms.push_back(static_cast<float>(latency_s * 1000));
  if (first_token_s >= 0 && b.first_tokens_ms.size() < samples_per_second_max) {
    b.first_tokens_ms.push_back(static_cast<float>(first_token_s * 1000));
  }
}

const throughput_series::bucket* throughput_series::at(std::int64_t unix_s) const {
  if (unix_s < 0) return nullptr;
  const bucket& b = buckets_[static_cast<std::size_t>(unix_s) % seconds_kept];
  return b.unix_s == unix_s ? &b : nullptr;
}

std::vector<series_point> throughput_series::points(std::int64_t now_s, std::size_t seconds) const {
  seconds = std::min(seconds, seconds_kept);
  std::vector<series_point> out;
  out.reserve(seconds);
  std::lock_guard lock(mutex_);
  for (std::int64_t s = now_s - static_cast<std::int64_t>(seconds) + 1; s <= now_s; ++s) {
    series_point p{s};
    if (const bucket* b = at(s)) {
      p.requests = b->requests;
      p.errors = b->errors;
      p.completion_tokens = b->completion_tokens;
      p.latency_p50_ms = quantile(b->latencies_ms, 0.5);
      p.latency_p99_ms = quantile(b->latencies_ms, 0.99);
      p.first_token_p50_ms = quantile(b->first_tokens_ms, 0.5);
      p.first_token_p99_ms = quantile(b->first_tokens_ms, 0.99);
    }
    out.push_back(p);
  }
  return out;
}

double throughput_series::tokens_per_second(std::int64_t now_s, std::size_t seconds) const {
  if (seconds == 0) return 0;
  seconds = std::min(seconds, seconds_kept - 1);
  std::uint64_t tokens = 0;
  std::lock_guard lock(mutex_);
  for (std::int64_t s = now_s - static_cast<std::int64_t>(seconds); s < now_s; ++s) {
    if (const bucket* b = at(s)) tokens += b->completion_tokens;
  }
  return static_cast<double>(tokens) / static_cast<double>(seconds);
}

}  // namespace infergrid::http
