// unread_bytes_watch: which connections to shut for their client's unread bytes, from the kernel's
// count of bytes received and the whole frames read (the port monitor on real sockets:
// tests/tcp_port.test.cpp).
#include "runtime/unread_bytes_watch.hpp"

#include <gtest/gtest.h>

#include <map>

#include "runtime/curve_handshake_watch.hpp"

namespace infergrid {
namespace {

constexpr std::uint64_t mib = 1 << 20;
constexpr std::int64_t heartbeat_ms = 10000;
// What a connection may receive that is no frame: its handshake and one PONG.
constexpr std::uint64_t allowance =
    curve_handshake_watch::max_handshake_bytes + unread_bytes_watch::pong_allowance_bytes;

tcp_peer peer(const char* ip, std::uint16_t port) { return {ip_address::parse(ip).value(), port}; }

struct fake_kernel {
  std::map<int, std::uint64_t> received;  // fd -> bytes received; a missing fd is closed
  unread_bytes_watch::received_fn reader() {
    return [this](int fd) -> std::optional<std::uint64_t> {
      auto found = received.find(fd);
      if (found == received.end()) return std::nullopt;
      return found->second;
    };
  }
};

TEST(unread_bytes_watch, whole_frames_and_the_handshake_are_not_unread) {
  unread_bytes_watch watch(20 * mib, heartbeat_ms);
  whole_frame_bytes whole(64);
  whole.add(5, 7 * mib);  // an earlier connection on fd 5
  watch.add(5, peer("10.0.0.1", 1000), 7 * mib, 0);
  whole.add(5, 100 * mib);  // read whole since
  fake_kernel kernel;
  kernel.received[5] = 100 * mib + allowance;
  EXPECT_TRUE(watch.take_over_budget(kernel.reader(), whole, 0).empty());
  kernel.received[5] += 21 * mib;  // a frame arriving, not read whole
  const auto over = watch.take_over_budget(kernel.reader(), whole, 0);
  ASSERT_EQ(over.size(), 1u);
  EXPECT_EQ(over[0].fd, 5);
  EXPECT_EQ(over[0].unread_bytes, 21 * mib);
  EXPECT_EQ(watch.watched(), 0u) << "a connection to shut is forgotten";
}

TEST(unread_bytes_watch, a_client_over_its_budget_loses_its_biggest_connections_first) {
  unread_bytes_watch watch(20 * mib, heartbeat_ms);
  whole_frame_bytes whole(64);
  fake_kernel kernel;
  const std::map<int, std::uint64_t> unread{{3, 15 * mib}, {4, 4 * mib}, {6, 9 * mib}};
  for (const auto& [fd, bytes] : unread) {
    watch.add(fd, peer("10.0.0.1", static_cast<std::uint16_t>(1000 + fd)), 0, 0);
    kernel.received[fd] = bytes + allowance;
  }
  watch.add(7, peer("10.0.0.2", 2000), 0, 0);  // another client, under its own budget
  kernel.received[7] = 19 * mib + allowance;
  const auto over = watch.take_over_budget(kernel.reader(), whole, 0);
  ASSERT_EQ(over.size(), 1u) << "28 MiB less the biggest (15) is under 20";
  EXPECT_EQ(over[0].fd, 3);
  EXPECT_EQ(over[0].client_unread_bytes, 28 * mib);
  EXPECT_EQ(watch.watched(), 3u);
}

TEST(unread_bytes_watch, pongs_are_allowed_for_and_closed_connections_forgotten) {
  unread_bytes_watch watch(1 * mib, heartbeat_ms);
  whole_frame_bytes whole(64);
  fake_kernel kernel;
  watch.add(3, peer("10.0.0.1", 1000), 0, 0);
  watch.add(4, peer("10.0.0.1", 1001), 0, 0);
  // A day of PONGs (one per heartbeat) on a connection that otherwise only sent whole frames.
  constexpr std::int64_t day_ms = 86400000;
  kernel.received[3] = curve_handshake_watch::max_handshake_bytes +
                       unread_bytes_watch::pong_allowance_bytes * (day_ms / heartbeat_ms + 1);
  EXPECT_TRUE(watch.take_over_budget(kernel.reader(), whole, day_ms).empty());
  EXPECT_EQ(watch.watched(), 1u) << "fd 4 is closed";
}

}  // namespace
}  // namespace infergrid
