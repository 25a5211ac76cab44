// connection_cap: the per-IP count of a node's tcp connections (the port monitor's real-socket
// behaviour is tests/tcp_port.test.cpp).
#include "runtime/connection_cap.hpp"

#include <gtest/gtest.h>

#include <set>

namespace infergrid {
namespace {

const connection_cap::still_open_fn all_open = [](int, const tcp_peer&) { return true; };

TEST(connection_cap, an_ip_at_its_cap_is_refused_while_another_ip_is_admitted) {
  connection_cap cap(3, {});
  for (int fd = 10; fd < 13; ++fd) EXPECT_TRUE(cap.admit(fd, {"10.0.0.2", 4000}, 0, all_open));
  EXPECT_FALSE(cap.admit(13, {"10.0.0.2", 4003}, 0, all_open));
  EXPECT_EQ(cap.held_by("10.0.0.2"), 3u);
  EXPECT_TRUE(cap.admit(14, {"10.0.0.3", 4000}, 0, all_open));
}

TEST(connection_cap, a_closed_connection_frees_its_place) {
  connection_cap cap(2, {});
  EXPECT_TRUE(cap.admit(10, {"10.0.0.2", 1}, 0, all_open));
  EXPECT_TRUE(cap.admit(11, {"10.0.0.2", 2}, 0, all_open));
  cap.closed(10);
  cap.closed(99);  // never counted: ignored
  EXPECT_EQ(cap.held_by("10.0.0.2"), 1u);
  EXPECT_TRUE(cap.admit(12, {"10.0.0.2", 3}, 0, all_open));
  EXPECT_FALSE(cap.admit(13, {"10.0.0.2", 4}, 0, all_open));
}

TEST(connection_cap, exempt_ips_and_a_zero_cap_are_never_capped) {
  connection_cap cap(1, {"127.0.0.1"});
  for (int fd = 10; fd < 20; ++fd) EXPECT_TRUE(cap.admit(fd, {"127.0.0.1", 1}, 0, all_open));
  EXPECT_EQ(cap.held_by("127.0.0.1"), 0u);
  connection_cap uncapped(0, {});
  for (int fd = 10; fd < 20; ++fd) EXPECT_TRUE(uncapped.admit(fd, {"10.0.0.2", 1}, 0, all_open));
}

TEST(connection_cap, a_reused_fd_counts_once_for_its_new_client) {
  connection_cap cap(1, {});
  EXPECT_TRUE(cap.admit(10, {"10.0.0.2", 1}, 0, all_open));
  // fd 10 closed (its close event lost) and now holds a connection from another IP.
  EXPECT_TRUE(cap.admit(10, {"10.0.0.3", 1}, 0, all_open));
  EXPECT_EQ(cap.held_by("10.0.0.2"), 0u);
  EXPECT_TRUE(cap.admit(11, {"10.0.0.2", 2}, 0, all_open));
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
  EXPECT_TRUE(cap.admit(10, {"10.0.0.2", 1}, 0, still_open));
  EXPECT_TRUE(cap.admit(11, {"10.0.0.2", 2}, 0, still_open));
  const std::int64_t later_ms = connection_cap::recount_interval_ms;
  EXPECT_FALSE(cap.admit(12, {"10.0.0.2", 3}, later_ms, still_open)) << "both are open";
  EXPECT_EQ(checks, 2);
  open.erase(10);  // closed, unheard
  EXPECT_FALSE(cap.admit(13, {"10.0.0.2", 4}, later_ms + 1, still_open)) << "recounted at most once per interval";
  EXPECT_EQ(checks, 2);
  EXPECT_TRUE(cap.admit(14, {"10.0.0.2", 5}, 2 * later_ms, still_open));
  EXPECT_EQ(cap.held_by("10.0.0.2"), 2u);
}

}  // namespace
}  // namespace infergrid
