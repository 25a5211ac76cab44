// Real processes over real sockets: the `infergrid node` binary as a child process, reached
// from this test's own node over tcp loopback, CurveZMQ-encrypted as a cluster runs.
#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>
#include <future>
#include <sstream>

#include "messages/codec.hpp"
#include "messages/system.hpp"
#include "runtime/node.hpp"
#include "runtime/curve_keys.hpp"
#include "tests/child_process.hpp"
#include "tests/support/child_node.hpp"
#include "tests/support/raw_socket.hpp"
#include "tests/support/sequential_pinger.hpp"

namespace infergrid {
namespace {

using namespace std::chrono_literals;
using testing::child_process;

constexpr auto start_timeout = 20s;

using testing::child_node;

// This test process's transport key: every child admits it (ZAP allowlist), it admits every child.
const curve_keypair& parent_keys() {
  static const curve_keypair keys = generate_curve_keypair().value();
  return keys;
}

// The test's own node over CurveZMQ, with each child as a peer (name, endpoint, transport public key).
std::unique_ptr<node> parent_node(const std::vector<const child_node*>& children,
                                  transport_mode transport = transport_mode::curve) {
  node_config config;
  config.security.transport = transport;
  config.source = "<test>";
  config.name = "parent";
  config.bind = "tcp://127.0.0.1:*";
  config.limits.drain_quiet_ms = 10;
  config.security.transport_key_secret = parent_keys().secret_z85;
  for (const child_node* child : children) {
    config.peers.push_back(peer_config{child->name, child->endpoint, {"health"}, std::nullopt, child->keys.transport_pub});
  }
  auto created = node::create(std::move(config));
  EXPECT_TRUE(created.ok()) << created.err().message;
  return std::move(created).value();
}

TEST(multi_process, ping_pong_between_two_processes_over_tcp) {
  child_node child("child-a", parent_keys().public_z85);
  ASSERT_TRUE(child.ready) << child.process->log();
  ASSERT_FALSE(child.endpoint.empty());
  auto parent = parent_node({&child});
  std::promise<int> done;
  auto matched = done.get_future();
  ASSERT_TRUE(parent->spawn_state<testing::sequential_pinger>("pinger", std::string("child-a/health"), 200, std::size_t{64}, &done).ok());
  ASSERT_EQ(matched.wait_for(20s), std::future_status::ready);
  EXPECT_EQ(matched.get(), 200);

  // The bare name resolves through the peer's actor list too.
  auto report = parent->call<health_report>("health", health_request{}, 5000);
  ASSERT_TRUE(report.ok()) << report.err().message;
  EXPECT_EQ(report->node, "child-a");
  bool saw_health = false;
  for (const auto& actor : report->actors) {
    if (actor.address == "child-a/health") {
      saw_health = true;
      EXPECT_EQ(actor.received, 201u);  // 200 pings + this health_request
      EXPECT_EQ(actor.sent, 200u);      // the report itself is counted after it is built
    }
  }
  EXPECT_TRUE(saw_health);
}

TEST(multi_process, one_client_talks_to_two_node_processes) {
  child_node first("node-one", parent_keys().public_z85);
  child_node second("node-two", parent_keys().public_z85);
  ASSERT_TRUE(first.ready && second.ready);
  auto parent = parent_node({&first, &second});
  auto one = parent->call<pong>("node-one/health", ping{1, {}}, 5000);
  auto two = parent->call<pong>("node-two/health", ping{2, {}}, 5000);
  ASSERT_TRUE(one.ok() && two.ok());
  EXPECT_EQ(one->responder, "node-one/health");
  EXPECT_EQ(two->responder, "node-two/health");
}

TEST(multi_process, garbage_over_tcp_is_counted_and_dropped_and_the_node_keeps_serving) {
  // Plaintext: the frames below must reach the ingress (under curve they never pass the handshake:
  // transport_security.test.cpp).
  child_node child("child-g", "", "{transport: plaintext}");
  ASSERT_TRUE(child.ready);
  zmq::context_t context;
  zmq::socket_t raw(context, zmq::socket_type::dealer);
  raw.set(zmq::sockopt::linger, 1000);
  raw.connect(child.endpoint);
  // Wrong frame count, then garbage in a well-framed envelope: the ingress decodes every envelope
  // before it delivers anything, so it drops and counts all four; the actor never sees them.
  raw.send(zmq::str_buffer("only one frame"), zmq::send_flags::none);
  for (std::string garbage : {std::string("\xc1"), std::string("\x93\x01\x02"), std::string(1000, '\xff')}) {
    raw.send(zmq::str_buffer("health\nintruder\n"), zmq::send_flags::sndmore);
    raw.send(zmq::buffer(garbage), zmq::send_flags::none);
  }
  auto parent = parent_node({&child}, transport_mode::plaintext);
  // Garbage and the probe travel different connections; poll until the counters show all of it.
  std::uint64_t actor_malformed = 0;
  std::uint64_t ingress_malformed = 0;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline && ingress_malformed < 4) {
    auto report = parent->call<health_report>("child-g/health", health_request{}, 5000);
    ASSERT_TRUE(report.ok()) << report.err().message;
    for (const auto& actor : report->actors) {
      if (actor.address == "child-g/health") actor_malformed = actor.dropped_malformed;
      if (actor.kind == "ingress") ingress_malformed = actor.dropped_malformed;
    }
  }
  EXPECT_EQ(actor_malformed, 0u);
  EXPECT_EQ(ingress_malformed, 4u);
}

// The counters of `child`'s actor `address`, as its health actor reports them to `parent`.
actor_metrics metrics_of(node& parent, const child_node& child, const std::string& address) {
  auto report = parent.call<health_report>(child.name + "/health", health_request{}, 5000);
  EXPECT_TRUE(report.ok()) << report.err().message;
  if (report.ok()) {
    for (const auto& actor : report->actors) {
      if (actor.address == address) return actor;
    }
  }
  return {};
}

// The ingress counters of `child`, as its health actor reports them to `parent`.
actor_metrics ingress_of(node& parent, const child_node& child) {
  return metrics_of(parent, child, child.name + "/_ingress");
}

// A route frame names where its sender wants replies, and the node keeps what it learns there (its
// ingress cache, directory and route pins, under each sender node name). A validly signed ping
// whose reply endpoint is no tcp:// endpoint to connect to — megabytes long, or ipc:// or inproc://
// (the node's own actors' inboxes are inproc://infergrid/<node>/<actor>) — is dropped as malformed,
// and the node keeps serving. Before, each was admitted: the node learned the endpoint (a stranger
// could park 16 MB under each of thousands of fresh names) and sent its pong there.
TEST(multi_process, a_route_naming_a_reply_endpoint_that_is_no_tcp_endpoint_is_dropped) {
  child_node child("child-r", "", "{transport: plaintext, admit: open}");
  ASSERT_TRUE(child.ready) << child.process->log();
  auto parent = parent_node({&child}, transport_mode::plaintext);
  const actor_metrics before = ingress_of(*parent, child);
  testing::raw_socket script(child.endpoint, "");
  const identity stranger = identity::generate();
  const std::string unusable[] = {"tcp://" + std::string(4 << 20, 'x') + ":7400", "ipc:///tmp/infergrid-reply-test",
                                  "inproc://infergrid/child-r/health", "tcp://127.0.0.1:*"};
  std::uint64_t id = 1;
  for (const std::string& reply : unusable) {
    const std::string node_name = "stranger" + std::to_string(id);
    script.send_signed("health", node_name, testing::envelope_of(ping{id, {}}, node_name + "/x", "child-r/health", id),
                       stranger, reply);
    ++id;
  }
  actor_metrics after = before;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline && after.dropped_malformed < before.dropped_malformed + 4) {
    after = ingress_of(*parent, child);
  }
  EXPECT_EQ(after.dropped_malformed - before.dropped_malformed, 4u);
  // Only the parent's own health requests were admitted (one per report asked for).
  auto pong_back = parent->call<pong>("child-r/health", ping{99, {}}, 5000);
  EXPECT_TRUE(pong_back.ok()) << child.process->log();
  EXPECT_FALSE(child.process->wait_for_log("cannot", 0ms).has_value()) << child.process->log();
}

