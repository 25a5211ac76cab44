// /health after a settlement outage, with real processes: a hub node (matchmaker, HTTP bridge in
// settlement mode) and a ledger node (settlement) reached as a peer. The ledger node is killed
// (-9): /health says "settlement unreachable" within a few seconds (the feed probes settlement every
// dashboard_refresh_ms while /health is asked); it is restarted: /health stops saying so within a
// few seconds — the bridge's feed asks again every dashboard_refresh_ms while the last ask failed,
// instead of every 15th time as it does for views nobody reads (it said so for ~15 s).
#include <signal.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>

#include "tests/child_process.hpp"
#include "tests/support/free_port.hpp"
#include "tests/support/node_keys.hpp"

namespace infergrid {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::child_process;

constexpr std::int64_t refresh_ms = 500;  // the bridge's dashboard_refresh_ms: unread views every 7.5 s

class settlement_health_recovery : public ::testing::Test {
 protected:
  void SetUp() override {
    const testing::node_keys hub = testing::make_node_keys(dir, "hub");
    const testing::node_keys ledger = testing::make_node_keys(dir, "ledger");
    const std::string hub_endpoint = "tcp://127.0.0.1:" + std::to_string(testing::free_tcp_port());
    const std::string ledger_endpoint = "tcp://127.0.0.1:" + std::to_string(testing::free_tcp_port());
    http_port = testing::free_tcp_port();
    testing::write_file(dir + "/keys.yaml", "accounts:\n  - {name: alice, keys: [sk-alice], account: alice-ledger}\n");
    testing::write_file(hub_config,
                        "node: {name: hub, bind: " + hub_endpoint + "}\n"
                        "security: {identity: " + hub.signing_key + ", transport: plaintext}\n"
                        "peers:\n  - {name: ledger, endpoint: " + ledger_endpoint + ", actors: [settlement]}\n"
                        "actors:\n"
                        "  - {name: matchmaker, kind: matchmaker}\n"
                        "  - name: http\n    kind: http_bridge\n"
                        "    settings: {listen: 127.0.0.1:" + std::to_string(http_port) + ", keys_file: " + dir +
                        "/keys.yaml, settlement: settlement, dashboard_refresh_ms: " + std::to_string(refresh_ms) + "}\n");
    // The ledger keeps its signing key across the restart (the hub pins the first key it saw).
    testing::write_file(ledger_config,
                        "node: {name: ledger, bind: " + ledger_endpoint + "}\n"
                        "security: {identity: " + ledger.signing_key + ", coordinators: [" + hub.signing_public_hex +
                        "], transport: plaintext}\n"
                        "peers:\n  - {name: hub, endpoint: " + hub_endpoint + ", actors: [matchmaker]}\n"
                        "actors:\n"
                        "  - name: settlement\n    kind: settlement\n"
                        "    settings: {db: " + dir + "/ledger.db, genesis_deposits: {alice-ledger: 50000000}}\n");
  }

  std::unique_ptr<child_process> start(const std::string& config, const std::string& log) {
    auto node = std::make_unique<child_process>(
        std::vector<std::string>{testing::infergrid_binary(), "node", "--config", config}, dir + "/" + log);
    EXPECT_TRUE(node->wait_for_log("started actor", seconds(20)).has_value()) << node->log();
    return node;
  }

  // Whether /health's body says (or, with `says` false, stops saying) "settlement unreachable"
  // within `wait`.
  bool health_within(bool says, milliseconds wait) {
    httplib::Client client("127.0.0.1", http_port);
    const auto deadline = std::chrono::steady_clock::now() + wait;
    do {
      auto res = client.Get("/health");
      if (res && res->status == 200) {
        last_health = res->body;
        if ((res->body.find("settlement unreachable") != std::string::npos) == says) return true;
      }
      std::this_thread::sleep_for(milliseconds(100));
    } while (std::chrono::steady_clock::now() < deadline);
    return false;
  }

  std::string dir = testing::make_temp_dir();
  std::string hub_config = dir + "/hub.yaml";
  std::string ledger_config = dir + "/ledger.yaml";
  int http_port = 0;
  std::string last_health;
};

TEST_F(settlement_health_recovery, health_is_ok_again_within_seconds_of_settlement_coming_back) {
  auto ledger = start(ledger_config, "ledger1.log");
  auto hub = start(hub_config, "hub.log");
  ASSERT_TRUE(health_within(false, seconds(10))) << last_health << "\n" << hub->log();

  ledger->send_signal(SIGKILL);
  ASSERT_TRUE(ledger->wait_exit(seconds(10)).has_value());
  ASSERT_TRUE(health_within(true, seconds(20))) << "the outage was never reported: " << last_health;

  ledger = start(ledger_config, "ledger2.log");
  EXPECT_TRUE(health_within(false, seconds(3))) << "still degraded 3 s after settlement came back: " << last_health
                                                << "\n" << hub->log();
  hub->send_signal(SIGTERM);
  EXPECT_TRUE(hub->wait_exit(seconds(20)).has_value());
  ledger->send_signal(SIGTERM);
  EXPECT_TRUE(ledger->wait_exit(seconds(20)).has_value());
}

// The outage side: the ledger node dies right after the hub's first ledger view (the next one is
// not due for 15 refreshes, 7.5 s, as nobody reads the dashboard). While /health is asked the feed
// probes settlement every refresh, so /health says "settlement unreachable" within a few seconds
// (without the probe it took up to 15 refreshes: here ~7.5 s).
TEST_F(settlement_health_recovery, health_reports_the_outage_within_seconds_while_asked) {
  auto ledger = start(ledger_config, "ledger1.log");
  auto hub = start(hub_config, "hub.log");
  ASSERT_TRUE(health_within(false, seconds(10))) << last_health << "\n" << hub->log();

  ledger->send_signal(SIGKILL);
  ASSERT_TRUE(ledger->wait_exit(seconds(10)).has_value());
  EXPECT_TRUE(health_within(true, seconds(4))) << "the outage was not reported within 4 s: " << last_health << "\n"
                                               << hub->log();
  hub->send_signal(SIGTERM);
  EXPECT_TRUE(hub->wait_exit(seconds(20)).has_value());
}

}  // namespace
}  // namespace infergrid
