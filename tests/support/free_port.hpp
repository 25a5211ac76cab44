#pragma once
// free_port: a loopback tcp port nobody is bound to right now and that this process has not handed
// out before — for a test or bench that must name its servers' ports in a config before they start.
// Another process may take the port between the pick and the server's bind; two things keep that
// rare and recoverable:
//   - the port comes from below the kernel's ephemeral range (ip_local_port_range, 32768-60999 by
//     default), which the kernel never gives to a bind to port 0 (every node's `tcp://…:*`) or to an
//     outgoing connection, so only another process's pick from here can take it. Before, the
//     kernel's own free ephemeral port was handed out, and the next bind to port 0 or connection
//     in any process could take it ("Address already in use", seen once in 15 runs of http_bench
//     beside the full suite);
//   - start_on_free_ports: a start that failed while one of its ports is now taken by someone else
//     is tried again on new ports.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <mutex>
#include <random>
#include <set>
#include <vector>

namespace infergrid::testing {

// Picked ports are at least this (below: ports people pick by hand, 7400, 8080, 8545, ...).
inline constexpr int picked_port_min = 10000;

// The first port of the kernel's ephemeral range; 32768 when it cannot be read.
inline int ephemeral_port_min() {
  std::ifstream range("/proc/sys/net/ipv4/ip_local_port_range");
  int first = 0;
  return range >> first && first > 0 ? first : 32768;
}

// Whether a socket can bind 127.0.0.1:port now (port 0: any; `reuse`: TIME_WAIT connections on it
// do not count, as for a server, which sets SO_REUSEADDR). The port bound; -1 when none.
inline int bind_loopback(int port, bool reuse) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  const int yes = 1;
  if (reuse) ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  socklen_t length = sizeof address;
  int bound = -1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    bound = ntohs(address.sin_port);
  }
  ::close(fd);
  return bound;
}

// Whether someone else holds 127.0.0.1:port (bound or listening), so a server cannot bind it.
inline bool tcp_port_taken(int port) { return bind_loopback(port, true) < 0; }

inline int free_tcp_port() {
  static std::mutex mutex;
  static std::set<int> handed_out;
  static std::mt19937 random{std::random_device{}() ^ static_cast<unsigned>(::getpid())};
  const std::lock_guard lock(mutex);
  const int below = ephemeral_port_min();
  // A system whose ephemeral range starts low leaves no room below it: the kernel picks, as before.
  const bool room_below = below - picked_port_min >= 1000;
  std::uniform_int_distribution<int> candidate(picked_port_min, below - 1);
  for (int attempt = 0; attempt < 64; ++attempt) {
    const int port = room_below ? bind_loopback(candidate(random), false) : bind_loopback(0, false);
    if (port > 0 && handed_out.insert(port).second) return port;
  }
  return -1;
}

// Calls start(ports) with `count` ports from free_tcp_port and returns its result; while that
// failed and one of those ports is now taken by someone else (picked between our pick and the
// server's bind), calls it again on new ports, `tries` times at most. A start that fails for
// another reason fails at once. `start` must release what it bound before it returns a failure,
// and its result must have ok() (result<T>, status).
template <class Start>
auto start_on_free_ports(std::size_t count, Start start, int tries = 5) {
  for (int attempt = 1;; ++attempt) {
    std::vector<int> ports(count);
    for (auto& port : ports) port = free_tcp_port();
    auto started = start(ports);
    if (started.ok() || attempt == tries) return started;
    bool taken = false;
    for (const int port : ports) taken = taken || tcp_port_taken(port);
    if (!taken) return started;
  }
}

}  // namespace infergrid::testing
