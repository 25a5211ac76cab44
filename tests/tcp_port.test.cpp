// What a node's tcp port does under a flood of connections, with a real `infergrid node` process
// and real sockets (deploy/readme/runtime.md "Connections from anyone"; runtime/tcp_port_monitor.hpp):
// out of file descriptors it says so (errno and endpoint) and counts it, and serves again once the
// flood ends; one client IP holds at most security.max_connections_per_ip connections while other
// IPs, and the node's members, still get in.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "messages/system.hpp"
#include "runtime/curve_keys.hpp"
#include "runtime/node.hpp"
#include "tests/support/child_counters.hpp"
#include "tests/support/child_node.hpp"
#include "tests/support/withholding_relay.hpp"
#include "tests/support/wait_until.hpp"

namespace infergrid {
namespace {

using namespace std::chrono_literals;
using testing::child_node;
using testing::wait_until;

constexpr std::int64_t call_timeout_ms = 5000;

std::unique_ptr<node> client_of(const child_node& child, const curve_keypair& own) {
  node_config config;
  config.source = "<tcp port test>";
  config.name = "client-" + std::to_string(std::random_device{}() % 100000);
  config.bind = "tcp://127.0.0.1:*";
  config.limits.drain_quiet_ms = 10;
  config.security.transport_key_secret = own.secret_z85;
  config.peers.push_back(peer_config{child.name, child.endpoint, {"health"}, std::nullopt, child.keys.transport_pub});
  auto created = node::create(std::move(config));
  EXPECT_TRUE(created.ok()) << created.err().message;
  return std::move(created).value();
}

bool answers(node& client, const child_node& child) {
  return client.call<pong>(child.name + "/health", ping{1, {}}, call_timeout_ms).ok();
}

actor_metrics port_counters(node& client, const child_node& child) {
  return testing::counters_of(client, child, "tcp_port");
}

int port_of(const child_node& child) { return std::stoi(child.endpoint.substr(child.endpoint.rfind(':') + 1)); }

// `ip` (IPv4 or IPv6) and `port` as a socket address; returns its length.
socklen_t socket_address(const std::string& ip, int port, sockaddr_storage& out) {
  if (ip.find(':') == std::string::npos) {
    auto& v4 = reinterpret_cast<sockaddr_in&>(out);
    v4.sin_family = AF_INET;
    v4.sin_port = htons(static_cast<std::uint16_t>(port));
    ::inet_pton(AF_INET, ip.c_str(), &v4.sin_addr);
    return sizeof v4;
  }
  auto& v6 = reinterpret_cast<sockaddr_in6&>(out);
  v6.sin6_family = AF_INET6;
  v6.sin6_port = htons(static_cast<std::uint16_t>(port));
  ::inet_pton(AF_INET6, ip.c_str(), &v6.sin6_addr);
  return sizeof v6;
}

// A bare tcp connection from `source_ip` to `port` at `target_ip` (IPv4 or IPv6; -1 when connect
// fails). `wait`: false leaves the connect in progress (a node that accepts nothing fills its
// backlog, and then a blocking connect would wait for SYN retries).
int connect_from(const std::string& source_ip, int port, bool wait = true, const std::string& target_ip = "127.0.0.1") {
  sockaddr_storage source{};
  sockaddr_storage target{};
  const socklen_t length = socket_address(source_ip, 0, source);
  (void)socket_address(target_ip, port, target);
  const int fd = ::socket(source.ss_family, SOCK_STREAM | SOCK_CLOEXEC | (wait ? 0 : SOCK_NONBLOCK), 0);
  if (fd < 0) return -1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&source), length) != 0 ||
      (::connect(fd, reinterpret_cast<sockaddr*>(&target), length) != 0 && (wait || errno != EINPROGRESS))) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Whether the node ended the connection (what it sent before, its ZMTP greeting, is read and dropped).
bool ended(int fd) {
  char buffer[256];
  while (true) {
    const ssize_t got = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
    if (got > 0) continue;
    if (got == 0) return true;
    return errno != EAGAIN && errno != EWOULDBLOCK;
  }
}

struct connections {
  std::vector<int> fds;
  connections() = default;
  connections(connections&& other) noexcept : fds(std::exchange(other.fds, {})) {}
  connections(const connections&) = delete;
  connections& operator=(const connections&) = delete;
  ~connections() { close_all(); }
  void close_all() {
    for (const int fd : fds) ::close(fd);
    fds.clear();
  }
  std::size_t ended_count() const {
    std::size_t count = 0;
    for (const int fd : fds) count += ended(fd) ? 1 : 0;
    return count;
  }
};

