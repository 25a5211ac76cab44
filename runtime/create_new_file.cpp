#include "runtime/create_new_file.hpp"

#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "runtime/posix_io.hpp"

namespace infergrid {

namespace {

// A new, empty, uniquely named file beside `path` (mkstemp: mode 0600), its name left in `temporary`.
result<int> open_temporary_beside(const std::string& path, std::string& temporary) {
  const std::string pattern = path + ".new-XXXXXX";
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  const int fd = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd < 0) return io_failure("cannot write", pattern);
  temporary = name.data();
  return fd;
}

// link(2) of the written temporary to `path`: fails, atomically, when `path` exists.
status link_new_name(const std::string& temporary, const std::string& path) {
  if (::link(temporary.c_str(), path.c_str()) == 0) return {};
  if (errno == EEXIST) return make_error(error_code::conflict, path + " already exists; it is never replaced");
  return io_failure("cannot create", path);
}

}  // namespace

status create_new_file(const std::string& path, const std::string& text, mode_t mode) {
  std::string temporary;
  auto fd = open_temporary_beside(path, temporary);
  if (!fd.ok()) return fd.err();
  auto created = write_sync_close(*fd, temporary, text, mode);
  if (created.ok()) created = link_new_name(temporary, path);
  const int why = errno;
  ::unlink(temporary.c_str());  // `path` holds the content now, or nothing was created
  errno = why;
  if (!created.ok()) return created;
  return sync_folder_of(path);
}

}  // namespace infergrid
