// A real `infergrid node` process hosting the settlement actor (durable ledger) is killed with
// SIGKILL while several clients stream payments to it over tcp; it is restarted on the same file,
// every payment is resent (acknowledged ones must come back as replays), and the chain must verify
// with every request escrowed and settled exactly once.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "actors/settlement/ledger/ledger_test_support.hpp"
#include "actors/settlement/ledger/ledger_verify.hpp"
#include "actors/settlement/ledger/signed_ops.hpp"
#include "messages/ledger.hpp"
#include "runtime/key_files.hpp"
#include "runtime/node.hpp"
#include "tests/support/free_port.hpp"

namespace infergrid {
namespace {

using ledger::testing::key;
constexpr int streams = 4;                   // client threads sending payments at once
constexpr int requests_per_stream = 150;     // upper bound; the kill usually comes first
constexpr int acknowledged_before_kill = 60;
constexpr std::int64_t call_timeout_ms = 3000;
constexpr auto ready_deadline = std::chrono::seconds(30);

std::string infergrid_binary() {
  const char* dir = std::getenv("INFERGRID_BINARY_DIR");
  return std::string(dir ? dir : "build") + "/actors/cli/infergrid";
}


pid_t start_node(const std::string& config_path) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    const std::string binary = infergrid_binary();
    ::execl(binary.c_str(), binary.c_str(), "node", "--config", config_path.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return pid;
}

// The client signs as the ledger node's operator (security.operators): only it may deposit.
std::unique_ptr<node> make_client(const std::string& endpoint, const std::string& key_path) {
  node_config self;
  self.security.identity_path = key_path;
  self.source = "<crash test client>";
  self.name = "client-" + std::to_string(::getpid());
  self.bind = "tcp://127.0.0.1:*";
  self.security.transport = transport_mode::plaintext;  // a crash test; CurveZMQ has its own tests
  self.peers.push_back(peer_config{"ledger", endpoint, {"settlement"}});
  auto client = node::create(std::move(self));
  EXPECT_TRUE(client.ok()) << client.err().message;
  return std::move(*client);
}

// Polls until the settlement actor answers (not_found for an unknown account means it is up).
bool wait_ready(node& client) {
  const auto deadline = std::chrono::steady_clock::now() + ready_deadline;
  while (std::chrono::steady_clock::now() < deadline) {
    auto reply = client.call<balance_reply>("ledger/settlement", balance_query{"probe"}, 300);
    if (reply.ok() || reply.err().code == error_code::not_found) return true;
  }
  return false;
}

std::string request_id(int stream, int i) { return "s" + std::to_string(stream) + "-r" + std::to_string(i); }

escrow_request escrow_for(const std::string& request) {
  return escrow_request{"escrow-" + request, request, "payer", 20'000, 1'000, 2'000};
}

settle_receipt receipt_for(const identity& miner, const std::string& request) {
  const ledger::settle_op op = ledger::make_settle(miner, request, 100, 200, digest{});
  return settle_receipt{"settle-" + request, request, op.receipt.miner, 100, 200, op.receipt.receipt_digest,
                        op.miner_signature};
}

TEST(settlement_node_crash, kill_9_of_the_node_loses_and_duplicates_no_acknowledged_payment) {
  ledger::testing::temp_dir dir("settlement-node-crash");
  const std::string db = dir.file("ledger.db");
  const int port = infergrid::testing::free_tcp_port();
  ASSERT_GT(port, 0);
  const std::string endpoint = "tcp://127.0.0.1:" + std::to_string(port);
  const std::string config_path = dir.file("node.yaml");
  auto operator_keys = write_new_keys(dir.file("operator"));
  ASSERT_TRUE(operator_keys.ok()) << operator_keys.err().message;
  // The node keeps its key across the restart (security.identity), as a deployed ledger node does:
  // the client pinned it at first contact and refuses replies signed by any other key.
  auto node_keys = write_new_keys(dir.file("node"));
  ASSERT_TRUE(node_keys.ok()) << node_keys.err().message;
  std::ofstream(config_path) << "node: {name: ledger, bind: '" << endpoint << "'}\n"
                             << "security: {identity: '" << dir.file("node/signing.key") << "', operators: ["
                             << operator_keys->signing_public_hex << "], transport: plaintext}\n"
                             << "actors:\n  - name: settlement\n    kind: settlement\n"
                             << "    settings: {db: '" << db << "', durable: true}\n";
  const identity miner = key(3);
  pid_t server = start_node(config_path);
  auto client = make_client(endpoint, dir.file("operator/signing.key"));
  ASSERT_TRUE(wait_ready(*client));
  ASSERT_TRUE((client->call<ledger_ack>("ledger/settlement", ledger_deposit{"fund", "payer", 0, 1'000'000'000'000}, call_timeout_ms)).ok());
  ASSERT_TRUE((client->call<ledger_ack>("ledger/settlement", ledger_deposit{"miner", ledger::account_of(miner), 1, 1}, call_timeout_ms)).ok());

  std::mutex lock;
  std::set<std::string> acknowledged;
  std::atomic<int> acknowledged_count{0};
  std::atomic<int> attempted[streams] = {};
  std::vector<std::thread> senders;
  for (int s = 0; s < streams; ++s) {
    senders.emplace_back([&, s] {
      for (int i = 0; i < requests_per_stream; ++i) {
        const std::string request = request_id(s, i);
        attempted[s] = i + 1;
        auto held = client->call<escrow_reply>("ledger/settlement", escrow_for(request), call_timeout_ms);
        if (!held.ok()) return;
        { std::lock_guard guard(lock); acknowledged.insert("escrow-" + request); }
        ++acknowledged_count;
        auto paid = client->call<settle_reply>("ledger/settlement", receipt_for(miner, request), call_timeout_ms);
        if (!paid.ok()) return;
        { std::lock_guard guard(lock); acknowledged.insert("settle-" + request); }
        ++acknowledged_count;
      }
    });
  }
  // Kill as soon as enough payments are acknowledged, while the streams are still sending.
  const auto kill_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (acknowledged_count < acknowledged_before_kill && std::chrono::steady_clock::now() < kill_deadline) {
    std::this_thread::yield();
  }
  ASSERT_EQ(::kill(server, SIGKILL), 0);
  int wait_status = 0;
  ::waitpid(server, &wait_status, 0);
  for (auto& sender : senders) sender.join();
  ASSERT_TRUE(WIFSIGNALED(wait_status));
  ASSERT_GE(acknowledged_count.load(), acknowledged_before_kill);

  server = start_node(config_path);
  ASSERT_TRUE(wait_ready(*client));
  int requests = 0;
  for (int s = 0; s < streams; ++s) {
    for (int i = 0; i < attempted[s]; ++i, ++requests) {
      const std::string request = request_id(s, i);
      auto held = client->call<escrow_reply>("ledger/settlement", escrow_for(request), call_timeout_ms);
      ASSERT_TRUE(held.ok()) << request << ": " << held.err().message;
      if (acknowledged.contains("escrow-" + request)) {
        EXPECT_TRUE(held->replayed) << request;
      }
      auto paid = client->call<settle_reply>("ledger/settlement", receipt_for(miner, request), call_timeout_ms);
      ASSERT_TRUE(paid.ok()) << request << ": " << paid.err().message;
      if (acknowledged.contains("settle-" + request)) {
        EXPECT_TRUE(paid->replayed) << request;
      }
    }
  }
  ASSERT_EQ(::kill(server, SIGTERM), 0);
  ::waitpid(server, &wait_status, 0);
  EXPECT_TRUE(WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0);
  client->stop();

  auto report = ledger::verify_ledger(db);
  ASSERT_TRUE(report.ok()) << report.err().message;
  EXPECT_EQ(report->entries, static_cast<std::uint64_t>(2 + 2 * requests));  // each op exactly once
  EXPECT_EQ(report->open_escrows, 0u);
}

}  // namespace
}  // namespace infergrid
