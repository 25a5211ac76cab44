#pragma once
// bridge_inbox: how HTTP threads hand work to the bridge actor without touching its message loop.
// A bounded multi-producer queue: a push that finds it full fails at once (the HTTP thread answers
// 429 with Retry-After — backpressure), never blocks. The actor drains it on its own thread.
//
// Waking: each push wakes the actor through its actor_waker (its on_wake() drains the queue at
// once); a slow timer (poll_interval_ms in the bridge settings) drains too, as a safety net.
// `pending()` lets that timer return at once when idle.
#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "actors/http_bridge/job_stream.hpp"
#include "actors/http_bridge/openai_request.hpp"
#include "messages/job_price.hpp"
#include "runtime/actor_waker.hpp"

namespace infergrid::http {

struct bridge_command {
  enum class kind { submit, cancel };
  kind what = kind::submit;
  std::shared_ptr<job_stream> job;
  completion_request request;  // submit
  std::string prompt;          // submit: the rendered prompt text
  std::string payer;           // submit, settlement mode: the ledger account to escrow ("" = keys file)
  std::int64_t max_cost_micro = 0;  // submit, settlement mode: what the escrow holds
  job_price caps;                   // submit: the request's price caps (billing.hpp), for routing and escrow
};

class bridge_inbox {
 public:
  explicit bridge_inbox(std::size_t capacity) : capacity_(capacity) {}
  // Set once, before any push (the actor's constructor, before the HTTP server starts).
  void set_waker(actor_waker waker) { waker_ = std::move(waker); }

  // False when full (the caller answers 429). Cancels are always accepted: they end work.
  bool push(bridge_command command);
  // Takes up to max_items commands, oldest first.
  std::vector<bridge_command> take(std::size_t max_items);
  bool pending() const { return size_.load(std::memory_order_acquire) > 0; }
  std::int64_t size() const { return static_cast<std::int64_t>(size_.load(std::memory_order_relaxed)); }

 private:
  const std::size_t capacity_;
  actor_waker waker_;
  std::mutex mutex_;
  std::deque<bridge_command> queue_;
  std::atomic<std::size_t> size_{0};
};

}  // namespace infergrid::http
