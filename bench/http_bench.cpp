// http_bench: what the HTTP bridge costs over the network's own ZeroMQ client.
// One in-process grid (deploy/all-in-one.yaml with free ports, no rate limit) serves, each under
// `--connections` concurrent clients:
//   GET /v1/models                                        (HTTP, keep-alive connections)
//   POST /v1/completions, 16 tokens, greedy               (HTTP, a key the bridge bills itself)
//   the same completions through the gateway's REQ client  (baseline: infergrid_client)
//   the same completions with a key the settlement actor escrows (a durable ledger commit each)
// and prints requests/s, p50 and p99 of each, and the bridge's overhead over REQ as two factors
// where more is slower — p50 latency bridge/REQ and throughput REQ/bridge (target <= 1.2 each) —
// and, apart, what the durable escrow adds. The ledger and the validators' keys are fresh
// ones in a temp directory.
//   build/bench/http_bench [--connections 32] [--requests 8] [--model-requests 200]
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "actors/gateway/client/infergrid_client.hpp"
#include "runtime/node.hpp"
#include "tests/support/free_port.hpp"

namespace {

using namespace infergrid;
using clock_type = std::chrono::steady_clock;

constexpr const char* local_key = "sk-bench-local";      // balance kept by the bridge
constexpr const char* ledger_key = "sk-infergrid-dev";    // escrowed with settlement (all-in-one's dev account)
constexpr const char* prompt = "Once upon a time";
constexpr std::int64_t completion_tokens = 16;
constexpr std::int64_t request_timeout_ms = 120000;
constexpr auto grid_start_timeout = std::chrono::seconds(120);

struct figures {
  std::string name;
  double requests_per_s = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  std::size_t failures = 0;
  std::map<std::string, std::size_t> failure_reasons;
};

// What one request ended in: empty = success, else why it failed.
using attempt = std::function<std::string()>;

// Runs a connection's attempt `per_connection` times on each of `connections` threads.
figures measure(const std::string& name, int connections, int per_connection,
                const std::function<attempt()>& make_connection) {
  std::vector<std::vector<double>> latencies(connections);
  std::mutex failures_mutex;
  std::map<std::string, std::size_t> failures;
  std::vector<attempt> clients;
  for (int c = 0; c < connections; ++c) clients.push_back(make_connection());
  const auto begin = clock_type::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < connections; ++c) {
    threads.emplace_back([&, c] {
      for (int i = 0; i < per_connection; ++i) {
        const auto start = clock_type::now();
        const std::string failure = clients[c]();
        if (!failure.empty()) {
          const std::lock_guard lock(failures_mutex);
          ++failures[failure];
        }
        latencies[c].push_back(std::chrono::duration<double, std::milli>(clock_type::now() - start).count());
      }
    });
  }
  for (auto& t : threads) t.join();
  const double elapsed_s = std::chrono::duration<double>(clock_type::now() - begin).count();
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  auto percentile = [&](double p) { return all.empty() ? 0.0 : all[std::min(all.size() - 1, static_cast<std::size_t>(p * all.size()))]; };
  std::size_t failed = 0;
  for (const auto& [reason, count] : failures) failed += count;
  return {name, static_cast<double>(all.size()) / elapsed_s, percentile(0.50), percentile(0.99), failed, failures};
}

// Empty for a 200; else the transport error or the status and body.
std::string failure_of(const httplib::Result& res) {
  if (!res) return "transport: " + httplib::to_string(res.error());
  if (res->status == 200) return {};
  return std::to_string(res->status) + " " + res->body.substr(0, 200);
}

void print(const figures& f) {
  fmt::print("{:<44} {:>10.1f} req/s   p50 {:>8.2f} ms   p99 {:>8.2f} ms   failures {}\n", f.name, f.requests_per_s,
             f.p50_ms, f.p99_ms, f.failures);
  for (const auto& [reason, count] : f.failure_reasons) fmt::print("    {} x {}\n", count, reason);
}

result<std::unique_ptr<node>> start_grid(int http_port, int gateway_port) {
  auto config = load_config_file("deploy/all-in-one.yaml");
  if (!config.ok()) return config.err();
  config->bind = "tcp://127.0.0.1:*";
  config->advertise.clear();
  // A fresh ledger per run (all-in-one's lives in the working directory) and two keys: one billed
  // by the bridge itself, one escrowed with the settlement actor (the all-in-one dev account).
  const auto dir = std::filesystem::temp_directory_path() / fmt::format("infergrid_http_bench_{}", ::getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "api-keys.yaml") << fmt::format(
      "accounts:\n  - {{name: local, keys: [{}], balance_micro: 1000000000000}}\n"
      "  - {{name: dev, keys: [{}], account: dev}}\n",
      local_key, ledger_key);
  for (auto& actor : config->actors) {
    YAML::Node settings = actor.config.yaml();
    if (actor.kind == "gateway") settings["bind"] = fmt::format("tcp://127.0.0.1:{}", gateway_port);
    if (actor.kind == "http_bridge") {
      settings["listen"] = fmt::format("127.0.0.1:{}", http_port);
      settings["rate_limit_per_minute"] = 0;
    }
    if (actor.kind == "http_bridge") settings["keys_file"] = (dir / "api-keys.yaml").string();
    if (actor.kind == "settlement") settings["db"] = (dir / "ledger.db").string();  // fresh, durable
    // The validators' identity keys too: all-in-one names them relative to the working directory.
    if (actor.kind == "validator" && settings["identity_file"]) {
      settings["identity_file"] = (dir / settings["identity_file"].as<std::string>()).string();
    }
  }
  auto grid = node::create(std::move(*config));
  if (!grid.ok()) return grid.err();
  IG_TRY((*grid)->start());
  return grid;
}

}  // namespace

