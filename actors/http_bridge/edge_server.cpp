#include "actors/http_bridge/edge_server.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <optional>
#include <string_view>
#include <utility>

#include "actors/http_bridge/api_error.hpp"
#include "actors/http_bridge/connection_headers.hpp"
#include "actors/http_bridge/cors.hpp"
#include "actors/http_bridge/request_framing.hpp"

namespace infergrid::http {
namespace {

using clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// A head not complete within this many bytes is refused (431) and the connection closed.
constexpr std::size_t max_head_bytes = 16 * 1024;
// Bytes read from the socket at once once the head is in (the body, chunk lines).
constexpr std::size_t read_chunk_bytes = 16 * 1024;
// How often a wait for a head checks that the server is still running (stop() joins these threads).
constexpr milliseconds stop_check_slice{100};

thread_local bool close_requested = false;
thread_local int current_connection = -1;  // the socket this thread serves a request on
thread_local std::size_t requests_left = 0;  // on current_connection after the one being answered

// Whether bytes (or the client's close) wait on sock now.
bool readable_now(int sock) {
  pollfd fd{sock, POLLIN, 0};
  return ::poll(&fd, 1, 0) > 0;
}

// Waits for `events` on sock until `deadline`; false on timeout, error or hang-up without data.
bool wait_for(int sock, short events, clock::time_point deadline) {
  while (true) {
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - clock::now()).count();
    if (left < 0) return false;
    pollfd fd{sock, events, 0};
    const int ready = ::poll(&fd, 1, static_cast<int>(std::min<std::int64_t>(left, 1 << 30)));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return false;
    if ((fd.revents & events) != 0) return true;
    return false;  // POLLERR / POLLHUP / POLLNVAL without what we wait for
  }
}

void address_of(int sock, bool peer, std::string& ip, int& port) {
  sockaddr_storage addr{};
  socklen_t length = sizeof addr;
  const int got = peer ? ::getpeername(sock, reinterpret_cast<sockaddr*>(&addr), &length)
                       : ::getsockname(sock, reinterpret_cast<sockaddr*>(&addr), &length);
  ip.clear();
  port = 0;
  if (got != 0) return;
  char host[NI_MAXHOST];
  char service[NI_MAXSERV];
  if (::getnameinfo(reinterpret_cast<sockaddr*>(&addr), length, host, sizeof host, service, sizeof service,
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
    return;
  }
  ip = host;
  port = std::atoi(service);
}

// The reason phrases of the answers the edge writes itself.
constexpr std::pair<int, const char*> reason_phrases[] = {
    {400, "Bad Request"},     {408, "Request Timeout"},        {411, "Length Required"},
    {413, "Payload Too Large"}, {429, "Too Many Requests"},    {431, "Request Header Fields Too Large"},
    {501, "Not Implemented"}, {503, "Service Unavailable"}};

const char* reason_phrase(int status) {
  for (const auto& [code, phrase] : reason_phrases) {
    if (code == status) return phrase;
  }
  return "Error";
}

// The Origin of a request whose head arrived by now, read without waiting or consuming it: a
// refusal written before any read (over the per-client cap, shedding) still names a listed origin.
std::string arrived_origin(int sock) {
  char head[4096];
  const auto got = ::recv(sock, head, sizeof head, MSG_PEEK | MSG_DONTWAIT);
  return got > 0 ? origin_of_head({head, static_cast<std::size_t>(got)}) : "";
}

// The extra head lines of the edge's own refusal of a request from `origin`.
std::string refusal_lines(const edge_limits& limits, const std::string& origin) {
  return limits.refusal_head_lines ? limits.refusal_head_lines(origin) : "";
}

// Writes a whole answer the edge gives without httplib (429, 408, a refused head) and does not
// wait for the client.
void write_raw_error(int sock, const api_error& failure, const std::string& extra_head_lines) {
  const std::string body = error_body(failure);
  std::string out = "HTTP/1.1 " + std::to_string(failure.status) + " " + reason_phrase(failure.status) +
                    "\r\nContent-Type: application/json\r\nConnection: close\r\n";
  if (failure.retry_after_s > 0) out += "Retry-After: " + std::to_string(failure.retry_after_s) + "\r\n";
  out += extra_head_lines;
  out += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  (void)::send(sock, out.data(), out.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  // Closing with unread bytes sends a reset, which may overtake the answer: discard what came
  // (a bounded amount: a client streaming on is not waited for).
  char discard[4096];
  for (int i = 0; i < 16 && ::recv(sock, discard, sizeof discard, MSG_DONTWAIT) > 0; ++i) {
  }
}

// After an answer to a head refused before its body was read (413 for a declared length over the
// limit, a framing refusal): the client may still be sending that body, and closing with unread
// bytes sends a reset that can destroy the answer before the client reads it (openai-node saw
// "Connection error" instead of the 413). So the edge closes its sending side and reads on, as
// nginx's lingering close does, until the client closes too — at most linger_bytes or linger_time.
constexpr std::size_t linger_bytes = 64u << 20;
constexpr milliseconds linger_time{2000};

void linger_then_close(int sock) {
  ::shutdown(sock, SHUT_WR);
  const auto deadline = clock::now() + linger_time;
  char discard[16384];
  for (std::size_t read = 0; read < linger_bytes && wait_for(sock, POLLIN, deadline);) {
    const auto got = ::recv(sock, discard, sizeof discard, MSG_DONTWAIT);
    if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR)) return;  // the client closed
    if (got > 0) read += static_cast<std::size_t>(got);
  }
}

// The connection as httplib reads and writes it: bytes already read (the head, maybe more) are
// served first; reads past them wait no later than the body deadline, writes no longer than the
// write timeout per send.
class edge_stream final : public httplib::Stream {
 public:
  edge_stream(int sock, const edge_limits& limits) : sock_(sock), limits_(limits) {}