// A route frame whose sender node name (or actor name) is longer than any address, up to the frame
// limit, is dropped as malformed before anything logs it: before, the gate refused the envelope
// ("sender … is not on node <4 MB>") and the refusal's warn line carried the name twice.
TEST(multi_process, a_route_naming_an_oversized_sender_node_is_dropped_before_it_is_logged) {
  setenv("INFERGRID_LOG", "debug", 1);
  child_node child("child-n", "", "{transport: plaintext, admit: open}");
  unsetenv("INFERGRID_LOG");
  ASSERT_TRUE(child.ready) << child.process->log();
  auto parent = parent_node({&child}, transport_mode::plaintext);
  const actor_metrics before = ingress_of(*parent, child);
  testing::raw_socket script(child.endpoint, "");
  const identity stranger = identity::generate();
  script.send_signed("health", std::string(4 << 20, 'n'), testing::envelope_of(ping{1, {}}, "stranger/x", "child-n/health", 1),
                     stranger);
  actor_metrics after = before;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline && after.dropped_malformed < before.dropped_malformed + 1) {
    after = ingress_of(*parent, child);
  }
  EXPECT_EQ(after.dropped_malformed - before.dropped_malformed, 1u);
  EXPECT_TRUE(parent->call<pong>("child-n/health", ping{99, {}}, 5000).ok());
  std::istringstream lines(child.process->log());
  std::size_t longest = 0;
  for (std::string line; std::getline(lines, line);) longest = std::max(longest, line.size());
  EXPECT_LT(longest, 4096u);
}

