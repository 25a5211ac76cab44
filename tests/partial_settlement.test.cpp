// Partial settlement as a user and an operator meet it, with real processes over tcp: a hub
// (settlement, matchmaker forwarding receipts, the HTTP bridge in settlement mode) and stories260k
// worker processes, driven over real HTTP, checked with `infergrid ledger balance/history/verify`:
//  - failover: the worker streaming a request is kill -9'ed, another finishes it; each is paid for
//    exactly its own tokens (the first from its last signed chunk claim), the payer pays the prompt
//    once and every completion token it received, the rest of the escrow goes back;
//  - A → B → A: the first worker comes back after the second is killed and finishes the request;
//    it is paid for both of its segments, the second for its own, each token once;
//  - a cancelled stream: the worker is paid for the tokens the bridge got from it, the payer pays
//    exactly that, the rest is refunded;
//  - a settlement outage: with the settlement actor in a process of its own (the "ledger" node),
//    kill -9'ed mid-stream and restarted after its replay window (so no envelope queued meanwhile
//    is taken), the receipt of a stream that finished meanwhile (the matchmaker's), and the
//    delivered claims and refund of one the client cancelled meanwhile (the bridge's), still
//    settle their escrows once it is back: each is sent again until settlement answers;
//  - a lost bridge: with the bridge on a node of its own, kill -9'ed mid-stream, the payer pays
//    only for what the bridge had received and the rest is refunded within seconds.
//  - owed journals: a bridge kill -9'ed while it owed settlement a cancelled stream's claims and
//    refund, and a matchmaker stopped while it held a receipt for the bridge's word, send them again
//    after a restart (owed_journal); a journal another actor holds is refused at start; an escrow a
//    bridge killed before it dispatched the job had asked for is refunded when it starts again.
// Prices make every token visible in the books: the workers ask 1 micro per prompt token and 1,000
// per completion token (half the bridge's caps, so what is paid is the ask), fee 1 % (floor).
#include <signal.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <memory>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <msgpack.hpp>
#include <nlohmann/json.hpp>

#include "actors/settlement/ledger/ledger_test_support.hpp"
#include "runtime/identity.hpp"
#include "runtime/key_files.hpp"
#include "tests/child_process.hpp"
#include "tests/compute_grid.hpp"

