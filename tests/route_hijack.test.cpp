// A stranger on its own tcp port claims a worker's route (deploy/readme/runtime.md, "Directory"):
// a hub (settlement, matchmaker, the HTTP bridge in settlement mode), a worker on a node of its own
// ("w1") and a stranger's node also named "w1", with keys of its own, hosting a `gpu_worker` that
// counts what reaches it. The stranger signs under w1 from a fresh address — so its envelopes are
// admitted and answered — and as "w1/gpu_worker" (pinned to the real worker's key: refused). Served
// over real HTTP afterwards, every job goes to the real worker and is paid to its account; the
// stranger receives no job, no cancel and no reply meant for w1, and holds no ledger account. (With
// the route moved by any admitted key — checked by turning peer_trust::may_route off in the ingress —
// the hub's replies to w1 went to the stranger, and w1's jobs would follow whenever its stream of
// envelopes had the route last.)
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "messages/inference.hpp"
#include "messages/ledger.hpp"
#include "messages/match.hpp"
#include "messages/system.hpp"
#include "runtime/curve_keys.hpp"
#include "runtime/node.hpp"
#include "tests/compute_grid.hpp"
#include "tests/support/http_health.hpp"
#include "tests/support/started_node.hpp"

namespace infergrid {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

// What reached the stranger's "gpu_worker": any of it is a hijacked route.
struct stranger_log {
  std::atomic<int> jobs{0};
  std::atomic<int> cancels{0};
};

// It also pings the hub every 100 ms from "w1/gpu_worker", the real worker's address (pinned to
// the real worker's key, so refused at the hub's door).
struct stranger_worker {
  stranger_worker(actor_context& context, stranger_log* seen) : ctx(context), log(seen) {}
  void on_start() {
    (void)ctx.every(100, [this] { (void)ctx.send("grid/health", ping{++sent, {}}); });
  }
  handler_table handlers() {
    return {on<inference_job>([this](const inference_job& job) -> result<job_accepted> {
              ++log->jobs;
              return job_accepted{job.request.request_id, "stranger", 0};
            }),
            on<cancel_inference>([this](const cancel_inference&) { ++log->cancels; })};
  }
  actor_context& ctx;
  stranger_log* log;
  std::uint64_t sent = 0;
};

class route_hijack : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = std::filesystem::temp_directory_path() / ("infergrid-route-hijack-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "keys.yaml") << "accounts:\n  - {name: dev, keys: [sk-dev], account: dev}\n";
    http_port = compute_testing::free_port();
    auto hub_started = testing::start_curve_node(
        "node: {name: grid, bind: 'tcp://127.0.0.1:*'}\n"
        "limits: {drain_quiet_ms: 10}\n"
        "security: {admit: open}\n"
        "actors:\n"
        "  - {name: health, kind: health}\n"
        "  - name: settlement\n    kind: settlement\n"
        "    settings: {db: " + (dir / "ledger.db").string() + ", durable: false, genesis_deposits: {dev: 1000000000}}\n"
        "  - name: matchmaker\n    kind: matchmaker\n    settings: {receipts_to: settlement}\n"
        "  - name: http\n    kind: http_bridge\n"
        "    settings: {listen: 127.0.0.1:" + std::to_string(http_port) + ", keys_file: " + (dir / "keys.yaml").string() +
        ", settlement: settlement}\n",
        "<route hijack hub>");
    ASSERT_TRUE(hub_started.ok()) << hub_started.err().message;
    hub = std::move(*hub_started);
    const peer_config hub_peer = testing::peer_of(*hub, {"matchmaker", "health"});

    auto worker_config = parse_config(
        "node: {name: w1, bind: 'tcp://127.0.0.1:*'}\n"
        "limits: {drain_quiet_ms: 10}\n"
        "actors:\n"
        "  - name: gpu_worker\n    kind: gpu_worker\n"
        "    settings: {model_path: \"" + compute_testing::stories260k_model_path() +
        "\", slots: 2, context_size: 128, benchmark_tokens: 4, heartbeat_interval_ms: 100, identity_file: " +
        (dir / "w1.key").string() + "}\n",
        "<route hijack worker>");
    ASSERT_TRUE(worker_config.ok()) << worker_config.err().message;
    worker_config->security.transport_key_secret = generate_curve_keypair().value().secret_z85;
    worker_config->peers.push_back(hub_peer);
    auto worker_started = testing::start_node(std::move(*worker_config));
    ASSERT_TRUE(worker_started.ok()) << worker_started.err().message;
    worker = std::move(*worker_started);
    ASSERT_TRUE(testing::wait_for_http_workers(http_port, 1, 60s));
    worker_account = to_hex(identity::load((dir / "w1.key").string())->public_id());

    node_config impostor;
    impostor.source = "<stranger>";
    impostor.name = "w1";  // the worker's node name, on another port, with other keys
    impostor.bind = "tcp://127.0.0.1:*";
    impostor.limits.drain_quiet_ms = 10;
    impostor.security.transport_key_secret = generate_curve_keypair().value().secret_z85;
    impostor.peers.push_back(hub_peer);
    stranger = std::move(node::create(std::move(impostor))).value();
    ASSERT_TRUE(stranger->start().ok());
    ASSERT_TRUE(stranger->spawn_state<stranger_worker>("gpu_worker", &seen).ok());
  }

  void TearDown() override {
    if (stranger) stranger->stop();
    if (worker) worker->stop();
    if (hub) hub->stop();
    std::filesystem::remove_all(dir);
  }

  int complete() {
    httplib::Client client("127.0.0.1", http_port);
    client.set_read_timeout(60, 0);
    const json body = {{"model", "stories260k"}, {"prompt", "Once upon a time"}, {"max_tokens", 8}};
    auto res = client.Post("/v1/completions", {{"Authorization", "Bearer sk-dev"}}, body.dump(), "application/json");
    return res ? res->status : 0;
  }

  std::filesystem::path dir;
  int http_port = 0;
  std::unique_ptr<node> hub, worker, stranger;
  std::string worker_account;
  stranger_log seen;
};

TEST_F(route_hijack, a_stranger_claiming_a_workers_node_name_gets_none_of_its_jobs_or_pay) {
  int answered_as_w1 = 0;
  for (int i = 0; i < 6; ++i) {
    // Admitted (a fresh address under w1) and answered — to where w1's route points.
    if (stranger->call<pong>("grid/health", ping{static_cast<std::uint64_t>(i), {}}, 300).ok()) ++answered_as_w1;
    EXPECT_EQ(complete(), 200) << "request " << i;
  }
  EXPECT_EQ(seen.jobs, 0) << "the hub sent the worker's jobs to the stranger";
  EXPECT_EQ(seen.cancels, 0);
  EXPECT_EQ(answered_as_w1, 0) << "the hub's replies to w1 went to the stranger";
  auto paid = hub->call<balance_reply>("settlement", balance_query{worker_account}, 3000);
  ASSERT_TRUE(paid.ok()) << paid.err().message;
  EXPECT_GT(paid->balance_micro, 0) << "the real worker was paid for the jobs";
  auto stranger_account = hub->call<balance_reply>("settlement", balance_query{to_hex(stranger->signer().public_id())}, 3000);
  EXPECT_FALSE(stranger_account.ok()) << "the stranger holds an account";
}

}  // namespace
}  // namespace infergrid
