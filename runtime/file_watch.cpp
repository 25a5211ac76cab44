#include "runtime/file_watch.hpp"

#include <sys/stat.h>

namespace infergrid {

file_watch::file_watch(std::string path) : path_(std::move(path)), last_(read()) {}

file_watch::stamp file_watch::read() const {
  struct stat info {};
  if (::stat(path_.c_str(), &info) != 0) return {};
  return {static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec,
          static_cast<std::int64_t>(info.st_size), static_cast<std::uint64_t>(info.st_ino)};
}

bool file_watch::changed() {
  const stamp now = read();
  if (now == last_) return false;
  last_ = now;
  return now.mtime_ns >= 0;  // gone: nothing to reload until it is back
}

}  // namespace infergrid
