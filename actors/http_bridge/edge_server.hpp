#pragma once
// edge_server: httplib's server with a hardened connection loop (its one overridable hook,
// process_and_close_socket, replaced; requests are still parsed and routed by httplib):
//   - a per-client connection cap: a peer address holding max_connections_per_client connections
//     gets 429 on the next one at once, so one slow or greedy client cannot hold the whole pool;
//   - a header deadline: a request's head (request line + headers) must arrive complete within
//     header_timeout_ms, or the connection gets 408 and is closed (slowloris); an idle keep-alive
//     connection is closed after idle_timeout_ms;
//   - a body deadline: the body must arrive within body_timeout_ms of its head;
//   - a head over 16 KiB is a 431, and one whose framing is ambiguous or refused (two
//     Content-Lengths, an unknown Transfer-Encoding, a body too large, ...: request_framing.hpp) is
//     answered before httplib reads it; both close the connection;
//   - a bounded wait for a thread (edge_task_queue.hpp): over it a new connection gets 503 at once,
//     and while connections wait, a keep-alive connection is let go after its answer (which says
//     so) or, idle, parked off its thread until its next request arrives (idle_connections.hpp);
//   - close_after_response(): a handler that stopped reading a body half-way (413 on a streamed,
//     chunked body) makes the connection close after its answer, so the unread rest is never
//     parsed as a next request;
//   - each answer's connection headers, decided as its head is written (connection_headers.hpp):
//     `Connection: close` on the last answer of a connection the edge ends (its request limit,
//     others waiting for a thread, a stopping server, a handler's close_after_response), else
//     `Keep-Alive: timeout=<idle_timeout_ms in s>, max=<requests left>`;
//   - a stopping server lets idle connections go, but a request whose first bytes arrived is
//     answered (503 `shutting_down`, Connection: close), never dropped unanswered.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include <httplib.h>

#include "actors/http_bridge/edge_task_queue.hpp"
#include "actors/http_bridge/idle_connections.hpp"

namespace infergrid::http {

struct edge_limits {
  std::int64_t header_timeout_ms = 10000;
  std::int64_t body_timeout_ms = 30000;
  std::int64_t idle_timeout_ms = 5000;
  std::int64_t write_timeout_ms = 30000;  // one send waiting for the client to read
  std::size_t max_connections_per_client = 48;
  std::size_t max_requests_per_connection = 10000;
  std::size_t max_body_bytes = 1 << 20;  // a declared Content-Length over it is a 413 at once
  // Extra head lines of the edge's own refusals for a request from the given Origin ("" = none
  // read; CORS: cors.hpp). None when unset.
  std::function<std::string(const std::string& origin)> refusal_head_lines;
};

// Counts of what the edge refused or let go; on the bridge's /metrics (edge_metrics.hpp).
struct edge_counters {
  std::atomic<std::int64_t> refused_connections{0};  // over the per-client cap (429)
  std::atomic<std::int64_t> header_timeouts{0};      // head not complete in time (408)
  std::atomic<std::int64_t> refused_heads{0};        // too large (431) or badly framed (request_framing.hpp)
  std::atomic<std::int64_t> shed_connections{0};     // accepted while too many waited for a thread (503)
  std::atomic<std::int64_t> yielded_connections{0};  // keep-alive let go (after an answer) or parked (idle) while others waited
  // Requests that arrived while the server stopped (503 shutting_down). Not on /metrics: the
  // listener is closed by then, so no scrape reaches it; http_server logs the count as it stops.
  std::atomic<std::int64_t> stopping_refusals{0};
};

// Called by a handler on the connection's thread: close the connection once this answer is written.
void close_after_response();
// Called by a handler on the connection's thread: whether the client has closed the connection
// (hung up, or shut its side: a read would end), so nobody waits for the answer any more.
bool client_left();
// Whether `bytes` is a response head (httplib writes it in one piece) announcing a body of a known,
// non-zero length, which httplib writes next. The edge sends such a head with MSG_MORE, so it leaves
// with the body's first bytes in one segment instead of a segment of its own (with TCP_NODELAY each
// send is one). A streamed (chunked) answer's head, and a HEAD request's, are sent at once.
bool announces_body(std::string_view bytes);

class edge_server : public httplib::Server {
 public:
  explicit edge_server(edge_limits limits);
  edge_counters counters;
  edge_load load;  // read by the task queue (http_server makes it an edge_task_queue)

  // Hides httplib's: `handler` runs on every answer before its head is written, after the edge
  // has written the connection headers (which it must not change: close_after_response() does).
  edge_server& set_post_routing_handler(Handler handler);
  // Hides httplib's: parked connections are handed back or let go first, while the threads run.
  void stop();

 private:
  using clock = std::chrono::steady_clock;
  bool process_and_close_socket(socket_t sock) override;
  // Serves an admitted connection's requests from its `served`th on, the first byte of the next
  // due by `first_byte_by`; closes it (and releases its client) at the end, unless it is parked.
  void serve(int sock, const std::string& client, std::size_t served, clock::time_point first_byte_by);
  bool park(int sock, const std::string& client, std::size_t served, clock::time_point first_byte_by);
  void close_connection(int sock, const std::string& client);
  void write_connection_headers(const httplib::Request& req, httplib::Response& res);
  bool stopping() const { return svr_sock_.load() == INVALID_SOCKET; }
  bool admit(const std::string& client);
  void release(const std::string& client);

  const edge_limits limits_;
  Handler post_routing_;
  std::mutex clients_mutex_;
  std::map<std::string, std::size_t> connections_by_client_;
  idle_connections idle_;  // last: stopped (its connections released) before the members above go
};

}  // namespace infergrid::http
