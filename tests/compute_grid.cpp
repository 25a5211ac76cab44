#include "tests/compute_grid.hpp"
#include "tests/support/free_port.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include <fmt/format.h>

#include "runtime/key_files.hpp"

extern char** environ;

namespace infergrid::compute_testing {
namespace {

std::string env_or(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : fallback;
}

std::string infergrid_binary() { return env_or("INFERGRID_BINARY_DIR", "build") + "/actors/cli/infergrid"; }

}  // namespace

std::string stories260k_model_path() {
  return std::filesystem::absolute(env_or("INFERGRID_SOURCE_DIR", ".") + "/deploy/models/stories260k.gguf").string();
}

int free_port() { return infergrid::testing::free_tcp_port(); }

node_process::node_process(const std::string& config_path, const std::string& log_path) {
  const std::string binary = infergrid_binary();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  std::array<char*, 5> argv{const_cast<char*>(binary.c_str()), const_cast<char*>("node"), const_cast<char*>("--config"),
                            const_cast<char*>(config_path.c_str()), nullptr};
  if (posix_spawn(&pid_, binary.c_str(), &actions, nullptr, argv.data(), environ) != 0) pid_ = -1;
  posix_spawn_file_actions_destroy(&actions);
}

node_process::~node_process() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGCONT);
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
}

void node_process::signal(int number) {
  if (pid_ > 0) ::kill(pid_, number);
}

bool node_process::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  return ::waitpid(pid_, &status, WNOHANG) == 0;
}

compute_grid::compute_grid(std::string name, hub_options hub) : name_(std::move(name)) {
  dir_ = (std::filesystem::temp_directory_path() / fmt::format("infergrid-{}-{}", name_, ::getpid())).string();
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directories(dir_);
  hub_endpoint_ = fmt::format("tcp://127.0.0.1:{}", free_port());
  gateway_endpoint_ = fmt::format("tcp://127.0.0.1:{}", free_port());
  // A permissionless hub: any worker key may register (as itself only; envelopes are signed), over
  // CurveZMQ as a cluster config says (ZAP admits any transport key under admit: open).
  const std::string hub_keys = keygen("hub");
  const std::string hub_config = write_file("hub.yaml", fmt::format(R"(node: {{name: hub, bind: "{}"}}
limits: {{drain_timeout_ms: 500, drain_quiet_ms: 20}}
security: {{admit: open, transport: curve, transport_key: "{}/transport.key"}}
actors:
  - name: matchmaker
    kind: matchmaker
    settings: {{heartbeat_interval_ms: {}, heartbeat_timeout_ms: {}, stall_timeout_ms: {}, tick_ms: 20}}
  - name: gateway
    kind: gateway
    settings: {{bind: "{}"}}
)", hub_endpoint_, hub_keys, hub.heartbeat_interval_ms, hub.heartbeat_timeout_ms, hub.stall_timeout_ms, gateway_endpoint_));
  hub_ = std::make_unique<node_process>(hub_config, dir_ + "/hub.log");
  node_config probe;
  probe.source = "<compute test probe>";
  probe.name = "probe";
  probe.bind = "tcp://127.0.0.1:*";
  probe.limits.drain_quiet_ms = 10;
  hub_transport_pub_ = hub_keys + "/transport.pub";
  probe.security.transport_key_path = keygen("probe") + "/transport.key";
  probe.peers.push_back(peer_config{"hub", hub_endpoint_, {"matchmaker", "gateway"}, std::nullopt, hub_transport_pub_});
  probe_ = std::move(node::create(probe)).value();
}

compute_grid::~compute_grid() {
  probe_->stop();
  workers_.clear();
  hub_.reset();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

// `infergrid keygen --out <dir>/<name>-keys`; returns that directory (a failure shows at node start).
std::string compute_grid::keygen(const std::string& name) {
  const std::string keys = dir_ + "/" + name + "-keys";
  (void)write_new_keys(keys);
  return keys;
}

std::string compute_grid::write_file(const std::string& name, const std::string& text) {
  const std::string path = dir_ + "/" + name;
  std::ofstream(path) << text;
  return path;
}

std::size_t compute_grid::add_worker(const worker_options& options) {
  const std::size_t index = workers_.size();
  std::array<std::uint8_t, 32> seed{};
  seed[0] = static_cast<std::uint8_t>(index + 1);
  seed[1] = static_cast<std::uint8_t>(::getpid());
  const std::string key_file = write_file(fmt::format("worker{}.key", index), to_hex(seed) + "\n");
  const std::string id = to_hex(identity::from_seed(seed).public_id());
  const std::string transport_key = keygen(fmt::format("worker{}", index)) + "/transport.key";
  const std::string config = write_file(fmt::format("worker{}.yaml", index), fmt::format(R"(node: {{name: w{}, bind: "tcp://127.0.0.1:*"}}
limits: {{drain_timeout_ms: 500, drain_quiet_ms: 20}}
security: {{transport: curve, transport_key: "{}"}}
peers: [{{name: hub, endpoint: "{}", actors: [matchmaker], transport_key: "{}"}}]
actors:
  - name: gpu_worker
    kind: gpu_worker
    settings: {{model_path: "{}", slots: {}, context_size: {}, price_completion_micro: {}, chunk_tokens: {},
               identity_file: "{}", benchmark_tokens: 4, heartbeat_interval_ms: 100}}
)", index, transport_key, hub_endpoint_, hub_transport_pub_, stories260k_model_path(), options.slots, options.context_size, options.price_completion_micro,
                                                                        options.chunk_tokens, key_file));
  const std::string log = dir_ + fmt::format("/worker{}.log", index);
  workers_.push_back({id, std::make_unique<node_process>(config, log), config, log});
  return index;
}

bool compute_grid::restart_worker(std::size_t index, std::int64_t timeout_ms) {
  worker& w = workers_[index];
  w.process.reset();  // SIGKILL and reap
  const std::string log = w.log + ".restarted";
  w.process = std::make_unique<node_process>(w.config, log);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream in(log);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (text.find("registered as") != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

std::size_t compute_grid::worker_index(const std::string& id) const {
  for (std::size_t i = 0; i < workers_.size(); ++i) {
    if (workers_[i].id == id) return i;
  }
  return workers_.size();
}

result<supply_report> compute_grid::supply(std::int64_t timeout_ms) {
  return probe_->call<supply_report>("hub/matchmaker", supply_request{}, timeout_ms);
}

bool compute_grid::wait_for_supply(const std::function<bool(const supply_report&)>& ready, std::int64_t timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    auto report = supply(500);
    if (report.ok() && ready(*report)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // poll period of a bounded wait
  }
  return false;
}

}  // namespace infergrid::compute_testing
