// `infergrid up --chain` (deploy/readme/chain.md, "Dev chain"), the real binary as a user runs it:
// the grid starts with its own anvil, deploys the vault and funds the dev accounts (here a developer
// key made beforehand, so its API key can be written into the keys file), binds the worker's node
// identity to its wallet and stakes the miner minimum from it, and settles through it — the stake is
// booked to the worker's own ledger account, a `chain deposit` is credited in the ledger, requests are
// served and paid over HTTP to that same account, closed epochs are anchored on the vault — and when
// the grid stops, anvil stops with it (its state kept); a second start finds the binding and stakes
// nothing twice.
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <regex>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "actors/settlement/chain/chain_key_file.hpp"
#include "actors/settlement/chain/vault_deployment_file.hpp"
#include "actors/settlement/ledger/amount.hpp"
#include "actors/settlement/ledger/ledger_test_support.hpp"
#include "runtime/identity.hpp"
#include "tests/child_process.hpp"
#include "tests/compute_grid.hpp"
#include "tests/support/anvil_node.hpp"
#include "tests/support/http_health.hpp"
#include "tests/support/wait_until.hpp"

namespace infergrid::testing {
namespace {

using namespace infergrid::chain;
using ledger::testing::run_cli;
using std::chrono::seconds;
constexpr std::int64_t token = 1'000'000;

// The number after `pattern`'s group in `text`, or -1.
std::int64_t found_number(const std::string& text, const std::string& pattern) {
  std::smatch found;
  if (!std::regex_search(text, found, std::regex(pattern))) return -1;
  auto amount = ledger::parse_amount(found[1].str());
  return amount.ok() ? *amount : -1;
}

TEST(ChainUp, DepositServeAnchorThenAnvilStopsWithTheGrid) {
  const std::string dir = make_temp_dir();
  const std::string chain_dir = dir + "/chain";
  const std::string db = dir + "/ledger.db";
  std::filesystem::create_directories(chain_dir);
  const chain_key developer = chain_key::generate();
  ASSERT_TRUE(write_chain_key_file(chain_dir + "/developer.key", developer).ok());
  const std::string account = to_hex_0x(developer.chain_address());
  write_file(dir + "/keys.yaml", "accounts:\n  - {name: dev, keys: [sk-dev], account: '" + account + "'}\n");
  const int http_port = compute_testing::free_port();
  write_file(dir + "/node.yaml",
             "node: {name: chainy, bind: 'tcp://127.0.0.1:" + std::to_string(compute_testing::free_port()) + "'}\n"
             "security: {transport: plaintext}\n"
             "limits: {drain_timeout_ms: 3000}\n"
             "actors:\n"
             "  - {name: settlement, kind: settlement, settings: {db: " + db + ", epoch_interval_ms: 1000}}\n"
             "  - {name: matchmaker, kind: matchmaker, settings: {receipts_to: settlement}}\n"
             "  - {name: worker, kind: gpu_worker, settings: {model_path: \"" + compute_testing::stories260k_model_path() +
             "\", slots: 2, context_size: 512}}\n"
             "  - {name: http, kind: http_bridge, settings: {listen: 127.0.0.1:" + std::to_string(http_port) +
             ", keys_file: " + dir + "/keys.yaml, settlement: settlement}}\n");

  child_process grid({infergrid_binary(), "up", "--config", dir + "/node.yaml", "--chain", "--chain-dir", chain_dir,
                      "--chain-port", "0"},
                     dir + "/up.log");
  ASSERT_TRUE(grid.started());
  ASSERT_TRUE(grid.wait_for_log("dev chain: anvil at http://127.0.0.1:", seconds(60))) << grid.log();
  ASSERT_TRUE(wait_for_http_workers(http_port, 1, seconds(60))) << "the grid did not come up:\n" << grid.log();
  auto deployment = read_vault_deployment_file(chain_dir + "/deployment.yaml");
  ASSERT_TRUE(deployment.ok()) << deployment.err().message;
  const std::string rpc = deployment->endpoint;
  const std::string vault = to_hex_0x(deployment->deployment.vault);
  EXPECT_NE(grid.log().find("vault " + vault), std::string::npos) << grid.log();
  EXPECT_NE(grid.log().find("developer  " + account), std::string::npos) << grid.log();
  const std::string chain_options = " --rpc " + rpc + " --vault " + vault;

  // The worker's identity is bound to its wallet, and the vault's miner minimum staked from it is
  // booked to the worker's own account — the one its receipts pay.
  auto worker = identity::load(chain_dir + "/worker.identity");
  ASSERT_TRUE(worker.ok()) << worker.err().message;
  const std::string worker_account = to_hex(worker->public_id());
  EXPECT_NE(grid.log().find("bound to node " + worker_account + ", staked 100.000000 tokens"), std::string::npos) << grid.log();
  auto worker_books = [&](const char* bucket) {
    return found_number(run_cli("ledger --db " + db + " balance " + worker_account).output, std::string(bucket) + R"(\s+([0-9.]+))");
  };
  EXPECT_TRUE(wait_until([&] { return worker_books("staked") == 100 * token; })) << run_cli("ledger --db " + db + " balance " + worker_account).output;

  // The developer was funded by `up --chain`; its deposit is credited to its 0x account.
  const auto deposited = run_cli("chain deposit 20" + chain_options + " --key " + chain_dir + "/developer.key");
  ASSERT_EQ(deposited.exit_code, 0) << deposited.output;
  auto balance = [&] { return found_number(run_cli("ledger --db " + db + " balance " + account).output, R"(balance\s+([0-9.]+))"); };
  ASSERT_TRUE(wait_until([&] { return balance() == 20 * token; })) << grid.log();

  // Served and paid over HTTP from that deposit.
  httplib::Client client("127.0.0.1", http_port);
  client.set_read_timeout(30, 0);
  const nlohmann::json body = {{"model", "stories260k"}, {"prompt", "Once upon a time"}, {"max_tokens", 16}};
  auto served = client.Post("/v1/completions", {{"Authorization", "Bearer sk-dev"}}, body.dump(), "application/json");
  ASSERT_TRUE(served) << grid.log();
  EXPECT_EQ(served->status, 200) << served->body;
  EXPECT_TRUE(wait_until([&] { const auto b = balance(); return b > 0 && b < 20 * token; })) << "the request paid nothing";
  EXPECT_TRUE(wait_until([&] { return worker_books("balance") > 0; })) << "the staked worker was not paid";

  // Epochs close every second and the operator anchors them: the vault's latest epoch moves.
  auto latest_epoch = [&] {
    return found_number(run_cli("chain status" + chain_options).output, R"(latest anchored epoch ([0-9]+))");
  };
  EXPECT_TRUE(wait_until([&] { return latest_epoch() > 0; })) << grid.log();
  // What the vault holds for it is the ledger's own root of that closed epoch.
  {
    const std::string status = run_cli("chain status" + chain_options).output;
    std::smatch anchored;
    ASSERT_TRUE(std::regex_search(status, anchored, std::regex(R"(anchor \(ledger epoch ([0-9]+)\): ledger root 0x([0-9a-f]{64}))")))
        << status;
    const std::string epochs = run_cli("ledger --db " + db + " epochs").output;
    std::smatch root;
    ASSERT_TRUE(std::regex_search(epochs, root, std::regex("epoch " + anchored[1].str() + R"( +entry [0-9]+ +root ([0-9a-f]{64}))")))
        << epochs;
    EXPECT_EQ(anchored[2].str(), root[1].str()) << status << epochs;
  }

  // The grid stops, anvil with it (state written); the chain's endpoint answers no more.
  grid.send_signal(SIGTERM);
  ASSERT_EQ(grid.wait_exit(seconds(60)), std::optional<int>(0)) << grid.log();
  EXPECT_NE(grid.log().find("dev chain stopped"), std::string::npos) << grid.log();
  const auto after = run_cli("chain status" + chain_options);
  EXPECT_EQ(after.exit_code, 1) << after.output;
  EXPECT_TRUE(std::filesystem::exists(chain_dir + "/anvil-state.json"));

  // Started again on the kept chain: the binding is found, nothing is staked twice.
  child_process again({infergrid_binary(), "up", "--config", dir + "/node.yaml", "--chain", "--chain-dir", chain_dir,
                       "--chain-port", "0"},
                      dir + "/up2.log");
  ASSERT_TRUE(again.wait_for_log("deployment file", seconds(60))) << again.log();
  EXPECT_NE(again.log().find("bound to node " + worker_account + " at an earlier start"), std::string::npos) << again.log();
  ASSERT_TRUE(wait_for_http_workers(http_port, 1, seconds(60))) << again.log();
  again.send_signal(SIGTERM);
  ASSERT_EQ(again.wait_exit(seconds(60)), std::optional<int>(0)) << again.log();
  EXPECT_EQ(worker_books("staked"), 100 * token);
}

// A config --chain cannot connect is refused with the reason, before any anvil starts (no chain folder
// made): none, two, or a settlement actor that already names its own chain.
TEST(ChainUp, AConfigItCannotConnectIsRefusedBeforeAnvilStarts) {
  const std::string dir = make_temp_dir();
  const std::string node = "node: {name: chainy, bind: 'tcp://127.0.0.1:" + std::to_string(compute_testing::free_port()) +
                           "'}\nsecurity: {transport: plaintext}\nactors:\n";
  const std::string settlement = "  - {name: settlement, kind: settlement, settings: {db: " + dir + "/ledger.db}}\n";
  const struct {
    std::string actors;
    std::string said;
  } cases[] = {
      {"  - {name: matchmaker, kind: matchmaker}\n", "--chain: the config has no settlement actor to connect"},
      {settlement + "  - {name: settlement2, kind: settlement, settings: {db: " + dir + "/ledger2.db}}\n",
       "--chain: the config has more than one settlement actor"},
      {"  - {name: settlement, kind: settlement, settings: {db: " + dir +
           "/ledger.db, chain_endpoint: 'http://127.0.0.1:1', chain_vault: '0x5FbDB2315678afecb367f032d93F642f64180aa3'}}\n",
       "this settlement actor names its own chain; drop --chain or that key"},
  };
  for (const auto& c : cases) {
    write_file(dir + "/node.yaml", node + c.actors);
    const auto up = run_cli("up --config " + dir + "/node.yaml --chain --chain-dir " + dir + "/chain --chain-port 0");
    EXPECT_EQ(up.exit_code, 1) << up.output;
    EXPECT_NE(up.output.find(c.said), std::string::npos) << up.output;
    EXPECT_FALSE(std::filesystem::exists(dir + "/chain")) << c.said;
  }
}

}  // namespace
}  // namespace infergrid::testing
