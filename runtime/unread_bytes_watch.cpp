#include "runtime/unread_bytes_watch.hpp"

#include <algorithm>
#include <map>

#include "runtime/curve_handshake_watch.hpp"

namespace infergrid {

unread_bytes_watch::unread_bytes_watch(std::uint64_t max_per_client, std::int64_t heartbeat_ms)
    : max_per_client_(max_per_client), heartbeat_ms_(heartbeat_ms) {}

void unread_bytes_watch::add(int fd, const tcp_peer& peer, std::uint64_t whole_before, std::int64_t now_ms) {
  connections_[fd] = connection{peer, whole_before, now_ms};
}

void unread_bytes_watch::closed(int fd) { connections_.erase(fd); }

std::uint64_t unread_bytes_watch::allowance(std::int64_t age_ms) const {
  const std::int64_t pings = heartbeat_ms_ > 0 ? std::max<std::int64_t>(age_ms, 0) / heartbeat_ms_ + 1 : 0;
  return curve_handshake_watch::max_handshake_bytes + pong_allowance_bytes * static_cast<std::uint64_t>(pings);
}

std::vector<unread_bytes_watch::over_budget> unread_bytes_watch::take_over_budget(const received_fn& received,
                                                                                  const whole_frame_bytes& whole,
                                                                                  std::int64_t now_ms) {
  std::map<ip_prefix, std::vector<over_budget>> by_client;
  std::vector<int> gone;
  for (const auto& [fd, at] : connections_) {
    const auto in = received(fd);
    const auto read = whole.of(fd);
    if (!in || !read) {
      gone.push_back(fd);
      continue;
    }
    const std::uint64_t accounted = (*read - at.whole_before) + allowance(now_ms - at.accepted_ms);
    const std::uint64_t unread = *in > accounted ? *in - accounted : 0;
    if (unread > 0) by_client[connection_cap::client_of(at.peer.address)].push_back(over_budget{fd, at.peer, unread, 0});
  }
  for (const int fd : gone) connections_.erase(fd);
  std::vector<over_budget> out;
  for (auto& [client, held] : by_client) {
    std::uint64_t total = 0;
    for (const auto& one : held) total += one.unread_bytes;
    if (total <= max_per_client_) continue;
    std::ranges::sort(held, [](const over_budget& a, const over_budget& b) { return a.unread_bytes > b.unread_bytes; });
    std::uint64_t left = total;
    for (auto& one : held) {
      if (left <= max_per_client_) break;
      left -= one.unread_bytes;
      one.client_unread_bytes = total;
      connections_.erase(one.fd);
      out.push_back(one);
    }
  }
  return out;
}

}  // namespace infergrid
