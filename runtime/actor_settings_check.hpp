#pragma once
// actor_settings_check: every error in a node config — its own keys' (runtime/config.hpp) and every
// actor's settings', read by the kind's own reader (`read_settings`, runtime/actor_kind_registry.hpp)
// listing errors as it reads on — before any actor starts, so a bad value in the tenth actor is
// reported, with every other, before the first one loads a model:
//   node.yaml: 3 errors:
//     node.yaml:2: limits.drain_timeout_ms: must be positive
//     actor gateway (gateway): node.yaml:10: actors[2].settings.max_in_flight: expected an integer
//     actor validator-1 (validator): node.yaml:13: actors[3].settings.audit_rate: must be within 0..1
// `infergrid node`, `up` and `check-config` read their config file through load_checked_config_file;
// node::start runs check_actor_settings (a node built from a config in code).
#include <string>
#include <vector>

#include "runtime/config.hpp"
#include "runtime/result.hpp"

namespace infergrid {

// Each error in the actors' settings: "actor NAME (KIND): file:line: key: why".
std::vector<std::string> actor_settings_errors(const node_config& config);
status check_actor_settings(const node_config& config);
// The config file, or one error listing every error in it and in its actors' settings.
result<node_config> load_checked_config_file(const std::string& path);

}  // namespace infergrid
