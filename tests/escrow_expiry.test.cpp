// Every escrow ends, with a real `infergrid node` process (settlement, matchmaker, a stories260k
// worker, the HTTP bridge in settlement mode) killed and restarted the way an operator meets it:
//  - kill -9 with streams in flight, restart: the escrows left open are refunded once expired
//    (the request's deadline + escrow_grace_ms), and `infergrid ledger verify` passes with the
//    supply exactly the genesis deposit;
//  - SIGTERM with streams in flight: every escrow settled (for the tokens delivered) or refunded
//    before the process exits, no restart needed;
//  - `infergrid ledger deposit` while the grid serves: refused with a message naming the writer
//    lock, serving continues, verify passes;
//  - a prompt beyond the worker's context: 400 context_length_exceeded (as OpenAI), escrow refunded.
#include <signal.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "actors/settlement/ledger/ledger_test_support.hpp"
#include "tests/child_process.hpp"
#include "tests/compute_grid.hpp"
#include "tests/support/http_health.hpp"

namespace infergrid {
namespace {

using json = nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr std::int64_t request_timeout_ms = 4000;  // the bridge's deadline of each request
constexpr std::int64_t escrow_grace_ms = 1000;     // settlement refunds this long after it

using ledger::testing::run_cli;

class escrow_expiry_test : public ::testing::Test {
 protected:
  void SetUp() override {
    http_port = compute_testing::free_port();
    hasty_port = compute_testing::free_port();
    testing::write_file(dir + "/keys.yaml", "accounts:\n  - {name: alice, keys: [sk-alice], account: alice-ledger}\n");
    testing::write_file(
        config, "node: {name: money}\n"
                "actors:\n"
                "  - name: settlement\n"
                "    kind: settlement\n"
                "    settings: {db: " + db + ", escrow_grace_ms: " + std::to_string(escrow_grace_ms) +
                    ", reconcile_interval_ms: 200, escrow_restart_grace_ms: 500, genesis_deposits: {alice-ledger: 50000000}}\n"
                "  - name: matchmaker\n"
                "    kind: matchmaker\n"
                "    settings: {receipts_to: settlement}\n"
                "  - name: worker\n"
                "    kind: gpu_worker\n"
                "    settings: {model_path: \"" + compute_testing::stories260k_model_path() +
                    "\", slots: 2, context_size: 512}\n"
                "  - name: http\n"
                "    kind: http_bridge\n"
                "    settings: {listen: 127.0.0.1:" + std::to_string(http_port) + ", keys_file: " + dir +
                    "/keys.yaml, settlement: settlement, request_timeout_ms: " + std::to_string(request_timeout_ms) +
                    "}\n"
                "  - name: hasty-http\n"  // waits 1 ms for an escrow's answer: most come later
                "    kind: http_bridge\n"
                "    settings: {listen: 127.0.0.1:" + std::to_string(hasty_port) + ", keys_file: " + dir +
                    "/keys.yaml, settlement: settlement, settlement_timeout_ms: 1, request_timeout_ms: " +
                    std::to_string(request_timeout_ms) + "}\n");
  }

  void start() {
    grid = std::make_unique<testing::child_process>(
        std::vector<std::string>{testing::infergrid_binary(), "node", "--config", config},
        dir + "/node" + std::to_string(++starts) + ".log");
    ASSERT_TRUE(grid->started());
    if (!testing::wait_for_http_workers(http_port, 1, seconds(60))) FAIL() << "the grid did not come up:\n" << grid->log();
  }

