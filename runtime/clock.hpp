#pragma once
// clock: where actors read the time of day (actor_context::now_ms, Unix ms), so deadline and
// expiry logic can be driven by a test. Two readings: unix_ms, the time of day (deadlines that
// travel between nodes), and steady_ms, a clock that never jumps (intervals kept inside one
// process: liveness, stalls, waits). A node uses the system clock unless a test hands it a
// manual_clock (node::use_clock) before it spawns its actors. Timers still run on the steady
// clock: a manual clock moves what handlers and timers see as "now", not when timers fire.
#include <atomic>
#include <chrono>
#include <cstdint>

namespace infergrid {

class clock {
 public:
  virtual ~clock() = default;
  virtual std::int64_t unix_ms() const = 0;
  // Milliseconds from an arbitrary zero; never goes back, unmoved by changes to the time of day.
  virtual std::int64_t steady_ms() const = 0;
};

class system_clock final : public clock {
 public:
  std::int64_t unix_ms() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  std::int64_t steady_ms() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
};

// A test's clock: stands still until advanced (from any thread); both readings move together.
class manual_clock final : public clock {
 public:
  explicit manual_clock(std::int64_t start_unix_ms) : now_ms_(start_unix_ms) {}
  std::int64_t unix_ms() const override { return now_ms_.load(std::memory_order_acquire); }
  std::int64_t steady_ms() const override { return unix_ms(); }
  void advance(std::int64_t by_ms) { now_ms_.fetch_add(by_ms, std::memory_order_acq_rel); }

 private:
  std::atomic<std::int64_t> now_ms_;
};

}  // namespace infergrid
