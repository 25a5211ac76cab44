// A node that comes back on a new port (a worker restarted after kill -9, bound to port *) is
// reached at its new endpoint at once (directory::routes_generation), and the sockets every outbox
// had opened to its old endpoint are closed after the next directory change: kept, each held a
// queue, a descriptor and ZeroMQ's reconnect timer for the life of the hub, so a hub whose workers
// come and go ran out of descriptors and ZeroMQ sockets (the soak's hub grew in libzmq).
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "messages/system.hpp"
#include "runtime/key_files.hpp"
#include "runtime/node.hpp"

namespace infergrid {
namespace {

std::size_t open_descriptors() {
  std::size_t count = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) ++count;
  return count;
}

struct ponger_state {
  explicit ponger_state(actor_context& context) : ctx(context) {}
  handler_table handlers() {
    return {on<ping>([this](const ping& p) -> result<pong> { return pong{p.sequence, p.payload, ctx.address()}; })};
  }
  actor_context& ctx;
};

node_config tcp_node(const std::string& name) {
  node_config config;
  config.source = "<peer restart test>";
  config.name = name;
  config.bind = "tcp://127.0.0.1:*";
  config.limits.drain_quiet_ms = 10;
  config.security.open_admission = true;  // any key may talk; each is pinned to its node name
  config.security.transport = transport_mode::plaintext;
  return config;
}

TEST(peer_restart, a_peer_back_on_new_ports_leaves_no_sockets_behind_in_the_hub) {
  const std::string keys = ::testing::TempDir() + "/infergrid_peer_restart_" + std::to_string(::getpid());
  std::filesystem::remove_all(keys);
  ASSERT_TRUE(write_new_keys(keys).ok());
  auto hub = node::create(tcp_node("hub"));
  ASSERT_TRUE(hub.ok()) << hub.err().message;
  ASSERT_TRUE((*hub)->spawn_state<ponger_state>("ponger").ok());
  // The same node name and key each time, on a new port: a worker restarted with its identity file.
  const auto restart_and_call = [&](std::uint64_t sequence) {
    node_config config = tcp_node("worker");
    config.security.identity_path = keys + "/signing.key";
    config.peers.push_back(peer_config{"hub", (*hub)->endpoint(), {"ponger"}});
    auto worker = node::create(std::move(config));
    ASSERT_TRUE(worker.ok()) << worker.err().message;
    auto reply = (*worker)->call<pong>("hub/ponger", ping{sequence, {}}, 10000);
    ASSERT_TRUE(reply.ok()) << "restart " << sequence << ": " << reply.err().message;
    EXPECT_EQ(reply->sequence, sequence);
    (*worker)->stop();
  };
  for (std::uint64_t i = 0; i < 3; ++i) restart_and_call(i);
  const std::size_t before = open_descriptors();
  constexpr int restarts = 40;
  for (std::uint64_t i = 0; i < restarts; ++i) restart_and_call(100 + i);
  // ZeroMQ closes sockets in its reaper thread: allow it a moment.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (open_descriptors() >= before + restarts / 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // poll period of a bounded wait
  }
  EXPECT_LT(open_descriptors(), before + restarts / 2) << "each restart left sockets behind in the hub";
  (*hub)->stop();
  std::filesystem::remove_all(keys);
}

}  // namespace
}  // namespace infergrid
