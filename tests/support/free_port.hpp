#pragma once
// free_port: a loopback tcp port nobody listens on right now (bind port 0, read what the kernel
// chose, close) and that this process has not handed out before — for a test that must name its
// servers' ports in a config before they start. The kernel may give the same free port to two binds
// in a row; two servers of one config on one port cannot both start. -1 when the kernel gave none.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mutex>
#include <set>

namespace infergrid::testing {

inline int kernel_free_tcp_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  int port = -1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  ::close(fd);
  return port;
}

inline int free_tcp_port() {
  static std::mutex mutex;
  static std::set<int> handed_out;
  const std::lock_guard lock(mutex);
  for (int attempt = 0; attempt < 64; ++attempt) {
    const int port = kernel_free_tcp_port();
    if (port < 0) return -1;
    if (handed_out.insert(port).second) return port;
  }
  return -1;
}

}  // namespace infergrid::testing
