#include "actors/cli/actor_address.hpp"

#include <algorithm>

namespace infergrid::cli {

std::string actor_address(const std::string& name, const std::string& target_node, const std::vector<peer_config>& peers) {
  if (name.find('/') != std::string::npos) return name;
  for (const auto& peer : peers) {
    if (std::ranges::find(peer.actors, name) != peer.actors.end()) return peer.name + "/" + name;
  }
  return target_node + "/" + name;
}

}  // namespace infergrid::cli
