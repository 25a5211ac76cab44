#include "runtime/connection_cap.hpp"

#include <algorithm>
#include <iterator>

namespace infergrid {

connection_cap::connection_cap(std::int64_t max_per_ip, std::vector<ip_prefix> exempt, std::int64_t max_total)
    : max_per_ip_(max_per_ip), exempt_(std::move(exempt)), max_total_(max_total) {}

ip_prefix connection_cap::client_of(const ip_address& address) {
  return ip_prefix::of(address, address.is_v4() ? 128 : ipv6_client_prefix_bits);
}

bool connection_cap::exempt(const ip_address& address) const {
  return std::ranges::any_of(exempt_, [&](const ip_prefix& range) { return range.contains(address); });
}

bool connection_cap::admit(int fd, const tcp_peer& peer, std::int64_t now_ms, const still_open_fn& still_open) {
  closed(fd);  // a reused fd whose close was never heard of
  if ((max_per_ip_ <= 0 && max_total_ <= 0) || exempt(peer.address)) return true;
  if (port_full(now_ms, still_open)) return false;
  const ip_prefix client = client_of(peer.address);
  per_ip& held = held_[client];
  if (max_per_ip_ > 0 && static_cast<std::int64_t>(held.fds.size()) >= max_per_ip_ &&
      now_ms - held.recounted_ms >= recount_interval_ms) {
    held.recounted_ms = now_ms;
    recount(held, client, still_open);
  }
  if (max_per_ip_ > 0 && static_cast<std::int64_t>(held.fds.size()) >= max_per_ip_) return false;
  held.fds.push_back(fd);
  peer_of_fd_.emplace(fd, peer);
  return true;
}

bool connection_cap::port_full(std::int64_t now_ms, const still_open_fn& still_open) {
  if (max_total_ <= 0 || static_cast<std::int64_t>(held()) < max_total_) return false;
  if (now_ms - recounted_all_ms_ < recount_interval_ms) return true;
  recounted_all_ms_ = now_ms;
  for (auto client = held_.begin(); client != held_.end();) {
    recount(client->second, client->first, still_open);
    client = client->second.fds.empty() ? held_.erase(client) : std::next(client);
  }
  return static_cast<std::int64_t>(held()) >= max_total_;
}

void connection_cap::recount(per_ip& held, const ip_prefix& client, const still_open_fn& still_open) {
  std::erase_if(held.fds, [&](int fd) {
    auto found = peer_of_fd_.find(fd);
    const bool counted_here = found != peer_of_fd_.end() && client.contains(found->second.address);
    const bool open = counted_here && still_open(fd, found->second);
    if (counted_here && !open) peer_of_fd_.erase(found);
    return !open;
  });
}

void connection_cap::closed(int fd) {
  auto found = peer_of_fd_.find(fd);
  if (found == peer_of_fd_.end()) return;
  auto held = held_.find(client_of(found->second.address));
  if (held != held_.end()) {
    std::erase(held->second.fds, fd);
    if (held->second.fds.empty()) held_.erase(held);
  }
  peer_of_fd_.erase(found);
}

std::size_t connection_cap::held_by(const ip_address& address) const {
  auto found = held_.find(client_of(address));
  return found == held_.end() ? 0 : found->second.fds.size();
}

}  // namespace infergrid
