#pragma once
// http_health: waiting for a grid's HTTP bridge to come up with workers — polls GET /health on
// 127.0.0.1:port until it answers 200 with at least `workers_min` workers, or `timeout` passes.
#include <chrono>
#include <thread>

#include <httplib.h>
#include <nlohmann/json.hpp>

namespace infergrid::testing {

inline bool wait_for_http_workers(int port, int workers_min, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    httplib::Client client("127.0.0.1", port);
    auto res = client.Get("/health");
    if (res && res->status == 200) {
      const auto body = nlohmann::json::parse(res->body, nullptr, false);
      if (!body.is_discarded() && body.value("workers", 0) >= workers_min) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

}  // namespace infergrid::testing
