#include "actors/cli/node_client.hpp"

#include <unistd.h>

#include "runtime/serve.hpp"

namespace infergrid::cli {

result<connected_node> connect_to_node(const node_target& target, const std::string& self_name) {
  std::string target_node = target.node_name;
  std::string endpoint = target.endpoint;
  if (endpoint.empty() || target_node.empty()) {
    auto config = load_config_file(target.config.empty() ? default_config_path() : target.config);
    if (!config.ok()) return config.err();
    if (target_node.empty()) target_node = config->name;
    if (endpoint.empty()) endpoint = config->advertise.empty() ? config->bind : config->advertise;
    if (endpoint.empty()) return make_error(error_code::invalid_argument, config->source + ": node has no tcp bind to reach");
  }
  node_config self;
  self.source = "<" + self_name + ">";
  self.name = self_name + "-" + std::to_string(::getpid());
  self.bind = "tcp://127.0.0.1:*";
  self.peers.push_back(peer_config{target_node, endpoint, {}});
  auto client = node::create(std::move(self));
  if (!client.ok()) return client.err();
  return connected_node{std::move(*client), target_node, endpoint};
}

}  // namespace infergrid::cli
