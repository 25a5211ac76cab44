#pragma once
// Test support for the bridge's edge over real sockets: a bridge's HTTP server on a free port, a
// connection from a chosen local address, and this process's resident memory (what a refused body
// or head must not grow).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "actors/http_bridge/http_server.hpp"

namespace infergrid::http::testing {

// A bridge's HTTP server on a free port with `book`'s keys, serving until the test ends.
struct running_server {
  explicit running_server(http_bridge_config config = {}, account_book book = {})
      : shared(on_a_free_port(config), std::move(book)), server(shared) {
    EXPECT_TRUE(server.start().ok());
  }
  static http_bridge_config on_a_free_port(http_bridge_config config) {
    config.port = 0;
    return config;
  }
  bridge_shared shared;
  http_server server;
};

// A TCP connection to 127.0.0.1:port from `from` (any 127.x.y.z: one more client address).
inline int connect_from(const char* from, int port) {
  const int sock = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in local{};
  local.sin_family = AF_INET;
  ::inet_pton(AF_INET, from, &local.sin_addr);
  if (::bind(sock, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) ADD_FAILURE() << "bind " << from;
  sockaddr_in server{};
  server.sin_family = AF_INET;
  server.sin_port = htons(static_cast<std::uint16_t>(port));
  ::inet_pton(AF_INET, "127.0.0.1", &server.sin_addr);
  if (::connect(sock, reinterpret_cast<sockaddr*>(&server), sizeof server) != 0) ADD_FAILURE() << "connect";
  return sock;
}

inline std::int64_t resident_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6));
  }
  return 0;
}

}  // namespace infergrid::http::testing
