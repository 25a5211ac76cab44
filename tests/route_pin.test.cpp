// A node's route pin while the key it was first learned from is silent (deploy/readme/runtime.md,
// "Directory"): a hub, a node "w1" that first speaks with its node key and then only through an
// actor signing with a key of its own (as a gpu_worker signs with its miner key), and a stranger's
// node also named "w1" that sends the hub stray pongs without pause from a fresh address under that
// name (stray, so the hub answers nothing that would bounce off the real w1 and wake its node key).
// Over several security.pin_idle_ms the hub's replies go to the real w1 throughout and nothing of
// w1's reaches the stranger. (Before, only traffic signed by the first key kept the pin alive: it
// lapsed after pin_idle_ms, the stranger's next envelope moved w1's route to itself, and w1's
// replies — and on a real grid its jobs and pay — went to the stranger.) The same holds after a
// flood of node names has made the hub's ingress forget the routes it cached.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <thread>

#include "messages/system.hpp"
#include "runtime/curve_keys.hpp"
#include "runtime/node.hpp"
#include "tests/support/raw_socket.hpp"
#include "tests/support/started_node.hpp"

namespace infergrid {
namespace {

using namespace std::chrono_literals;
constexpr std::int64_t pin_idle_ms = 1000;

// Pings the hub every `interval_ms`, signing as `key` when given, and counts the pongs that reach it.
struct counting_pinger {
  counting_pinger(actor_context& context, std::int64_t every_ms, std::optional<identity> key, std::atomic<int>* answered)
      : ctx(context), interval_ms(every_ms), pongs(answered) {
    if (key) ctx.sign_as(*key);
  }
  void on_start() {
    (void)ctx.every(interval_ms, [this] {
      ctx.request<pong>("grid/health", ping{++sent, {}}, 1000, [this](result<pong> answer) {
        if (answer.ok()) ++*pongs;
      });
    });
  }
  handler_table handlers() { return {}; }
  actor_context& ctx;
  std::int64_t interval_ms;
  std::atomic<int>* pongs;
  std::uint64_t sent = 0;
};

// Sends the hub a stray pong (answered by nothing) every `interval_ms`, signed with its node's key.
struct stray_sender {
  stray_sender(actor_context& context, std::int64_t every_ms) : ctx(context), interval_ms(every_ms) {}
  void on_start() {
    (void)ctx.every(interval_ms, [this] { (void)ctx.send("grid/health", pong{++sent, {}}); });
  }
  handler_table handlers() { return {}; }
  actor_context& ctx;
  std::int64_t interval_ms;
  std::uint64_t sent = 0;
};

// Envelopes that reached `n`'s tcp port, admitted or refused.
std::uint64_t ingress_count(node& n, const std::string& node_name) {
  for (const auto& m : n.metrics()) {
    if (m.address == node_name + "/_ingress") return m.received + m.refused;
  }
  return 0;
}

node_config node_named(const std::string& name, const peer_config& hub) {
  node_config config;
  config.source = "<" + name + ">";
  config.name = name;
  config.bind = "tcp://127.0.0.1:*";
  config.limits.drain_quiet_ms = 10;
  config.security.transport_key_secret = generate_curve_keypair().value().secret_z85;
  config.peers.push_back(hub);
  return config;
}

class route_pin : public ::testing::Test {
 protected:
  void SetUp() override {
    // The directory keeps every learned node here, so only the ingress forgets any (flood test).
    auto hub_started = testing::start_curve_node(
        "node: {name: grid, bind: 'tcp://127.0.0.1:*'}\n"
        "limits: {drain_quiet_ms: 10, max_learned_peers: 100000}\n"
        "security: {admit: open, pin_idle_ms: " + std::to_string(pin_idle_ms) + "}\n"
        "actors:\n"
        "  - {name: health, kind: health}\n",
        "<route pin hub>");
    ASSERT_TRUE(hub_started.ok()) << hub_started.err().message;
    hub = std::move(*hub_started);
    const peer_config hub_peer = testing::peer_of(*hub, {"health"});

    auto w1_started = testing::start_node(node_named("w1", hub_peer));
    ASSERT_TRUE(w1_started.ok()) << w1_started.err().message;
    w1 = std::move(*w1_started);
    // w1's route is first learned from its node key, which then falls silent.
    ASSERT_TRUE(w1->call<pong>("grid/health", ping{1, {}}, 3000).ok());
    ASSERT_TRUE(w1->spawn_state<counting_pinger>("miner", std::int64_t{70}, identity::generate(), &w1_pongs).ok());

    auto stranger_started = testing::start_node(node_named("w1", hub_peer));
    ASSERT_TRUE(stranger_started.ok()) << stranger_started.err().message;
    stranger = std::move(*stranger_started);
    ASSERT_TRUE(stranger->spawn_state<stray_sender>("probe", std::int64_t{2}).ok());
  }

  void TearDown() override {
    if (stranger) stranger->stop();
    if (w1) w1->stop();
    if (hub) hub->stop();
  }

  // Over several pin_idle_ms, the hub's replies go to the real w1 and nothing reaches the stranger.
  void expect_w1_keeps_its_route() {
    std::this_thread::sleep_for(std::chrono::milliseconds(5 * pin_idle_ms));
    const int w1_before = w1_pongs.load();
    std::this_thread::sleep_for(std::chrono::milliseconds(2 * pin_idle_ms));
    EXPECT_EQ(ingress_count(*stranger, "w1"), 0u) << "the hub sent w1's traffic to the stranger";
    EXPECT_GT(w1_pongs.load(), w1_before) << "the hub stopped answering the real w1";
  }

  std::unique_ptr<node> hub, w1, stranger;
  std::atomic<int> w1_pongs{0};
};

TEST_F(route_pin, a_nodes_other_key_sending_keeps_its_route_from_a_stranger_while_its_first_key_is_silent) {
  expect_w1_keeps_its_route();
}

// The hub's ingress forgets the routes it cached once it has seen max_learned_nodes (4096) nodes:
// a script sending one stray pong each from 4200 fresh node names (one key; admission is open)
// makes it forget w1's too. The route pin remembers the route itself, so w1's miner key still
// confirms it. (With the pin judged against the ingress's cache, w1's envelopes after the flood no
// longer came "over its route", nothing kept the pin alive, it lapsed after pin_idle_ms and the
// stranger's next stray pong took w1's route: the hub's pongs to w1/miner went to the stranger.)
TEST_F(route_pin, a_flood_of_node_names_does_not_reopen_the_route) {
  const auto ingress_received = [this] {
    for (const auto& m : hub->metrics()) {
      if (m.address == "grid/_ingress") return m.received;
    }
    return std::uint64_t{0};
  };
  const std::uint64_t before = ingress_received();
  testing::raw_socket script(hub->endpoint(), hub->transport().own.public_z85);
  const identity flooder = identity::generate();
  for (int i = 0; i < 4200; ++i) {
    const std::string name = "flood" + std::to_string(i);
    // A stray pong: admitted and learned from, answered by nothing (no queue of answers to nowhere).
    script.send_signed("health", name, testing::envelope_of(pong{1, {}}, name + "/x", "grid/health", 1), flooder,
                       "tcp://127.0.0.1:28999");
  }
  // The pin's idle time counts from here: the hub has taken in the whole flood.
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (ingress_received() < before + 4200 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
  ASSERT_GE(ingress_received(), before + 4200);
  expect_w1_keeps_its_route();
}

}  // namespace
}  // namespace infergrid
