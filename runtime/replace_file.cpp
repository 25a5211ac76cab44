#include "runtime/replace_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "runtime/posix_io.hpp"

namespace infergrid {

namespace {

// The temporary file written in full and on disk, with `mode` whatever the umask.
status write_temporary(const std::string& temporary, const std::string& text, mode_t mode) {
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return io_failure("cannot write", temporary);
  return write_sync_close(fd, temporary, text, mode);
}

}  // namespace

status replace_file(const std::string& path, const std::string& text, mode_t mode) {
  const std::string temporary = path + ".tmp";
  auto written = write_temporary(temporary, text, mode);
  if (written.ok() && std::rename(temporary.c_str(), path.c_str()) != 0) written = io_failure("cannot replace", path);
  if (!written.ok()) {
    const int why = errno;
    std::remove(temporary.c_str());
    errno = why;
    return written;
  }
  return sync_folder_of(path);
}

}  // namespace infergrid
