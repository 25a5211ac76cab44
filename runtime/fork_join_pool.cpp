#include "runtime/fork_join_pool.hpp"

#include <algorithm>

namespace infergrid {

fork_join_pool::fork_join_pool(std::size_t helpers) {
  helpers_.reserve(helpers);
  for (std::size_t i = 0; i < helpers; ++i) helpers_.emplace_back([this] { help(); });
}

fork_join_pool::~fork_join_pool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  started_.notify_all();
  for (auto& helper : helpers_) helper.join();
}

void fork_join_pool::run(std::size_t n, const std::function<void(std::size_t)>& fn) {
  if (n == 0) return;
  if (helpers_.empty() || n == 1) {
    for (std::size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  std::unique_lock lock(mutex_);
  fn_ = &fn;
  n_ = n;
  next_ = 0;
  unfinished_ = n;
  const std::uint64_t call = ++call_;
  started_.notify_all();
  work(lock, call);
  finished_.wait(lock, [this] { return unfinished_ == 0; });
  fn_ = nullptr;
}

// Items are taken only while `call` is the current one: a helper that wakes after its call ended
// never runs a later call's item with the earlier function. While an item runs, its call cannot end.
void fork_join_pool::work(std::unique_lock<std::mutex>& lock, std::uint64_t call) {
  while (call_ == call && fn_ != nullptr && next_ < n_) {
    const std::size_t item = next_++;
    const auto* fn = fn_;
    lock.unlock();
    (*fn)(item);
    lock.lock();
    if (--unfinished_ == 0) finished_.notify_one();
  }
}

void fork_join_pool::help() {
  std::uint64_t seen = 0;
  std::unique_lock lock(mutex_);
  for (;;) {
    started_.wait(lock, [&] { return stopping_ || call_ != seen; });
    if (stopping_) return;
    seen = call_;
    work(lock, seen);
  }
}

std::size_t pool_helpers(std::size_t wanted, std::size_t items) {
  const std::size_t threads = wanted != 0 ? wanted : std::max<std::size_t>(1, std::thread::hardware_concurrency());
  return std::min(threads, std::max<std::size_t>(items, 1)) - 1;
}

}  // namespace infergrid
