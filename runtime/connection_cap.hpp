#pragma once
// connection_cap: how many tcp connections each client holds open to a node's port, and whether
// it may open one more (security.max_connections_per_ip), and how many all clients together hold
// (security.max_connections: without it, many addresses could still take every file descriptor;
// clients in a range of security.connection_cap_exempt are never capped nor counted). A client is an IPv4 address, or an IPv6 /64:
// one host is usually given a whole /64, so counting single IPv6 addresses would let it open the
// cap again from each of its 2^64 addresses. Without it one host could hold every file descriptor of the node, and then the
// node accepts no peer at all. Fed by the port monitor (tcp_port_monitor.hpp) with the connections
// libzmq accepts and closes, keyed by their fd. A close the monitor never heard of (its queue full
// under a flood) would leave a connection counted forever, so before an IP is refused its counted
// fds are checked again (`still_open`), at most every recount_interval_ms per IP (and for the
// total, all of them at most that often).
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

  // `max_per_ip`, `max_total` 0: no cap. `exempt`: ranges never capped nor counted.
  connection_cap(std::int64_t max_per_ip, std::vector<ip_prefix> exempt, std::int64_t max_total = 0);

  // The range whose connections `address` counts with: itself (IPv4), or its /64 (IPv6).
  static ip_prefix client_of(const ip_address& address);

  // A connection accepted on `fd`: true when it may stay (counted), false when its IP already holds
  // its cap or all clients together hold max_total (not counted: the caller closes it).
  bool admit(int fd, const tcp_peer& peer, std::int64_t now_ms, const still_open_fn& still_open);
  // The connection on `fd` closed (unknown fds are ignored).
  void closed(int fd);
  // The connections counted for the client of `address`.
  std::size_t held_by(const ip_address& address) const;
  std::int64_t max_per_ip() const { return max_per_ip_; }
  // The connections counted for all clients together.
  std::size_t held() const { return peer_of_fd_.size(); }
  std::int64_t max_total() const { return max_total_; }
  bool exempt(const ip_address& address) const;

 private:
  struct per_ip {
    std::vector<int> fds;
    std::int64_t recounted_ms = 0;
  };
  void recount(per_ip& held, const ip_prefix& client, const still_open_fn& still_open);
  // Whether all clients together hold max_total, once (at most every recount_interval_ms) closes
  // never heard of are found.
  bool port_full(std::int64_t now_ms, const still_open_fn& still_open);

  const std::int64_t max_per_ip_;
  const std::vector<ip_prefix> exempt_;
  const std::int64_t max_total_;
  std::int64_t recounted_all_ms_ = 0;
  std::unordered_map<int, tcp_peer> peer_of_fd_;
  std::map<ip_prefix, per_ip> held_;
};

}  // namespace infergrid