  enum class head { complete, closed, idle, yielded, timed_out, too_large };

  // The bytes read and not yet served (a request head as far as it arrived, maybe more).
  std::string_view unread() const { return {buffer_.data() + offset_, buffered()}; }

  // Reads until buffered bytes hold a complete request head. The first byte must come by
  // `first_byte_by` (bytes already there count, however late they are read: a parked connection's),
  // the whole head within header_timeout_ms of the first byte.
  // `others_wait`: connections wait for a thread; a keep-alive connection with nothing of its next
  // request yet then yields this thread (parked, or let go).
  head read_head(clock::time_point first_byte_by, const std::atomic<socket_t>& listening, const edge_load* others_wait) {
    auto head_deadline = clock::now() + milliseconds(limits_.header_timeout_ms);
    const bool had_bytes = buffered() > 0;
    while (!head_complete()) {
      if (buffered() >= max_head_bytes) return head::too_large;
      const bool first = buffered() == 0;
      const bool nothing_yet = first && !had_bytes;
      const auto deadline = nothing_yet ? first_byte_by : head_deadline;
      // A stopping server lets a connection go only while nothing of a request has arrived.
      if (listening.load() == INVALID_SOCKET && nothing_yet && !readable_now(sock_)) return head::closed;
      const auto now = clock::now();
      if (now >= deadline && !(nothing_yet && readable_now(sock_))) return first ? head::idle : head::timed_out;
      if (nothing_yet && others_wait != nullptr && others_wait->waiting.load() > 0 && !readable_now(sock_)) {
        return head::yielded;
      }
      if (!wait_for(sock_, POLLIN, std::max(now, std::min(deadline, now + stop_check_slice)))) {
        pollfd fd{sock_, POLLIN, 0};
        if (::poll(&fd, 1, 0) > 0 && (fd.revents & (POLLERR | POLLHUP | POLLNVAL)) != 0) return head::closed;
        continue;
      }
      if (nothing_yet) head_deadline = clock::now() + milliseconds(limits_.header_timeout_ms);
      if (fill() <= 0) return head::closed;
    }
    body_deadline_ = clock::now() + milliseconds(limits_.body_timeout_ms);
    head_request_ = std::string_view(buffer_.data() + offset_, buffered()).starts_with("HEAD ");
    return head::complete;
  }

  // The complete head's framing (request_framing.hpp): the refusal, or nullopt with the head as
  // httplib is to read it (Range lines dropped).
  std::optional<api_error> check_framing() {
    const std::size_t length = head_length();
    std::string head(buffer_.data() + offset_, length);
    if (auto refused = check_request_framing(head, limits_.max_body_bytes)) return refused;
    buffer_.replace(offset_, length, head);
    return std::nullopt;
  }

  bool is_readable() const override { return buffered() > 0 || wait_for(sock_, POLLIN, body_deadline_); }

  bool is_writable() const override {
    if (!wait_for(sock_, POLLOUT, clock::now() + milliseconds(limits_.write_timeout_ms))) return false;
    pollfd fd{sock_, POLLIN, 0};
    if (::poll(&fd, 1, 0) <= 0) return true;
    char byte;
    return ::recv(sock_, &byte, 1, MSG_PEEK | MSG_DONTWAIT) > 0;  // 0: the client closed
  }

