#pragma once
// serve: run one node from a config file until SIGINT/SIGTERM, then drain and stop.
// What `infergrid up` and `infergrid node` do.
#include <string>

#include "runtime/config.hpp"
#include "runtime/result.hpp"

namespace infergrid {

// deploy/all-in-one.yaml under the working directory if it exists there, else under the source
// tree this binary was built from.
std::string default_config_path();

status serve_until_signal(const std::string& config_path);
// The same for a config already loaded (and perhaps adjusted, as `infergrid miner join` states its
// worker's benchmark); `label` names it in the log.
status serve_until_signal(node_config config, const std::string& label);

}  // namespace infergrid