// MessagePack bombs in the body of validly signed envelopes from a stranger on the node's port:
// nesting far past the depth limit, arrays, maps and strings declaring 4 G entries or bytes they do
// not carry, an ext type where a struct belongs. The ingress passes a body through unread; the
// actor's decode (messages/codec.cpp: bounded depth and element count, no allocation by declared
// length) refuses each as malformed, counts it, and the node keeps answering.
TEST(multi_process, message_pack_bombs_in_a_signed_body_are_counted_and_the_node_keeps_serving) {
  child_node child("child-b", "", "{transport: plaintext, admit: open}");
  ASSERT_TRUE(child.ready) << child.process->log();
  auto parent = parent_node({&child}, transport_mode::plaintext);
  const std::uint64_t before = metrics_of(*parent, child, "child-b/health").dropped_malformed;
  const std::vector<std::vector<std::uint8_t>> bombs = {
      [] { std::vector<std::uint8_t> deep(1 << 20, 0x91); deep.push_back(0x00); return deep; }(),
      {0xdd, 0xff, 0xff, 0xff, 0xff},        // array32 of 4294967295 elements, none sent
      {0xdf, 0xff, 0xff, 0xff, 0xff, 0x00},  // map32 of as many pairs
      {0xdb, 0xff, 0xff, 0xff, 0xff, 'x'},   // str32 of 4 GiB, one byte sent
      {0xc7, 0x04, 0x05, 1, 2, 3, 4},        // ext8, type 5
  };
  testing::raw_socket script(child.endpoint, "");
  const identity stranger = identity::generate();
  std::uint64_t id = 1;
  for (const auto& bomb : bombs) {
    envelope e = testing::envelope_of(ping{id, {}}, "stranger/x", "child-b/health", id);
    e.body = bomb;
    script.send_signed("health", "stranger", e, stranger);
    ++id;
  }
  std::uint64_t malformed = before;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline && malformed < before + bombs.size()) {
    malformed = metrics_of(*parent, child, "child-b/health").dropped_malformed;
  }
  EXPECT_EQ(malformed - before, bombs.size()) << child.process->log();
  EXPECT_TRUE(parent->call<pong>("child-b/health", ping{99, {}}, 5000).ok()) << child.process->log();
}

TEST(multi_process, sigterm_drains_and_exits_zero) {
  child_node child("child-t", parent_keys().public_z85);
  ASSERT_TRUE(child.ready);
  auto parent = parent_node({&child});
  ASSERT_TRUE(parent->call<pong>("child-t/health", ping{1, {}}, 5000).ok());
  child.process->send_signal(SIGTERM);
  auto status = child.process->wait_exit(10s);
  ASSERT_TRUE(status.has_value()) << "did not exit within 10 s";
  EXPECT_EQ(*status, 0) << child.process->log();
  EXPECT_TRUE(child.process->wait_for_log("draining", 0ms).has_value());
  EXPECT_TRUE(child.process->wait_for_log("child-t: stopped", 0ms).has_value());
}

TEST(multi_process, sigint_stops_infergrid_up_cleanly) {
  const auto directory = testing::make_temp_dir();
  const std::string config = directory + "/up.yaml";
  testing::write_file(config, "node: {name: solo, bind: 'tcp://127.0.0.1:*'}\nsecurity: {transport: plaintext}\nactors: [{kind: health}]\n");
  child_process up({testing::infergrid_binary(), "up", "--config", config}, directory + "/log.txt");
  ASSERT_TRUE(up.wait_for_log("started actor solo/health (health)", start_timeout).has_value()) << up.log();
  ASSERT_TRUE(up.wait_for_log("Ctrl-C to stop", start_timeout).has_value());
  up.send_signal(SIGINT);
  auto status = up.wait_exit(10s);
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(*status, 0) << up.log();
}

TEST(multi_process, a_bad_config_fails_with_file_line_and_key) {
  const auto directory = testing::make_temp_dir();
  const std::string config = directory + "/bad.yaml";
  testing::write_file(config, "node:\n  name: x\nactors:\n  - name: w\n    kind: warp_drive\n");
  child_process node_process({testing::infergrid_binary(), "node", "--config", config}, directory + "/log.txt");
  auto status = node_process.wait_exit(10s);
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(*status, 1);
  EXPECT_TRUE(node_process.wait_for_log(config + ":5: actors[0].kind: unknown actor kind 'warp_drive'", 0ms).has_value())
      << node_process.log();
}

}  // namespace
}  // namespace infergrid