  ssize_t read(char* ptr, size_t size) override {
    if (buffered() == 0) {
      if (!wait_for(sock_, POLLIN, body_deadline_)) return -1;
      const auto got = fill();
      if (got <= 0) return got;
    }
    const std::size_t n = std::min(size, buffered());
    std::copy_n(buffer_.data() + offset_, n, ptr);
    offset_ += n;
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* ptr, size_t size) override {
    const int flags = MSG_NOSIGNAL | MSG_DONTWAIT | (!head_request_ && announces_body({ptr, size}) ? MSG_MORE : 0);
    while (true) {
      const auto sent = ::send(sock_, ptr, size, flags);
      if (sent >= 0) return sent;
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) return -1;
      if (!wait_for(sock_, POLLOUT, clock::now() + milliseconds(limits_.write_timeout_ms))) return -1;
    }
  }

  // httplib asks both for every request: looked up once per connection.
  void get_remote_ip_and_port(std::string& ip, int& port) const override { known_address(true, remote_, ip, port); }
  void get_local_ip_and_port(std::string& ip, int& port) const override { known_address(false, local_, ip, port); }
  socket_t socket() const override { return sock_; }

 private:
  std::size_t buffered() const { return buffer_.size() - offset_; }

  bool head_complete() const { return head_length() != 0; }

  // The bytes of the buffered head through its blank line ("\n\r\n" or "\n\n", whichever comes
  // first); 0 while it is not complete.
  std::size_t head_length() const {
    const std::string_view unread(buffer_.data() + offset_, buffered());
    const std::size_t crlf = unread.find("\n\r\n");
    const std::size_t lf = unread.find("\n\n");
    if (crlf == std::string_view::npos && lf == std::string_view::npos) return 0;
    return std::min(crlf == std::string_view::npos ? unread.size() : crlf + 3, lf == std::string_view::npos ? unread.size() : lf + 2);
  }

  // Appends what the socket holds (it is readable); the count, 0 at end of stream, -1 on error.
  ssize_t fill() {
    if (offset_ == buffer_.size()) buffer_.clear(), offset_ = 0;
    const std::size_t old = buffer_.size();
    buffer_.resize(old + read_chunk_bytes);
    ssize_t got;
    do {
      got = ::recv(sock_, buffer_.data() + old, read_chunk_bytes, MSG_DONTWAIT);
    } while (got < 0 && errno == EINTR);
    buffer_.resize(old + static_cast<std::size_t>(std::max<ssize_t>(got, 0)));
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return 1;  // spurious wake: nothing lost
    return got;
  }

  struct address {
    bool known = false;
    std::string ip;
    int port = 0;
  };
  void known_address(bool peer, address& kept, std::string& ip, int& port) const {
    if (!kept.known) address_of(sock_, peer, kept.ip, kept.port), kept.known = true;
    ip = kept.ip;
    port = kept.port;
  }

  int sock_;
  const edge_limits& limits_;
  bool head_request_ = false;  // the request being answered is a HEAD: no body follows its headers
  mutable address remote_, local_;
  std::string buffer_;
  std::size_t offset_ = 0;
  clock::time_point body_deadline_ = clock::now();
};

}  // namespace

bool announces_body(std::string_view bytes) {
  if (!bytes.starts_with("HTTP/1.1 ") || !bytes.ends_with("\r\n\r\n")) return false;
  constexpr std::string_view length_header = "\r\nContent-Length: ";
  const auto at = bytes.find(length_header);
  if (at == std::string_view::npos) return false;
  const char first_digit = bytes[at + length_header.size()];
  return first_digit >= '1' && first_digit <= '9';
}

void close_after_response() { close_requested = true; }

bool client_left() {
  if (current_connection < 0) return false;
  pollfd fd{current_connection, POLLIN | POLLRDHUP, 0};
  if (::poll(&fd, 1, 0) <= 0) return false;
  if ((fd.revents & (POLLHUP | POLLERR | POLLRDHUP)) != 0) return true;
  char byte;
  return ::recv(current_connection, &byte, 1, MSG_PEEK | MSG_DONTWAIT) == 0;  // > 0: a next request waits
}

edge_server::edge_server(edge_limits limits) : limits_(std::move(limits)) {
  httplib::Server::set_post_routing_handler(
      [this](const httplib::Request& req, httplib::Response& res) { write_connection_headers(req, res); });
}

edge_server& edge_server::set_post_routing_handler(Handler handler) {
  post_routing_ = std::move(handler);
  return *this;
}

// Decided as the head is written, not as the request arrived: a stop or a queue that began while
// the handler ran (a completion takes seconds) closes the connection, and this answer says so.
void edge_server::write_connection_headers(const httplib::Request& req, httplib::Response& res) {
  const bool ends = close_requested || client_asks_close(req) || requests_left == 0 || stopping();
  // Others wait for a thread: the connection is let go, and its client reconnects behind them.
  const bool yields = !ends && load.waiting.load() > 0;
  if (yields) ++counters.yielded_connections;
  if (ends || yields) close_after_response();
  set_connection_headers(res, close_requested, limits_.idle_timeout_ms, requests_left);
  if (post_routing_) post_routing_(req, res);
}