connections open_from(const std::string& source_ip, int port, int count, bool wait = true,
                      const std::string& target_ip = "127.0.0.1") {
  connections out;
  for (int i = 0; i < count; ++i) {
    const int fd = connect_from(source_ip, port, wait, target_ip);
    EXPECT_GE(fd, 0) << "connect from " << source_ip << ": " << std::strerror(errno);
    if (fd >= 0) out.fds.push_back(fd);
  }
  return out;
}

// Sends all of `bytes` (no SIGPIPE: the node may shut the connection meanwhile); false when it could not.
bool send_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t sent = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

// A ZMTP 3.0 client greeting (RFC 23) offering `mechanism` ("NULL", "CURVE").
std::string zmtp_greeting(std::string_view mechanism) {
  std::string greeting("\xff\0\0\0\0\0\0\0\0\x7f\x03\x00", 12);
  greeting += mechanism;
  greeting.resize(64, '\0');  // mechanism padded to 20 bytes, as-server 0, filler
  return greeting;
}

// Whether `fd` ends within `deadline` (polled; what the node sends meanwhile is read and dropped).
bool ends_within(int fd, std::chrono::seconds deadline) {
  return wait_until([&] { return ended(fd); }, deadline);
}

std::size_t lines_with(const std::string& log, const std::string& text) {
  std::size_t count = 0;
  for (auto at = log.find(text); at != std::string::npos; at = log.find(text, at + 1)) ++count;
  return count;
}

// A node under a low file-descriptor limit, flooded with bare connections from loopback (exempt
// from the per-IP caps): libzmq 4.3.4 retries a failed accept at once, so at EMFILE it spun (1.5 s
// of CPU in 5 s here) for as long as the flood held the descriptors, logging an accept failure
// each time. Now the port holds only what the limit leaves it (descriptor_budget.hpp) and shuts
// the connections beyond: while the flood is still held, no accept fails any more; once it ends a
// new client is answered.
TEST(tcp_port, a_flood_up_to_the_descriptor_limit_is_refused_without_running_out) {
  if (::access("/usr/bin/prlimit", X_OK) != 0) GTEST_SKIP() << "no /usr/bin/prlimit (util-linux) to lower the node's limit";
  const curve_keypair mine = generate_curve_keypair().value();
  constexpr int descriptor_limit = 256;
  const std::string limit = std::to_string(descriptor_limit);
  child_node child("fd-child", mine.public_z85,
                   "{transport: curve, transport_key: '$TRANSPORT_KEY', transport_members: ['" + mine.public_z85 +
                       "'], handshake_timeout_ms: 600000}",
                   "127.0.0.1", {"/usr/bin/prlimit", "--nofile=" + limit + ":" + limit, "--"});
  ASSERT_TRUE(child.ready) << child.process->log();
  EXPECT_TRUE(child.process->wait_for_log("the process may open 256 files", 0ms).has_value()) << child.process->log();
  {
    auto before = client_of(child, mine);
    ASSERT_TRUE(answers(*before, child)) << child.process->log();
  }
  {
    connections flood = open_from("127.0.0.1", port_of(child), 2 * descriptor_limit, false);
    const std::string refused = "all that the process's file-descriptor limit (256) leaves it";
    ASSERT_TRUE(child.process->wait_for_log(refused, 20s).has_value()) << child.process->log();
    // Settled: the connections beyond the budget are shut, and the kernel's retried connects handled.
    std::this_thread::sleep_for(3s);
    const std::size_t failures = lines_with(child.process->log(), "cannot accept a connection");
    std::this_thread::sleep_for(3s);
    EXPECT_EQ(lines_with(child.process->log(), "cannot accept a connection"), failures)
        << "accepts still fail while the flood is held\n" << child.process->log();
  }
  // The flood is closed: a new client's connection is accepted and answered.
  auto after = client_of(child, mine);
  ASSERT_TRUE(wait_until([&] { return answers(*after, child); }, 30s)) << child.process->log();
  EXPECT_GE(port_counters(*after, child).refused, 1u) << "connections beyond the budget are counted as refused";
  EXPECT_FALSE(child.process->wait_exit(0ms).has_value()) << "the node exited";
}

