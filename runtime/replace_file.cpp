#include "runtime/replace_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>

namespace infergrid {

status replace_file(const std::string& path, const std::string& text) {
  const std::string temporary = path + ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return make_error(error_code::io_error, "cannot write " + temporary);
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!written || std::rename(temporary.c_str(), path.c_str()) != 0) {
    return make_error(error_code::io_error, "cannot replace " + path);
  }
  return {};
}

}  // namespace infergrid