bool edge_server::admit(const std::string& client) {
  std::lock_guard lock(clients_mutex_);
  auto& open = connections_by_client_[client];
  if (open >= limits_.max_connections_per_client) return false;
  ++open;
  return true;
}

void edge_server::release(const std::string& client) {
  std::lock_guard lock(clients_mutex_);
  auto found = connections_by_client_.find(client);
  if (found == connections_by_client_.end()) return;
  if (--found->second == 0) connections_by_client_.erase(found);
}

bool edge_server::process_and_close_socket(socket_t sock) {
  std::string client;
  int port = 0;
  address_of(sock, true, client, port);
  if (shedding_connection()) {
    ++counters.shed_connections;
    write_raw_error(sock, api_error{503,
                                    std::to_string(load.max_waiting) +
                                        " connections are waiting for the server; retry shortly.",
                                    "server_error", "", "server_busy", 1},
                    refusal_lines(limits_, arrived_origin(sock)));
  } else if (!admit(client)) {
    ++counters.refused_connections;
    write_raw_error(sock, api_error{429,
                                    "Too many connections from " + client + " (" +
                                        std::to_string(limits_.max_connections_per_client) +
                                        " open); reuse or close one and retry.",
                                    "rate_limit_error", "", "too_many_connections", 1},
                    refusal_lines(limits_, arrived_origin(sock)));
  } else {
    serve(sock, client, 0, clock::now() + milliseconds(limits_.header_timeout_ms));
    return true;
  }
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return false;
}

void edge_server::serve(int sock, const std::string& client, std::size_t served, clock::time_point first_byte_by) {
  edge_stream stream(sock, limits_);
  for (; served < limits_.max_requests_per_connection; ++served) {
    const auto head = stream.read_head(first_byte_by, svr_sock_, served == 0 ? nullptr : &load);
    if (head == edge_stream::head::yielded) {
      ++counters.yielded_connections;
      if (park(sock, client, served, first_byte_by)) return;
    }
    if (head == edge_stream::head::timed_out) {
      ++counters.header_timeouts;
      write_raw_error(sock, api_error{408,
                                      "The request's headers did not arrive within " +
                                          std::to_string(limits_.header_timeout_ms) + " ms.",
                                      "invalid_request_error", "", "request_timeout", 0},
                      refusal_lines(limits_, origin_of_head(stream.unread())));
    }
    if (head == edge_stream::head::too_large) {
      ++counters.refused_heads;
      // no linger: no client sends such heads
      write_raw_error(sock, head_too_large(max_head_bytes), refusal_lines(limits_, origin_of_head(stream.unread())));
    }
    if (head != edge_stream::head::complete) break;
    if (auto refused = stream.check_framing()) {
      ++counters.refused_heads;
      write_raw_error(sock, *refused, refusal_lines(limits_, origin_of_head(stream.unread())));
      linger_then_close(sock);
      break;
    }
    if (stopping()) {
      ++counters.stopping_refusals;
      write_raw_error(sock, api_error{503, "The server is shutting down; retry shortly.", "server_error", "",
                                      "shutting_down", 1},
                      refusal_lines(limits_, origin_of_head(stream.unread())));
      linger_then_close(sock);
      break;
    }
    close_requested = false;
    bool closed = false;
    current_connection = sock;
    requests_left = limits_.max_requests_per_connection - served - 1;
    // The answer's head says whether the connection closes after it (write_connection_headers).
    const bool ok = process_request(stream, requests_left == 0, closed, nullptr);
    current_connection = -1;
    if (!ok || closed || close_requested) break;
    first_byte_by = clock::now() + milliseconds(limits_.idle_timeout_ms);  // as its answer announced
  }
  close_requested = false;
  close_connection(sock, client);
}

// Parks an idle keep-alive connection off this thread while others wait for one: its next request
// queues it again (behind them), its idle deadline lets it go. False when parking is over (a stop).
bool edge_server::park(int sock, const std::string& client, std::size_t served, clock::time_point first_byte_by) {
  return idle_.park(
      sock, first_byte_by,
      [this, sock, client, served, first_byte_by] {
        if (load.resume) load.resume([this, sock, client, served, first_byte_by] { serve(sock, client, served, first_byte_by); });
        else close_connection(sock, client);
      },
      [this, sock, client] { close_connection(sock, client); });
}

void edge_server::close_connection(int sock, const std::string& client) {
  release(client);
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
}

void edge_server::stop() {
  idle_.stop();
  httplib::Server::stop();
}

}  // namespace infergrid::http
