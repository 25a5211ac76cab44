#pragma once
// fork_join_pool: runs fn(0), ..., fn(n - 1) on the calling thread and a few helper threads that
// sleep between calls, and returns when every call has returned. Items are handed out one at a
// time, so uneven items balance; the caller works too, so a helper that wakes late costs nothing
// but its own share. For per-item work of tens of microseconds and up (a gpu_worker's draw of one
// sequence's next token over a 150k-token row); fn must not throw.
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace infergrid {

class fork_join_pool {
 public:
  explicit fork_join_pool(std::size_t helpers);
  ~fork_join_pool();
  fork_join_pool(const fork_join_pool&) = delete;
  fork_join_pool& operator=(const fork_join_pool&) = delete;

  // One caller at a time.
  void run(std::size_t n, const std::function<void(std::size_t)>& fn);
  // The caller and the helpers.
  std::size_t threads() const { return helpers_.size() + 1; }

 private:
  void help();
  // Runs items of call `call` until none is left (the lock held on entry and return).
  void work(std::unique_lock<std::mutex>& lock, std::uint64_t call);

  std::mutex mutex_;
  std::condition_variable started_;
  std::condition_variable finished_;
  std::uint64_t call_ = 0;  // which run() the helpers were last woken for
  const std::function<void(std::size_t)>* fn_ = nullptr;
  std::size_t n_ = 0;
  std::size_t next_ = 0;        // the next item to hand out
  std::size_t unfinished_ = 0;  // items handed out or waiting, not yet returned
  bool stopping_ = false;
  std::vector<std::thread> helpers_;
};

// Helpers for a pool that serves up to `items` items at once on this machine: one thread per
// hardware thread (`wanted` threads when it is not 0), the caller counted.
std::size_t pool_helpers(std::size_t wanted, std::size_t items);

}  // namespace infergrid