TEST(tcp_port, one_ip_holds_at_most_its_cap_while_other_ips_and_members_get_in) {
  const curve_keypair mine = generate_curve_keypair().value();
  constexpr int cap = 4;
  child_node child("cap-child", mine.public_z85,
                   "{transport: curve, transport_key: '$TRANSPORT_KEY', transport_members: ['" + mine.public_z85 +
                       "'], max_connections_per_ip: " + std::to_string(cap) + ", handshake_timeout_ms: 600000}");
  ASSERT_TRUE(child.ready) << child.process->log();
  const int port = port_of(child);
  auto member = client_of(child, mine);  // from 127.0.0.1: exempt by default

  connections early_other = open_from("127.0.0.3", port, 1);
  connections flood = open_from("127.0.0.2", port, 5 * cap);
  ASSERT_TRUE(wait_until([&] { return flood.ended_count() >= 4 * cap; }, 10s))
      << flood.ended_count() << " of " << flood.fds.size() << " ended\n" << child.process->log();
  EXPECT_TRUE(answers(*member, child)) << "a member's traffic flows during the flood";
  EXPECT_EQ(flood.ended_count(), static_cast<std::size_t>(4 * cap)) << "the first " << cap << " stay";
  EXPECT_EQ(early_other.ended_count(), 0u) << "another IP is not capped";

  // An IP that connects after the flood gets in too: shown once connections made after it from the
  // capped IP have been refused (the node handles them in order).
  connections late_other = open_from("127.0.0.3", port, 1);
  connections more = open_from("127.0.0.2", port, 3);
  ASSERT_TRUE(wait_until([&] { return more.ended_count() == 3; }, 10s)) << child.process->log();
  EXPECT_EQ(late_other.ended_count(), 0u);

  const actor_metrics counters = port_counters(*member, child);
  EXPECT_EQ(counters.refused, static_cast<std::uint64_t>(4 * cap + 3));
  EXPECT_EQ(counters.dropped_malformed, 0u) << "connections shut for the cap are not failed handshakes";
  EXPECT_TRUE(child.process->wait_for_log("refused a connection from 127.0.0.2: it holds 4 already", 0ms).has_value())
      << child.process->log();

  // Once the capped IP closes its connections, it connects again (its count went down): a batch of
  // cap + 1 has exactly one refused. The node may still be seeing the closes: then every one of a
  // batch is refused, and the next batch tries again.
  flood.close_all();
  more.close_all();
  bool one_refused = false;
  for (int batch = 0; batch < 20 && !one_refused; ++batch) {
    connections again = open_from("127.0.0.2", port, cap + 1);
    // The last is handled after the others (the node accepts in order): once it is refused, so are
    // any of the others that would be.
    ASSERT_TRUE(wait_until([&] { return ended(again.fds.back()); }, 10s)) << child.process->log();
    one_refused = again.ended_count() == 1;
  }
  EXPECT_TRUE(one_refused) << child.process->log();
  EXPECT_TRUE(answers(*member, child));
}

