#pragma once
// retry_backoff: how the chain's background senders (epoch_anchorer, chain_slasher) retry a step
// that failed (node unreachable, a call refused): a delay doubling from min_ms up to max_ms, a
// warning logged once per distinct failure (a node down for an hour logs one line, not one per
// try), and one "<activity> works again" line when a step succeeds after failures. Owned by the
// sender's thread.
#include <cstdint>
#include <string>

namespace infergrid::chain {

struct retry_backoff_settings {
  std::uint64_t min_ms = 500;
  std::uint64_t max_ms = 30000;
  std::string log_source = "chain";
  std::string activity;  // "anchoring", "slashing": names the recovery line
};

class retry_backoff {
 public:
  explicit retry_backoff(retry_backoff_settings settings);

  struct wait {
    std::uint64_t delay_ms;  // before the next try
    bool logged;             // the failure differed from the last one and was logged
  };
  // `step` failed ("anchoring epoch 7") with `message`.
  wait failed(const std::string& step, const std::string& message);
  // A step succeeded: the delay starts over; true when it ended a run of failures (and said so).
  bool succeeded();

 private:
  retry_backoff_settings settings_;
  std::uint64_t delay_ms_;
  std::string last_failure_;  // "" while steps succeed
};

}  // namespace infergrid::chain
