#include "runtime/curve_handshake_watch.hpp"

#include <algorithm>

namespace infergrid {

void curve_handshake_watch::add(int fd, const tcp_peer& peer) {
  closed(fd);  // a reused fd whose close was never heard of
  peer_of_fd_.emplace(fd, peer);
  fds_of_client_[connection_cap::client_of(peer.address)].push_back(fd);
}

void curve_handshake_watch::closed(int fd) {
  auto found = peer_of_fd_.find(fd);
  if (found == peer_of_fd_.end()) return;
  auto client = fds_of_client_.find(connection_cap::client_of(found->second.address));
  if (client != fds_of_client_.end()) {
    std::erase(client->second, fd);
    if (client->second.empty()) fds_of_client_.erase(client);
  }
  peer_of_fd_.erase(found);
}

std::optional<handshake_progress> curve_handshake_watch::progress_while_pending(int fd, const tcp_peer& peer,
                                                                               const progress_fn& progress) {
  const auto now = progress(fd, peer);
  if (now && now->sent_bytes <= handshake_server_bytes) return now;
  closed(fd);
  return std::nullopt;
}

std::size_t curve_handshake_watch::pending_of(const ip_address& address, const progress_fn& progress) {
  auto client = fds_of_client_.find(connection_cap::client_of(address));
  if (client == fds_of_client_.end()) return 0;
  const std::vector<int> fds = client->second;  // a copy: forgetting one erases from the client's list
  return static_cast<std::size_t>(std::ranges::count_if(
      fds, [&](int fd) { return progress_while_pending(fd, peer_of_fd_.at(fd), progress).has_value(); }));
}

std::vector<curve_handshake_watch::oversized> curve_handshake_watch::take_oversized(const progress_fn& progress) {
  const std::vector<std::pair<int, tcp_peer>> watched(peer_of_fd_.begin(), peer_of_fd_.end());
  std::vector<oversized> out;
  for (const auto& [fd, peer] : watched) {
    const auto now = progress_while_pending(fd, peer, progress);
    if (!now || now->received_bytes <= max_handshake_bytes) continue;
    closed(fd);
    out.push_back(oversized{fd, peer, now->received_bytes});
  }
  return out;
}

}  // namespace infergrid