// In a network namespace of its own (so the test may give loopback addresses of its choosing), a
// node on a dual-stack [::] port: addresses of one IPv6 /64 share one cap, as one host usually owns
// a /64 (before, each of its addresses had a cap of its own); another /64 is another client; and
// clients in the exempt ranges, IPv4 ones through the dual-stack port included, are never capped.
TEST(tcp_port, ipv6_addresses_of_one_64_share_a_cap_and_exempt_ranges_are_never_capped) {
  if (::unshare(CLONE_NEWNET) != 0) GTEST_SKIP() << "cannot make a network namespace: " << std::strerror(errno);
  const std::string setup =
      "ip link set lo up && for address in 2001:db8:7::1 2001:db8:7::2 2001:db8:7:0:ffff::3 2001:db8:8::1 "
      "2001:db8:9:1::1; do ip addr add $address/64 dev lo nodad || exit 1; done";
  if (std::system(setup.c_str()) != 0) GTEST_SKIP() << "cannot add addresses to loopback with `ip`";
  const curve_keypair mine = generate_curve_keypair().value();
  constexpr int cap = 2;
  child_node child("v6-cap-child", mine.public_z85,
                   "{transport: curve, transport_key: '$TRANSPORT_KEY', transport_members: ['" + mine.public_z85 +
                       "'], max_connections_per_ip: " + std::to_string(cap) +
                       ", connection_cap_exempt: [127.0.0.0/8, '2001:db8:9::/48'], handshake_timeout_ms: 600000}",
                   "[::]");
  ASSERT_TRUE(child.ready) << child.process->log();
  const int port = port_of(child);
  const std::string node_ip = "2001:db8:7::1";
  auto member = client_of(child, mine);

  connections first = open_from("2001:db8:7::2", port, cap, true, node_ip);
  connections other_64 = open_from("2001:db8:8::1", port, cap, true, node_ip);
  connections same_64 = open_from("2001:db8:7:0:ffff::3", port, 1, true, node_ip);
  ASSERT_TRUE(wait_until([&] { return same_64.ended_count() == 1; }, 10s))
      << "another address of the same /64 is over its cap\n" << child.process->log();
  connections exempt_v6 = open_from("2001:db8:9:1::1", port, 3 * cap, true, node_ip);
  connections exempt_v4 = open_from("127.0.0.2", port, 3 * cap);  // ::ffff:127.0.0.2 on the [::] port
  // Shown after these: a refusal from the capped /64 is handled after them (the node accepts in order).
  connections last = open_from("2001:db8:7::2", port, 1, true, node_ip);
  ASSERT_TRUE(wait_until([&] { return last.ended_count() == 1; }, 10s)) << child.process->log();
  EXPECT_EQ(first.ended_count(), 0u);
  EXPECT_EQ(other_64.ended_count(), 0u) << "another /64 is another client";
  EXPECT_EQ(exempt_v6.ended_count(), 0u) << "in 2001:db8:9::/48";
  EXPECT_EQ(exempt_v4.ended_count(), 0u) << "in 127.0.0.0/8, through the dual-stack port";
  EXPECT_EQ(port_counters(*member, child).refused, 2u);
  EXPECT_TRUE(child.process
                  ->wait_for_log("refused a connection from 2001:db8:7:0:ffff::3: 2001:db8:7::/64 holds 2 already", 0ms)
                  .has_value())
      << child.process->log();
}

}  // namespace
}  // namespace infergrid

