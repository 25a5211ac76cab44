#include "actors/cli/node_client.hpp"

#include "actors/cli/reply_address.hpp"

#include <unistd.h>

#include "runtime/curve_keys.hpp"
#include "runtime/serve.hpp"

namespace infergrid::cli {

result<connected_node> connect_to_node(const node_target& target, const std::string& self_name) {
  std::string target_node = target.node_name;
  std::string endpoint = target.endpoint;
  node_config self;
  self.source = "<" + self_name + ">";
  self.name = self_name + "-" + std::to_string(::getpid());
  self.security.transport = transport_mode::plaintext;
  self.security.identity_path = target.identity;
  std::string target_transport_key;
  std::vector<peer_config> config_peers;
  if (!target.server_key.empty()) {
    // A node reached by --endpoint under curve: its public key, and ours (an admitted one, or a
    // fresh key that only a permissionless node lets in).
    self.security.transport = transport_mode::curve;
    target_transport_key = target.server_key;
    self.security.transport_key_path = target.transport_key;
  }
  if (endpoint.empty() || target_node.empty() || (target.server_key.empty() && !target.config.empty())) {
    auto config = load_config_file(target.config.empty() ? default_config_path() : target.config);
    if (!config.ok()) return config.err();
    if (target_node.empty()) target_node = config->name;
    for (const auto& peer : config->peers) {
      if (peer.name != target_node && !peer.endpoint.empty()) config_peers.push_back(peer);
    }
    if (endpoint.empty()) endpoint = config->advertise.empty() ? config->bind : config->advertise;
    if (endpoint.empty()) return make_error(error_code::invalid_argument, config->source + ": node has no tcp bind to reach");
    if (target.server_key.empty() && config->security.transport == transport_mode::curve) {
      // Its own operator's tool: the node's transport key is on this host, and a node admits itself.
      auto own = load_curve_secret(config->security.transport_key_path);
      if (!own.ok()) return make_error(own.err().code, config->source + ": security.transport_key: " + own.err().message);
      self.security.transport = transport_mode::curve;
      self.security.transport_key_path = config->security.transport_key_path;
      target_transport_key = own->public_z85;
    }
  }
  if (self.security.transport == transport_mode::curve && self.security.transport_key_path.empty()) {
    auto fresh = generate_curve_keypair();
    if (!fresh.ok()) return fresh.err();
    self.security.transport_key_secret = fresh->secret_z85;
  }
  self.bind = reply_bind_towards(endpoint);  // where the target can send its replies
  self.peers.push_back(peer_config{target_node, endpoint, {}, std::nullopt, target_transport_key});
  for (const auto& peer : config_peers) self.peers.push_back(peer);  // e.g. a settlement node of a split layout
  auto client = node::create(std::move(self));
  if (!client.ok()) return client.err();
  return connected_node{std::move(*client), target_node, endpoint, std::move(config_peers)};
}

}  // namespace infergrid::cli
