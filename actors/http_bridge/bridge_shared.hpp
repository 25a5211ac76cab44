#pragma once
// bridge_shared: what the bridge's HTTP threads and its actor thread share. Each member is
// thread-safe on its own (or immutable after start); the actor state owns it and outlives the
// HTTP server it starts.
#include <atomic>
#include <cstdint>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "actors/http_bridge/account_book.hpp"
#include "actors/http_bridge/bridge_inbox.hpp"
#include "actors/http_bridge/bridge_metrics.hpp"
#include "actors/http_bridge/dashboard_cache.hpp"
#include "actors/http_bridge/dashboard_store.hpp"
#include "actors/http_bridge/http_bridge_config.hpp"
#include "actors/http_bridge/model_catalog.hpp"
#include "actors/http_bridge/rate_limiter.hpp"
#include "actors/http_bridge/response_store.hpp"
#include "actors/http_bridge/throughput_series.hpp"

namespace infergrid::http {

// Eight random hex digits and a dash.
inline std::string random_id_prefix() {
  std::random_device entropy;
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 8; ++i) out += digits[entropy() % 16];
  return out + "-";
}

struct bridge_shared {
  bridge_shared(http_bridge_config settings, account_book book)
      : config(std::move(settings)),
        accounts(std::move(book)),
        limiter(config.rate_limit),
        inbox(config.queue_capacity),
        dashboard_answers(std::chrono::milliseconds(config.dashboard_cache_ms)),
        stored_responses(static_cast<std::size_t>(config.stored_responses_mb) << 20, config.stored_response_ttl_s * 1000),
        id_prefix(random_id_prefix()) {}

  const http_bridge_config config;
  account_book accounts;
  rate_limiter limiter;
  bridge_inbox inbox;
  bridge_metrics metrics;
  model_catalog catalog;
  dashboard_store dashboard;  // the grid's and the ledger's views, job lookups (dashboard_feed)
  dashboard_cache dashboard_answers;  // built JSON answers shared by every dashboard reader
  throughput_series series;   // served completions per second (the dashboard's plots)
  response_store stored_responses;  // /v1/responses kept for previous_response_id and GET/DELETE
  std::atomic<std::int64_t> jobs_in_flight{0};
  std::atomic<bool> closing{false};  // the actor is stopping: waiting HTTP threads give up
  std::atomic<std::uint64_t> next_job{1};
  const std::string id_prefix;  // random per start, so response and job ids never repeat across restarts

  // The runtime's per-actor counters, copied by the actor thread (HTTP threads cannot ask ctx).
  void set_actor_metrics(std::vector<actor_metrics> latest) {
    std::lock_guard lock(actor_metrics_mutex_);
    actor_metrics_ = std::move(latest);
  }
  std::vector<actor_metrics> actor_metrics_copy() const {
    std::lock_guard lock(actor_metrics_mutex_);
    return actor_metrics_;
  }

 private:
  mutable std::mutex actor_metrics_mutex_;
  std::vector<actor_metrics> actor_metrics_;
};

}  // namespace infergrid::http
