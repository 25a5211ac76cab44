// The edge refuses what a hostile client sends to make the server read a request two ways, or to
// make it work for nothing, and answers each at once, closing the connection: a head that never
// ends (431, memory flat), two Content-Lengths, an unknown Transfer-Encoding, a POST without a
// length, a declared body over the limit (413 before any of it is sent), and a header line httplib
// refuses followed by what looks like a request (one answer, not two). Range requests get the
// whole body.
#include "actors/http_bridge/request_framing.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

#include <gtest/gtest.h>

#include "actors/http_bridge/http_server.hpp"
#include "actors/http_bridge/socket_testing.test.hpp"

namespace infergrid::http {
namespace {

using std::chrono::milliseconds;
using testing::connect_from;
using testing::resident_kib;

struct framing_server {
  framing_server() : shared(config_of(), account_book{}), server(shared) { EXPECT_TRUE(server.start().ok()); }
  static http_bridge_config config_of() {
    http_bridge_config config;
    config.port = 0;
    config.max_body_bytes = 1 << 20;
    return config;
  }
  bridge_shared shared;
  http_server server;
};

// Sends `request` and reads until the server closes or `wait` passes: everything it answered.
std::string exchange(int port, const std::string& request, milliseconds wait = milliseconds(3000)) {
  const int sock = connect_from("127.0.0.1", port);
  (void)::send(sock, request.data(), request.size(), MSG_NOSIGNAL);
  std::string answer;
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd fd{sock, POLLIN, 0};
    if (::poll(&fd, 1, 100) <= 0) continue;
    char buffer[4096];
    const auto got = ::recv(sock, buffer, sizeof buffer, 0);
    if (got <= 0) break;  // closed
    answer.append(buffer, static_cast<std::size_t>(got));
  }
  ::close(sock);
  return answer;
}

std::size_t answers_in(const std::string& bytes) {
  std::size_t count = 0;
  for (auto at = bytes.find("HTTP/1.1 "); at != std::string::npos; at = bytes.find("HTTP/1.1 ", at + 1)) ++count;
  return count;
}

const std::string smuggled = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n";

TEST(RequestFraming, AmbiguousOrRefusedFramingIsAnsweredOnceAndTheConnectionCloses) {
  framing_server running;
  const int port = running.server.port();
  struct refused_head {
    std::string request;
    int status;
  };
  const std::vector<refused_head> cases{
      {"POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 40\r\n\r\nhello" + smuggled, 400},
      {"POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" +
           smuggled, 400},
      {"POST /v1/completions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n" + smuggled, 501},
      {"POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Length : 5\r\n\r\nhello" + smuggled, 400},
      {"POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n" + smuggled, 400},
      {"POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n" + smuggled, 400},
      {"POST /v1/completions HTTP/1.1\r\nHost: x\r\n\r\n" + smuggled, 411},
      {"POST /v1/completions HTTP/1.1\r\nHost: x\r\nX-a: b\r\n folded\r\nContent-Length: 0\r\n\r\n" + smuggled, 400},
      // httplib's own refusal (a header line over 8 KiB): its body, a request, is not served.
      {"POST /v1/completions HTTP/1.1\r\nHost: x\r\nX-Long: " + std::string(9000, 'a') + "\r\nContent-Length: " +
           std::to_string(smuggled.size()) + "\r\n\r\n" + smuggled, 400},
      {"GARBAGE\r\n\r\n" + smuggled, 400},
  };
  for (const refused_head& c : cases) {
    const auto asked = std::chrono::steady_clock::now();
    const std::string answer = exchange(port, c.request);
    EXPECT_EQ(answer.rfind("HTTP/1.1 " + std::to_string(c.status), 0), 0u) << c.request.substr(0, 120) << "\n" << answer;
    EXPECT_EQ(answers_in(answer), 1u) << "the bytes after a refused head were served as a request:\n" << answer;
    EXPECT_LT(std::chrono::steady_clock::now() - asked, milliseconds(2500)) << "not answered at once, or not closed";
  }
}

TEST(RequestFraming, ADeclaredBodyOverTheLimitIs413BeforeItIsSent) {
  framing_server running;
  const auto asked = std::chrono::steady_clock::now();
  const std::string answer = exchange(running.server.port(),
                                      "POST /v1/completions HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                                      "Content-Length: 2000000\r\n\r\n");
  EXPECT_EQ(answer.rfind("HTTP/1.1 413", 0), 0u) << answer;  // no 100 Continue first
  EXPECT_NE(answer.find("request_too_large"), std::string::npos) << answer;
  EXPECT_LT(std::chrono::steady_clock::now() - asked, milliseconds(2500));
}

// A client that sends its whole oversized body before it reads (as openai-node does) still reads the
// 413: the edge reads on after its answer until the client closes, instead of closing on unread
// bytes (a reset under the client's send, which openai-node reports as "Connection error").
TEST(RequestFraming, AClientStillSendingItsBodyReadsThe413) {
  framing_server running;
  for (int attempt = 0; attempt < 5; ++attempt) {
    const int sock = connect_from("127.0.0.1", running.server.port());
    const std::string body(16u << 20, 'x');  // more than the socket buffers hold
    const std::string request = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    // All of it, then read (as undici). A reset here ends the request for such a client ("Connection
    // error"), whatever answer came before it.
    std::size_t sent = 0;
    while (sent < request.size()) {
      const auto n = ::send(sock, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<std::size_t>(n);
    }
    EXPECT_EQ(sent, request.size()) << "attempt " << attempt << ": the edge reset the connection under the body";
    std::string answer;
    char buffer[4096];
    for (int i = 0; i < 50 && answer.find("request_too_large") == std::string::npos; ++i) {
      pollfd fd{sock, POLLIN, 0};
      if (::poll(&fd, 1, 100) <= 0) continue;
      const auto got = ::recv(sock, buffer, sizeof buffer, 0);
      if (got <= 0) break;  // a reset before the answer was read
      answer.append(buffer, static_cast<std::size_t>(got));
    }
    ::close(sock);
    EXPECT_EQ(answer.rfind("HTTP/1.1 413", 0), 0u) << "attempt " << attempt << ": " << answer;
    EXPECT_NE(answer.find("request_too_large"), std::string::npos) << "attempt " << attempt;
  }
}

TEST(RequestFraming, AHeadThatNeverEndsIs431AndCostsNoMemory) {
  framing_server running;
  const int sock = connect_from("127.0.0.1", running.server.port());
  const std::string start = "GET /health HTTP/1.1\r\nHost: x\r\n";
  (void)::send(sock, start.data(), start.size(), MSG_NOSIGNAL);
  const std::int64_t rss_before = resident_kib();
  const std::string line = "X-A: " + std::string(8000, 'a') + "\r\n";
  std::size_t sent = 0;
  while (sent < (64u << 20)) {
    const auto n = ::send(sock, line.data(), line.size(), MSG_NOSIGNAL);
    if (n <= 0) break;  // the server answered and closed
    sent += static_cast<std::size_t>(n);
  }
  std::string answer;
  for (int i = 0; i < 30 && answer.find("\r\n\r\n") == std::string::npos; ++i) {
    pollfd fd{sock, POLLIN, 0};
    if (::poll(&fd, 1, 100) <= 0) continue;
    char buffer[4096];
    const auto got = ::recv(sock, buffer, sizeof buffer, 0);
    if (got <= 0) break;
    answer.append(buffer, static_cast<std::size_t>(got));
  }
  ::close(sock);
  EXPECT_LT(sent, 64u << 20) << "64 MiB of header lines were read";
  EXPECT_EQ(answer.rfind("HTTP/1.1 431", 0), 0u) << answer.substr(0, 200);
  EXPECT_LT(resident_kib() - rss_before, 8 * 1024) << "the endless head was buffered";
}

TEST(RequestFraming, RangeHeadersAreIgnoredAndTheWholeBodyAnswered) {
  framing_server running;
  std::string ranges = "bytes=0-";
  for (int i = 0; i < 500; ++i) ranges += ",0-";
  const std::string answer = exchange(running.server.port(), "GET /metrics HTTP/1.1\r\nHost: x\r\nRange: " + ranges +
                                                                 "\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(answer.rfind("HTTP/1.1 200", 0), 0u) << answer.substr(0, 200);
  EXPECT_LT(answer.size(), 1u << 20) << "the ranges were served";
}

TEST(RequestFraming, TheHeadIsRewrittenOnlyByDroppingRangeLines) {
  std::string head = "GET /metrics HTTP/1.1\r\nHost: x\r\nRange: bytes=0-1\r\nAccept: */*\r\n\r\n";
  EXPECT_FALSE(check_request_framing(head, 100).has_value());
  EXPECT_EQ(head, "GET /metrics HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n");
  std::string same_twice = "POST /v1/completions HTTP/1.1\r\nContent-Length: 5\r\ncontent-length: 5\r\n\r\n";
  EXPECT_FALSE(check_request_framing(same_twice, 100).has_value());
  std::string chunked = "POST /v1/completions HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n";
  EXPECT_FALSE(check_request_framing(chunked, 100).has_value());
  std::string get = "GET /health HTTP/1.1\n\n";  // bare LF, no length: nothing to read
  EXPECT_FALSE(check_request_framing(get, 100).has_value());
}

}  // namespace
}  // namespace infergrid::http
