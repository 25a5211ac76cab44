// What the bridge's answers say of their connection, read off real sockets as a pooling client
// (undici, node's http Agent) reads them: a kept connection announces the edge's true idle timeout
// and requests left, and stays open that long even when it gives up its thread to another client;
// an answer after which the edge closes says `Connection: close` and nothing else; and a stopping
// server answers a request whose first bytes arrived instead of dropping it, and logs how many; a
// stream the stopping bridge ends closes its connection right after its last chunk.
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "actors/http_bridge/http_server.hpp"
#include "actors/http_bridge/socket_testing.test.hpp"

namespace infergrid::http {
namespace {

using std::chrono::milliseconds;
using testing::connect_from;
using testing::running_server;

// One whole answer (its head through a Content-Length body) read from sock; "" when the
// connection closed first or nothing came within 5 s.
std::string read_answer(int sock) {
  std::string in;
  std::size_t head_end = std::string::npos;
  std::size_t whole = std::string::npos;
  while (whole == std::string::npos || in.size() < whole) {
    pollfd fd{sock, POLLIN, 0};
    if (::poll(&fd, 1, 5000) <= 0) return "";
    char buffer[4096];
    const auto got = ::recv(sock, buffer, sizeof buffer, 0);
    if (got <= 0) return "";
    in.append(buffer, static_cast<std::size_t>(got));
    if (head_end == std::string::npos && (head_end = in.find("\r\n\r\n")) != std::string::npos) {
      const auto length_at = in.find("Content-Length: ");
      const std::size_t length = length_at < head_end ? std::stoul(in.substr(length_at + 16)) : 0;
      whole = head_end + 4 + length;
    }
  }
  return in;
}

std::string head_of(const std::string& answer) { return answer.substr(0, answer.find("\r\n\r\n") + 2); }

// Whether the server closed the connection (a read ends) within 5 s.
bool closed_by_server(int sock) {
  pollfd fd{sock, POLLIN, 0};
  if (::poll(&fd, 1, 5000) <= 0) return false;
  char byte;
  return ::recv(sock, &byte, 1, 0) == 0;
}

void send_all(int sock, const std::string& bytes) {
  ASSERT_EQ(::send(sock, bytes.data(), bytes.size(), MSG_NOSIGNAL), static_cast<ssize_t>(bytes.size()));
}

const std::string get_health = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n";

TEST(EdgeKeepAlive, AKeptConnectionAnnouncesTheEdgesIdleTimeoutAndTheRequestsLeft) {
  http_bridge_config config;
  config.idle_timeout_ms = 3500;  // announced in whole seconds, never more than the edge keeps it
  running_server running(config);
  const int sock = connect_from("127.0.0.1", running.server.port());
  send_all(sock, get_health);
  const std::string first = head_of(read_answer(sock));
  send_all(sock, get_health);
  const std::string second = head_of(read_answer(sock));
  ::close(sock);
  EXPECT_NE(first.find("\r\nKeep-Alive: timeout=3, max=9999\r\n"), std::string::npos) << first;
  EXPECT_NE(second.find("\r\nKeep-Alive: timeout=3, max=9998\r\n"), std::string::npos) << second;
  EXPECT_EQ(first.find("Connection:"), std::string::npos) << first;
}

TEST(EdgeKeepAlive, AnAnswerAfterWhichTheConnectionClosesSaysOnlyConnectionClose) {
  http_bridge_config config;
  config.max_body_bytes = 1000;
  running_server running(config);
  // A chunked body over the limit: refused while it streams, the connection closed after the 413.
  const int refused = connect_from("127.0.0.1", running.server.port());
  send_all(refused, "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n7d0\r\n" +
                        std::string(2000, 'x') + "\r\n");
  const std::string too_large = head_of(read_answer(refused));
  EXPECT_TRUE(closed_by_server(refused));
  ::close(refused);
  // HTTP/1.0 without Connection: Keep-Alive, and a client that asks with another case.
  std::string asked[2];
  int at = 0;
  for (const std::string request : {"GET /health HTTP/1.0\r\nHost: x\r\n\r\n",
                                    "GET /health HTTP/1.1\r\nHost: x\r\nConnection: Close\r\n\r\n"}) {
    const int sock = connect_from("127.0.0.1", running.server.port());
    send_all(sock, request);
    asked[at++] = head_of(read_answer(sock));
    EXPECT_TRUE(closed_by_server(sock)) << request;
    ::close(sock);
  }
  for (const std::string& head : {too_large, asked[0], asked[1]}) {
    EXPECT_NE(head.find("\r\nConnection: close\r\n"), std::string::npos) << head;
    EXPECT_EQ(head.find("Keep-Alive"), std::string::npos) << head;
  }
  EXPECT_TRUE(too_large.starts_with("HTTP/1.1 413")) << too_large;
}

TEST(EdgeKeepAlive, AStoppingServerAnswersARequestWhoseFirstBytesArrived) {
  http_bridge_config config;
  running_server running(config);
  const int port = running.server.port();
  const int sock = connect_from("127.0.0.1", port);
  send_all(sock, get_health);
  ASSERT_NE(read_answer(sock), "");  // a thread serves the connection, which now waits for its next request
  send_all(sock, "GET /health HTTP/1.1\r\nHo");
  ::testing::internal::CaptureStderr();
  std::thread stopping([&] { running.server.stop(); });
  // Once the listening socket is closed, the server is stopping: the head's rest arrives after.
  for (int i = 0; i < 500; ++i) {
    const int probe = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<std::uint16_t>(port));
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool refused = ::connect(probe, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0;
    ::close(probe);
    if (refused) break;
    std::this_thread::sleep_for(milliseconds(10));
  }
  send_all(sock, "st: x\r\n\r\n");
  const std::string answer = read_answer(sock);
  ::close(sock);
  stopping.join();
  const std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 503")) << "the request was dropped unanswered: '" << answer << "'";
  EXPECT_NE(answer.find("\r\nConnection: close\r\n"), std::string::npos) << answer;
  EXPECT_NE(answer.find("\"shutting_down\""), std::string::npos) << answer;
  // No scrape of /metrics can reach a stopped server: the refusal is counted in its last log line.
  EXPECT_NE(log.find("stopped; 1 request(s) that arrived while it stopped were answered 503 shutting_down"),
            std::string::npos)
      << log;
}

// Everything the server sends until it closes the connection; nullopt when it is still open after 10 s.
std::optional<std::string> read_to_close(int sock) {
  std::string in;
  while (true) {
    pollfd fd{sock, POLLIN, 0};
    if (::poll(&fd, 1, 10000) <= 0) return std::nullopt;
    char buffer[4096];
    const auto got = ::recv(sock, buffer, sizeof buffer, 0);
    if (got <= 0) return in;
    in.append(buffer, static_cast<std::size_t>(got));
  }
}

// A stream's head went out with Keep-Alive before the stop: HTTP/1.1 lets the server close after
// the last chunk all the same, and a stopping one does so at once, not at the idle timeout.
TEST(EdgeKeepAlive, AStreamTheStoppingBridgeEndsClosesItsConnectionAfterTheLastChunk) {
  http_bridge_config config;
  config.idle_timeout_ms = 60000;  // far past read_to_close's 10 s: the close must come from the stop
  auto book = account_book::parse("accounts:\n  - {name: a, keys: [sk-a], balance_micro: 1000000}\n", "keys.yaml");
  ASSERT_TRUE(book.ok());
  running_server running(config, std::move(book).value());
  running.shared.catalog.update({{"m", "infergrid", 512, 1}});
  const int sock = connect_from("127.0.0.1", running.server.port());
  const std::string body = R"({"model":"m","stream":true,"max_tokens":100,"messages":[{"role":"user","content":"hi"}]})";
  send_all(sock, "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk-a\r\n"
                 "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  std::vector<bridge_command> submitted;
  for (int i = 0; i < 500 && submitted.empty(); ++i) {
    submitted = running.shared.inbox.take(1);
    if (submitted.empty()) std::this_thread::sleep_for(milliseconds(10));
  }
  ASSERT_EQ(submitted.size(), 1u);
  const auto job = submitted[0].job;
  job->push({job_event::kind::text, "Once", 1, "", "miner-1", 4});
  std::string head;
  while (head.find("Once") == std::string::npos) {
    char buffer[4096];
    pollfd fd{sock, POLLIN, 0};
    ASSERT_GT(::poll(&fd, 1, 5000), 0) << head;
    const auto got = ::recv(sock, buffer, sizeof buffer, 0);
    ASSERT_GT(got, 0) << head;
    head.append(buffer, static_cast<std::size_t>(got));
  }
  EXPECT_NE(head.find("\r\nKeep-Alive: timeout=60"), std::string::npos) << head;
  // As the bridge stops (~http_bridge_state): its jobs fail, then the server stops.
  running.shared.closing.store(true);
  job->push({job_event::kind::failed, "", 0, "", "", 0, api_error{503, "The bridge is shutting down.", "api_error", "", "unavailable"}});
  std::thread stopping([&] { running.server.stop(); });
  const std::string rest = read_to_close(sock).value_or("(still open 10 s into the stop)");
  stopping.join();
  ::close(sock);
  EXPECT_NE(rest.find("shutting down"), std::string::npos) << rest;
  EXPECT_TRUE(rest.ends_with("\r\n0\r\n\r\n")) << "the connection was not closed after its last chunk: '" << rest << "'";
}

TEST(EdgeKeepAlive, AStoppingServerLetsAParkedConnectionGoAtOnce) {
  http_bridge_config config;
  config.http_threads = 1;
  config.idle_timeout_ms = 60000;  // far past read_to_close's 10 s: the close must come from the stop
  running_server running(config);
  const int parked = connect_from("127.0.0.1", running.server.port());
  send_all(parked, get_health);
  ASSERT_NE(read_answer(parked), "");
  // Another client waits for the one thread: the idle connection is parked off it.
  const int other = connect_from("127.0.0.2", running.server.port());
  send_all(other, get_health);
  ASSERT_TRUE(read_answer(other).starts_with("HTTP/1.1 200"));
  std::thread stopping([&] { running.server.stop(); });
  EXPECT_EQ(read_to_close(parked), std::optional<std::string>("")) << "still open 10 s into the stop";
  stopping.join();
  ::close(parked);
  ::close(other);
}

TEST(EdgeKeepAlive, AnIdleConnectionGivesUpItsThreadToAnotherButStaysOpenForItsNextRequest) {
  http_bridge_config config;
  config.http_threads = 1;
  running_server running(config);
  const int kept = connect_from("127.0.0.1", running.server.port());
  send_all(kept, get_health);
  const std::string first = read_answer(kept);
  ASSERT_NE(first.find("\r\nKeep-Alive: timeout=5"), std::string::npos) << first;
  // A second client waits for the one thread, which the idle first connection must give up...
  const int other = connect_from("127.0.0.2", running.server.port());
  send_all(other, get_health);
  EXPECT_TRUE(read_answer(other).starts_with("HTTP/1.1 200")) << "the other client was not served";
  // ...without closing it inside the 5 s its answer announced: its next request is answered.
  send_all(kept, get_health);
  const std::string again = read_answer(kept);
  EXPECT_TRUE(again.starts_with("HTTP/1.1 200")) << "the kept connection was closed: '" << again << "'";
  ::close(other);
  ::close(kept);
}

}  // namespace
}  // namespace infergrid::http
