#include "runtime/replace_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "runtime/posix_io.hpp"

namespace infergrid {

namespace {

// The folder holding `path`, as open(2) takes it.
std::string folder_of(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// fsync(2) of the folder holding `path`: a rename into it survives a machine crash only after this.
status sync_folder_of(const std::string& path) {
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

// The temporary file written in full and on disk, with `mode` whatever the umask.
status write_temporary(const std::string& temporary, const std::string& text, mode_t mode) {
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return io_failure("cannot write", temporary);
  const bool written = write_all(fd, text) && ::fchmod(fd, mode) == 0 && ::fsync(fd) == 0;
  const int why = errno;
  ::close(fd);
  errno = why;
  if (!written) return io_failure("cannot write", temporary);
  return {};
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
