#pragma once
// actor_address: the address a CLI command sends to for an actor named on its command line
// (--matchmaker, --settlement). A name with a '/' is a full address ("ledger/settlement"); a bare
// name is the actor on the node a peer of the config hosts (its `actors:` list), as the node itself
// resolves it, else the actor on the node the CLI reached.
#include <string>
#include <vector>

#include "runtime/config.hpp"

namespace infergrid::cli {

std::string actor_address(const std::string& name, const std::string& target_node, const std::vector<peer_config>& peers);

}  // namespace infergrid::cli