namespace infergrid {
namespace {

// Before its CURVE handshake completes a connection is a stranger's, yet libzmq buffered a frame of
// up to 16 MiB for it until the handshake timed out (twenty such connections held 330 MB of the
// node's memory). Now one that sends more than a handshake needs is shut at once, and a member is
// served throughout. The handshake timeout is long here, so only that check can end it.
TEST(tcp_port, a_connection_that_sends_a_big_frame_before_its_curve_handshake_is_shut) {
  const curve_keypair mine = generate_curve_keypair().value();
  child_node child("big-hello-child", mine.public_z85,
                   "{transport: curve, transport_key: '$TRANSPORT_KEY', transport_members: ['" + mine.public_z85 +
                       "'], handshake_timeout_ms: 600000, heartbeat_ms: 0}");
  ASSERT_TRUE(child.ready) << child.process->log();
  auto member = client_of(child, mine);
  connections stranger = open_from("127.0.0.2", port_of(child), 1);
  ASSERT_EQ(stranger.fds.size(), 1u);
  constexpr std::uint64_t frame_bytes = 1 << 20;
  std::string header = zmtp_greeting("CURVE") + "\x06";  // a long command frame: 8 size bytes follow
  for (int shift = 56; shift >= 0; shift -= 8) header += static_cast<char>((frame_bytes >> shift) & 0xff);
  ASSERT_TRUE(send_all(stranger.fds[0], header));
  (void)send_all(stranger.fds[0], std::string(frame_bytes - 1, 'x'));  // all but its last byte
  EXPECT_TRUE(ends_within(stranger.fds[0], 20s)) << child.process->log();
  EXPECT_TRUE(child.process->wait_for_log("without completing its CURVE handshake", 10s).has_value()) << child.process->log();
  EXPECT_TRUE(answers(*member, child));
  EXPECT_EQ(port_counters(*member, child).dropped_malformed, 1u);
}

// Connections that never complete their handshake: one client holds at most
// security.max_pending_handshakes_per_ip of them (well under its connection cap), another client its own.
TEST(tcp_port, one_client_holds_at_most_its_cap_of_connections_in_their_handshake) {
  const curve_keypair mine = generate_curve_keypair().value();
  constexpr int pending_cap = 3;
  child_node child("pending-child", mine.public_z85,
                   "{transport: curve, transport_key: '$TRANSPORT_KEY', transport_members: ['" + mine.public_z85 +
                       "'], handshake_timeout_ms: 600000, max_pending_handshakes_per_ip: " + std::to_string(pending_cap) +
                       "}");
  ASSERT_TRUE(child.ready) << child.process->log();
  const int port = port_of(child);
  auto member = client_of(child, mine);
  connections flood = open_from("127.0.0.2", port, 3 * pending_cap);
  connections other = open_from("127.0.0.3", port, pending_cap);
  // Shown after the others: a refusal from the capped client is handled after them (in order).
  connections last = open_from("127.0.0.2", port, 1);
  ASSERT_TRUE(ends_within(last.fds[0], 10s)) << child.process->log();
  EXPECT_EQ(flood.ended_count(), static_cast<std::size_t>(2 * pending_cap)) << child.process->log();
  EXPECT_EQ(other.ended_count(), 0u) << "another client has a cap of its own";
  EXPECT_TRUE(answers(*member, child)) << "loopback members are exempt";
  EXPECT_EQ(port_counters(*member, child).refused, static_cast<std::uint64_t>(2 * pending_cap + 1));
  EXPECT_TRUE(child.process
                  ->wait_for_log("refused a connection from 127.0.0.2: it holds 3 connections in their handshake already",
                                 0ms)
                  .has_value())
      << child.process->log();
}

// Many clients, each under its own cap, together hold at most security.max_connections; an exempt
// member still gets in, and once a connection closes another client does.
TEST(tcp_port, all_clients_together_hold_at_most_max_connections) {
  const curve_keypair mine = generate_curve_keypair().value();
  constexpr int total = 4;
  child_node child("total-child", mine.public_z85,
                   "{transport: curve, transport_key: '$TRANSPORT_KEY', transport_members: ['" + mine.public_z85 +
                       "'], handshake_timeout_ms: 600000, max_connections_per_ip: 2, max_connections: " +
                       std::to_string(total) + "}");
  ASSERT_TRUE(child.ready) << child.process->log();
  const int port = port_of(child);
  auto member = client_of(child, mine);
  connections first = open_from("127.0.0.2", port, 2);
  connections second = open_from("127.0.0.3", port, 2);
  connections third = open_from("127.0.0.4", port, 1);
  ASSERT_TRUE(ends_within(third.fds[0], 10s)) << "the port is full\n" << child.process->log();
  EXPECT_EQ(first.ended_count() + second.ended_count(), 0u);
  EXPECT_TRUE(answers(*member, child)) << "loopback members are exempt";
  EXPECT_TRUE(child.process
                  ->wait_for_log("refused a connection from 127.0.0.4: the port holds 4 connections already "
                                 "(security.max_connections)",
                                 0ms)
                  .has_value())
      << child.process->log();
  first.close_all();
  // Once the node has seen the closes, two connections fit again and a third does not; until then
  // all three are refused, and the next batch tries again.
  bool refilled = false;
  for (int batch = 0; batch < 20 && !refilled; ++batch) {
    connections again = open_from("127.0.0.4", port, 2);
    connections over = open_from("127.0.0.5", port, 1);
    ASSERT_TRUE(ends_within(over.fds[0], 10s)) << child.process->log();
    refilled = again.ended_count() == 0;
  }
  EXPECT_TRUE(refilled) << child.process->log();
}

// Under `plaintext` (as under `admit: open`) anyone completes the handshake: a client that then
// goes silent, never answering the node's PINGs, is dropped after heartbeat_timeout_ms (before, it
// was kept forever). The handshake timeout is long here, so only the heartbeat can end it.
TEST(tcp_port, a_silent_peer_that_answers_no_ping_is_dropped) {
  child_node child("silent-child", "",
                   "{transport: plaintext, handshake_timeout_ms: 600000, heartbeat_ms: 200, "
                   "heartbeat_timeout_ms: 600}");
  ASSERT_TRUE(child.ready) << child.process->log();
  connections silent = open_from("127.0.0.2", port_of(child), 1);
  ASSERT_EQ(silent.fds.size(), 1u);
  // NULL handshake (RFC 23): greeting, then READY naming the socket type.
  const std::string ready_body = std::string("\x05" "READY" "\x0b" "Socket-Type" "\0\0\0\x06" "DEALER", 28);
  ASSERT_TRUE(send_all(silent.fds[0], zmtp_greeting("NULL") + "\x04" + static_cast<char>(ready_body.size()) + ready_body));
  std::string received;
  ASSERT_TRUE(wait_until(
      [&] {
        char buffer[256];
        const ssize_t got = ::recv(silent.fds[0], buffer, sizeof buffer, MSG_DONTWAIT);
        if (got > 0) received.append(buffer, static_cast<std::size_t>(got));
        return received.find("PING") != std::string::npos || got == 0;
      },
      20s))
      << "the node pings a connection that completed its handshake";
  ASSERT_NE(received.find("READY"), std::string::npos) << "the handshake completed";
  EXPECT_TRUE(ends_within(silent.fds[0], 20s)) << child.process->log();
}

}  // namespace
}  // namespace infergrid

