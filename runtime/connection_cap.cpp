#include "runtime/connection_cap.hpp"

#include <algorithm>

namespace infergrid {

connection_cap::connection_cap(std::int64_t max_per_ip, std::set<std::string> exempt)
    : max_per_ip_(max_per_ip), exempt_(std::move(exempt)) {}

bool connection_cap::admit(int fd, const tcp_peer& peer, std::int64_t now_ms, const still_open_fn& still_open) {
  closed(fd);  // a reused fd whose close was never heard of
  if (max_per_ip_ <= 0 || exempt_.contains(peer.ip)) return true;
  per_ip& held = held_[peer.ip];
  if (static_cast<std::int64_t>(held.fds.size()) >= max_per_ip_ && now_ms - held.recounted_ms >= recount_interval_ms) {
    held.recounted_ms = now_ms;
    recount(held, peer.ip, still_open);
  }
  if (static_cast<std::int64_t>(held.fds.size()) >= max_per_ip_) return false;
  held.fds.push_back(fd);
  peer_of_fd_.emplace(fd, peer);
  return true;
}

void connection_cap::recount(per_ip& held, const std::string& ip, const still_open_fn& still_open) {
  std::erase_if(held.fds, [&](int fd) {
    auto found = peer_of_fd_.find(fd);
    const bool open = found != peer_of_fd_.end() && found->second.ip == ip && still_open(fd, found->second);
    if (!open && found != peer_of_fd_.end() && found->second.ip == ip) peer_of_fd_.erase(found);
    return !open;
  });
}

void connection_cap::closed(int fd) {
  auto found = peer_of_fd_.find(fd);
  if (found == peer_of_fd_.end()) return;
  auto held = held_.find(found->second.ip);
  if (held != held_.end()) {
    std::erase(held->second.fds, fd);
    if (held->second.fds.empty()) held_.erase(held);
  }
  peer_of_fd_.erase(found);
}

std::size_t connection_cap::held_by(const std::string& ip) const {
  auto found = held_.find(ip);
  return found == held_.end() ? 0 : found->second.fds.size();
}

}  // namespace infergrid
