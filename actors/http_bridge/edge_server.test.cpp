// The bridge's edge over real sockets, as a hostile client meets it: slowloris connections from one
// address cannot starve other clients, a chunked body over the limit is refused while it streams,
// a wrong method on a known path is a 405, and the access log cannot be forged; a response head
// waits for its body (one segment), a HEAD answer does not.
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "actors/http_bridge/access_log.hpp"
#include "actors/http_bridge/http_server.hpp"
#include "actors/http_bridge/socket_testing.test.hpp"
#include "runtime/log_escape.hpp"

namespace infergrid::http {
namespace {

using json = nlohmann::json;
using std::chrono::milliseconds;
using testing::connect_from;
using testing::running_server;
using testing::resident_kib;

account_book alice_book() {
  auto book = account_book::parse("accounts:\n  - name: alice\n    keys: [sk-alice]\n    balance_micro: 1000000\n",
                                  "keys.yaml");
  EXPECT_TRUE(book.ok());
  return std::move(book).value();
}

// What arrived on sock within `wait` ("" if nothing).
std::string read_some(int sock, milliseconds wait) {
  pollfd fd{sock, POLLIN, 0};
  if (::poll(&fd, 1, static_cast<int>(wait.count())) <= 0) return "";
  char buffer[4096];
  const auto got = ::recv(sock, buffer, sizeof buffer, MSG_DONTWAIT);
  return got > 0 ? std::string(buffer, static_cast<std::size_t>(got)) : "";
}

TEST(HttpEdge, SlowlorisFromOneAddressCannotStarveOthers) {
  http_bridge_config config;
  config.port = 0;
  config.http_threads = 64;
  config.max_connections_per_client = 16;
  config.header_timeout_ms = 2000;
  bridge_shared shared(config, alice_book());
  http_server server(shared);
  ASSERT_TRUE(server.start().ok());
  // 200 connections from 127.0.0.2, each sending its head one line at a time, never finishing it.
  std::vector<int> slow;
  for (int i = 0; i < 200; ++i) {
    slow.push_back(connect_from("127.0.0.2", server.port()));
    const std::string start = "GET /v1/models HTTP/1.1\r\nHost: x\r\n";
    (void)::send(slow.back(), start.data(), start.size(), MSG_NOSIGNAL);
  }
  std::atomic<bool> stop{false};
  std::thread trickle([&] {
    while (!stop) {
      for (int sock : slow) (void)::send(sock, "X-a: b\r\n", 8, MSG_NOSIGNAL | MSG_DONTWAIT);
      std::this_thread::sleep_for(milliseconds(300));
    }
  });
  // 20 ordinary requests from 127.0.0.1, 4 at a time, all answered.
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&] {
      httplib::Client client("127.0.0.1", server.port());
      client.set_read_timeout(5, 0);
      for (int i = 0; i < 5; ++i) {
        auto res = client.Get("/v1/models", {{"Authorization", "Bearer sk-alice"}});
        if (res && res->status == 200) ++ok;
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok.load(), 20);
  // Every slow connection was answered: 429 beyond the cap, 408 once its head deadline passed.
  int refused = 0, timed_out = 0;
  for (int sock : slow) {
    const std::string answer = read_some(sock, milliseconds(4000));
    if (answer.rfind("HTTP/1.1 429", 0) == 0) ++refused;
    if (answer.rfind("HTTP/1.1 408", 0) == 0) ++timed_out;
  }
  stop = true;
  trickle.join();
  for (int sock : slow) ::close(sock);
  EXPECT_EQ(refused, 200 - 16);
  EXPECT_EQ(timed_out, 16);
}

// The edge's own refusals (here a 429 over the per-client cap, written before any route) carry the
// CORS headers too when any origin may call, so a browser page can read them and their Retry-After.
TEST(HttpEdge, TheEdgesOwnRefusalsCarryCorsHeadersForAnyOrigin) {
  for (const bool any_origin : {true, false}) {
    http_bridge_config config;
    config.port = 0;
    config.max_connections_per_client = 1;
    if (!any_origin) config.cors_origins = {};
    bridge_shared shared(config, alice_book());
    http_server server(shared);
    ASSERT_TRUE(server.start().ok());
    const int holder = connect_from("127.0.0.2", server.port());
    (void)::send(holder, "GET /v1/models HTTP/1.1\r\n", 25, MSG_NOSIGNAL);
    std::this_thread::sleep_for(milliseconds(200));
    const int refused = connect_from("127.0.0.2", server.port());
    const std::string answer = read_some(refused, milliseconds(3000));
    EXPECT_EQ(answer.rfind("HTTP/1.1 429", 0), 0u) << answer;
    EXPECT_EQ(answer.find("Access-Control-Allow-Origin: *\r\n") != std::string::npos, any_origin) << answer;
    EXPECT_EQ(answer.find("Access-Control-Expose-Headers: Retry-After\r\n") != std::string::npos, any_origin) << answer;
    ::close(refused);
    ::close(holder);
  }
}

// With a list of origins, the edge's own refusals echo a listed Origin whose line has arrived —
// a 408 for a head that never ends, a 400 for a refused framing — and name no other origin; both
// say Vary: Origin. (With a list they carried no CORS header at all before: only "*" got one.)
TEST(HttpEdge, TheEdgesOwnRefusalsEchoAListedOrigin) {
  http_bridge_config config;
  config.header_timeout_ms = 300;
  config.cors_origins = {"https://app.example"};
  running_server running(config, alice_book());
  for (const std::string origin : {"https://app.example", "https://other.example"}) {
    const bool listed = origin == config.cors_origins[0];
    const std::string allow = "Access-Control-Allow-Origin: " + origin + "\r\n";
    const int slow = connect_from("127.0.0.1", running.server.port());
    const std::string partial = "GET /v1/models HTTP/1.1\r\norigin:  " + origin + "\r\nHost: x\r\n";
    ASSERT_EQ(::send(slow, partial.data(), partial.size(), MSG_NOSIGNAL), static_cast<ssize_t>(partial.size()));
    const std::string timed_out = read_some(slow, milliseconds(3000));
    EXPECT_EQ(timed_out.rfind("HTTP/1.1 408", 0), 0u) << timed_out;
    EXPECT_EQ(timed_out.find(allow) != std::string::npos, listed) << timed_out;
    EXPECT_NE(timed_out.find("Vary: Origin\r\n"), std::string::npos) << timed_out;
    ::close(slow);
    const int framed = connect_from("127.0.0.1", running.server.port());
    const std::string both = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nOrigin: " + origin +
                             "\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n";
    ASSERT_EQ(::send(framed, both.data(), both.size(), MSG_NOSIGNAL), static_cast<ssize_t>(both.size()));
    const std::string refused = read_some(framed, milliseconds(3000));
    EXPECT_EQ(refused.rfind("HTTP/1.1 400", 0), 0u) << refused;
    EXPECT_EQ(refused.find(allow) != std::string::npos, listed) << refused;
    ::close(framed);
  }
}

TEST(HttpEdge, ChunkedBodyOverTheLimitIsRefusedWhileStreaming) {
  http_bridge_config config;
  config.port = 0;
  config.max_body_bytes = 1 << 20;
  bridge_shared shared(config, alice_book());
  http_server server(shared);
  ASSERT_TRUE(server.start().ok());
  const int sock = connect_from("127.0.0.1", server.port());
  const std::string head =
      "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk-alice\r\n"
      "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
  ASSERT_EQ(::send(sock, head.data(), head.size(), MSG_NOSIGNAL), static_cast<ssize_t>(head.size()));
  const std::int64_t rss_before = resident_kib();
  // Up to 20 MB in 64 KiB chunks; the answer must come long before the end.
  const std::string piece(64 * 1024, 'a');
  char size_line[32];
  std::snprintf(size_line, sizeof size_line, "%zx\r\n", piece.size());
  const std::string chunk = size_line + piece + "\r\n";
  std::size_t sent = 0;
  std::string answer;
  while (sent < (20u << 20) && answer.empty()) {
    if (::send(sock, chunk.data(), chunk.size(), MSG_NOSIGNAL) < 0) break;  // the server closed: refused
    sent += piece.size();
    answer = read_some(sock, milliseconds(0));
  }
  if (answer.empty()) answer = read_some(sock, milliseconds(5000));
  // The status line may come in one segment and the body in the next.
  while (!answer.empty() && answer.find("request_too_large") == std::string::npos) {
    const std::string more = read_some(sock, milliseconds(2000));
    if (more.empty()) break;
    answer += more;
  }
  ::close(sock);
  EXPECT_EQ(answer.rfind("HTTP/1.1 413", 0), 0u) << answer;
  EXPECT_NE(answer.find("request_too_large"), std::string::npos) << answer;
  EXPECT_LT(sent, 20u << 20);
  EXPECT_LT(resident_kib() - rss_before, 8 * 1024) << "the refused body was buffered";
  // The server still serves.
  httplib::Client client("127.0.0.1", server.port());
  auto health = client.Get("/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
}

TEST(HttpEdge, WrongMethodOnAKnownPathIs405) {
  running_server running({}, alice_book());
  http_server& server = running.server;
  httplib::Client client("127.0.0.1", server.port());
  auto get = client.Get("/v1/chat/completions");
  ASSERT_TRUE(get);
  EXPECT_EQ(get->status, 405);
  EXPECT_EQ(get->get_header_value("Allow"), "POST");
  EXPECT_EQ(json::parse(get->body)["error"]["code"], "method_not_allowed");
  auto post = client.Post("/health", "{}", "application/json");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 405);
  EXPECT_EQ(post->get_header_value("Allow"), "GET");
  auto unknown = client.Get("/v1/nothing");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
}

TEST(HttpEdge, OnlyAHeadAnnouncingABodyOfKnownLengthWaitsForIt) {
  EXPECT_TRUE(announces_body("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 42\r\n\r\n"));
  EXPECT_FALSE(announces_body("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n"));
  EXPECT_FALSE(announces_body("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"));  // a stream: at once
  EXPECT_FALSE(announces_body("{\"Content-Length: 5\"}"));                                    // a body, not a head
  EXPECT_FALSE(announces_body("HTTP/1.1 200 OK\r\nContent-Length: 42\r\n"));               // not a whole head
}

// A HEAD answer announces a body that never follows: it must leave at once (not held for a body, so
// not after the kernel's 200 ms cork timer: 218 ms when the edge held it), and the connection
// then answers a GET with head and body whole.
TEST(HttpEdge, HeadThenGetOnOneConnectionAreBothAnsweredWhole) {
  running_server running({}, alice_book());
  http_server& server = running.server;
  const int sock = connect_from("127.0.0.1", server.port());
  const std::string head = "HEAD /health HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_EQ(::send(sock, head.data(), head.size(), 0), static_cast<ssize_t>(head.size()));
  const auto asked = std::chrono::steady_clock::now();
  const std::string head_answer = read_some(sock, milliseconds(5000));
  // Sent with MSG_MORE, the head would wait for the kernel's cork timer: 200 ms, never less.
  EXPECT_LT(std::chrono::steady_clock::now() - asked, milliseconds(180));
  EXPECT_EQ(head_answer.rfind("HTTP/1.1 200", 0), 0u) << head_answer;
  EXPECT_NE(head_answer.find("Content-Length: "), std::string::npos) << head_answer;
  EXPECT_TRUE(head_answer.ends_with("\r\n\r\n")) << head_answer;  // no body
  const std::string get = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_EQ(::send(sock, get.data(), get.size(), 0), static_cast<ssize_t>(get.size()));
  std::string get_answer;
  for (int i = 0; i < 50 && get_answer.find("\"status\"") == std::string::npos; ++i) get_answer += read_some(sock, milliseconds(100));
  EXPECT_EQ(get_answer.rfind("HTTP/1.1 200", 0), 0u) << get_answer;
  EXPECT_NE(get_answer.find("\"status\":\""), std::string::npos) << get_answer;  // ok, or degraded with no worker
  ::close(sock);
}

TEST(HttpEdge, AccessLineQuotesFieldsAndTheLogEscapesControlCharacters) {
  const access_record record{"chatcmpl-1", "POST", "/v1/chat/completions", "eve\ninfo  forged: line", "m 1",
                             "", 200, 3, 4, 0.0125};
  const std::string line = access_line(record);
  EXPECT_NE(line.find("account=\"eve\ninfo  forged: line\""), std::string::npos) << line;
  EXPECT_NE(line.find("model=\"m 1\" miner=- status=200 prompt_tokens=3 completion_tokens=4 latency_ms=12.5"),
            std::string::npos)
      << line;
  EXPECT_EQ(escape_control_characters(line).find('\n'), std::string::npos);
  EXPECT_EQ(escape_control_characters("a\nb\r\x01\x7f"), "a\\x0ab\\x0d\\x01\\x7f");
}

}  // namespace
}  // namespace infergrid::http
