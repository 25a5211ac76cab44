#include "actors/http_bridge/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace infergrid::http {

std::int64_t rate_limiter::acquire(const std::string& key, const rate_limit_settings& limits, clock::time_point now) {
  if (limits.requests_per_minute <= 0) return 0;
  std::lock_guard lock(mutex_);
  auto [it, fresh] = buckets_.try_emplace(key, bucket{limits.burst, now});
  bucket& state = it->second;
  if (!fresh) {
    const double elapsed_s = std::chrono::duration<double>(now - state.refilled).count();
    state.tokens = std::min(limits.burst, state.tokens + elapsed_s * limits.requests_per_minute / 60.0);
    state.refilled = now;
  }
  if (state.tokens >= 1.0) {
    state.tokens -= 1.0;
    return 0;
  }
  const double wait_s = (1.0 - state.tokens) * 60.0 / limits.requests_per_minute;
  return std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(wait_s)));
}

}  // namespace infergrid::http
