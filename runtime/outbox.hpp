#pragma once
// outbox: one thread's sending side of the bus. Resolves a recipient through the directory once,
// then caches a socket for it: a PUSH into the local actor's inproc inbox, or one DEALER per
// remote node's tcp endpoint (shared by all actors on that node), a CurveZMQ client under curve. Not thread-safe: each actor
// thread (and the ingress, and each blocking call) owns its own.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include <zmq.hpp>

#include "runtime/directory.hpp"
#include "runtime/limits.hpp"
#include "runtime/result.hpp"
#include "runtime/string_hash.hpp"
#include "runtime/transport_security.hpp"

namespace infergrid {

struct route {
  std::string address;  // canonical "node/actor", written into the envelope
  std::string remote_header;  // the route frame for a remote recipient
  bool local = false;
  zmq::socket_t* socket = nullptr;
};

class outbox {
 public:
  // `transport`: under curve each DEALER is a CURVE client of the peer's key (the directory's).
  outbox(zmq::context_t& context, const directory& names, std::string reply_endpoint, const runtime_limits& limits,
         const transport_credentials& transport);

  result<const route*> route_to(std::string_view recipient);
  // Sends one encoded envelope; waits at most send_timeout_ms for room, then fails `unavailable`.
  status deliver(const route& to, std::span<const std::uint8_t> envelope_bytes);
  // Same, handing over a received frame without copying it (the ingress forwards this way).
  status deliver(const route& to, zmq::message_t&& envelope_frame);

 private:
  zmq::socket_t* socket_for(const location& where);
  void forget_gone_locals();
  // A directory change: the remote sockets of the last generation that no route took up again since
  // are closed (a worker restarted on a new port leaves its old endpoint behind: kept, each such
  // socket would hold its queue, a descriptor and ZeroMQ's reconnect timer for the life of the
  // process), and this generation's remote sockets wait in unclaimed_ for the next change.
  void retire_unclaimed_remotes();

  zmq::context_t& context_;
  const directory& names_;
  const std::string reply_endpoint_;
  const runtime_limits& limits_;
  const transport_credentials& transport_;
  std::unordered_map<std::string, zmq::socket_t> sockets_;  // by endpoint (and, remote, the peer's transport key)
  std::unordered_map<std::string, zmq::socket_t> unclaimed_;  // remote sockets no route has taken since the last change
  std::unordered_map<std::string, std::string> local_actors_;  // endpoint -> actor, for local sockets
  std::unordered_map<std::string, route, string_hash, std::equal_to<>> routes_;  // by recipient as written
  std::uint64_t routes_generation_ = 0;  // the directory's, when routes_ was last valid
};

// Frames of an envelope between nodes, on DEALER -> ROUTER (the ROUTER prepends the peer id):
//   [route: "<recipient actor>\n<sender node>\n<sender's reply endpoint>"][envelope]
// Names and endpoints never contain '\n' (config validation), so the route splits unambiguously.
inline constexpr std::size_t remote_frame_count = 2;
std::string encode_route(std::string_view actor, std::string_view sender_node, std::string_view reply_endpoint);
struct remote_route {
  std::string_view actor;
  std::string_view sender_node;
  std::string_view reply_endpoint;
};
// Fails when the frame does not have exactly three parts.
bool decode_route(std::string_view frame, remote_route& out);

}  // namespace infergrid
