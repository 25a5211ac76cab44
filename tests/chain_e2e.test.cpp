// On-chain settlement end to end (deploy/readme/chain.md): a real `infergrid node` (settlement with
// its chain bridge and an operator key, matchmaker, a stories260k worker, the HTTP bridge) on a local
// anvil node, driven only through the real binaries as users drive them. A developer deposits with
// `infergrid chain deposit`, the ledger credits it, requests are served and paid over HTTP — with
// the node restarted mid-epoch and the chain node restarted meanwhile — the developer asks to
// withdraw its remaining balance (`chain request-withdrawal`; more than it has is refused), the
// settlement actor closes and anchors the epoch, and `chain withdraw` pays it after the challenge
// window, once. Then `ledger verify` passes and the vault's tokens equal the ledger's supply.
#include <signal.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "actors/settlement/chain/contract_views.hpp"
#include "actors/settlement/ledger/amount.hpp"
#include "actors/settlement/ledger/ledger_test_support.hpp"
#include "tests/child_process.hpp"
#include "tests/compute_grid.hpp"
#include "tests/support/http_health.hpp"
#include "tests/support/vault_devnet.hpp"

namespace infergrid::testing {
namespace {

using namespace infergrid::chain;
using json = nlohmann::json;
using ledger::testing::run_cli;
using std::chrono::milliseconds;
using std::chrono::seconds;
constexpr std::uint64_t token = 1'000'000;

class ChainEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    auto started = vault_devnet::start();
    ASSERT_TRUE(started.ok()) << started.err().message;
    net = std::move(*started);
    ASSERT_TRUE(net->fund(net->operator_key, 0).ok());
    ASSERT_TRUE(net->fund(developer, 0).ok());  // gas; its tokens are minted below, approved by the CLI
    ASSERT_TRUE(net->client->send(net->deployer, net->token, token_call::mint(developer.chain_address(), chain::token_units(100 * token, net->scale))).ok());
    write_file(dir + "/operator.key", to_hex_0x(net->operator_key.secret()) + "\n");
    write_file(dir + "/developer.key", to_hex_0x(developer.secret()) + "\n");
    http_port = compute_testing::free_port();
    node_port = compute_testing::free_port();
    write_file(dir + "/keys.yaml", "accounts:\n  - {name: dev, keys: [sk-dev], account: '" + account() + "'}\n");
  }
  void TearDown() override { stop_grid(); }

  std::string account() const { return to_hex_0x(developer.chain_address()); }
  std::string chain_options() const { return "--rpc " + net->node->endpoint() + " --vault " + to_hex_0x(net->vault); }
  std::string node_options() const { return "--config " + config(-1); }

  // The node's config; epochs close every `epoch_interval_ms` (0: never).
  std::string config(std::int64_t epoch_interval_ms = 0) const {
    const std::string path = dir + "/node.yaml";
    if (epoch_interval_ms < 0) return path;
    write_file(path,
               "node: {name: chainy, bind: 'tcp://127.0.0.1:" + std::to_string(node_port) + "'}\n"
               "security: {transport: plaintext}\n"
               "limits: {drain_timeout_ms: 3000}\n"
               "actors:\n"
               "  - name: settlement\n"
               "    kind: settlement\n"
               "    settings: {db: " + db + ", epoch_interval_ms: " + std::to_string(epoch_interval_ms) +
               ", chain_endpoint: '" + net->node->endpoint() + "', chain_vault: '" + to_hex_0x(net->vault) +
               "', chain_confirmations: 1, chain_poll_interval_ms: 100, chain_retry_max_ms: 800, chain_operator_key: " +
               dir + "/operator.key}\n"
               "  - name: matchmaker\n"
               "    kind: matchmaker\n"
               "    settings: {receipts_to: settlement}\n"
               "  - name: worker\n"
               "    kind: gpu_worker\n"
               "    settings: {model_path: \"" + compute_testing::stories260k_model_path() + "\", slots: 2, context_size: 512}\n"
               "  - name: http\n"
               "    kind: http_bridge\n"
               "    settings: {listen: 127.0.0.1:" + std::to_string(http_port) + ", keys_file: " + dir +
               "/keys.yaml, settlement: settlement}\n");
    return path;
  }