namespace infergrid {
namespace {

using json = nlohmann::json;
using ledger::testing::run_cli;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr std::int64_t genesis_micro = 50'000'000;
constexpr std::int64_t completion_micro_per_token = 1'000;

std::int64_t after_fee(std::int64_t cost_micro) { return cost_micro - cost_micro / 100; }

struct stream_outcome {
  int content_chunks = 0;  // SSE chunks with text the client read
  int prompt_tokens = 0;   // from the usage chunk (when it came)
  int completion_tokens = 0;
  bool finished = false;   // [DONE] arrived
};

class partial_settlement_test : public ::testing::Test {
 protected:
  void SetUp() override {
    http_port = compute_testing::free_port();
    hub_port = compute_testing::free_port();
    testing::write_file(dir + "/keys.yaml",
                        "accounts:\n  - {name: alice, keys: [sk-alice], account: alice-ledger, rate_limit_per_minute: 0}\n");
    ASSERT_TRUE(write_new_keys(dir + "/hub-keys").ok());
    testing::write_file(dir + "/hub.yaml", fmt::format(R"(node: {{name: hub, bind: "tcp://127.0.0.1:{}"}}
limits: {{drain_timeout_ms: 1000, drain_quiet_ms: 20}}
security: {{admit: open, transport: curve, transport_key: "{}/hub-keys/transport.key"}}
actors:
  - name: settlement
    kind: settlement
    settings: {{db: "{}", genesis_deposits: {{alice-ledger: {}}}}}
  - name: matchmaker
    kind: matchmaker
    settings: {{receipts_to: settlement, heartbeat_interval_ms: 100, heartbeat_timeout_ms: 800, stall_timeout_ms: 1200,
               tick_ms: 20}}
  - name: http
    kind: http_bridge
    settings: {{listen: "127.0.0.1:{}", keys_file: "{}/keys.yaml", settlement: settlement, request_timeout_ms: 30000,
               prompt_price_micro_per_1k: 2000, completion_price_micro_per_1k: {}}}
)", hub_port, dir, db, genesis_micro, http_port, dir, 2 * completion_micro_per_token * 1000));
    write_split_hub(ledger_port);
    for (int i = 0; i < 2; ++i) {
      std::array<std::uint8_t, 32> seed{};
      seed[0] = static_cast<std::uint8_t>(i + 1);
      seed[1] = 0x5e;
      worker_ids[i] = to_hex(identity::from_seed(seed).public_id());
      testing::write_file(dir + fmt::format("/worker{}.key", i), to_hex(seed) + "\n");
      ASSERT_TRUE(write_new_keys(dir + fmt::format("/worker{}-keys", i)).ok());
      testing::write_file(dir + fmt::format("/worker{}.yaml", i), fmt::format(R"(node: {{name: w{}, bind: "tcp://127.0.0.1:*"}}
security: {{transport: curve, transport_key: "{}/worker{}-keys/transport.key"}}
peers: [{{name: hub, endpoint: "tcp://127.0.0.1:{}", actors: [matchmaker], transport_key: "{}/hub-keys/transport.pub"}}]
actors:
  - name: gpu_worker
    kind: gpu_worker
    settings: {{model_path: "{}", slots: 2, context_size: 512, chunk_tokens: 1, identity_file: "{}/worker{}.key",
               benchmark_tokens: 4, heartbeat_interval_ms: 100, price_prompt_micro: 1000, price_completion_micro: {}}}
)", i, dir, i, hub_port, dir, compute_testing::stories260k_model_path(), dir, i, completion_micro_per_token * 1000));
    }
  }

  // The same hub with its settlement actor on a node of its own ("ledger", replay window 2 s), and
  // either a hub ("split-hub") whose matchmaker and bridge reach it over tcp, or the matchmaker
  // ("mm", named hub for the workers) and the bridge ("edge") each on a node of its own.
  void write_split_hub(int ledger_port) {
    std::array<std::uint8_t, 32> hub_seed{};
    hub_seed[0] = 0x4b;
    const std::string hub_id = to_hex(identity::from_seed(hub_seed).public_id());
    testing::write_file(dir + "/split-hub.key", to_hex(hub_seed) + "\n");
    std::array<std::uint8_t, 32> edge_seed{};
    edge_seed[0] = 0x4c;
    const std::string edge_id = to_hex(identity::from_seed(edge_seed).public_id());
    testing::write_file(dir + "/edge.key", to_hex(edge_seed) + "\n");
    ASSERT_TRUE(write_new_keys(dir + "/ledger-keys").ok());
    std::array<std::uint8_t, 32> ledger_seed{};
    ledger_seed[0] = 0x4d;
    testing::write_file(dir + "/ledger.key", to_hex(ledger_seed) + "\n");  // the same identity after a restart
    ASSERT_TRUE(write_new_keys(dir + "/edge-keys").ok());
    testing::write_file(dir + "/ledger.yaml", fmt::format(R"(node: {{name: ledger, bind: "tcp://127.0.0.1:{}"}}
security: {{admit: open, identity: "{}/ledger.key", coordinators: [{}, {}], transport: curve,
           transport_key: "{}/ledger-keys/transport.key", replay_window_ms: 2000}}
actors:
  - name: settlement
    kind: settlement
    settings: {{db: "{}", genesis_deposits: {{alice-ledger: {}}}, escrow_restart_grace_ms: 10000}}
)", ledger_port, dir, hub_id, edge_id, dir, db, genesis_micro));
    const std::string ledger_peer = fmt::format(R"({{name: ledger, endpoint: "tcp://127.0.0.1:{}", actors: [settlement], transport_key: "{}/ledger-keys/transport.pub"}})",
                                                ledger_port, dir);
    testing::write_file(dir + "/mm.yaml", fmt::format(R"(node: {{name: hub, bind: "tcp://127.0.0.1:{}"}}
security: {{admit: open, identity: "{}/split-hub.key", coordinators: [{}], transport: curve, transport_key: "{}/hub-keys/transport.key"}}
peers: [{}]
actors:
  - name: matchmaker
    kind: matchmaker
    settings: {{receipts_to: settlement, heartbeat_interval_ms: 100, heartbeat_timeout_ms: 800, stall_timeout_ms: 1200,
               tick_ms: 20, settlement_retry_ms: 500, submitter_lost_ms: 3000}}
)", hub_port, dir, edge_id, dir, ledger_peer));
    testing::write_file(dir + "/edge.yaml", fmt::format(R"(node: {{name: edge, bind: "tcp://127.0.0.1:*"}}
limits: {{drain_timeout_ms: 1000, drain_quiet_ms: 20}}
security: {{admit: open, identity: "{}/edge.key", transport: curve, transport_key: "{}/edge-keys/transport.key"}}
peers: [{}, {{name: hub, endpoint: "tcp://127.0.0.1:{}", actors: [matchmaker], transport_key: "{}/hub-keys/transport.pub"}}]
actors:
  - name: http
    kind: http_bridge
    settings: {{listen: "127.0.0.1:{}", keys_file: "{}/keys.yaml", settlement: settlement, request_timeout_ms: 30000,
               settlement_retry_ms: 500, matchmaker_check_ms: 500, matchmaker_lost_ms: 8000,
               prompt_price_micro_per_1k: 2000, completion_price_micro_per_1k: {}}}
)", dir, dir, ledger_peer, hub_port, dir, http_port, dir, 2 * completion_micro_per_token * 1000));
    testing::write_file(dir + "/split-hub.yaml", fmt::format(R"(node: {{name: hub, bind: "tcp://127.0.0.1:{}"}}
limits: {{drain_timeout_ms: 1000, drain_quiet_ms: 20}}
security: {{admit: open, identity: "{}/split-hub.key", transport: curve, transport_key: "{}/hub-keys/transport.key"}}
peers: [{{name: ledger, endpoint: "tcp://127.0.0.1:{}", actors: [settlement], transport_key: "{}/ledger-keys/transport.pub"}}]
actors:
  - name: matchmaker
    kind: matchmaker
    settings: {{receipts_to: settlement, heartbeat_interval_ms: 100, heartbeat_timeout_ms: 800, stall_timeout_ms: 1200,
               tick_ms: 20, settlement_retry_ms: 500, owed_journal: "{}/owed.journal"}}
  - name: http
    kind: http_bridge
    settings: {{listen: "127.0.0.1:{}", keys_file: "{}/keys.yaml", settlement: settlement, request_timeout_ms: 30000,
               settlement_retry_ms: 500, prompt_price_micro_per_1k: 2000, completion_price_micro_per_1k: {}}}
)", hub_port, dir, dir, ledger_port, dir, dir, http_port, dir, 2 * completion_micro_per_token * 1000));
  }

  // `<dir>/<name>.yaml` with its text `from` replaced by `to` (which must be there).
  void edit_config(const std::string& name, const std::string& from, const std::string& to) {
    std::ifstream file(dir + "/" + name + ".yaml");
    std::string config((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    ASSERT_NE(config.find(from), std::string::npos) << from;
    config.replace(config.find(from), from.size(), to);
    testing::write_file(dir + "/" + name + ".yaml", config);
  }

  std::unique_ptr<testing::child_process> start_node(const std::string& name) {
    auto process = std::make_unique<testing::child_process>(
        std::vector<std::string>{testing::infergrid_binary(), "node", "--config", dir + "/" + name + ".yaml"},
        dir + "/" + name + ".log");
    EXPECT_TRUE(process->started());
    return process;
  }
  bool wait_for_workers(int count) {
    const auto deadline = std::chrono::steady_clock::now() + seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      httplib::Client client("127.0.0.1", http_port);
      auto res = client.Get("/health");
      if (res && res->status == 200 && json::parse(res->body).value("workers", 0) == count) return true;
      std::this_thread::sleep_for(milliseconds(50));
    }
    return false;
  }

  // One streamed completion; `on_content` sees the count of content chunks read so far and
  // returns false to hang up (a client cancelling).
  stream_outcome stream(int max_tokens, const std::function<bool(int)>& on_content) {
    stream_outcome out;
    httplib::Client client("127.0.0.1", http_port);
    client.set_read_timeout(60, 0);
    const json body = {{"model", "stories260k"}, {"prompt", "Once upon a time"}, {"max_tokens", max_tokens},
                       {"stream", true}, {"stream_options", {{"include_usage", true}}}};
    httplib::Request post;
    post.method = "POST";
    post.path = "/v1/completions";
    post.headers = {{"Authorization", "Bearer sk-alice"}, {"Content-Type", "application/json"}};
    post.body = body.dump();
    std::string pending;
    post.content_receiver = [&](const char* data, std::size_t size, std::uint64_t, std::uint64_t) {
      pending.append(data, size);
      for (auto end = pending.find("\n\n"); end != std::string::npos; end = pending.find("\n\n")) {
        const std::string event = pending.substr(0, end);
        pending.erase(0, end + 2);
        if (event.rfind("data: ", 0) != 0) continue;
        const std::string payload = event.substr(6);
        if (payload == "[DONE]") {
          out.finished = true;
          continue;
        }
        const json chunk = json::parse(payload);
        if (chunk.contains("usage") && chunk["usage"].is_object()) {
          out.prompt_tokens = chunk["usage"].value("prompt_tokens", 0);
          out.completion_tokens = chunk["usage"].value("completion_tokens", 0);
        }
        if (chunk.contains("choices") && !chunk["choices"].empty() && !chunk["choices"][0].value("text", "").empty()) {
          if (chunk.contains("miner") && chunk["miner"].is_string()) latest_miner = chunk["miner"].get<std::string>();
          if (!on_content(++out.content_chunks)) return false;
        }
      }
      return true;
    };
    (void)client.send(post);
    return out;
  }

  // One whole (non-streamed) completion: the response body, or an empty object when none came.
  json complete(int max_tokens) {
    httplib::Client client("127.0.0.1", http_port);
    client.set_read_timeout(60, 0);
    const json body = {{"model", "stories260k"}, {"prompt", "Once upon a time"}, {"max_tokens", max_tokens}};
    auto res = client.Post("/v1/completions", {{"Authorization", "Bearer sk-alice"}}, body.dump(), "application/json");
    if (!res || res->status != 200) return json::object();
    return json::parse(res->body);
  }

  std::int64_t balance_micro(const std::string& account) {
    const auto shown = run_cli("ledger --db " + db + " balance " + account);
    EXPECT_EQ(shown.exit_code, 0) << shown.output;
    const auto at = shown.output.find("balance ");
    if (at == std::string::npos) return -1;
    const double tokens = std::stod(shown.output.substr(at + 8));
    return static_cast<std::int64_t>(tokens * 1'000'000 + (tokens >= 0 ? 0.5 : -0.5));
  }
  std::string history(const std::string& account) { return run_cli("ledger --db " + db + " history " + account).output; }
  // A stream of 400 tokens that ended early: the books closed, the payer paid the prompt and the
  // k (at least min_tokens) tokens it received, the worker was paid that from its chunk claim, and
  // the rest of the escrow went back.
  void expect_delivered_tokens_paid(std::int64_t min_tokens) {
    expect_books_closed();
    const std::int64_t spent = genesis_micro - balance_micro("alice-ledger");
    const std::int64_t k = spent / completion_micro_per_token;
    EXPECT_GE(k, min_tokens) << history("alice-ledger");
    EXPECT_LT(k, 400) << history("alice-ledger");
    EXPECT_GT(spent % completion_micro_per_token, 0) << "the prompt was not paid";
    EXPECT_EQ(balance_micro(worker_ids[0]), after_fee(spent)) << history(worker_ids[0]);
    EXPECT_NE(history(worker_ids[0]).find("partial_settle"), std::string::npos) << history(worker_ids[0]);
    EXPECT_NE(history("alice-ledger").find("refund"), std::string::npos) << history("alice-ledger");
  }
  // A job the matchmaker settled as lost by its bridge: the payer paid what the matchmaker says it
  // paid — the claims of the bridge's last check, the prompt and k < 400 tokens — and the rest went
  // back. Returns k.
  std::int64_t expect_paid_what_the_bridge_had_received(const std::string& matchmaker_log) {
    expect_books_closed();
    const auto said = matchmaker_log.find(" delivered token(s) paid");
    EXPECT_NE(said, std::string::npos) << matchmaker_log;
    if (said == std::string::npos) return -1;
    const auto from = matchmaker_log.rfind(": ", said) + 2;
    const std::int64_t k = std::stoll(matchmaker_log.substr(from, said - from));
    EXPECT_LT(k, 400) << matchmaker_log;
    const std::int64_t spent = genesis_micro - balance_micro("alice-ledger");
    EXPECT_EQ(spent / completion_micro_per_token, k) << history("alice-ledger");
    EXPECT_NE(history("alice-ledger").find("refund"), std::string::npos) << history("alice-ledger");
    EXPECT_EQ(balance_micro(worker_ids[0]), after_fee(spent)) << history(worker_ids[0]);
    if (k > 0) {
      EXPECT_NE(history(worker_ids[0]).find("partial_settle"), std::string::npos) << history(worker_ids[0]);
    }
    return k;
  }
  // Every escrow ended (receipts settle asynchronously; a restarted matchmaker holds what its journal
  // owed for submitter_lost_ms, up to 12 s here) and the books verify with exact conservation.
  void expect_books_closed() {
    const auto deadline = std::chrono::steady_clock::now() + seconds(30);
    std::string listed;
    while (std::chrono::steady_clock::now() < deadline) {
      listed = run_cli("ledger --db " + db + " escrows").output;
      if (listed.find("\n0 open escrows") != std::string::npos || listed.rfind("0 open escrows", 0) == 0) break;
      std::this_thread::sleep_for(milliseconds(100));
    }
    EXPECT_NE(listed.find("0 open escrows"), std::string::npos) << listed;
    const auto verified = run_cli("ledger --db " + db + " verify");
    EXPECT_EQ(verified.exit_code, 0) << verified.output;
    EXPECT_NE(verified.output.find("0 open escrows, supply 50.000000 tokens"), std::string::npos) << verified.output;
  }

  std::string dir = testing::make_temp_dir();
  std::string db = dir + "/ledger.db";
  std::string latest_miner;  // the worker of the newest content chunk the client read
  int http_port = 0;
  int hub_port = 0;
  int ledger_port = compute_testing::free_port();
  std::string worker_ids[2];
};

TEST_F(partial_settlement_test, a_failover_pays_both_workers_for_exactly_their_tokens) {
  auto hub = start_node("hub");
  auto first = start_node("worker0");
  ASSERT_TRUE(wait_for_workers(1)) << hub->log();
  std::unique_ptr<testing::child_process> second;
  // The first worker is killed as soon as the client has read a few of its tokens; the second
  // starts then and takes the request over from where the stream stopped.
  const stream_outcome got = stream(400, [&](int chunks) {
    if (chunks == 3) {
      first->send_signal(SIGKILL);
      second = start_node("worker1");
    }
    return true;
  });
  ASSERT_TRUE(got.finished) << hub->log();
  ASSERT_GT(got.completion_tokens, 3);
  expect_books_closed();
  const std::int64_t prompt_micro = got.prompt_tokens;  // 1 micro per prompt token
  const std::int64_t paid_first = balance_micro(worker_ids[0]);
  const std::int64_t paid_second = balance_micro(worker_ids[1]);
  // The payer paid the prompt once and each token it received.
  const std::int64_t cost = prompt_micro + got.completion_tokens * completion_micro_per_token;
  EXPECT_EQ(balance_micro("alice-ledger"), genesis_micro - cost);
  // Some split k + (n - k) of the tokens, each worker paid exactly its part (less the 1 % fee).
  bool split_found = false;
  for (int k = 1; k < got.completion_tokens && !split_found; ++k) {
    split_found = paid_first == after_fee(prompt_micro + k * completion_micro_per_token) &&
                  paid_second == after_fee((got.completion_tokens - k) * completion_micro_per_token);
  }
  EXPECT_TRUE(split_found) << "first " << paid_first << ", second " << paid_second << " micro for " << got.completion_tokens
                           << " tokens\n" << history(worker_ids[0]) << history(worker_ids[1]) << hub->log();
  EXPECT_NE(history(worker_ids[0]).find("partial_settle"), std::string::npos);
  EXPECT_NE(history(worker_ids[1]).find("settle"), std::string::npos);
}

TEST_F(partial_settlement_test, a_worker_that_takes_its_request_back_is_paid_for_both_segments) {
  auto hub = start_node("hub");
  auto first = start_node("worker0");
  ASSERT_TRUE(wait_for_workers(1)) << hub->log();
  std::unique_ptr<testing::child_process> second;
  bool second_killed = false;
  // The first worker is killed after 3 chunks and the second takes over; once the client has read
  // a chunk of the second's (not only chunks the first sent before it died), the second is killed
  // and the first, restarted with the same key, takes the request back and finishes it.
  const stream_outcome got = stream(400, [&](int chunks) {
    if (chunks == 3) {
      first->send_signal(SIGKILL);
      (void)first->wait_exit(seconds(5));
      second = start_node("worker1");
    } else if (chunks > 3 && !second_killed && latest_miner == worker_ids[1]) {
      second->send_signal(SIGKILL);
      second_killed = true;
      first = start_node("worker0");
    }
    return true;
  });
  ASSERT_TRUE(second_killed) << "the second worker streamed nothing the client read\n" << hub->log();
  ASSERT_TRUE(got.finished) << hub->log();
  ASSERT_GT(got.completion_tokens, 8);
  expect_books_closed();
  const std::int64_t prompt_micro = got.prompt_tokens;
  EXPECT_EQ(balance_micro("alice-ledger"), genesis_micro - prompt_micro - got.completion_tokens * completion_micro_per_token);
  // Some split: the first worker streamed k tokens, the second m - k, the first the last n - m.
  const std::int64_t paid_first = balance_micro(worker_ids[0]);
  const std::int64_t paid_second = balance_micro(worker_ids[1]);
  const int n = got.completion_tokens;
  bool split_found = false;
  for (int k = 1; k < n && !split_found; ++k) {
    for (int m = k + 1; m < n && !split_found; ++m) {
      split_found = paid_first == after_fee(prompt_micro + k * completion_micro_per_token) +
                                      after_fee((n - m) * completion_micro_per_token) &&
                    paid_second == after_fee((m - k) * completion_micro_per_token);
    }
  }
  EXPECT_TRUE(split_found) << "first " << paid_first << ", second " << paid_second << " micro for " << n << " tokens\n"
                           << history(worker_ids[0]) << history(worker_ids[1]) << hub->log();
  const std::string first_history = history(worker_ids[0]);
  EXPECT_NE(first_history.find("partial_settle"), std::string::npos) << first_history;
  EXPECT_NE(first_history.find(" settle"), std::string::npos) << first_history;
}

TEST_F(partial_settlement_test, a_cancelled_stream_pays_exactly_for_the_tokens_delivered) {
  auto hub = start_node("hub");
  auto worker = start_node("worker0");
  ASSERT_TRUE(wait_for_workers(1)) << hub->log();
  const stream_outcome got = stream(400, [](int chunks) { return chunks < 5; });  // hangs up after 5
  ASSERT_FALSE(got.finished);
  // The cost of k tokens the bridge had received when the client hung up (at least the 5 it read,
  // not the 400 it asked for) after a prompt of p tokens: p + 1,000 k micro, the worker paid that
  // less the fee.
  expect_delivered_tokens_paid(5);
}

// The settlement process is killed once the client has read 3 tokens, and restarted after its
// replay window: `on_outage_over` gets the outcome once the books may be read.
class settlement_outage_test : public partial_settlement_test {
 protected:
  stream_outcome stream_through_an_outage(const std::function<bool(int)>& client_goes_on) {
    const stream_outcome got = stream_while_settlement_dies(client_goes_on);
    std::this_thread::sleep_for(milliseconds(3000));  // past the replay window: queued envelopes are refused
    ledger = start_node("ledger");
    return got;
  }
  // The stream, with the settlement process killed once the client read 3 tokens (and left down).
  stream_outcome stream_while_settlement_dies(const std::function<bool(int)>& client_goes_on) {
    ledger = start_node("ledger");
    hub = start_node("split-hub");
    worker = start_node("worker0");
    EXPECT_TRUE(wait_for_workers(1)) << hub->log() << ledger->log();
    const stream_outcome got = stream(400, [&](int chunks) {
      if (chunks == 3) {
        ledger->send_signal(SIGKILL);
        (void)ledger->wait_exit(seconds(5));
      }
      return client_goes_on(chunks);
    });
    EXPECT_FALSE(ledger->wait_for_log("receipt for", milliseconds(0))) << "settled before the kill: proves nothing";
    return got;
  }
  std::unique_ptr<testing::child_process> ledger, hub, worker;
};

TEST_F(settlement_outage_test, a_receipt_sent_while_settlement_was_down_pays_the_miner_once_it_is_back) {
  const stream_outcome got = stream_through_an_outage([](int) { return true; });
  ASSERT_TRUE(got.finished) << hub->log();
  expect_books_closed();
  EXPECT_TRUE(hub->wait_for_log("settlement did not take what is owed", milliseconds(0))) << hub->log();
  const std::int64_t cost = got.prompt_tokens + got.completion_tokens * completion_micro_per_token;
  EXPECT_EQ(balance_micro(worker_ids[0]), after_fee(cost)) << history(worker_ids[0]) << hub->log();
  EXPECT_EQ(balance_micro("alice-ledger"), genesis_micro - cost) << history("alice-ledger");
  EXPECT_EQ(history("alice-ledger").find("refund"), std::string::npos) << "the escrow expired instead";
}

TEST_F(settlement_outage_test, a_stream_cancelled_while_settlement_was_down_pays_what_was_delivered_once_it_is_back) {
  const stream_outcome got = stream_through_an_outage([](int chunks) { return chunks < 5; });
  ASSERT_FALSE(got.finished);
  expect_delivered_tokens_paid(5);
  EXPECT_TRUE(hub->wait_for_log("settlement did not take the claims and refund", milliseconds(0))) << hub->log();
}

// The hub holding the finished stream's receipt (its matchmaker's) is kill -9'ed too while
// settlement is down, then both come back: the receipt the matchmaker had journaled (owed_journal)
// is sent again by the new process and pays the miner. Without the journal it died with the
// process, and the escrow stayed open until its expiry refunded the payer.
TEST_F(settlement_outage_test, a_receipt_owed_by_a_matchmaker_killed_meanwhile_pays_the_miner_after_both_restart) {
  const stream_outcome got = stream_while_settlement_dies([](int) { return true; });
  ASSERT_TRUE(got.finished) << hub->log();
  ASSERT_TRUE(hub->wait_for_log("settlement did not take what is owed", seconds(15))) << hub->log();
  hub->send_signal(SIGKILL);
  (void)hub->wait_exit(seconds(5));
  hub = start_node("split-hub");
  EXPECT_TRUE(hub->wait_for_log("owed before a restart sent again", seconds(15))) << hub->log();
  ledger = start_node("ledger");
  expect_books_closed();
  const std::int64_t cost = got.prompt_tokens + got.completion_tokens * completion_micro_per_token;
  EXPECT_EQ(balance_micro(worker_ids[0]), after_fee(cost)) << history(worker_ids[0]) << hub->log();
  EXPECT_EQ(balance_micro("alice-ledger"), genesis_micro - cost) << history("alice-ledger");
  EXPECT_EQ(history("alice-ledger").find("refund"), std::string::npos) << "the escrow expired instead";
}

// The bridge on a node of its own ("edge") owes settlement the claims and refund of a stream its
// client cancelled while settlement was down, and is kill -9'ed before settlement is back; then
// both come back. With `owed_journal` the new bridge process sends what the old one had journaled
// (settlement takes each once), so the worker is paid for the tokens delivered and the rest is
// refunded at once. Without it (the setting removed) they died with the process: the matchmaker
// left that stream to the bridge (it cancelled it), and the escrow waited for its expiry.
class bridge_outage_test : public partial_settlement_test {
 protected:
  // edge.yaml's bridge, given `owed_journal: <dir>/<file>` (and `owed_journal_sync: true` if `sync`).
  void journal_the_edge_in(const std::string& file, bool sync = false) {
    const std::string retry = "settlement_retry_ms: 500,";
    edit_config("edge", retry,
                retry + " owed_journal: \"" + dir + "/" + file + "\"," + (sync ? " owed_journal_sync: true," : ""));
  }
  // Settlement, the matchmaker and the bridge each on a node of their own, and one worker.
  void start_edge_grid() {
    ledger = start_node("ledger");
    matchmaker = start_node("mm");
    edge = start_node("edge");
    worker = start_node("worker0");
    EXPECT_TRUE(wait_for_workers(1)) << edge->log() << matchmaker->log();
  }
  void kill_settlement() {
    ledger->send_signal(SIGKILL);
    (void)ledger->wait_exit(seconds(5));
  }
  // How far the matchmaker has gone with the frozen bridge when it is stopped.
  // (unjudged: silent for submitter_lost_ms when it stops, with no tick since to judge it.)
  enum class bridge_given_up { not_yet, unjudged, awaited, lost };
  void receipt_parked_when_the_matchmaker_stops(int stop_signal, bridge_given_up given_up = bridge_given_up::not_yet);
  stream_outcome stream_through_a_frozen_bridge();
  std::unique_ptr<testing::child_process> ledger, matchmaker, edge, worker;
};

TEST_F(bridge_outage_test, claims_and_refund_owed_by_a_bridge_killed_meanwhile_settle_after_both_restart) {
  journal_the_edge_in("edge.journal");
  start_edge_grid();
  const stream_outcome got = stream(400, [&](int chunks) {
    if (chunks == 3) kill_settlement();
    return chunks < 5;  // hangs up after 5: the bridge owes the worker's claim and the refund
  });
  ASSERT_FALSE(got.finished);
  ASSERT_TRUE(edge->wait_for_log("settlement did not take the claims and refund", seconds(15))) << edge->log();
  edge->send_signal(SIGKILL);
  (void)edge->wait_exit(seconds(5));
  edge = start_node("edge");
  EXPECT_TRUE(edge->wait_for_log("owed before a restart sent again", seconds(15))) << edge->log();
  ledger = start_node("ledger");
  expect_delivered_tokens_paid(5);
}

// An escrow the bridge opened and had not yet dispatched when it was kill -9'ed: settlement is
// frozen (SIGSTOP) while the bridge asks it for the escrow, the bridge is killed, settlement goes on
// and records the escrow, for a bridge no longer there. With `owed_journal` the escrow's refund was
// journaled before it was asked for (and marked answered as the job was dispatched), so the bridge
// started again on the same journal refunds it at once; the job that ran before (settled by its
// receipt) owes nothing and is sent nothing. Before, the payer's funds were locked until the escrow
// expired (the request's 30 s deadline + settlement's 30 s grace).
TEST_F(bridge_outage_test, an_escrow_a_killed_bridge_opened_and_never_dispatched_is_refunded_after_a_restart) {
  journal_the_edge_in("edge.journal", true);  // synced too (owed_journal_sync), as a machine crash needs
  start_edge_grid();
  // A job that runs: its escrow settles by its receipt, and the bridge's link to settlement is up.
  const stream_outcome ran = stream(20, [](int) { return true; });
  ASSERT_TRUE(ran.finished) << edge->log();
  expect_books_closed();
  const std::int64_t cost = ran.prompt_tokens + ran.completion_tokens * completion_micro_per_token;
  ASSERT_EQ(balance_micro("alice-ledger"), genesis_micro - cost) << history("alice-ledger");
  ledger->send_signal(SIGSTOP);
  // The bridge journals the escrow's refund just before it asks for the escrow: the journal growing
  // says the request is on its way (a fixed pause alone was too short on a loaded machine).
  const std::string journal = dir + "/edge.journal";
  const auto journal_size = [&journal] {
    std::error_code ignored;
    return std::filesystem::file_size(journal, ignored);
  };
  const auto size_before = journal_size();
  std::thread client([this] { (void)stream(20, [](int) { return true; }); });  // fails as the bridge dies
  const auto asked_by = std::chrono::steady_clock::now() + seconds(10);
  while (journal_size() == size_before && std::chrono::steady_clock::now() < asked_by) {
    std::this_thread::sleep_for(milliseconds(20));
  }
  std::this_thread::sleep_for(milliseconds(300));  // the escrow request reaches the frozen ledger's socket
  edge->send_signal(SIGKILL);
  (void)edge->wait_exit(seconds(5));
  ledger->send_signal(SIGCONT);  // within its 2 s replay window: it takes the escrow request
  client.join();
  std::string listed;
  const auto recorded_by = std::chrono::steady_clock::now() + seconds(10);
  while (listed.find("1 open escrows") == std::string::npos && std::chrono::steady_clock::now() < recorded_by) {
    listed = run_cli("ledger --db " + db + " escrows").output;
    std::this_thread::sleep_for(milliseconds(100));
  }
  ASSERT_NE(listed.find("1 open escrows"), std::string::npos) << "the escrow was not recorded: proves nothing\n"
                                                              << listed << ledger->log();
  edge = start_node("edge");
  EXPECT_TRUE(edge->wait_for_log("1 settlement message(s) and deliveries owed before a restart sent again", seconds(15)))
      << edge->log();
  expect_books_closed();  // at once, not at the escrow's expiry
  EXPECT_EQ(balance_micro("alice-ledger"), genesis_micro - cost) << history("alice-ledger");
  EXPECT_EQ(balance_micro(worker_ids[0]), after_fee(cost)) << history(worker_ids[0]);
  EXPECT_NE(history("alice-ledger").find("refund"), std::string::npos) << history("alice-ledger");
  EXPECT_EQ(history("alice-ledger").find("expire"), std::string::npos) << history("alice-ledger");
}

// The double fault: the matchmaker is down (kill -9) when the bridge dispatches a job — the request
// waits in the bridge's socket for it — and the bridge is kill -9'ed before the matchmaker is back,
// so the matchmaker never gets the job and nobody will settle its escrow. With `owed_journal` the
// bridge journaled the dispatched job; started again, it asks the matchmaker about it
// (held_requests_query.forgotten_ids), which holds nothing and owes nothing for it and says so
// (refusing the request from then on, should it still arrive): the bridge refunds the escrow at
// once. Before, the payer's funds were locked until the escrow expired (the request's 30 s deadline
// + settlement's 30 s grace).
TEST_F(bridge_outage_test, an_escrow_dispatched_to_a_matchmaker_that_never_got_it_is_refunded_after_the_bridge_restarts) {
  journal_the_edge_in("edge.journal", true);
  start_edge_grid();
  const stream_outcome ran = stream(20, [](int) { return true; });  // the links are up; its escrow settles
  ASSERT_TRUE(ran.finished) << edge->log();
  expect_books_closed();
  const std::int64_t cost = ran.prompt_tokens + ran.completion_tokens * completion_micro_per_token;
  matchmaker->send_signal(SIGKILL);
  (void)matchmaker->wait_exit(seconds(5));
  std::thread client([this] { (void)stream(20, [](int) { return true; }); });  // fails as the bridge dies
  std::string listed;
  const auto recorded_by = std::chrono::steady_clock::now() + seconds(10);
  while (listed.find("1 open escrows") == std::string::npos && std::chrono::steady_clock::now() < recorded_by) {
    listed = run_cli("ledger --db " + db + " escrows").output;
    std::this_thread::sleep_for(milliseconds(50));
  }
  ASSERT_NE(listed.find("1 open escrows"), std::string::npos) << "no escrow: proves nothing\n" << listed << edge->log();
  std::this_thread::sleep_for(milliseconds(500));  // the escrow's answer reaches the bridge: it dispatches the job
  edge->send_signal(SIGKILL);
  (void)edge->wait_exit(seconds(5));
  client.join();
  matchmaker = start_node("mm");
  ASSERT_TRUE(matchmaker->wait_for_log("started actor hub/matchmaker", seconds(15))) << matchmaker->log();
  edge = start_node("edge");
  expect_books_closed();  // within seconds, not at the escrow's expiry a minute on
  EXPECT_EQ(balance_micro("alice-ledger"), genesis_micro - cost) << history("alice-ledger") << edge->log();
  EXPECT_EQ(balance_micro(worker_ids[0]), after_fee(cost)) << history(worker_ids[0]);
  EXPECT_NE(history("alice-ledger").find("refund"), std::string::npos) << history("alice-ledger");
  EXPECT_EQ(history("alice-ledger").find("expire"), std::string::npos) << history("alice-ledger");
}

// One journal, two holders: a bridge configured with the file the matchmaker of a running hub
// journals to does not start, and says which file and who holds it.
TEST_F(bridge_outage_test, a_bridge_given_the_journal_a_running_matchmaker_holds_refuses_to_start) {
  journal_the_edge_in("owed.journal");  // split-hub's matchmaker's
  auto hub = start_node("split-hub");
  ASSERT_TRUE(hub->wait_for_log("started actor hub/matchmaker", seconds(15))) << hub->log();
  ASSERT_TRUE(std::filesystem::exists(dir + "/owed.journal.lock")) << hub->log();
  edge = start_node("edge");
  const auto exit_code = edge->wait_exit(seconds(15));
  ASSERT_TRUE(exit_code.has_value()) << edge->log();
  EXPECT_NE(*exit_code, 0);
  const std::string said = edge->log();
  EXPECT_NE(said.find("owed_journal: the owed journal " + dir + "/owed.journal is in use by hub/matchmaker, pid "),
            std::string::npos) << said;
}

// The receipt of a finished stream waits at the matchmaker for the bridge's word that the bridge
// received it whole (vouched_jobs.hpp); the bridge is stopped (SIGSTOP) before it can say so and
// settlement killed, then the matchmaker is stopped (SIGTERM, within submitter_lost_ms, so it has
// not given the bridge up) and sends the parked receipt as its last word — to a settlement that is
// not there. With `owed_journal` the last word is journaled, and the restarted matchmaker sends it
// again once settlement is back: the miner is paid the receipt, nothing refunded. Before, it was
// sent once and lost with the process; the escrow waited for its expiry.
// A receipt the matchmaker holds for the bridge's word (the bridge frozen, settlement down) when the
// matchmaker stops with `stop_signal`: SIGTERM sends it as it stops, SIGKILL leaves it in the journal
// it was written to as it parked; either way the restarted matchmaker pays the miner for the answer.
// With bridge_given_up::lost the matchmaker gives the frozen bridge up before it is killed — at the
// request's deadline (6 s), as the job finished — : it owes the delivered claims and a refund
// instead, and the parked receipt must not be paid after the restart. With ::awaited it is stopped
// once it judged the bridge silent (submitter_lost_ms, 3 s) and awaits its word until the deadline
// (30 s): stopping (or killed: from its journal at the restart), it settles the job as at the
// deadline without the word, the same claims and refund, and the receipt must not be paid either.
// How many requests an owed_journal file owes: its [0, id, ...] records without an [1, id] record
// (runtime/owed_journal.hpp's format), read without taking the journal from its holder.
std::size_t journal_owes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::set<std::uint64_t> owed;
  std::size_t offset = 0;
  try {
    while (offset < bytes.size()) {
      const msgpack::object_handle record = msgpack::unpack(bytes.data(), bytes.size(), offset);
      const msgpack::object& o = record.get();
      if (o.type != msgpack::type::ARRAY || o.via.array.size < 2) continue;
      const auto tag = o.via.array.ptr[0].as<int>();
      const auto id = o.via.array.ptr[1].as<std::uint64_t>();
      if (tag == 0) owed.insert(id);
      if (tag == 1) owed.erase(id);
    }
  } catch (const std::exception&) {  // a record being written: count what was read
  }
  return owed.size();
}

void bridge_outage_test::receipt_parked_when_the_matchmaker_stops(int stop_signal, bridge_given_up given_up) {
  const bool bridge_lost_first = given_up == bridge_given_up::lost;
  // Killed with the bridge silent for submitter_lost_ms and no tick since, the matchmaker has judged
  // nothing: its journal holds the receipt as it parked. The bridge resumes once it restarted (its
  // replays wait submitter_lost_ms for a bridge's word) and, told the job is lost, fails it and
  // settles what it delivered itself.
  const bool killed_unjudged = given_up == bridge_given_up::unjudged && stop_signal == SIGKILL;
  const bool receipt_unpaid = given_up != bridge_given_up::not_yet;
  const std::string lost = "submitter_lost_ms: 3000";
  edit_config("mm", lost, lost + ", owed_journal: \"" + dir + "/mm.journal\", owed_journal_sync: true");
  edit_config("mm", "security:", "limits: {drain_timeout_ms: 1000, drain_quiet_ms: 20}\nsecurity:");
  // A finished job's receipt waits for a silent bridge's word until the request's deadline: 6 s here.
  if (bridge_lost_first) edit_config("edge", "request_timeout_ms: 30000", "request_timeout_ms: 6000");
  const bool unjudged = given_up == bridge_given_up::unjudged;
  if (unjudged) {
    // With no job held it ticks every 5 s (idle_tick_ms; the heartbeat timeout lets it). The
    // matchmaker is itself frozen for 7 s once the receipt is parked: the first tick after it goes on
    // (at once: its timer is due) takes the bridge's silence for its own and counts the bridge heard
    // then, so the ticks that follow (5 s and 10 s later) find it silent for less than 12 s, and it is
    // 12 s silent with no tick since when the matchmaker stops 13.2 s after it went on — however long
    // the worker took to finish.
    edit_config("mm", "submitter_lost_ms: 3000", "submitter_lost_ms: 12000");
    edit_config("mm", "heartbeat_timeout_ms: 800", "heartbeat_timeout_ms: 24000, idle_tick_ms: 5000");
    edit_config("edge", "matchmaker_check_ms: 500", "matchmaker_check_ms: 100");
  }
  start_edge_grid();
  bool checked = false;
  bool resumed = false;  // killed_unjudged: the bridge goes on with the client's stream
  const stream_outcome got = stream(400, [&](int chunks) {
    if (chunks < 3 || resumed) return true;
    edge->send_signal(SIGSTOP);  // the client waits from here; everything else happens meanwhile
    kill_settlement();
    // The worker finishes: its receipt is parked, journaled as it parks.
    const auto parked_by = std::chrono::steady_clock::now() + seconds(30);
    while (journal_owes(dir + "/mm.journal") == 0 && std::chrono::steady_clock::now() < parked_by) {
      std::this_thread::sleep_for(milliseconds(20));
    }
    EXPECT_GT(journal_owes(dir + "/mm.journal"), 0u) << "no receipt parked: proves nothing\n" << matchmaker->log();
    if (unjudged) {
      matchmaker->send_signal(SIGSTOP);
      std::this_thread::sleep_for(milliseconds(7000));  // over submitter_lost_ms / 2 since its last tick
      matchmaker->send_signal(SIGCONT);
      std::this_thread::sleep_for(milliseconds(13200));
      EXPECT_FALSE(matchmaker->wait_for_log("has not been heard from for", milliseconds(0)))
          << "a tick judged the bridge silent before the stop: proves nothing\n" << matchmaker->log();
    }
    if (bridge_lost_first) {
      EXPECT_TRUE(matchmaker->wait_for_log("lost by its submitter", seconds(10))) << matchmaker->log();
    }
    if (given_up == bridge_given_up::awaited) {
      EXPECT_TRUE(matchmaker->wait_for_log("its receipt waits for the word that it was delivered", seconds(10)))
          << "the matchmaker did not judge the bridge silent: proves nothing\n" << matchmaker->log();
    }
    matchmaker->send_signal(stop_signal);
    EXPECT_TRUE(matchmaker->wait_exit(seconds(5)).has_value()) << matchmaker->log();
    if (given_up == bridge_given_up::not_yet) {
      EXPECT_FALSE(matchmaker->wait_for_log("lost by its submitter", milliseconds(0))) << "gave the bridge up: proves nothing";
    }
    if ((given_up == bridge_given_up::awaited || unjudged) && stop_signal == SIGTERM) {
      EXPECT_TRUE(matchmaker->wait_for_log("did not name it delivered before the matchmaker stopped", milliseconds(0)))
          << matchmaker->log();
    }
    matchmaker = start_node("mm");
    EXPECT_TRUE(matchmaker->wait_for_log("owed before a restart sent again", seconds(15))) << matchmaker->log();
    if (killed_unjudged) {
      resumed = true;
      edge->send_signal(SIGCONT);
      return true;
    }
    ledger = start_node("ledger");
    expect_books_closed();
    const std::int64_t spent = genesis_micro - balance_micro("alice-ledger");
    // (Nothing spent: the bridge's last check came before the first token, and the worker has no account.)
    if (spent > 0) {
      EXPECT_EQ(balance_micro(worker_ids[0]), after_fee(spent)) << history(worker_ids[0]);
    }
    if (receipt_unpaid) {  // the delivered claims (as of the bridge's last check) paid, the rest refunded
      EXPECT_EQ(history(worker_ids[0]).find(" settle"), std::string::npos) << "the lost job's receipt was paid\n"
                                                                            << history(worker_ids[0]);
      EXPECT_NE(history("alice-ledger").find("refund"), std::string::npos) << history("alice-ledger");
      EXPECT_LT(spent / completion_micro_per_token, 400) << history("alice-ledger");
      checked = true;
      edge->send_signal(SIGKILL);
      return false;
    }
    EXPECT_GT(spent, 3 * completion_micro_per_token) << history("alice-ledger");
    EXPECT_NE(history(worker_ids[0]).find(" settle"), std::string::npos) << history(worker_ids[0]);
    EXPECT_EQ(history("alice-ledger").find("refund"), std::string::npos) << history("alice-ledger");
    checked = true;
    edge->send_signal(SIGKILL);
    return false;
  });
  EXPECT_TRUE(checked || killed_unjudged);
  if (!killed_unjudged) return;
  std::cout << "the client read " << got.content_chunks << " chunks, finished: " << got.finished << "\n";
  if (got.finished) {
    // The chunks the killed matchmaker had sent all waited in the bridge's socket (here they do not:
    // the client reads ~220 of 400), so the bridge got the answer whole and named it delivered: the
    // receipt is paid at once, whole, nothing refunded.
    ledger = start_node("ledger");
    expect_books_closed();
    EXPECT_EQ(genesis_micro - balance_micro("alice-ledger"), got.prompt_tokens + got.completion_tokens * completion_micro_per_token)
        << history("alice-ledger");
    EXPECT_EQ(history("alice-ledger").find("refund"), std::string::npos) << history("alice-ledger");
    return;
  }
  // The client was told the job failed; the payer pays the prompt and the tokens it read, the
  // miner is paid that from its chunk claims, the rest is refunded — the receipt is never paid.
  EXPECT_TRUE(matchmaker->wait_for_log("is not sent — its submitter still holds the job", seconds(5))) << matchmaker->log();
  ledger = start_node("ledger");
  expect_delivered_tokens_paid(got.content_chunks);
  EXPECT_EQ(history(worker_ids[0]).find(" settle"), std::string::npos) << "the failed job's receipt was paid\n"
                                                                      << history(worker_ids[0]);
}

TEST_F(bridge_outage_test, a_receipt_a_stopping_matchmaker_held_for_the_bridge_pays_the_miner_after_a_restart) {
  receipt_parked_when_the_matchmaker_stops(SIGTERM);
}

TEST_F(bridge_outage_test, a_receipt_a_killed_matchmaker_held_for_the_bridge_pays_the_miner_after_a_restart) {
  receipt_parked_when_the_matchmaker_stops(SIGKILL);
}

TEST_F(bridge_outage_test, a_receipt_parked_for_a_bridge_the_matchmaker_gave_up_is_not_paid_after_a_kill_and_restart) {
  receipt_parked_when_the_matchmaker_stops(SIGKILL, bridge_given_up::lost);
}

// Before, the stopping matchmaker sent the receipt of a job awaiting the silent bridge's word as
// its last word, as if the bridge had vouched for it: the payer paid the whole answer its bridge
// may never have received.
TEST_F(bridge_outage_test, a_receipt_awaiting_a_silent_bridge_when_the_matchmaker_stops_is_not_paid_after_a_restart) {
  receipt_parked_when_the_matchmaker_stops(SIGTERM, bridge_given_up::awaited);
}

// The bridge silent for submitter_lost_ms when the matchmaker stops, with no tick since to judge it
// so: the stopping matchmaker judges it as that tick would have, and settles the job as awaiting
// the silent bridge's word (the claims of its last check paid, the rest refunded). Before, it sent
// the parked receipt as its last word — the whole answer paid, its delivery never confirmed.
TEST_F(bridge_outage_test, a_receipt_of_a_bridge_silent_past_submitter_lost_ms_is_not_paid_when_the_matchmaker_stops_before_its_next_tick) {
  receipt_parked_when_the_matchmaker_stops(SIGTERM, bridge_given_up::unjudged);
}

// Killed instead, the matchmaker had judged nothing: its journal held the receipt as it parked.
// Restarted, it holds what its journal owed for submitter_lost_ms; the bridge resumes, names the job
// held, is told it is lost, fails it to its client and settles the chunks it delivered — and the
// matchmaker drops the journaled receipt. Before, the restarted matchmaker paid that receipt at once:
// the payer was charged the whole answer, its client told the job had failed (the bridge's own claims
// and refund then found the escrow closed).
TEST_F(bridge_outage_test, a_receipt_of_a_bridge_silent_past_submitter_lost_ms_is_not_paid_when_the_matchmaker_is_killed_and_the_bridge_fails_the_job) {
  receipt_parked_when_the_matchmaker_stops(SIGKILL, bridge_given_up::unjudged);
}

// Killed instead, the matchmaker had journaled the job as it would settle it stopping (the claims
// and a refund) in place of its receipt once it came to await the bridge's word. Before, the
// receipt journaled as it parked was paid in full after the restart.
TEST_F(bridge_outage_test, a_receipt_awaiting_a_silent_bridge_when_the_matchmaker_is_killed_is_not_paid_after_a_restart) {
  receipt_parked_when_the_matchmaker_stops(SIGKILL, bridge_given_up::awaited);
}

// The bridge frozen (SIGSTOP) mid-stream for longer than the matchmaker's submitter_lost_ms (6 s): the
// worker finishes meanwhile and the matchmaker gives the bridge up. Resumed, the bridge passes the
// rest of the stream to its client and names the job delivered. The receipt waited for that word
// (until the request's deadline), so the miner is paid every token the client received and nothing
// is refunded. Before, the matchmaker paid the chunk claims of the bridge's last check and refunded
// the rest at once (a whole answer: all of it), the client then got the whole answer for that, and
// the bridge's word came too late to count.
// The bridge frozen for longer than submitter_lost_ms once the client of a stream has read 3 chunks.
// The work must be done before the bridge is given up (else it is lost unfinished, as before): 400
// tokens take ~0.5 s here, so 6 s leaves room for a loaded machine.
constexpr const char* lost_after_the_work_is_done = "submitter_lost_ms: 6000";

stream_outcome bridge_outage_test::stream_through_a_frozen_bridge() {
  bool frozen = false;
  return stream(400, [&](int chunks) {
    if (chunks == 3 && !frozen) {
      frozen = true;
      edge->send_signal(SIGSTOP);
      EXPECT_TRUE(matchmaker->wait_for_log("has not been heard from for", seconds(15)))
          << "the matchmaker never gave the bridge up: proves nothing\n" << matchmaker->log();
      edge->send_signal(SIGCONT);
    }
    return true;
  });
}

TEST_F(bridge_outage_test, a_stream_that_finished_while_the_bridge_was_frozen_past_submitter_lost_ms_is_paid_whole) {
  edit_config("mm", "submitter_lost_ms: 3000", lost_after_the_work_is_done);
  start_edge_grid();
  const stream_outcome got = stream_through_a_frozen_bridge();
  ASSERT_TRUE(got.finished) << edge->log() << matchmaker->log();
  ASSERT_GT(got.completion_tokens, 3);
  expect_books_closed();
  const std::int64_t cost = got.prompt_tokens + got.completion_tokens * completion_micro_per_token;
  EXPECT_EQ(balance_micro("alice-ledger"), genesis_micro - cost) << history("alice-ledger") << matchmaker->log();
  EXPECT_EQ(balance_micro(worker_ids[0]), after_fee(cost)) << history(worker_ids[0]);
  EXPECT_EQ(history("alice-ledger").find("refund"), std::string::npos) << history("alice-ledger");
}

// With owed_journal, the claims and refund journaled in place of the receipt while the job awaited the
// frozen bridge's word are marked answered once the word came and the receipt was paid: a matchmaker
// kill -9'ed afterwards and restarted owes nothing (it would log that it sent them again).
TEST_F(bridge_outage_test, a_stream_paid_whole_after_its_frozen_bridge_resumed_leaves_nothing_owed_in_the_journal) {
  edit_config("mm", "submitter_lost_ms: 3000",
              std::string(lost_after_the_work_is_done) + ", owed_journal: \"" + dir + "/mm.journal\"");
  start_edge_grid();
  const stream_outcome got = stream_through_a_frozen_bridge();
  ASSERT_TRUE(got.finished) << edge->log() << matchmaker->log();
  ASSERT_TRUE(matchmaker->wait_for_log("its receipt waits for the word", milliseconds(0))) << "proves nothing\n"
                                                                                        << matchmaker->log();
  expect_books_closed();
  const std::int64_t cost = got.prompt_tokens + got.completion_tokens * completion_micro_per_token;
  EXPECT_EQ(balance_micro("alice-ledger"), genesis_micro - cost) << history("alice-ledger") << matchmaker->log();
  // Settlement's answer to the receipt reaches the matchmaker, which marks it answered in the journal.
  const auto owes_nothing_by = std::chrono::steady_clock::now() + seconds(10);
  while (journal_owes(dir + "/mm.journal") > 0 && std::chrono::steady_clock::now() < owes_nothing_by) {
    std::this_thread::sleep_for(milliseconds(50));
  }
  ASSERT_EQ(journal_owes(dir + "/mm.journal"), 0u) << matchmaker->log();
  matchmaker->send_signal(SIGKILL);
  (void)matchmaker->wait_exit(seconds(5));
  matchmaker = start_node("mm");
  ASSERT_TRUE(matchmaker->wait_for_log("started actor hub/matchmaker", seconds(15))) << matchmaker->log();
  EXPECT_FALSE(matchmaker->wait_for_log("owed before a restart sent again", seconds(1))) << matchmaker->log();
  EXPECT_EQ(balance_micro("alice-ledger"), genesis_micro - cost) << history("alice-ledger");
}

// The same for a whole (non-streamed) answer, whose miner the matchmaker paid nothing at all before:
// it runs beside the stream that times the freeze (posted first, so it is at the matchmaker by then,
// and done within the 6 s), and its client gets it once the bridge resumes.
TEST_F(bridge_outage_test, a_whole_answer_that_finished_while_the_bridge_was_frozen_past_submitter_lost_ms_is_paid_whole) {
  edit_config("mm", "submitter_lost_ms: 3000", lost_after_the_work_is_done);
  start_edge_grid();
  json whole;
  std::thread whole_client([&] { whole = complete(400); });
  std::this_thread::sleep_for(milliseconds(50));
  const stream_outcome streamed = stream_through_a_frozen_bridge();
  whole_client.join();
  ASSERT_TRUE(streamed.finished) << edge->log() << matchmaker->log();
  ASSERT_TRUE(whole.contains("usage") && whole.contains("id")) << whole.dump() << edge->log();
  const std::string id = whole["id"].get<std::string>();
  // Its job was at the matchmaker, not yet vouched for, when the bridge fell silent: else this proves nothing.
  const std::string mm_log = matchmaker->log();
  const auto named = mm_log.find("request " + id + " ");
  ASSERT_NE(named, std::string::npos) << "the whole answer was vouched for before the freeze: proves nothing\n" << mm_log;
  EXPECT_NE(mm_log.substr(named, mm_log.find('\n', named) - named).find("has not been heard from for"), std::string::npos)
      << mm_log;
  expect_books_closed();
  const std::int64_t whole_cost = whole["usage"]["prompt_tokens"].get<std::int64_t>() +
                                  whole["usage"]["completion_tokens"].get<std::int64_t>() * completion_micro_per_token;
  const std::int64_t streamed_cost = streamed.prompt_tokens + streamed.completion_tokens * completion_micro_per_token;
  EXPECT_GT(whole["usage"]["completion_tokens"].get<std::int64_t>(), 0) << whole.dump();
  std::cout << "the whole answer: " << whole["usage"]["completion_tokens"] << " tokens, the stream: "
            << streamed.completion_tokens << "\n";
  EXPECT_EQ(balance_micro("alice-ledger"), genesis_micro - whole_cost - streamed_cost) << history("alice-ledger") << mm_log;
  EXPECT_EQ(balance_micro(worker_ids[0]), after_fee(whole_cost) + after_fee(streamed_cost)) << history(worker_ids[0]);
  EXPECT_EQ(history("alice-ledger").find("refund"), std::string::npos) << history("alice-ledger");
}

// The matchmaker on a node of its own dies mid-stream: the bridge fails the job within seconds
// (not at its 30 s deadline), the worker is paid for the tokens the client received, the rest goes
// back. Killed for good, the bridge hears nothing from it for matchmaker_lost_ms (8 s); restarted at
// once, the new one answers that it does not hold the request.
class matchmaker_loss_test : public partial_settlement_test {
 protected:
  // Streams 400 tokens and kills the matchmaker after the client read 3 (restarting it if asked);
  // returns how long after the kill the stream ended.
  seconds stream_through_matchmaker_loss(bool restart) {
    ledger = start_node("ledger");
    matchmaker = start_node("mm");
    edge = start_node("edge");
    worker = start_node("worker0");
    EXPECT_TRUE(wait_for_workers(1)) << edge->log() << matchmaker->log();
    std::chrono::steady_clock::time_point killed_at{};
    got = stream(400, [&](int chunks) {
      if (chunks == 3) {
        matchmaker->send_signal(SIGKILL);
        (void)matchmaker->wait_exit(seconds(5));
        killed_at = std::chrono::steady_clock::now();
        if (restart) matchmaker = start_node("mm");
      }
      return true;
    });
    return std::chrono::duration_cast<seconds>(std::chrono::steady_clock::now() - killed_at);
  }
  stream_outcome got;
  std::unique_ptr<testing::child_process> ledger, matchmaker, edge, worker;
};

TEST_F(matchmaker_loss_test, a_matchmaker_that_died_fails_its_jobs_within_seconds_and_pays_what_was_delivered) {
  const seconds ended_after = stream_through_matchmaker_loss(false);
  EXPECT_FALSE(got.finished);
  EXPECT_LT(ended_after.count(), 15) << edge->log();
  EXPECT_TRUE(edge->wait_for_log("The matchmaker has not answered", seconds(5))) << edge->log();
  expect_delivered_tokens_paid(3);
}

TEST_F(matchmaker_loss_test, a_restarted_matchmaker_that_lost_the_job_fails_it_within_seconds) {
  const seconds ended_after = stream_through_matchmaker_loss(true);
  EXPECT_FALSE(got.finished);
  EXPECT_LT(ended_after.count(), 15) << edge->log();
  EXPECT_TRUE(edge->wait_for_log("The matchmaker lost the request", seconds(5))) << edge->log();
  expect_delivered_tokens_paid(3);
}

// The bridge on a node of its own is kill -9'ed mid-stream. The matchmaker hears nothing from it
// for submitter_lost_ms (3 s), stops the worker — or, when the job finished meanwhile, waits for the
// bridge's word until the request's deadline (6 s here) — pays it for what the bridge had received by
// its last check (the worker's chunk claims), and refunds the rest: the payer is not charged for the
// 400 tokens it asked for and never got, and its escrow does not wait for its expiry. (400 tokens
// take ~0.4 s here, so the bridge checks every 50 ms and is killed 0.1 s into the stream.)
class bridge_loss_test : public partial_settlement_test {
 protected:
  // The grid started, and a 400-token stream whose bridge is kill -9'ed 0.1 s after its 3rd chunk
  // (at once, with its worker before it, when `worker_too`).
  void stream_until_the_bridge_is_killed(bool worker_too = false) {
    ledger = start_node("ledger");
    matchmaker = start_node("mm");
    edge = start_node("edge");
    worker = start_node("worker0");
    ASSERT_TRUE(wait_for_workers(1)) << edge->log() << matchmaker->log();
    const stream_outcome got = stream(400, [&](int chunks) {
      if (chunks < 3) return true;
      if (worker_too) {
        worker->send_signal(SIGKILL);
        (void)worker->wait_exit(seconds(5));
      } else {
        std::this_thread::sleep_for(milliseconds(100));
      }
      edge->send_signal(SIGKILL);
      (void)edge->wait_exit(seconds(5));
      return false;
    });
    ASSERT_FALSE(got.finished);
  }
  std::unique_ptr<testing::child_process> ledger, matchmaker, edge, worker;
};

TEST_F(bridge_loss_test, a_bridge_killed_mid_stream_leaves_the_payer_charged_only_for_what_it_had_received) {
  edit_config("edge", "matchmaker_check_ms: 500", "matchmaker_check_ms: 50");
  edit_config("edge", "request_timeout_ms: 30000", "request_timeout_ms: 6000");
  ASSERT_NO_FATAL_FAILURE(stream_until_the_bridge_is_killed());
  ASSERT_TRUE(matchmaker->wait_for_log("lost by its submitter", seconds(15))) << matchmaker->log();
  // What the matchmaker paid — the claims of its last check before the kill — is what the payer
  // paid: the prompt and k < 400 tokens; the rest was refunded.
  const std::int64_t k = expect_paid_what_the_bridge_had_received(matchmaker->log());
  std::cout << "the matchmaker paid " << k << " of the 400 tokens asked for\n";
}

// The same kill with `owed_journal`, and the bridge started again at once, long before the
// matchmaker's submitter_lost_ms (60 s here): the new bridge names the job it no longer holds
// (held_requests_query.forgotten_ids), and the matchmaker, which still watches it, settles it at
// once as above — the claims of the old bridge's last check paid, the rest refunded. The bridge
// refunds nothing of it itself: a refund ahead of those claims would leave the miner unpaid for
// tokens the client received. Before, such a job waited for submitter_lost_ms.
TEST_F(bridge_loss_test, a_job_a_killed_bridge_left_at_the_matchmaker_is_settled_for_what_it_had_received_when_it_restarts) {
  edit_config("edge", "matchmaker_check_ms: 500", "matchmaker_check_ms: 50");
  edit_config("edge", "settlement_retry_ms: 500,", "settlement_retry_ms: 500, owed_journal: \"" + dir + "/edge.journal\",");
  edit_config("mm", "submitter_lost_ms: 3000", "submitter_lost_ms: 60000");
  ASSERT_NO_FATAL_FAILURE(stream_until_the_bridge_is_killed());
  edge = start_node("edge");
  ASSERT_TRUE(matchmaker->wait_for_log("lost by its submitter", seconds(15))) << matchmaker->log() << edge->log();
  EXPECT_NE(matchmaker->log().find("no longer holds it (restarted"), std::string::npos) << matchmaker->log();
  EXPECT_TRUE(edge->wait_for_log("0 never reached the matchmaker or failed there", seconds(5))) << edge->log();
  (void)expect_paid_what_the_bridge_had_received(matchmaker->log());
}

// The bridge is kill -9'ed mid-stream and the job then fails at the matchmaker (its only worker is
// killed too, and none serves the model after orphan_wait_ms): the failure goes to a bridge no
// longer there, and nothing settles the escrow. Started again on its owed_journal, the bridge names
// the job it no longer holds; the matchmaker failed it, so it forgets its segments (no late receipt
// of it is passed on) and says it owes nothing for it, and the bridge refunds the escrow at once —
// what its expiry would do, a minute sooner. Before, the segments kept for a late receipt made the
// matchmaker keep the job as its own to settle, and the payer's funds waited for the escrow's expiry
// (the 30 s deadline + settlement's grace).
TEST_F(bridge_loss_test, a_job_that_failed_while_its_bridge_was_dead_is_refunded_when_the_bridge_restarts) {
  edit_config("edge", "settlement_retry_ms: 500,", "settlement_retry_ms: 500, owed_journal: \"" + dir + "/edge.journal\",");
  edit_config("mm", "submitter_lost_ms: 3000", "submitter_lost_ms: 60000, orphan_wait_ms: 200");
  ASSERT_NO_FATAL_FAILURE(stream_until_the_bridge_is_killed(true));
  ASSERT_TRUE(matchmaker->wait_for_log("failed, its submitter told", seconds(15))) << matchmaker->log();
  ASSERT_EQ(run_cli("ledger --db " + db + " escrows").output.find("0 open escrows"), std::string::npos)
      << "no escrow left open: proves nothing";
  const auto restarted_at = std::chrono::steady_clock::now();
  edge = start_node("edge");
  expect_books_closed();  // within seconds, not at the escrow's expiry
  std::cout << "the escrow was refunded "
            << std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - restarted_at).count()
            << " ms after the bridge started again\n";
  EXPECT_TRUE(edge->wait_for_log("1 never reached the matchmaker or failed there", seconds(5))) << edge->log();
  EXPECT_EQ(balance_micro("alice-ledger"), genesis_micro) << history("alice-ledger");
  EXPECT_NE(history("alice-ledger").find("refund"), std::string::npos) << history("alice-ledger");
  EXPECT_EQ(history("alice-ledger").find("expire"), std::string::npos) << history("alice-ledger");
}

}  // namespace
}  // namespace infergrid
