#pragma once
// anvil_node: a local EVM node for tests — the anvil binary the chain_npm_install fixture put in
// $INFERGRID_BINARY_DIR/chain_contracts/, started on a free port (--port 0, the port read from its
// "Listening on" line) and killed (SIGKILL, reaped) when the object goes.
#include <cstdint>
#include <memory>
#include <string>

#include "runtime/result.hpp"
#include "tests/child_process.hpp"

namespace infergrid::testing {

class anvil_node {
 public:
  // On `port`, or a free one when 0 (a restart on the same port keeps the endpoint the same).
  static result<std::unique_ptr<anvil_node>> start(std::uint16_t port = 0);
  const std::string& endpoint() const { return endpoint_; }  // http://127.0.0.1:PORT
  // Stops the node now (a test of a node that went away).
  void stop();

 private:
  anvil_node(std::unique_ptr<child_process> process, std::string endpoint)
      : process_(std::move(process)), endpoint_(std::move(endpoint)) {}
  std::unique_ptr<child_process> process_;
  std::string endpoint_;
};

// $INFERGRID_BINARY_DIR/chain_contracts: where the npm packages and the compiled contracts are.
std::string chain_tools_dir();

}  // namespace infergrid::testing
