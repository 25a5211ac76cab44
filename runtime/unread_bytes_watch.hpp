#pragma once
// unread_bytes_watch: how many bytes each client of a node's tcp port has sent that the node has
// not read whole, and which connections to shut when that is over security.max_unread_bytes_per_ip.
// libzmq reads a frame of up to the ROUTER's maxmsgsize (limits.max_envelope_bytes + 4096) into
// memory as it arrives, and a connection that stops in the middle of one is only dropped by the
// heartbeat timeout (security.heartbeat_ms + heartbeat_timeout_ms, 40 s): libzmq restarts that
// timer on whole messages only. Sixteen connections of a member, each stopped 700 bytes short of
// a 15 MiB frame, held 246 MB of the node's memory for 40 s, and the per-IP connection cap (64)
// let one client hold about 1 GiB.
// A connection's unread bytes are the kernel's count of bytes it received (TCP_INFO, read by the
// caller) less the wire bytes of the whole frames the ingress read from it (whole_frame_bytes.hpp)
// and an allowance for what is neither: its handshake (at most
// curve_handshake_watch::max_handshake_bytes) and a PONG (under 64 bytes) per heartbeat. So a
// frame still arriving, or whole and queued for the ingress, counts; one honest envelope of the
// largest size is well under the default budget (64 MiB, four such frames at once).
// Exempt clients (security.connection_cap_exempt) are not watched. Not thread-safe: the port
// monitor's thread owns it.
#include <cstdint>
#include <functional>
#include <optional>
#include <unordered_map>
#include <vector>

#include "runtime/connection_cap.hpp"
#include "runtime/whole_frame_bytes.hpp"

namespace infergrid {

class unread_bytes_watch {
 public:
  // The kernel's count of bytes received on `fd`; nullopt when `fd` is closed.
  using received_fn = std::function<std::optional<std::uint64_t>(int fd)>;
  static constexpr std::uint64_t pong_allowance_bytes = 64;

  struct over_budget {
    int fd = -1;
    tcp_peer peer;
    std::uint64_t unread_bytes = 0;         // of this connection
    std::uint64_t client_unread_bytes = 0;  // of all its client's connections, before any was shut
  };

  // `max_per_client` > 0. `heartbeat_ms`: how often the node pings (0: never).
  unread_bytes_watch(std::uint64_t max_per_client, std::int64_t heartbeat_ms);

  // A connection accepted on `fd` at `now_ms`, when `whole` counted `whole_before` for the fd.
  void add(int fd, const tcp_peer& peer, std::uint64_t whole_before, std::int64_t now_ms);
  // The connection on `fd` closed (unknown fds are ignored).
  void closed(int fd);
  // Forgets the closed connections, and returns (forgotten too) the connections to shut so that
  // each client is back under its budget, those with the most unread bytes first.
  std::vector<over_budget> take_over_budget(const received_fn& received, const whole_frame_bytes& whole,
                                            std::int64_t now_ms);
  std::size_t watched() const { return connections_.size(); }

 private:
  struct connection {
    tcp_peer peer;
    std::uint64_t whole_before = 0;
    std::int64_t accepted_ms = 0;
  };
  std::uint64_t allowance(std::int64_t age_ms) const;

  const std::uint64_t max_per_client_;
  const std::int64_t heartbeat_ms_;
  std::unordered_map<int, connection> connections_;
};

}  // namespace infergrid
