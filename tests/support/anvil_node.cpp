#include "tests/support/anvil_node.hpp"

#include <cstdlib>

#include "tests/child_process.hpp"

namespace infergrid::testing {

std::string chain_tools_dir() {
  const char* binary_dir = std::getenv("INFERGRID_BINARY_DIR");
  return std::string(binary_dir ? binary_dir : "build") + "/chain_contracts";
}

result<std::unique_ptr<anvil_node>> anvil_node::start(std::uint16_t port) {
  chain::local_anvil_options options;
  options.binary = chain_tools_dir() + "/anvil";
  options.port = port;
  options.log_path = make_temp_dir() + "/anvil.log";
  auto node = chain::local_anvil::start(options);
  if (!node) return node.err();
  return std::unique_ptr<anvil_node>(new anvil_node(std::move(*node)));
}

}  // namespace infergrid::testing