  void start_grid(std::int64_t epoch_interval_ms = 0) {
    grid = std::make_unique<child_process>(
        std::vector<std::string>{infergrid_binary(), "node", "--config", config(epoch_interval_ms)},
        dir + "/node" + std::to_string(++starts) + ".log");
    ASSERT_TRUE(grid->started());
    ASSERT_TRUE(wait_for_http_workers(http_port, 1, seconds(60))) << "the grid did not come up:\n" << grid->log();
  }
  void stop_grid() {
    if (!grid) return;
    grid->send_signal(SIGTERM);
    EXPECT_TRUE(grid->wait_exit(seconds(30)).has_value()) << grid->log();
    grid.reset();
  }
  void mine() { ASSERT_TRUE(net->client->rpc().call("evm_mine").ok()); }

  int complete(const std::string& prompt) {
    httplib::Client client("127.0.0.1", http_port);
    client.set_read_timeout(30, 0);
    const json body = {{"model", "stories260k"}, {"prompt", prompt}, {"max_tokens", 16}};
    auto res = client.Post("/v1/completions", {{"Authorization", "Bearer sk-dev"}}, body.dump(), "application/json");
    return res ? res->status : -1;
  }
  // The developer's free balance in the ledger, in micro-units (-1 when it has no account).
  std::int64_t ledger_balance() {
    const auto shown = run_cli("ledger --db " + db + " balance " + account());
    std::smatch found;
    if (shown.exit_code != 0 || !std::regex_search(shown.output, found, std::regex(R"(balance\s+([0-9.]+))"))) return -1;
    auto amount = ledger::parse_amount(found[1].str());
    return amount.ok() ? *amount : -1;
  }
  int open_escrows() {
    const auto listed = run_cli("ledger --db " + db + " escrows");
    if (listed.exit_code != 0) return -1;
    return std::atoi(listed.output.substr(listed.output.rfind('\n', listed.output.size() - 2) + 1).c_str());
  }
  bool wait_until(const std::function<bool()>& done, seconds timeout = seconds(30)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (done()) return true;
      std::this_thread::sleep_for(milliseconds(100));
    }
    return false;
  }
  std::uint64_t latest_anchored() {
    auto latest = read_u64(*net->client, net->vault, vault_call::latest_epoch());
    return latest.ok() ? *latest : 0;
  }

  std::unique_ptr<vault_devnet> net;
  chain_key developer = chain_key::generate();
  std::string dir = make_temp_dir();
  std::string db = dir + "/ledger.db";
  int http_port = 0;
  int node_port = 0;
  int starts = 0;
  std::unique_ptr<child_process> grid;
};

