#include "tests/support/anvil_node.hpp"

#include <signal.h>
#include <unistd.h>

#include <cstdlib>

namespace infergrid::testing {
namespace {

// anvil starts in well under a second; the bound is for a loaded CI machine.
constexpr std::chrono::seconds start_timeout{30};

}  // namespace

std::string chain_tools_dir() {
  const char* binary_dir = std::getenv("INFERGRID_BINARY_DIR");
  return std::string(binary_dir ? binary_dir : "build") + "/chain_contracts";
}

result<std::unique_ptr<anvil_node>> anvil_node::start(std::uint16_t port) {
  const std::string binary = chain_tools_dir() + "/anvil";
  if (::access(binary.c_str(), X_OK) != 0) {
    return make_error(error_code::not_found, binary + " is missing: the ctest fixture chain_npm_install installs it");
  }
  const std::string log_path = make_temp_dir() + "/anvil.log";
  auto process = std::make_unique<child_process>(
      std::vector<std::string>{binary, "--host", "127.0.0.1", "--port", std::to_string(port)}, log_path);
  if (!process->started()) return make_error(error_code::io_error, "could not start " + binary);
  const auto line = process->wait_for_log("Listening on ", start_timeout);
  if (!line) return make_error(error_code::timeout, "anvil did not start listening; its log: " + log_path);
  const std::size_t colon = line->rfind(':');
  if (colon == std::string::npos) return make_error(error_code::malformed_input, "anvil log line without a port: " + *line);
  std::string listening;
  for (char c : line->substr(colon + 1)) {
    if (c >= '0' && c <= '9') listening.push_back(c);
  }
  if (listening.empty()) return make_error(error_code::malformed_input, "anvil log line without a port: " + *line);
  return std::unique_ptr<anvil_node>(new anvil_node(std::move(process), "http://127.0.0.1:" + listening));
}

void anvil_node::stop() {
  process_->send_signal(SIGKILL);
  process_->wait_exit(std::chrono::seconds(10));
}

}  // namespace infergrid::testing
