#pragma once
// posix_io: what the writers on raw file descriptors share (replace_file, owed_journal) — a write
// that finishes (short writes and EINTR retried) and an io_error naming the file and the system's
// reason.
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>

#include "runtime/result.hpp"

namespace infergrid {

// io_error "<what> <path>: <strerror(errno)>"; call it before anything else can change errno.
inline error io_failure(const std::string& what, const std::string& path) {
  return make_error(error_code::io_error, what + " " + path + ": " + std::strerror(errno));
}

// Writes all of `bytes` to `fd`; false (errno set) when a write fails or writes nothing.
inline bool write_all(int fd, std::string_view bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace infergrid
