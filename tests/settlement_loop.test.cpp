// The money loop in one node, with real actors: the HTTP bridge in settlement mode escrows each
// request with the settlement actor, a gpu_worker on stories260k serves it and signs its receipt,
// the matchmaker forwards the receipt to settlement (`receipts_to`), which pays the miner and
// closes the escrow. Checked through the ledger: the payer pays exactly the settled cost, the miner
// and the treasury get it, the escrow closes; a failing request is refunded in full; a payer that
// cannot cover the maximum cost gets 402, an unknown ledger account 402, an unreachable settlement 503.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "messages/ledger.hpp"
#include "runtime/config.hpp"
#include "runtime/node.hpp"
#include "tests/compute_grid.hpp"
#include "tests/support/started_node.hpp"
#include "tests/support/http_health.hpp"

namespace infergrid {
namespace {

using json = nlohmann::json;
constexpr std::int64_t funded_micro = 50'000'000;
constexpr std::int64_t call_timeout_ms = 5000;
constexpr auto ledger_wait = std::chrono::seconds(10);  // bound on waiting for a receipt or refund to land

std::string write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path) << text;
  return path.string();
}

class settlement_loop_test : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir);
    const std::string keys = write_file(dir / "keys.yaml",
                                        "accounts:\n"
                                        "  - {name: alice, keys: [sk-alice], account: alice-ledger}\n"
                                        "  - {name: poor, keys: [sk-poor], account: poor-ledger}\n"
                                        "  - {name: ghost, keys: [sk-ghost], account: no-such-ledger-account}\n");
    http_port = compute_testing::free_port();
    orphan_port = compute_testing::free_port();
    const std::string yaml =
        "node: {name: loop}\n"
        "limits: {drain_quiet_ms: 10}\n"
        "actors:\n"
        "  - name: settlement\n"
        "    kind: settlement\n"
        "    settings: {db: " + (dir / "ledger.db").string() + ", durable: false, fee_bps: 100,\n"
        "               genesis_deposits: {alice-ledger: " + std::to_string(funded_micro) + ", poor-ledger: 10}}\n"
        "  - name: matchmaker\n"
        "    kind: matchmaker\n"
        "    settings: {receipts_to: settlement}\n"
        "  - name: worker\n"
        "    kind: gpu_worker\n"
        "    settings: {model_path: \"" + compute_testing::stories260k_model_path() + "\", slots: 4, context_size: 128,\n"
        "               price_prompt_micro: 300, price_completion_micro: 500}\n"
        "  - name: http\n"
        "    kind: http_bridge\n"
        "    settings: {listen: 127.0.0.1:" + std::to_string(http_port) + ", keys_file: " + keys + ", settlement: settlement}\n"
        "  - name: orphan-http\n"
        "    kind: http_bridge\n"
        "    settings: {listen: 127.0.0.1:" + std::to_string(orphan_port) + ", keys_file: " + keys +
        ", settlement: nobody-settles, settlement_timeout_ms: 500}\n";
    auto started = testing::start_node(yaml, "<settlement loop test>");
    ASSERT_TRUE(started.ok()) << started.err().message;
    grid = std::move(*started);
    ASSERT_TRUE(wait_until_served());
  }
  void TearDown() override {
    if (grid) grid->stop();
    std::filesystem::remove_all(dir);
  }

  httplib::Result complete(int port, const std::string& key, const json& body) {
    httplib::Client client("127.0.0.1", port);
    client.set_read_timeout(60, 0);
    return client.Post("/v1/completions", {{"Authorization", "Bearer " + key}}, body.dump(), "application/json");
  }
  // The bridge answers once the worker has registered (the model list comes from the matchmaker).
  bool wait_until_served() { return testing::wait_for_http_workers(http_port, 1, std::chrono::seconds(60)); }
  balance_reply balance(const std::string& account) {
    auto b = grid->call<balance_reply>("settlement", balance_query{account}, call_timeout_ms);
    return b.ok() ? *b : balance_reply{};
  }
  // The receipt or refund lands after the HTTP answer: wait (bounded) until nothing is escrowed.
  balance_reply settled(const std::string& account) {
    const auto deadline = std::chrono::steady_clock::now() + ledger_wait;
    balance_reply b = balance(account);
    while (b.escrowed_micro != 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      b = balance(account);
    }
    return b;
  }

  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              ("infergrid-settlement-loop-" + std::to_string(::getpid()));
  int http_port = 0;
  int orphan_port = 0;
  std::unique_ptr<node> grid;
};

