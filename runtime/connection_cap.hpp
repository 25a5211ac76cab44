#pragma once
// connection_cap: how many tcp connections each client holds open to a node's port, and whether
// it may open one more (security.max_connections_per_ip; clients in a range of
// security.connection_cap_exempt are never capped). A client is an IPv4 address, or an IPv6 /64:
// one host is usually given a whole /64, so counting single IPv6 addresses would let it open the
// cap again from each of its 2^64 addresses. Without it one host could hold every file descriptor of the node, and then the
// node accepts no peer at all. Fed by the port monitor (tcp_port_monitor.hpp) with the connections
// libzmq accepts and closes, keyed by their fd. A close the monitor never heard of (its queue full
// under a flood) would leave a connection counted forever, so before an IP is refused its counted
// fds are checked again (`still_open`), at most every recount_interval_ms per IP.
// Not thread-safe: the port monitor's thread owns it.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "runtime/ip_prefix.hpp"

namespace infergrid {

// One accepted connection, as getpeername() names its client.
struct tcp_peer {
  ip_address address;
  std::uint16_t port = 0;
  bool operator==(const tcp_peer&) const = default;
};

class connection_cap {
 public:
  // Whether `fd` is still the connection accepted from `peer` (not closed, not reused).
  using still_open_fn = std::function<bool(int fd, const tcp_peer& peer)>;
  static constexpr std::int64_t recount_interval_ms = 1000;
  // The IPv6 prefix counted as one client: what one host (a home, a VM) is usually given.
  static constexpr int ipv6_client_prefix_bits = 64;

  // `max_per_ip` 0: no cap. `exempt`: ranges never capped.
  connection_cap(std::int64_t max_per_ip, std::vector<ip_prefix> exempt);

  // The range whose connections `address` counts with: itself (IPv4), or its /64 (IPv6).
  static ip_prefix client_of(const ip_address& address);

  // A connection accepted on `fd`: true when it may stay (counted), false when its IP already holds
  // the cap (not counted: the caller closes it).
  bool admit(int fd, const tcp_peer& peer, std::int64_t now_ms, const still_open_fn& still_open);
  // The connection on `fd` closed (unknown fds are ignored).
  void closed(int fd);
  // The connections counted for the client of `address`.
  std::size_t held_by(const ip_address& address) const;
  std::int64_t max_per_ip() const { return max_per_ip_; }

 private:
  struct per_ip {
    std::vector<int> fds;
    std::int64_t recounted_ms = 0;
  };
  bool exempt(const ip_address& address) const;
  void recount(per_ip& held, const ip_prefix& client, const still_open_fn& still_open);

  const std::int64_t max_per_ip_;
  const std::vector<ip_prefix> exempt_;
  std::unordered_map<int, tcp_peer> peer_of_fd_;
  std::map<ip_prefix, per_ip> held_;
};

}  // namespace infergrid
