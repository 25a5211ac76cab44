#pragma once
// actor_settings_check: every actor's settings in a node config, read by its kind's own reader
// (`read_settings`, runtime/actor_kind_registry.hpp) before any actor starts — so a bad value in the
// tenth actor is reported before the first one loads a model, with every other actor's error:
//   node.yaml: settings of 2 actors are not valid:
//     actor gateway (gateway): node.yaml:10: actors[2].settings.max_in_flight: expected an integer
//     actor validator-1 (validator): node.yaml:13: actors[3].settings.audit_rate: must be within 0..1
// node::start runs it; `infergrid check-config` runs only it.
#include "runtime/config.hpp"
#include "runtime/result.hpp"

namespace infergrid {

status check_actor_settings(const node_config& config);

}  // namespace infergrid