int main(int argc, char** argv) {
  int connections = 32, requests = 8, model_requests = 200;
  CLI::App app{"http_bench: the HTTP bridge's cost over the gateway's ZeroMQ client, on an in-process grid "
               "(run from the repository root: it loads deploy/all-in-one.yaml)."};
  app.option_defaults()->always_capture_default();
  app.add_option("--connections", connections, "concurrent clients")->check(CLI::PositiveNumber);
  app.add_option("--requests", requests, "completions per connection")->check(CLI::PositiveNumber);
  app.add_option("--model-requests", model_requests, "GET /v1/models per connection")->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);
  // Ports named in the config before the grid binds them: one a parallel test took meanwhile is
  // picked again (free_port.hpp).
  int http_port = 0, gateway_port = 0;
  auto grid = infergrid::testing::start_on_free_ports(2, [&](const std::vector<int>& ports) {
    http_port = ports[0];
    gateway_port = ports[1];
    return start_grid(http_port, gateway_port);
  });
  if (!grid.ok()) {
    fmt::print(stderr, "http_bench: {}\n", grid.err().message);
    return 1;
  }
  const httplib::Headers auth = {{"Authorization", std::string("Bearer ") + local_key}};
  const httplib::Headers ledger_auth = {{"Authorization", std::string("Bearer ") + ledger_key}};
  {
    httplib::Client probe("127.0.0.1", http_port);
    const auto deadline = clock_type::now() + grid_start_timeout;
    while (true) {
      auto res = probe.Get("/v1/models", auth);
      if (res && res->status == 200 && !nlohmann::json::parse(res->body)["data"].empty()) break;
      if (clock_type::now() > deadline) {
        fmt::print(stderr, "http_bench: no model served within {} s\n", grid_start_timeout.count());
        return 1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  const std::string body = nlohmann::json{{"model", "stories260k"}, {"prompt", prompt}, {"max_tokens", completion_tokens},
                                          {"temperature", 0}, {"seed", 1}}.dump();
  auto http_client = [&] {
    auto client = std::make_shared<httplib::Client>("127.0.0.1", http_port);
    client->set_keep_alive(true);
    client->set_tcp_nodelay(true);  // as clients such as curl and Node do
    client->set_read_timeout(request_timeout_ms / 1000, 0);
    return client;
  };
  fmt::print("http_bench: {} connections, {} completions and {} model lists per connection, {} tokens each\n",
             connections, requests, model_requests, completion_tokens);
  auto models = measure("GET /v1/models (bridge)", connections, model_requests, [&] {
    auto client = http_client();
    return attempt([client, &auth] { return failure_of(client->Get("/v1/models", auth)); });
  });
  auto baseline = measure("16-token completion (ZMQ REQ client, baseline)", connections, requests, [&] {
    auto client = std::make_shared<infergrid_client>(fmt::format("tcp://127.0.0.1:{}", gateway_port));
    return attempt([client] {
      inference_request ask;
      ask.model = "stories260k";
      ask.prompt = prompt;
      ask.max_tokens = completion_tokens;
      ask.sampling.temperature = 0;
      ask.sampling.seed = 1;
      auto answer = client->complete(ask, request_timeout_ms);
      return answer.ok() ? std::string() : answer.err().message;
    });
  });
  auto bridged = measure("16-token completion (HTTP bridge)", connections, requests, [&] {
    auto client = http_client();
    return attempt([client, &auth, &body] {
      return failure_of(client->Post("/v1/completions", auth, body, "application/json"));
    });
  });
  // The same through a key the settlement actor escrows: a durable ledger commit before each job.
  auto escrowed = measure("16-token completion (HTTP bridge, settlement escrow)", connections, requests, [&] {
    auto client = http_client();
    return attempt([client, &ledger_auth, &body] {
      return failure_of(client->Post("/v1/completions", ledger_auth, body, "application/json"));
    });
  });
  print(models);
  print(baseline);
  print(bridged);
  print(escrowed);
  // Both factors grow as the bridge costs more (> 1: slower than REQ): its p50 over REQ's, and
  // REQ's requests/s over its own.
  const auto ratios = [&](const char* what, const figures& f) {
    const double latency = baseline.p50_ms > 0 ? f.p50_ms / baseline.p50_ms : 0;
    const double throughput = f.requests_per_s > 0 ? baseline.requests_per_s / f.requests_per_s : 0;
    fmt::print("{} vs REQ: p50 latency {}/REQ {:.3f}x, throughput REQ/{} {:.3f}x (> 1: slower than REQ)\n", what,
               what, latency, what, throughput);
  };
  ratios("bridge", bridged);
  fmt::print("  (the bridge's overhead; target <= 1.2x each)\n");
  ratios("escrowed", escrowed);
  fmt::print("  (the bridge with a settlement escrow: a durable ledger commit, fsync, before each job; the REQ path\n"
             "   escrows nothing)\n");
  (*grid)->stop();
  return models.failures + baseline.failures + bridged.failures + escrowed.failures == 0 ? 0 : 1;
}
