#pragma once
// curve_handshake_watch: on a curve node's tcp port, the connections whose CurveZMQ handshake has
// not completed, and how much each has sent. Until then a connection is a stranger's, yet libzmq
// reads its frames with the ROUTER's maxmsgsize (limits.max_envelope_bytes + 4096, ~16 MiB) and holds
// a partial one until the handshake times out (security.handshake_timeout_ms): twenty connections,
// each sending most of one frame, held 330 MB. The client's side of a CURVE handshake is a few
// hundred bytes, so the port monitor (tcp_port_monitor.hpp) shuts a pending connection that sent
// more than max_handshake_bytes (take_oversized, every scan), and caps the pending connections one
// client holds (security.max_pending_handshakes_per_ip; pending_of, at each accept).
// Progress is the kernel's count of bytes each way (TCP_INFO, read by the caller): the server side
// of a CURVE handshake sends its greeting (64 bytes) and WELCOME (170), and READY only once the
// client is admitted (ERROR, and a close, when it is not), so a connection to which this node sent
// more than handshake_server_bytes has completed. libzmq's monitor says that a handshake
// succeeded, but not on which connection, hence the kernel.
// Not thread-safe: the port monitor's thread owns it.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <unordered_map>
#include <vector>

#include "runtime/connection_cap.hpp"

namespace infergrid {

struct handshake_progress {
  std::uint64_t sent_bytes = 0;      // by this node
  std::uint64_t received_bytes = 0;  // from the client
};

class curve_handshake_watch {
 public:
  // The progress of the connection on `fd`; nullopt when `fd` is no longer the connection accepted
  // from `peer` (closed, or reused).
  using progress_fn = std::function<std::optional<handshake_progress>(int fd, const tcp_peer& peer)>;
  // Greeting (64 bytes) + WELCOME (a 168-byte command in a 2-byte frame header): RFC 23 and 26.
  static constexpr std::uint64_t handshake_server_bytes = 64 + 170;
  // What a client may send before its handshake completes: greeting, HELLO (202 bytes) and
  // INITIATE (about 300 plus its metadata), with ample room for metadata.
  static constexpr std::uint64_t max_handshake_bytes = 16384;

  struct oversized {
    int fd = -1;
    tcp_peer peer;
    std::uint64_t received_bytes = 0;
  };

  // A connection accepted on `fd`, its handshake pending.
  void add(int fd, const tcp_peer& peer);
  // The connection on `fd` closed (unknown fds are ignored).
  void closed(int fd);
  // The pending connections of the client of `address` (connection_cap::client_of), once those
  // that completed or closed are forgotten.
  std::size_t pending_of(const ip_address& address, const progress_fn& progress);
  // Forgets the connections that completed or closed, and returns (forgotten too) the pending ones
  // that sent more than max_handshake_bytes.
  std::vector<oversized> take_oversized(const progress_fn& progress);
  std::size_t pending() const { return peer_of_fd_.size(); }

 private:
  // The progress of the connection on `fd` while its handshake is pending; nullopt (and `fd`
  // forgotten) once it completed or closed.
  std::optional<handshake_progress> progress_while_pending(int fd, const tcp_peer& peer, const progress_fn& progress);

  std::unordered_map<int, tcp_peer> peer_of_fd_;
  std::map<ip_prefix, std::vector<int>> fds_of_client_;
};

}  // namespace infergrid
