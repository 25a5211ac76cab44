#pragma once
// job_stream: one HTTP request's inference job as the two threads that share it see it. The actor
// thread pushes what the network sends (text pieces, the end, a failure) and never blocks; the
// HTTP thread waits for the next event with a bounded wait and may cancel (client gone). Shared
// by exactly those two owners (std::shared_ptr), nothing else.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "actors/http_bridge/api_error.hpp"
#include "messages/inference.hpp"

namespace infergrid::http {

// Wakes the one HTTP thread that waits on several jobs at once (a request with n > 1 choices):
// every event pushed to any of them bumps the generation.
class job_wake {
 public:
  void notify();
  std::uint64_t generation() const;
  // Returns when the generation has moved past `seen`, or after max_wait.
  void wait_past(std::uint64_t seen, std::chrono::milliseconds max_wait) const;

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable moved_;
  std::uint64_t generation_ = 0;
};

struct job_event {
  enum class kind { text, finished, failed };
  kind what = kind::text;
  std::string text;               // generated text of this piece (may be empty)
  std::int64_t tokens = 0;        // generated tokens this piece completes
  std::string finish_reason;      // finished: "stop" or "length"
  std::string miner;              // the worker that computed it
  std::int64_t prompt_tokens = 0; // as the worker counted them (0 = not told yet)
  api_error failure;              // failed
  std::vector<token_logprob> logprobs;  // text: one per token when the request asked for logprobs
  std::optional<job_price> price;       // the worker's signed price for the job (its chunk claim)
  std::vector<float> embedding;         // finished: an embedding job's answer
  std::vector<std::int32_t> token_ids;  // text: the ids of the `tokens` it completes
};

class job_stream {
 public:
  // Events one job may queue unread (its tokens are bounded by max_tokens anyway); beyond this the
  // job fails instead of growing without bound.
  static constexpr std::size_t max_queued_events = 65536;

  // `wake`, when given, is notified after every push (shared by the jobs of one request).
  explicit job_stream(std::string request_id, std::shared_ptr<job_wake> wake = nullptr)
      : request_id_(std::move(request_id)), wake_(std::move(wake)) {}

  const std::string& request_id() const { return request_id_; }

  // Actor side. Events after the end are ignored.
  void push(job_event event);
  // HTTP side: the next event, or nullopt when none came within max_wait.
  std::optional<job_event> wait_next(std::chrono::milliseconds max_wait);
  // HTTP side: the client is gone or gave up; the actor cancels the job upstream.
  void mark_abandoned();
  bool abandoned() const;
  bool ended() const;

 private:
  const std::string request_id_;
  const std::shared_ptr<job_wake> wake_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<job_event> events_;
  bool ended_ = false;      // a finished/failed event was pushed
  bool abandoned_ = false;
};

}  // namespace infergrid::http
