#pragma once
// posix_io: what the writers on raw file descriptors share (replace_file, create_new_file,
// owed_journal) — a write that finishes (short writes and EINTR retried), an io_error naming the file
// and the system's reason, and the fsync of a file's folder that makes a new name in it durable.
#include <fcntl.h>
#include <sys/stat.h>
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

// Writes all of `text` to the new file `fd` (opened as `path`), gives it `mode` whatever the umask,
// fsyncs and closes it; io_error "cannot write <path>: <reason>" when a step fails (fd closed anyway).
inline status write_sync_close(int fd, const std::string& path, std::string_view text, mode_t mode) {
  const bool written = write_all(fd, text) && ::fchmod(fd, mode) == 0 && ::fsync(fd) == 0;
  const int why = errno;
  ::close(fd);
  errno = why;
  if (!written) return io_failure("cannot write", path);
  return {};
}

// The folder holding `path`, as open(2) takes it.
inline std::string folder_of(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// fsync(2) of the folder holding `path`: a file created, renamed or linked into it survives a machine
// crash only after this.
inline status sync_folder_of(const std::string& path) {
  const std::string folder = folder_of(path);
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return io_failure("cannot open the folder", folder);
  const bool synced = ::fsync(fd) == 0;
  const int why = errno;
  ::close(fd);
  errno = why;
  if (!synced) return io_failure("cannot sync the folder", folder);
  return {};
}

}  // namespace infergrid
