#pragma once
// wait_until: polls `done` every `poll` until it holds or `timeout` passes — for multi-process tests
// that watch a real process (a ledger file, a chain) reach a state no event announces.
#include <chrono>
#include <functional>
#include <thread>

namespace infergrid::testing {

inline bool wait_until(const std::function<bool()>& done, std::chrono::seconds timeout = std::chrono::seconds(30),
                       std::chrono::milliseconds poll = std::chrono::milliseconds(100)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(poll);
  }
  return false;
}

}  // namespace infergrid::testing