  // Starts `count` streams and returns once the first has received a chunk: the rest are escrowed
  // and queued behind the worker's 2 slots by then.
  void start_streams(int count) {
    auto begun_owner = std::make_shared<std::atomic<int>>(0);
    std::atomic<int>& begun = *begun_owner;
    for (int i = 0; i < count; ++i) {
      streams.emplace_back([this, begun_owner, i] {
        std::atomic<int>& begun = *begun_owner;
        httplib::Client client("127.0.0.1", http_port);
        client.set_read_timeout(30, 0);
        const json body = {{"model", "stories260k"}, {"prompt", "Once upon a time " + std::to_string(i)},
                           {"max_tokens", 400}, {"stream", true}};
        bool counted = false;
        httplib::Request post;
        post.method = "POST";
        post.path = "/v1/completions";
        post.headers = {{"Authorization", "Bearer sk-alice"}, {"Content-Type", "application/json"}};
        post.body = body.dump();
        post.content_receiver = [&](const char*, std::size_t, std::uint64_t, std::uint64_t) {
          if (!counted) counted = true, ++begun;
          return true;
        };
        (void)client.send(post);
        if (!counted) ++begun;
      });
    }
    const auto deadline = std::chrono::steady_clock::now() + seconds(30);
    while (begun.load() < 1 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(milliseconds(5));
    std::this_thread::sleep_for(milliseconds(300));
  }
  void join_streams() {
    for (auto& t : streams) t.join();
    streams.clear();
  }

  int open_escrows() {
    const auto listed = run_cli("ledger --db " + db + " escrows");
    EXPECT_EQ(listed.exit_code, 0) << listed.output;
    return std::atoi(listed.output.substr(listed.output.rfind('\n', listed.output.size() - 2) + 1).c_str());
  }

  // The open escrows once none is left, or when `wait` has passed.
  int open_escrows_within(milliseconds wait) {
    const auto deadline = std::chrono::steady_clock::now() + wait;
    int open = open_escrows();
    while (open != 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(milliseconds(100));
      open = open_escrows();
    }
    return open;
  }

  // After a restart: every escrow ends within its expiry (plus the reconcile interval), and the
  // books verify with the supply exactly the genesis deposit.
  void expect_every_escrow_ends() {
    EXPECT_EQ(open_escrows_within(milliseconds(request_timeout_ms + escrow_grace_ms + 5000)), 0) << run_cli("ledger --db " + db + " escrows").output;
    const auto verified = run_cli("ledger --db " + db + " verify");
    EXPECT_EQ(verified.exit_code, 0) << verified.output;
    EXPECT_NE(verified.output.find("0 open escrows, supply 50.000000 tokens"), std::string::npos) << verified.output;
  }

  std::string dir = testing::make_temp_dir();
  std::string db = dir + "/ledger.db";
  std::string config = dir + "/node.yaml";
  int http_port = 0;
  int hasty_port = 0;
  int starts = 0;
  std::unique_ptr<testing::child_process> grid;
  std::vector<std::thread> streams;
};

TEST_F(escrow_expiry_test, kill_9_with_streams_in_flight_then_restart_refunds_every_escrow) {
  start();
  start_streams(8);
  grid->send_signal(SIGKILL);
  ASSERT_TRUE(grid->wait_exit(seconds(10)).has_value());
  join_streams();
  EXPECT_GT(open_escrows(), 0) << "no stream was in flight at the kill: the test proves nothing";
  // verify already holds (nothing is past its expiry yet, every bucket sums to the supply).
  EXPECT_EQ(run_cli("ledger --db " + db + " verify").exit_code, 0);
  start();
  expect_every_escrow_ends();
  EXPECT_TRUE(grid->wait_for_log("refunded expired escrow", seconds(1)).has_value()) << grid->log();
}

// A graceful stop ends every escrow itself, no restart needed: the bridge pays the workers for
// what the streams in flight delivered and refunds the rest as it stops, and the settlement actor,
// which stops last, records it.
TEST_F(escrow_expiry_test, sigterm_with_streams_in_flight_settles_or_refunds_every_escrow_before_exiting) {
  start();
  start_streams(3);
  grid->send_signal(SIGTERM);
  ASSERT_TRUE(grid->wait_exit(seconds(30)).has_value()) << grid->log();
  join_streams();
  EXPECT_EQ(open_escrows(), 0) << run_cli("ledger --db " + db + " escrows").output << grid->log();
  const auto verified = run_cli("ledger --db " + db + " verify");
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
  EXPECT_NE(verified.output.find("0 open escrows, supply 50.000000 tokens"), std::string::npos) << verified.output;
  const auto paid = run_cli("ledger --db " + db + " history alice-ledger");
  EXPECT_NE(paid.output.find("partial_settle"), std::string::npos) << "a stream in flight paid for its tokens\n"
                                                                   << paid.output;
}

// A bridge that stopped waiting for an escrow's answer (its client got a 503) refunds it anyway:
// the settlement actor may record the escrow after the wait ended, and nothing else would end it
// before its expiry. (A 503 whose escrow the settlement actor never recorded has nothing to refund:
// refunds are counted against the escrows recorded, not against the 503s.)
TEST_F(escrow_expiry_test, an_escrow_answered_after_the_bridge_stopped_waiting_is_refunded_at_once) {
  start();
  // One request at a time is often answered within 1 ms on a quiet machine. Requests sent together
  // queue at the settlement actor, which records their escrows one after another: the later answers
  // come after the hasty bridge stopped waiting. Rounds until one such escrow was recorded.
  const json body = {{"model", "stories260k"}, {"prompt", "Once upon a time"}, {"max_tokens", 8}};
  std::atomic<int> gave_up = 0, answered = 0;
  const auto count = [](const std::string& text, const std::string& what) {
    int n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
  };
  std::string history;
  for (int round = 0; round < 8 && count(history, "op refund/") == 0; ++round) {
    std::vector<std::thread> clients;
    for (int i = 0; i < 12; ++i) {
      clients.emplace_back([&] {
        httplib::Client client("127.0.0.1", hasty_port);
        client.set_read_timeout(30, 0);
        auto res = client.Post("/v1/completions", {{"Authorization", "Bearer sk-alice"}}, body.dump(), "application/json");
        if (!res) return ADD_FAILURE() << "no answer: " << httplib::to_string(res.error());
        if (res->status == 503) ++gave_up;
        else if (res->status == 200) ++answered;
        else ADD_FAILURE() << res->status << " " << res->body;
      });
    }
    for (auto& t : clients) t.join();
    // Each escrow expires request_timeout_ms + escrow_grace_ms (5 s) after its request: end well before.
    EXPECT_EQ(open_escrows_within(seconds(2)), 0) << run_cli("ledger --db " + db + " escrows").output;
    history = run_cli("ledger --db " + db + " history alice-ledger --limit 10000").output;
  }
  const int refunds = count(history, "op refund/");
  ASSERT_GT(refunds, 0) << "no escrow was recorded after the bridge gave up on it: the test proves nothing\n" << history;
  EXPECT_LE(refunds, gave_up.load()) << "only requests the bridge gave up on are refunded\n" << history;
  EXPECT_EQ(count(history, "op escrow/"), refunds + answered.load()) << "every escrow recorded was refunded or paid\n" << history;
  EXPECT_EQ(count(history, "op expire/"), 0) << "ended by expiry\n" << history;
  EXPECT_EQ(run_cli("ledger --db " + db + " verify").exit_code, 0);
}

TEST_F(escrow_expiry_test, cli_deposit_while_serving_is_refused_and_serving_continues) {
  start();
  const auto deposit = run_cli("ledger --db " + db + " deposit alice-ledger 5");
  EXPECT_EQ(deposit.exit_code, 1) << deposit.output;
  EXPECT_NE(deposit.output.find("open for writing by another process"), std::string::npos) << deposit.output;
  httplib::Client client("127.0.0.1", http_port);
  client.set_read_timeout(30, 0);
  const json body = {{"model", "stories260k"}, {"prompt", "Once upon a time"}, {"max_tokens", 8}};
  for (int i = 0; i < 3; ++i) {
    auto res = client.Post("/v1/completions", {{"Authorization", "Bearer sk-alice"}}, body.dump(), "application/json");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200) << res->body;
  }
  expect_every_escrow_ends();
  // Stopped, the file is free again: the same deposit goes through.
  grid->send_signal(SIGTERM);
  ASSERT_TRUE(grid->wait_exit(seconds(30)).has_value());
  const auto later = run_cli("ledger --db " + db + " deposit alice-ledger 5");
  EXPECT_EQ(later.exit_code, 0) << later.output;
}

TEST_F(escrow_expiry_test, a_prompt_beyond_the_context_is_400_context_length_exceeded_and_refunded) {
  start();
  std::string prompt;
  while (prompt.size() < 6000) prompt += "Once upon a time there was a little cat. ";  // > 512 tokens
  httplib::Client client("127.0.0.1", http_port);
  client.set_read_timeout(30, 0);
  const json body = {{"model", "stories260k"}, {"prompt", prompt}, {"max_tokens", 8}};
  auto res = client.Post("/v1/completions", {{"Authorization", "Bearer sk-alice"}}, body.dump(), "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400) << res->body;
  EXPECT_EQ(json::parse(res->body)["error"]["code"], "context_length_exceeded") << res->body;
  expect_every_escrow_ends();  // its escrow was refunded in full
}

}  // namespace
}  // namespace infergrid
