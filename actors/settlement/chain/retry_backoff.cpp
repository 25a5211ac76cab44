#include "actors/settlement/chain/retry_backoff.hpp"

#include <algorithm>
#include <utility>

#include "runtime/log.hpp"

namespace infergrid::chain {

retry_backoff::retry_backoff(retry_backoff_settings settings)
    : settings_(std::move(settings)), delay_ms_(settings_.min_ms) {}

retry_backoff::wait retry_backoff::failed(const std::string& step, const std::string& message) {
  const bool changed = message != last_failure_;
  if (changed) {
    last_failure_ = message;
    log(log_level::warn, settings_.log_source, "{} failed, retrying with backoff up to {} ms: {}", step, settings_.max_ms,
        message);
  }
  const wait out{delay_ms_, changed};
  delay_ms_ = std::min(delay_ms_ * 2, settings_.max_ms);
  return out;
}

bool retry_backoff::succeeded() {
  delay_ms_ = settings_.min_ms;
  if (last_failure_.empty()) return false;
  last_failure_.clear();
  log(log_level::info, settings_.log_source, "{} works again", settings_.activity);
  return true;
}

}  // namespace infergrid::chain