namespace infergrid {
namespace {

// A member's libzmq DEALER on 127.0.0.2 (through `relay`) that sends `message`.
zmq::socket_t dealer_sending(zmq::context_t& context, const curve_keypair& own, const child_node& child,
                             const testing::withholding_relay& relay, std::size_t message_bytes) {
  zmq::socket_t dealer(context, zmq::socket_type::dealer);
  make_curve_client(dealer, own, child.keys.transport_public_z85);
  dealer.set(zmq::sockopt::linger, 0);
  dealer.connect(relay.endpoint());
  (void)dealer.send(zmq::message_t(std::string(message_bytes, 'x')), zmq::send_flags::dontwait);
  return dealer;
}

// After its handshake, a member (or anyone under `admit: open` or `plaintext`) could stop in the
// middle of a frame of up to max_envelope_bytes on each of its connections, and libzmq held each
// until the heartbeat timeout (40 s): sixteen connections 700 bytes short of a 15 MiB frame held
// 246 MB. Now a client's unread bytes are capped (security.max_unread_bytes_per_ip, 40 MiB here):
// of four such connections two are shut at once (the heartbeat is far off), while whole frames
// of the same size from the same client are read and its connection kept.
TEST(tcp_port, a_client_that_stops_midway_through_big_frames_holds_at_most_its_unread_cap) {
  const curve_keypair mine = generate_curve_keypair().value();
  child_node child("unread-child", mine.public_z85,
                   "{transport: curve, transport_key: '$TRANSPORT_KEY', transport_members: ['" + mine.public_z85 +
                       "'], max_unread_bytes_per_ip: " + std::to_string(40 << 20) + "}");
  ASSERT_TRUE(child.ready) << child.process->log();
  auto member = client_of(child, mine);
  constexpr std::size_t frame_bytes = 15u << 20;
  zmq::context_t context;

  // Honest: three whole frames of 15 MiB on one connection, each once the last was read (the
  // ingress reads and drops each: a single frame is no envelope).
  testing::withholding_relay open_relay("127.0.0.2", port_of(child), ~std::uint64_t{0});
  zmq::socket_t honest = dealer_sending(context, mine, child, open_relay, frame_bytes);
  for (std::uint64_t read = 1; read <= 3; ++read) {
    const auto read_whole = [&] { return testing::counters_of(*member, child, "ingress").dropped_malformed >= read; };
    ASSERT_TRUE(wait_until(read_whole, 30s))
        << child.process->log();
    if (read < 3) (void)honest.send(zmq::message_t(std::string(frame_bytes, 'y')), zmq::send_flags::none);
  }
  EXPECT_EQ(port_counters(*member, child).refused, 0u) << child.process->log();

  // Stopped midway: four connections, each 15 MiB into a frame.
  testing::withholding_relay stalling_relay("127.0.0.2", port_of(child), frame_bytes);
  std::vector<zmq::socket_t> stalled;
  for (int i = 0; i < 4; ++i) stalled.push_back(dealer_sending(context, mine, child, stalling_relay, frame_bytes));
  ASSERT_TRUE(wait_until([&] { return port_counters(*member, child).refused >= 2; }, 20s)) << child.process->log();
  EXPECT_TRUE(child.process->wait_for_log("(security.max_unread_bytes_per_ip)", 0ms).has_value()) << child.process->log();
  EXPECT_TRUE(answers(*member, child));
  EXPECT_EQ(port_counters(*member, child).refused, 2u) << "two stalled frames fit the cap\n" << child.process->log();
  EXPECT_EQ(open_relay.open_count(), 1u) << "the honest connection is kept";
}

}  // namespace
}  // namespace infergrid
