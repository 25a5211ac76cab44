#pragma once
// compute_grid: a real multi-process grid for the compute tests — a hub process (matchmaker +
// gateway) and worker processes (`infergrid node`), each with its own config file, real tcp
// sockets, real signals. Every wait is bounded.
#include <signal.h>
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "messages/match.hpp"
#include "runtime/identity.hpp"
#include "runtime/node.hpp"

namespace infergrid::compute_testing {

// A child process running `infergrid node --config FILE`; SIGKILLed and reaped on destruction.
class node_process {
 public:
  node_process(const std::string& config_path, const std::string& log_path);
  ~node_process();
  node_process(const node_process&) = delete;
  node_process& operator=(const node_process&) = delete;
  void signal(int number);
  bool running();
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

struct hub_options {
  std::int64_t heartbeat_interval_ms = 100;
  std::int64_t heartbeat_timeout_ms = 800;
  std::int64_t stall_timeout_ms = 1200;
};

struct worker_options {
  std::uint32_t slots = 4;
  std::uint32_t context_size = 512;
  std::uint64_t price_completion_micro = 200;
  std::uint32_t chunk_tokens = 2;
};

class compute_grid {
 public:
  explicit compute_grid(std::string name, hub_options hub = {});
  ~compute_grid();

  // Starts a worker process serving stories260k; returns its index. Its worker id is worker_id(i).
  std::size_t add_worker(const worker_options& options = {});
  const std::string& worker_id(std::size_t index) const { return workers_[index].id; }
  node_process& worker_process(std::size_t index) { return *workers_[index].process; }
  // kill -9 and start again: the same node name, key and config, a new port. True once the new
  // process logged that the matchmaker registered it (bounded by timeout_ms).
  bool restart_worker(std::size_t index, std::int64_t timeout_ms);
  std::size_t worker_index(const std::string& id) const;

  const std::string& gateway_endpoint() const { return gateway_endpoint_; }
  // The matchmaker's supply signal, asked over tcp from this test process.
  result<supply_report> supply(std::int64_t timeout_ms = 2000);
  // Polls until `ready` holds for the supply signal, at most timeout_ms.
  bool wait_for_supply(const std::function<bool(const supply_report&)>& ready, std::int64_t timeout_ms);

 private:
  struct worker {
    std::string id;
    std::unique_ptr<node_process> process;
    std::string config;
    std::string log;
  };
  std::string write_file(const std::string& name, const std::string& text);
  std::string keygen(const std::string& name);

  std::string name_;
  std::string dir_;
  std::string hub_endpoint_;
  std::string gateway_endpoint_;
  std::string hub_transport_pub_;
  std::unique_ptr<node_process> hub_;
  std::vector<worker> workers_;
  std::unique_ptr<node> probe_;
};

// Reserves a free tcp port on 127.0.0.1 (binds port 0, reads it, closes).
int free_port();
std::string stories260k_model_path();

}  // namespace infergrid::compute_testing
