#include "actors/settlement/chain/local_anvil.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>
#include <vector>

namespace infergrid::chain {
namespace {

constexpr std::chrono::milliseconds poll_interval{20};

// In the child between fork and exec: only async-signal-safe calls.
[[noreturn]] void exec_child(const std::vector<char*>& argv, const char* log_path, pid_t parent) {
  ::setpgid(0, 0);
  ::prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (::getppid() != parent) ::_exit(127);  // the parent died before prctl took effect
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);  // a parent that blocks SIGTERM must not pass that on
  const int log = ::open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log >= 0) {
    ::dup2(log, STDOUT_FILENO);
    ::dup2(log, STDERR_FILENO);
  }
  ::execv(argv[0], argv.data());
  ::_exit(127);
}

std::string read_file(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// The port of anvil's "Listening on 127.0.0.1:PORT" line, once it is in the log.
std::optional<std::uint16_t> listening_port(const std::string& log) {
  const std::size_t at = log.find("Listening on ");
  if (at == std::string::npos) return std::nullopt;
  const std::size_t end = log.find('\n', at);
  if (end == std::string::npos) return std::nullopt;
  const std::string line = log.substr(at, end - at);
  const std::size_t colon = line.rfind(':');
  if (colon == std::string::npos) return std::nullopt;
  std::uint32_t port = 0;
  for (char c : line.substr(colon + 1)) {
    if (c < '0' || c > '9') break;
    port = port * 10 + static_cast<std::uint32_t>(c - '0');
    if (port > 65535) return std::nullopt;
  }
  if (port == 0) return std::nullopt;
  return static_cast<std::uint16_t>(port);
}

}  // namespace

result<std::unique_ptr<local_anvil>> local_anvil::start(const local_anvil_options& options) {
  if (::access(options.binary.c_str(), X_OK) != 0) {
    return make_error(error_code::not_found, options.binary +
                                                 " is missing: deploy/install-chain-tools.sh installs the npm package "
                                                 "@foundry-rs/anvil there (the ctest fixture chain_npm_install does too)");
  }
  std::vector<std::string> arguments = {options.binary, "--host", "127.0.0.1", "--port", std::to_string(options.port)};
  if (!options.state_path.empty()) {
    arguments.insert(arguments.end(), {"--state", options.state_path});
    if (options.state_interval_s > 0) arguments.insert(arguments.end(), {"--state-interval", std::to_string(options.state_interval_s)});
  }
  std::vector<char*> argv;
  for (auto& argument : arguments) argv.push_back(argument.data());
  argv.push_back(nullptr);
  std::ofstream(options.log_path, std::ios::trunc);  // no "Listening on" of an earlier run is read
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) return make_error(error_code::io_error, "could not start " + options.binary + ": fork failed");
  if (pid == 0) exec_child(argv, options.log_path.c_str(), parent);

  std::unique_ptr<local_anvil> node(new local_anvil(pid, "", 0));
  const auto deadline = std::chrono::steady_clock::now() + options.start_timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto port = listening_port(read_file(options.log_path))) {
      node->port_ = *port;
      node->endpoint_ = "http://127.0.0.1:" + std::to_string(*port);
      return node;
    }
    if (node->wait_exit(std::chrono::milliseconds(0))) {
      return make_error(error_code::io_error, "anvil exited at start; its log: " + options.log_path);
    }
    std::this_thread::sleep_for(poll_interval);
  }
  node->kill();
  return make_error(error_code::timeout, "anvil did not start listening; its log: " + options.log_path);
}

local_anvil::~local_anvil() { kill(); }

bool local_anvil::wait_exit(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return true;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    int status = 0;
    const pid_t reaped = ::waitpid(pid_, &status, WNOHANG);
    if (reaped == pid_ || (reaped < 0 && errno == ECHILD)) {
      pid_ = -1;
      return true;
    }
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(poll_interval);
  }
}

void local_anvil::stop(std::chrono::milliseconds grace) {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  if (!wait_exit(grace)) kill();
}

void local_anvil::kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  wait_exit(std::chrono::seconds(10));
}

}  // namespace infergrid::chain
