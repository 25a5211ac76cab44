#pragma once
// rate_limiter: one token bucket per API key. Each request takes one token; a bucket holds at most
// `burst` tokens and refills at `requests_per_minute`. An empty bucket answers how long until the
// next token (the 429's Retry-After). Thread-safe; buckets are created per known key, so their
// number is bounded by the keys file.
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace infergrid::http {

struct rate_limit_settings {
  double requests_per_minute = 600;  // refill rate; 0 disables rate limiting
  double burst = 60;                 // bucket capacity
};

class rate_limiter {
 public:
  using clock = std::chrono::steady_clock;

  explicit rate_limiter(rate_limit_settings settings) : settings_(settings) {}

  // 0 when the request may go now (a token was taken); else whole seconds to wait (>= 1).
  std::int64_t acquire(const std::string& key, clock::time_point now = clock::now()) {
    return acquire(key, settings_, now);
  }
  // With this key's own limits (an account's override from the keys file).
  std::int64_t acquire(const std::string& key, const rate_limit_settings& limits, clock::time_point now = clock::now());
  const rate_limit_settings& defaults() const { return settings_; }

 private:
  struct bucket {
    double tokens = 0;
    clock::time_point refilled;
  };
  rate_limit_settings settings_;
  std::mutex mutex_;
  std::map<std::string, bucket, std::less<>> buckets_;
};

}  // namespace infergrid::http
