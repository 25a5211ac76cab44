// The ports tests and benches name in a config before their servers bind them
// (tests/support/free_port.hpp): picked where the kernel gives none to others, and picked again when
// another process took one between the pick and the bind.
#include "tests/support/free_port.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "runtime/result.hpp"

namespace infergrid::testing {
namespace {

// A listening socket on 127.0.0.1:port, as a server binds it (SO_REUSEADDR); -1 when refused.
int listen_on(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  const int yes = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(fd, 4) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

TEST(FreePort, PortsComeFromBelowTheKernelsEphemeralRange) {
  // The kernel gives ports of that range to every bind to port 0 and every outgoing connection, in
  // any process: a port picked there could be taken before the test's server binds it.
  if (ephemeral_port_min() - picked_port_min < 1000) GTEST_SKIP() << "no room below the ephemeral range here";
  for (int i = 0; i < 20; ++i) {
    const int port = free_tcp_port();
    EXPECT_GE(port, picked_port_min);
    EXPECT_LT(port, ephemeral_port_min());
  }
}

TEST(FreePort, AStartWhosePortWasTakenMeanwhileIsTriedAgainOnNewPorts) {
  std::vector<std::vector<int>> tried;
  int squatter = -1;
  const status started = start_on_free_ports(2, [&](const std::vector<int>& ports) -> status {
    tried.push_back(ports);
    // The first time, another process takes the second port between the pick and the bind.
    if (tried.size() == 1) squatter = listen_on(ports[1]);
    const int first = listen_on(ports[0]);
    const int second = listen_on(ports[1]);
    for (const int fd : {first, second}) {
      if (fd >= 0) ::close(fd);
    }
    if (first < 0 || second < 0) return make_error(error_code::io_error, "Address already in use");
    return {};
  });
  ::close(squatter);
  EXPECT_TRUE(started.ok()) << started.err().message;
  ASSERT_EQ(tried.size(), 2u);
  EXPECT_NE(tried[1][1], tried[0][1]);
}

TEST(FreePort, AStartFailingForAnotherReasonIsNotTriedAgain) {
  int calls = 0;
  const status started = start_on_free_ports(1, [&](const std::vector<int>&) -> status {
    ++calls;
    return make_error(error_code::invalid_argument, "the config is wrong");
  });
  EXPECT_FALSE(started.ok());
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace infergrid::testing
