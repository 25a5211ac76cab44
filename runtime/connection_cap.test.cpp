// connection_cap: the per-IP and total counts of a node's tcp connections (the port monitor's real-socket
// behaviour is tests/tcp_port.test.cpp).
#include "runtime/connection_cap.hpp"

#include <gtest/gtest.h>

#include <set>

namespace infergrid {
namespace {

const connection_cap::still_open_fn all_open = [](int, const tcp_peer&) { return true; };

ip_address address(const char* text) { return ip_address::parse(text).value(); }
tcp_peer peer(const char* ip, std::uint16_t port) { return {address(ip), port}; }

TEST(connection_cap, an_ip_at_its_cap_is_refused_while_another_ip_is_admitted) {
  connection_cap cap(3, {});
  for (int fd = 10; fd < 13; ++fd) EXPECT_TRUE(cap.admit(fd, peer("10.0.0.2", 4000), 0, all_open));
  EXPECT_FALSE(cap.admit(13, peer("10.0.0.2", 4003), 0, all_open));
  EXPECT_EQ(cap.held_by(address("10.0.0.2")), 3u);
  EXPECT_TRUE(cap.admit(14, peer("10.0.0.3", 4000), 0, all_open));
}

TEST(connection_cap, a_closed_connection_frees_its_place) {
  connection_cap cap(2, {});
  EXPECT_TRUE(cap.admit(10, peer("10.0.0.2", 1), 0, all_open));
  EXPECT_TRUE(cap.admit(11, peer("10.0.0.2", 2), 0, all_open));
  cap.closed(10);
  cap.closed(99);  // never counted: ignored
  EXPECT_EQ(cap.held_by(address("10.0.0.2")), 1u);
  EXPECT_TRUE(cap.admit(12, peer("10.0.0.2", 3), 0, all_open));
  EXPECT_FALSE(cap.admit(13, peer("10.0.0.2", 4), 0, all_open));
}

TEST(connection_cap, exempt_ips_and_a_zero_cap_are_never_capped) {
  connection_cap cap(1, {ip_prefix::parse("127.0.0.1").value()});
  for (int fd = 10; fd < 20; ++fd) EXPECT_TRUE(cap.admit(fd, peer("127.0.0.1", 1), 0, all_open));
  EXPECT_EQ(cap.held_by(address("127.0.0.1")), 0u);
  connection_cap uncapped(0, {});
  for (int fd = 10; fd < 20; ++fd) EXPECT_TRUE(uncapped.admit(fd, peer("10.0.0.2", 1), 0, all_open));
}

TEST(connection_cap, a_reused_fd_counts_once_for_its_new_client) {
  connection_cap cap(1, {});
  EXPECT_TRUE(cap.admit(10, peer("10.0.0.2", 1), 0, all_open));
  // fd 10 closed (its close event lost) and now holds a connection from another IP.
  EXPECT_TRUE(cap.admit(10, peer("10.0.0.3", 1), 0, all_open));
  EXPECT_EQ(cap.held_by(address("10.0.0.2")), 0u);
  EXPECT_TRUE(cap.admit(11, peer("10.0.0.2", 2), 0, all_open));
}

// A close the monitor never heard of (its queue full) must not lock the IP out for good: before
// refusing, its counted connections are checked again, at most once per recount interval.
TEST(connection_cap, closes_never_heard_of_are_found_before_an_ip_is_refused) {
  connection_cap cap(2, {});
  std::set<int> open{10, 11};
  int checks = 0;
  const connection_cap::still_open_fn still_open = [&](int fd, const tcp_peer&) {
    ++checks;
    return open.contains(fd);
  };
  EXPECT_TRUE(cap.admit(10, peer("10.0.0.2", 1), 0, still_open));
  EXPECT_TRUE(cap.admit(11, peer("10.0.0.2", 2), 0, still_open));
  const std::int64_t later_ms = connection_cap::recount_interval_ms;
  EXPECT_FALSE(cap.admit(12, peer("10.0.0.2", 3), later_ms, still_open)) << "both are open";
  EXPECT_EQ(checks, 2);
  open.erase(10);  // closed, unheard
  EXPECT_FALSE(cap.admit(13, peer("10.0.0.2", 4), later_ms + 1, still_open)) << "recounted at most once per interval";
  EXPECT_EQ(checks, 2);
  EXPECT_TRUE(cap.admit(14, peer("10.0.0.2", 5), 2 * later_ms, still_open));
  EXPECT_EQ(cap.held_by(address("10.0.0.2")), 2u);
}

// One host usually owns a whole IPv6 /64: its addresses count together, so a new address does not
// buy a new cap. Another /64 is another client.
TEST(connection_cap, ipv6_clients_are_counted_per_64_prefix) {
  connection_cap cap(2, {});
  EXPECT_TRUE(cap.admit(10, peer("2001:db8:1:2::1", 1), 0, all_open));
  EXPECT_TRUE(cap.admit(11, peer("2001:db8:1:2:ffff::9", 1), 0, all_open));
  EXPECT_FALSE(cap.admit(12, peer("2001:db8:1:2:abcd:1:2:3", 1), 0, all_open)) << "same /64, a third address";
  EXPECT_EQ(cap.held_by(address("2001:db8:1:2::77")), 2u);
  EXPECT_TRUE(cap.admit(13, peer("2001:db8:1:3::1", 1), 0, all_open)) << "the next /64";
  cap.closed(10);
  EXPECT_TRUE(cap.admit(14, peer("2001:db8:1:2::5", 1), 0, all_open));
  EXPECT_EQ(connection_cap::client_of(address("2001:db8:1:2::5")).text(), "2001:db8:1:2::/64");
  EXPECT_EQ(connection_cap::client_of(address("10.1.2.3")).text(), "10.1.2.3") << "IPv4 is counted per address";
}

TEST(connection_cap, clients_in_an_exempt_range_are_never_capped_and_mapped_ipv4_is_ipv4) {
  connection_cap cap(1, {ip_prefix::parse("10.0.0.0/8").value(), ip_prefix::parse("fd00::/8").value()});
  for (int fd = 10; fd < 14; ++fd) EXPECT_TRUE(cap.admit(fd, peer("10.200.3.4", 1), 0, all_open));
  for (int fd = 20; fd < 24; ++fd) EXPECT_TRUE(cap.admit(fd, peer("::ffff:10.9.9.9", 1), 0, all_open)) << "a dual-stack port's IPv4 client";
  for (int fd = 30; fd < 34; ++fd) EXPECT_TRUE(cap.admit(fd, peer("fd12:3456::1", 1), 0, all_open));
  EXPECT_TRUE(cap.admit(40, peer("11.0.0.1", 1), 0, all_open));
  EXPECT_FALSE(cap.admit(41, peer("::ffff:11.0.0.1", 1), 0, all_open)) << "mapped and plain IPv4 are one client";
  EXPECT_TRUE(cap.admit(42, peer("fe00::1", 1), 0, all_open));
  EXPECT_FALSE(cap.admit(43, peer("fe00::2", 1), 0, all_open));
}

// Many clients, each under its own cap, hold at most max_total together; exempt clients are not
// counted; a close frees a place, and closes never heard of are found before the port is full.
TEST(connection_cap, all_clients_together_hold_at_most_the_total) {
  connection_cap cap(2, {ip_prefix::parse("127.0.0.1").value()}, 3);
  std::set<int> open{10, 11, 12};
  const connection_cap::still_open_fn still_open = [&](int fd, const tcp_peer&) { return open.contains(fd); };
  EXPECT_TRUE(cap.admit(10, peer("10.0.0.2", 1), 0, still_open));
  EXPECT_TRUE(cap.admit(11, peer("10.0.0.3", 1), 0, still_open));
  EXPECT_TRUE(cap.admit(12, peer("10.0.0.4", 1), 0, still_open));
  EXPECT_FALSE(cap.admit(13, peer("10.0.0.5", 1), 0, still_open)) << "a fresh client, but the port is full";
  EXPECT_TRUE(cap.admit(14, peer("127.0.0.1", 1), 0, still_open)) << "exempt";
  EXPECT_EQ(cap.held(), 3u);
  cap.closed(10);
  EXPECT_TRUE(cap.admit(15, peer("10.0.0.5", 1), 0, still_open));
  open = {11, 15};  // 12 closed, unheard
  EXPECT_FALSE(cap.admit(16, peer("10.0.0.6", 1), 1, still_open)) << "recounted at most once per interval";
  EXPECT_TRUE(cap.admit(17, peer("10.0.0.6", 1), connection_cap::recount_interval_ms, still_open));
  EXPECT_EQ(cap.held(), 3u);
  EXPECT_EQ(cap.held_by(address("10.0.0.4")), 0u);
}

TEST(connection_cap, a_total_alone_caps_without_a_per_ip_cap) {
  connection_cap cap(0, {}, 2);
  EXPECT_TRUE(cap.admit(10, peer("10.0.0.2", 1), 0, all_open));
  EXPECT_TRUE(cap.admit(11, peer("10.0.0.2", 2), 0, all_open));
  EXPECT_FALSE(cap.admit(12, peer("10.0.0.3", 1), 0, all_open));
}

}  // namespace
}  // namespace infergrid
