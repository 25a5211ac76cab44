// The bridge's threads under connections that hold them: keep-alive clients from two addresses,
// more than the threads, cannot keep a third client waiting (an idle keep-alive connection is let
// go while others wait), and connections beyond the bounded wait are answered 503 at once instead
// of queuing without end (each held a file descriptor); /metrics counts both.
#include "actors/http_bridge/edge_task_queue.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "actors/http_bridge/http_server.hpp"
#include "actors/http_bridge/socket_testing.test.hpp"

namespace infergrid::http {
namespace {

using std::chrono::milliseconds;
using testing::connect_from;

http_bridge_config small_pool(std::size_t threads) {
  http_bridge_config config;
  config.port = 0;
  config.http_threads = threads;
  config.max_connections_per_client = 3;
  return config;
}

TEST(EdgeTaskQueue, KeepAliveClientsHoldingEveryThreadCannotKeepAnotherWaiting) {
  bridge_shared shared(small_pool(4), account_book{});
  http_server server(shared);
  ASSERT_TRUE(server.start().ok());
  // Six keep-alive connections from two addresses (3 each, the per-address cap), each asking every
  // 300 ms — well inside the idle timeout — for more connections than the 4 threads.
  std::vector<int> holders;
  for (const char* from : {"127.0.0.2", "127.0.0.3"}) {
    for (int i = 0; i < 3; ++i) holders.push_back(connect_from(from, server.port()));
  }
  std::atomic<bool> stop{false};
  std::thread hold([&] {
    const std::string get = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n";
    while (!stop) {
      for (int sock : holders) (void)::send(sock, get.data(), get.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      std::this_thread::sleep_for(milliseconds(300));
    }
  });
  std::this_thread::sleep_for(milliseconds(500));
  // A client from a third address is answered, several times over.
  int answered = 0;
  for (int i = 0; i < 5; ++i) {
    httplib::Client client("127.0.0.1", server.port());
    client.set_connection_timeout(5, 0);
    client.set_read_timeout(5, 0);
    auto res = client.Get("/health");
    if (res && res->status == 200) ++answered;
  }
  stop = true;
  hold.join();
  for (int sock : holders) ::close(sock);
  EXPECT_EQ(answered, 5);
  httplib::Client client("127.0.0.1", server.port());
  auto metrics = client.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->body.find("infergrid_http_edge_yielded_total 0\n"), std::string::npos) << "nothing was let go";
}

TEST(EdgeTaskQueue, ConnectionsBeyondTheBoundedWaitAre503AtOnce) {
  http_bridge_config config = small_pool(2);  // 2 threads, at most 8 waiting
  config.header_timeout_ms = 20000;  // outlasts the test: the half heads hold both threads throughout
  bridge_shared shared(config, account_book{});
  http_server server(shared);
  ASSERT_TRUE(server.start().ok());
  // Two connections that send half a head hold both threads until their header deadline.
  std::vector<int> socks;
  for (const char* from : {"127.0.0.2", "127.0.0.3"}) {
    socks.push_back(connect_from(from, server.port()));
    (void)::send(socks.back(), "GET /health HTTP/1.1\r\n", 22, MSG_NOSIGNAL);
  }
  std::this_thread::sleep_for(milliseconds(1000));  // accepted and each taken by a thread
  // 30 idle connections, 3 per address from ten addresses (the per-address cap is 3).
  std::vector<int> idle;
  for (int a = 0; a < 10; ++a) {
    const std::string from = "127.0.1." + std::to_string(a + 1);
    for (int i = 0; i < 3; ++i) idle.push_back(connect_from(from.c_str(), server.port()));
  }
  // A 503 is written as each connection beyond them is accepted: read the answers as they arrive,
  // generously for a loaded machine. (Too many refused shows in the counter checked below.)
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  std::vector<bool> answered(idle.size(), false);
  int busy = 0;
  while (busy < 30 - 8 && std::chrono::steady_clock::now() < deadline) {
    for (std::size_t i = 0; i < idle.size(); ++i) {
      pollfd fd{idle[i], POLLIN, 0};
      if (answered[i] || ::poll(&fd, 1, 0) <= 0) continue;
      answered[i] = true;
      char buffer[512];
      const auto n = ::recv(idle[i], buffer, sizeof buffer, MSG_DONTWAIT);
      if (n > 0 && std::string(buffer, static_cast<std::size_t>(n)).rfind("HTTP/1.1 503", 0) == 0) ++busy;
    }
    std::this_thread::sleep_for(milliseconds(10));
  }
  for (int sock : idle) ::close(sock);
  for (int sock : socks) ::close(sock);
  EXPECT_EQ(busy, 30 - 8) << "connections beyond the 8 that may wait were not refused at once";
  // The server serves again once it has seen them go (a close reaches its poll threads a moment
  // later: until then a new connection is beyond the wait too, and answered 503), and counted them.
  httplib::Client client("127.0.0.1", server.port());
  client.set_read_timeout(15, 0);
  auto metrics = client.Get("/metrics");
  const auto served_by = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  int refused_asks = 0;
  while ((!metrics || metrics->status == 503) && std::chrono::steady_clock::now() < served_by) {
    if (metrics) ++refused_asks;
    std::this_thread::sleep_for(milliseconds(50));
    metrics = client.Get("/metrics");
  }
  ASSERT_TRUE(metrics);
  ASSERT_EQ(metrics->status, 200) << metrics->body;
  const std::string& body = metrics->body;
  // Each 503 above, and each /metrics ask refused while the closes were being seen.
  const std::string counter = "infergrid_http_edge_refused_total{reason=\"server_busy\"} ";
  const auto at = body.find(counter);
  ASSERT_NE(at, std::string::npos) << body;
  EXPECT_EQ(std::stoll(body.substr(at + counter.size())), 22 + refused_asks) << body.substr(at, 200);
}

}  // namespace
}  // namespace infergrid::http
