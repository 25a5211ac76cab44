#pragma once
// writer_lock: one writer per ledger file. Whoever opens a ledger for writing (the settlement
// actor, `infergrid ledger deposit ...`) holds an exclusive flock(2) on the file for as long as the
// ledger is open; a second writer is refused at open with a message saying who to ask, instead of
// both appending entries from stale state (two writers gave "UNIQUE constraint failed: entries.seq").
// The kernel drops the lock when the holder exits, kill -9 included. Readers (verify, balance,
// history, escrows) take no lock: SQLite's WAL gives them a consistent snapshot.
#include <string>

#include "runtime/result.hpp"

namespace infergrid::ledger {

class writer_lock {
 public:
  writer_lock() = default;
  // Locks `path` (an existing file) or fails with error_code::conflict naming it.
  static result<writer_lock> acquire(const std::string& path);
  writer_lock(writer_lock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  writer_lock& operator=(writer_lock&& other) noexcept;
  writer_lock(const writer_lock&) = delete;
  writer_lock& operator=(const writer_lock&) = delete;
  ~writer_lock();

 private:
  explicit writer_lock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace infergrid::ledger
