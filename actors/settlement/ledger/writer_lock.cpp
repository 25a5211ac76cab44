#include "actors/settlement/ledger/writer_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace infergrid::ledger {

result<writer_lock> writer_lock::acquire(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return make_error(error_code::io_error, "cannot open " + path + " to lock it: " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int why = errno;
    ::close(fd);
    if (why == EWOULDBLOCK) {
      return make_error(error_code::conflict,
                        "the ledger " + path +
                            " is open for writing by another process (a running settlement actor, e.g. `infergrid "
                            "up`); it has the one writer's lock. Stop that process first, or let it do the change "
                            "(expired escrows are refunded by the actor itself). Read-only commands work meanwhile");
    }
    return make_error(error_code::io_error, "cannot lock " + path + ": " + std::strerror(why));
  }
  return writer_lock(fd);
}

writer_lock& writer_lock::operator=(writer_lock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

writer_lock::~writer_lock() {
  if (fd_ >= 0) ::close(fd_);  // closing the last descriptor of the file drops the flock
}

}  // namespace infergrid::ledger
