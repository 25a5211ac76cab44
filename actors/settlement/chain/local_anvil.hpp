#pragma once
// local_anvil: a local EVM node — the `anvil` binary of the npm package @foundry-rs/anvil — run as a
// child process for a dev chain (`infergrid up --chain`) and for the chain tests. It listens on
// 127.0.0.1 (port 0: a free one, read from its "Listening on" line), in its own process group so a
// terminal's Ctrl-C reaches only its parent, and it dies with the thread that started it
// (PR_SET_PDEATHSIG) so a crashed parent leaves no node behind. With a state file the chain is
// loaded from it at start and written back on a graceful stop (and every state_interval_s).
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "runtime/result.hpp"

namespace infergrid::chain {

struct local_anvil_options {
  std::string binary;                             // the anvil executable
  std::uint16_t port = 0;                         // 0: a free port
  std::string log_path;                           // its stdout and stderr
  std::string state_path;                         // "": an ephemeral chain
  std::uint32_t state_interval_s = 0;             // with a state file: also written this often (0: only at stop)
  std::chrono::seconds start_timeout{30};         // anvil starts in well under a second; this bounds a loaded machine
};

class local_anvil {
 public:
  static result<std::unique_ptr<local_anvil>> start(const local_anvil_options& options);
  ~local_anvil();
  local_anvil(const local_anvil&) = delete;
  local_anvil& operator=(const local_anvil&) = delete;

  const std::string& endpoint() const { return endpoint_; }  // http://127.0.0.1:PORT
  std::uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  // SIGTERM (anvil writes its state file), then SIGKILL if it has not exited within `grace`; reaped.
  void stop(std::chrono::milliseconds grace = std::chrono::seconds(10));
  // SIGKILL now, reaped (a node that went away).
  void kill();

 private:
  local_anvil(pid_t pid, std::string endpoint, std::uint16_t port)
      : pid_(pid), endpoint_(std::move(endpoint)), port_(port) {}
  bool wait_exit(std::chrono::milliseconds timeout);
  pid_t pid_ = -1;
  std::string endpoint_;
  std::uint16_t port_ = 0;
};

}  // namespace infergrid::chain
