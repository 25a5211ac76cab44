#pragma once
// retried_requests: requests an actor must get answered, sent again until they are — the money
// messages a matchmaker or a bridge owes settlement (a receipt, a partial claim, a refund). A
// request whose answer is a timeout or `unavailable` (the other side was down or busy) or an
// `io_error` (its disk failed this once) is sent again retry_ms after it failed, each time in a new
// envelope (one held in a socket queue through a long outage would be refused as a replay when it
// arrives). Any other answer, a success or a refusal, ends it. The requests of one key (a request
// id) go one at a time in the order they were added — settlement must see the earlier workers'
// partial claims before the receipt or refund that closes the escrow — and different keys do not
// wait for each other. Bounded: at most max_held requests are kept; more are refused.
// Pure bookkeeping on the actor's thread: `attempt` does the sending, the actor's timer calls
// retry_due().
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>

#include "runtime/actor_context.hpp"
#include "runtime/result.hpp"

namespace infergrid {

struct retried_requests_settings {
  std::int64_t retry_ms = 2000;  // a request that failed for a passing reason is sent again this long after
  std::size_t max_held = 65536;  // requests kept, sent or waiting, before add() refuses
};

class retried_requests {
 public:
  using answer = std::function<void(status)>;
  // Sends the request once and calls its argument exactly once, with the answer.
  using attempt = std::function<void(answer)>;
  // Called once, with the answer that ended the request (ok or a refusal).
  using finished = std::function<void(const status&)>;
  // Called on each passing failure, with the key, the answer and how many tries the request took
  // so far (the actor logs the first loudly and the rest quietly).
  using failed = std::function<void(const std::string& key, const error& why, std::uint32_t tries)>;

  retried_requests(retried_requests_settings settings, std::function<std::int64_t()> now_ms, failed on_failure = nullptr)
      : settings_(settings), now_ms_(std::move(now_ms)), on_failure_(std::move(on_failure)) {}

  // Queues a request behind the earlier ones of `key` and sends it at once when none is ahead.
  // too_large when max_held are held: nothing is sent.
  status add(const std::string& key, attempt send, finished done);
  // Sends again each request whose last try failed retry_ms or more ago.
  void retry_due();
  // Whether this answer is worth another try.
  static bool passing(const error& why);

  std::size_t held() const { return held_; }
  // Whether a request of `key` is held (sent and unanswered, or waiting to be sent again).
  bool holds(const std::string& key) const { return queues_.contains(key); }
  std::uint64_t retries() const { return retries_; }
  const retried_requests_settings& settings() const { return settings_; }

 private:
  struct request {
    attempt send;
    finished done;
  };
  struct key_queue {
    std::deque<request> requests;  // the front is sent or waiting to be sent again
    std::uint64_t in_flight = 0;  // the attempt sent and not answered yet; 0 = none
    std::int64_t failed_at_ms = 0;
    std::uint32_t tries = 0;      // of the front request
  };
  void send_front(const std::string& key);
  void answered(const std::string& key, std::uint64_t attempt_id, const status& outcome);

  retried_requests_settings settings_;
  std::function<std::int64_t()> now_ms_;
  failed on_failure_;
  std::map<std::string, key_queue> queues_;
  std::uint64_t next_attempt_ = 1;
  std::size_t held_ = 0;
  std::uint64_t retries_ = 0;
};

// The attempt most users want: `m` sent to `to` as a request, answered by a Reply (ok) or an error,
// or a timeout after timeout_ms.
template <class Reply, class M>
retried_requests::attempt request_attempt(actor_context& ctx, std::string to, M m, std::int64_t timeout_ms) {
  return [&ctx, to = std::move(to), m = std::move(m), timeout_ms](retried_requests::answer answer) {
    ctx.request<Reply>(to, m, timeout_ms, [answer = std::move(answer)](result<Reply> reply) {
      answer(reply.ok() ? status{} : status(reply.err()));
    });
  };
}

}  // namespace infergrid
