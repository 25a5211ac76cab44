#pragma once
// free_port: a loopback tcp port nobody listens on right now (bind port 0, read what the kernel
// chose, close) — for a test that must name its server's port in a config before it starts. -1 when
// the kernel gave none.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace infergrid::testing {

inline int free_tcp_port() {
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

}  // namespace infergrid::testing
