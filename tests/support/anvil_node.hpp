#pragma once
// anvil_node: a local EVM node for tests — chain::local_anvil on the anvil binary the
// chain_npm_install fixture put in $INFERGRID_BINARY_DIR/chain_contracts/, on a free port, its log in
// a fresh temporary folder, killed (SIGKILL, reaped) when the object goes.
#include <cstdint>
#include <memory>
#include <string>

#include "actors/settlement/chain/local_anvil.hpp"
#include "runtime/result.hpp"

namespace infergrid::testing {

class anvil_node {
 public:
  // On `port`, or a free one when 0 (a restart on the same port keeps the endpoint the same).
  static result<std::unique_ptr<anvil_node>> start(std::uint16_t port = 0);
  const std::string& endpoint() const { return node_->endpoint(); }  // http://127.0.0.1:PORT
  // Stops the node now (a test of a node that went away).
  void stop() { node_->kill(); }

 private:
  explicit anvil_node(std::unique_ptr<chain::local_anvil> node) : node_(std::move(node)) {}
  std::unique_ptr<chain::local_anvil> node_;
};

// $INFERGRID_BINARY_DIR/chain_contracts: where the npm packages and the compiled contracts are.
std::string chain_tools_dir();

}  // namespace infergrid::testing
