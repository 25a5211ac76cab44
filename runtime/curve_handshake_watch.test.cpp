// curve_handshake_watch: which connections are still in their CURVE handshake, from the bytes each
// way (the port monitor on real sockets: tests/tcp_port.test.cpp).
#include "runtime/curve_handshake_watch.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <map>
#include <utility>

namespace infergrid {
namespace {

tcp_peer peer(const char* ip, std::uint16_t port) { return {ip_address::parse(ip).value(), port}; }

void add_all(curve_handshake_watch& watch, std::initializer_list<std::pair<int, tcp_peer>> accepted) {
  for (const auto& [fd, from] : accepted) watch.add(fd, from);
}

struct fake_kernel {
  std::map<int, handshake_progress> open;  // fd -> bytes each way; a missing fd is closed
  curve_handshake_watch::progress_fn reader() {
    return [this](int fd, const tcp_peer&) -> std::optional<handshake_progress> {
      auto found = open.find(fd);
      if (found == open.end()) return std::nullopt;
      return found->second;
    };
  }
};

TEST(curve_handshake_watch, connections_that_completed_or_closed_are_no_longer_pending) {
  fake_kernel kernel;
  curve_handshake_watch watch;
  for (int fd = 10; fd < 13; ++fd) {
    kernel.open[fd] = {64, 64};
    watch.add(fd, peer("10.0.0.2", static_cast<std::uint16_t>(fd)));
  }
  watch.add(20, peer("10.0.0.3", 1));
  kernel.open[20] = {};
  EXPECT_EQ(watch.pending_of(ip_address::parse("10.0.0.2").value(), kernel.reader()), 3u);
  kernel.open[10] = {curve_handshake_watch::handshake_server_bytes + 1, 600};  // READY sent: completed
  kernel.open.erase(11);                                                      // closed
  EXPECT_EQ(watch.pending_of(ip_address::parse("10.0.0.2").value(), kernel.reader()), 1u);
  EXPECT_EQ(watch.pending(), 2u);
  watch.closed(12);
  EXPECT_EQ(watch.pending_of(ip_address::parse("10.0.0.2").value(), kernel.reader()), 0u);
  EXPECT_EQ(watch.pending_of(ip_address::parse("10.0.0.3").value(), kernel.reader()), 1u);
}

TEST(curve_handshake_watch, a_pending_connection_over_the_handshake_bytes_is_taken_once) {
  fake_kernel kernel;
  curve_handshake_watch watch;
  add_all(watch, {{10, peer("10.0.0.2", 1)}, {11, peer("10.0.0.2", 2)}, {12, peer("10.0.0.2", 3)}});
  kernel.open[10] = {234, curve_handshake_watch::max_handshake_bytes + 1};
  kernel.open[11] = {234, curve_handshake_watch::max_handshake_bytes};
  kernel.open[12] = {300, 1 << 20};  // completed: what it sends now is messages
  const auto over = watch.take_oversized(kernel.reader());
  ASSERT_EQ(over.size(), 1u);
  EXPECT_EQ(over[0].fd, 10);
  EXPECT_EQ(over[0].received_bytes, curve_handshake_watch::max_handshake_bytes + 1);
  EXPECT_TRUE(watch.take_oversized(kernel.reader()).empty());
  EXPECT_EQ(watch.pending(), 1u) << "only fd 11 is still pending";
}

TEST(curve_handshake_watch, ipv6_clients_are_counted_per_64_prefix) {
  fake_kernel kernel;
  curve_handshake_watch watch;
  add_all(watch, {{10, peer("2001:db8:1:2::1", 1)}, {11, peer("2001:db8:1:2:ffff::9", 1)}, {12, peer("2001:db8:1:3::1", 1)}});
  kernel.open = {{10, {}}, {11, {}}, {12, {}}};
  EXPECT_EQ(watch.pending_of(ip_address::parse("2001:db8:1:2::77").value(), kernel.reader()), 2u);
}

}  // namespace
}  // namespace infergrid