TEST_F(settlement_loop_test, a_completion_is_paid_from_escrow_by_the_workers_receipt) {
  for (int round = 1; round <= 2; ++round) {
    const std::int64_t before = balance("alice-ledger").balance_micro;
    auto res = complete(http_port, "sk-alice",
                        {{"model", "stories260k"}, {"prompt", "Once upon a time"}, {"max_tokens", 12}, {"temperature", 0}});
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << res->body;
    const json answer = json::parse(res->body);
    const std::int64_t prompt = answer["usage"]["prompt_tokens"], completion = answer["usage"]["completion_tokens"];
    const std::string miner = answer["miner"];
    ASSERT_GT(completion, 0);
    // At the worker's ask (300 / 500 micro per 1k tokens), not the escrow's caps (the bridge's
    // defaults, 400 / 800), rounded down; 1 % fee.
    const std::int64_t cost = (prompt * 300 + completion * 500) / 1000;
    const std::int64_t fee = cost * 100 / 10'000;
    const balance_reply after = settled("alice-ledger");
    EXPECT_EQ(after.escrowed_micro, 0);
    EXPECT_EQ(after.balance_micro, before - cost) << "round " << round;
    EXPECT_EQ(balance(miner).balance_micro, round * (cost - fee));  // same prompt, greedy: same cost
    EXPECT_EQ(balance(miner).kind, 1);  // its first payment opened a miner account
    EXPECT_EQ(balance("treasury").balance_micro, round * fee);
  }
}

TEST_F(settlement_loop_test, a_request_capped_under_the_ask_is_not_served_and_one_capped_over_it_pays_the_ask) {
  const std::int64_t before = balance("alice-ledger").balance_micro;
  // provider.max_price in USD per million tokens: 0.45 = 450 micro per 1k, under the worker's 500.
  auto refused = complete(http_port, "sk-alice",
                          {{"model", "stories260k"}, {"prompt", "Once upon a time"}, {"max_tokens", 8},
                           {"provider", {{"max_price", {{"completion", 0.45}}}}}});
  ASSERT_TRUE(refused);
  EXPECT_GE(refused->status, 400) << refused->body;
  EXPECT_NE(refused->body.find("max_price_completion_micro=450"), std::string::npos) << refused->body;
  EXPECT_EQ(settled("alice-ledger").balance_micro, before);  // refunded in full
  // 2.0 = 2,000 micro per 1k: above the bridge's default cap, and the worker's ask is still what is paid.
  auto served = complete(http_port, "sk-alice",
                         {{"model", "stories260k"}, {"prompt", "Once upon a time"}, {"max_tokens", 8},
                          {"temperature", 0}, {"provider", {{"max_price", {{"completion", 2.0}}}}}});
  ASSERT_TRUE(served);
  ASSERT_EQ(served->status, 200) << served->body;
  const json answer = json::parse(served->body);
  const std::int64_t prompt = answer["usage"]["prompt_tokens"], completion = answer["usage"]["completion_tokens"];
  const balance_reply after = settled("alice-ledger");
  EXPECT_EQ(after.escrowed_micro, 0);
  EXPECT_EQ(after.balance_micro, before - (prompt * 300 + completion * 500) / 1000);
}

TEST_F(settlement_loop_test, a_failed_request_is_refunded_in_full) {
  const std::int64_t before = balance("alice-ledger").balance_micro;
  // Longer than the worker's 128-token context: the job fails after its escrow was taken.
  auto res = complete(http_port, "sk-alice",
                      {{"model", "stories260k"}, {"prompt", std::string(2000, 'a')}, {"max_tokens", 8}});
  ASSERT_TRUE(res);
  EXPECT_GE(res->status, 400) << res->body;
  const balance_reply after = settled("alice-ledger");
  EXPECT_EQ(after.escrowed_micro, 0);
  EXPECT_EQ(after.balance_micro, before);
}

TEST_F(settlement_loop_test, a_payer_that_cannot_cover_the_maximum_cost_gets_402_and_keeps_its_funds) {
  auto res = complete(http_port, "sk-poor", {{"model", "stories260k"}, {"prompt", "Hi"}, {"max_tokens", 64}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 402) << res->body;
  EXPECT_EQ(json::parse(res->body)["error"]["code"], "insufficient_balance");
  EXPECT_EQ(balance("poor-ledger").balance_micro, 10);
  auto ghost = complete(http_port, "sk-ghost", {{"model", "stories260k"}, {"prompt", "Hi"}, {"max_tokens", 4}});
  ASSERT_TRUE(ghost);
  EXPECT_EQ(ghost->status, 402) << ghost->body;
  EXPECT_NE(ghost->body.find("no-such-ledger-account"), std::string::npos);
}

TEST_F(settlement_loop_test, an_unreachable_settlement_actor_is_503_naming_it) {
  auto res = complete(orphan_port, "sk-alice", {{"model", "stories260k"}, {"prompt", "Hi"}, {"max_tokens", 4}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 503) << res->body;
  EXPECT_NE(res->body.find("nobody-settles"), std::string::npos);
  EXPECT_EQ(balance("alice-ledger").balance_micro, funded_micro);
}

}  // namespace
}  // namespace infergrid