TEST_F(ChainEndToEnd, DepositServeAnchorWithdrawAcrossRestarts) {
  start_grid();
  // Deposit through the CLI; once one block buries it, the ledger credits the developer.
  const auto deposited = run_cli("chain deposit 20 " + chain_options() + " --key " + dir + "/developer.key");
  ASSERT_EQ(deposited.exit_code, 0) << deposited.output;
  mine();
  ASSERT_TRUE(wait_until([&] { return ledger_balance() == static_cast<std::int64_t>(20 * token); })) << grid->log();

  // Served and paid over HTTP; the node restarted mid-epoch and the chain node restarted meanwhile.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(complete("Once upon a time " + std::to_string(i)), 200);
  stop_grid();
  auto state = net->client->rpc().call("anvil_dumpState");
  ASSERT_TRUE(state.ok());
  const std::string endpoint = net->node->endpoint();
  net->node->stop();
  start_grid();  // the bridge retries while the chain is down; serving goes on
  for (int i = 3; i < 6; ++i) EXPECT_EQ(complete("Once upon a time " + std::to_string(i)), 200);
  auto restarted = anvil_node::start(static_cast<std::uint16_t>(std::stoi(endpoint.substr(endpoint.rfind(':') + 1))));
  ASSERT_TRUE(restarted.ok()) << restarted.err().message;
  net->node = std::move(*restarted);
  ASSERT_TRUE(net->client->rpc().call("anvil_loadState", json::array({*state})).ok());
  ASSERT_TRUE(wait_until([&] { return open_escrows() == 0; }));
  const std::int64_t spent_before = static_cast<std::int64_t>(20 * token) - ledger_balance();
  EXPECT_GT(spent_before, 0) << "the requests paid nothing";
  const auto again = run_cli("chain deposit 10 " + chain_options() + " --key " + dir + "/developer.key");
  ASSERT_EQ(again.exit_code, 0) << again.output;
  mine();
  ASSERT_TRUE(wait_until([&] { return ledger_balance() == static_cast<std::int64_t>(30 * token) - spent_before; }))
      << grid->log();

  // The remaining balance out: more is refused by the ledger; the epoch closes and is anchored.
  const std::int64_t remaining = ledger_balance();
  const std::string key = " --key " + dir + "/developer.key ";
  const auto too_much = run_cli("chain request-withdrawal " + std::to_string(remaining + 1) + "u " + chain_options() + key +
                                node_options());
  EXPECT_EQ(too_much.exit_code, 1) << too_much.output;
  const auto requested = run_cli("chain request-withdrawal " + std::to_string(remaining) + "u " + chain_options() + key +
                                 node_options());
  ASSERT_EQ(requested.exit_code, 0) << requested.output;
  EXPECT_EQ(ledger_balance(), 0);
  stop_grid();
  start_grid(1000);  // epochs close every second from now on
  ASSERT_TRUE(wait_until([&] { return latest_anchored() >= 1; })) << grid->log();
  // The bridge's state on /metrics (counters since this start).
  std::string metrics;
  const auto metrics_show = [&](const std::string& pattern) {
    httplib::Client client("127.0.0.1", http_port);
    auto res = client.Get("/metrics");
    metrics = res && res->status == 200 ? res->body : "";
    return std::regex_search(metrics, std::regex(pattern));
  };
  EXPECT_TRUE(wait_until([&] { return metrics_show(R"(\ninfergrid_chain_anchors_sent_total [1-9])"); })) << metrics;
  EXPECT_TRUE(metrics_show(R"(\ninfergrid_chain_next_block [1-9])")) << metrics;
  EXPECT_TRUE(metrics_show(R"(\ninfergrid_chain_operations_total\{result="refused"\} 0\n)")) << metrics;
  EXPECT_TRUE(metrics_show(R"(\ninfergrid_chain_node_reachable 1\n)")) << metrics;
  EXPECT_TRUE(metrics_show(R"(\ninfergrid_chain_reorganised 0\n)")) << metrics;

  // Inside the challenge window the CLI says so; after it the vault pays exactly once.
  const auto early = run_cli("chain withdraw " + chain_options() + key + node_options());
  EXPECT_EQ(early.exit_code, 1) << early.output;
  EXPECT_NE(early.output.find("challenge window"), std::string::npos) << early.output;
  ASSERT_TRUE(net->advance_time(net->parameters.challenge_window_seconds).ok());
  const std::uint64_t wallet_before = *net->token_balance(developer.chain_address());
  const auto paid = run_cli("chain withdraw " + chain_options() + key + node_options());
  ASSERT_EQ(paid.exit_code, 0) << paid.output;
  EXPECT_EQ(*net->token_balance(developer.chain_address()), wallet_before + static_cast<std::uint64_t>(remaining));
  const auto twice = run_cli("chain withdraw " + chain_options() + key + node_options());
  EXPECT_EQ(twice.exit_code, 1) << twice.output;
  EXPECT_NE(twice.output.find("nothing to withdraw"), std::string::npos) << twice.output;

  // Reconciled: the books verify and the vault holds exactly the ledger's supply (what the miners
  // and the treasury earned; the developer took the rest).
  stop_grid();
  const auto verified = run_cli("ledger --db " + db + " verify");
  ASSERT_EQ(verified.exit_code, 0) << verified.output;
  const std::uint64_t vault_tokens = *net->token_balance(net->vault);
  EXPECT_NE(verified.output.find("supply " + ledger::format_amount(static_cast<std::int64_t>(vault_tokens)) + " tokens"),
            std::string::npos)
      << verified.output << " vault holds " << vault_tokens;
  EXPECT_EQ(vault_tokens, 30 * token - static_cast<std::uint64_t>(remaining));
}

}  // namespace
}  // namespace infergrid::testing
