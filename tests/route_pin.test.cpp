// A node's route pin while the key it was first learned from is silent (deploy/readme/runtime.md,
// "Directory"): a hub, a node "w1" that first speaks with its node key and then only through an
// actor signing with a key of its own (as a gpu_worker signs with its miner key), and a stranger's
// node also named "w1" that pings the hub without pause from a fresh address under that name. Over
// several security.pin_idle_ms the hub's replies go to the real w1 throughout, never to the
// stranger. (Before, only traffic signed by the first key kept the pin alive: it lapsed after
// pin_idle_ms, the stranger's next envelope moved w1's route to itself, and w1's replies — and on a
// real grid its jobs and pay — went to the stranger.)
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "messages/system.hpp"
#include "runtime/curve_keys.hpp"
#include "runtime/node.hpp"
#include "tests/support/started_node.hpp"

namespace infergrid {
namespace {

using namespace std::chrono_literals;
constexpr std::int64_t pin_idle_ms = 400;

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

TEST(route_pin, a_nodes_other_key_sending_keeps_its_route_from_a_stranger_while_its_first_key_is_silent) {
  auto hub_config = parse_config(
      "node: {name: grid, bind: 'tcp://127.0.0.1:*'}\n"
      "limits: {drain_quiet_ms: 10}\n"
      "security: {admit: open, pin_idle_ms: " + std::to_string(pin_idle_ms) + "}\n"
      "actors:\n"
      "  - {name: health, kind: health}\n",
      "<route pin hub>");
  ASSERT_TRUE(hub_config.ok()) << hub_config.err().message;
  hub_config->security.transport_key_secret = generate_curve_keypair().value().secret_z85;
  auto hub = testing::start_node(std::move(*hub_config));
  ASSERT_TRUE(hub.ok()) << hub.err().message;
  const peer_config hub_peer{"grid", (*hub)->endpoint(), {"health"}, std::nullopt, (*hub)->transport().own.public_z85};

  auto w1 = testing::start_node(node_named("w1", hub_peer));
  ASSERT_TRUE(w1.ok()) << w1.err().message;
  // w1's route is first learned from its node key, which then falls silent.
  ASSERT_TRUE((*w1)->call<pong>("grid/health", ping{1, {}}, 3000).ok());
  std::atomic<int> w1_pongs{0}, stranger_pongs{0};
  ASSERT_TRUE((*w1)->spawn_state<counting_pinger>("miner", std::int64_t{50}, identity::generate(), &w1_pongs).ok());

  auto stranger = testing::start_node(node_named("w1", hub_peer));
  ASSERT_TRUE(stranger.ok()) << stranger.err().message;
  ASSERT_TRUE(
      (*stranger)->spawn_state<counting_pinger>("probe", std::int64_t{5}, std::optional<identity>{}, &stranger_pongs).ok());

  std::this_thread::sleep_for(std::chrono::milliseconds(5 * pin_idle_ms));
  const int w1_before = w1_pongs.load();
  std::this_thread::sleep_for(std::chrono::milliseconds(2 * pin_idle_ms));
  EXPECT_EQ(stranger_pongs.load(), 0) << "the hub's replies to w1 went to the stranger";
  EXPECT_GT(w1_pongs.load(), w1_before) << "the hub stopped answering the real w1";

  (*stranger)->stop();
  (*w1)->stop();
  (*hub)->stop();
}

}  // namespace
}  // namespace infergrid
