#pragma once
// started_node: a node built from its config (or the config's YAML) and started — what a test
// fixture needs before it talks to the grid. Errors are values, so the test asserts with the
// message: `auto grid = start_node(yaml, "<label>"); ASSERT_TRUE(grid.ok()) << grid.err().message;`.
// `time` (a manual_clock, outliving the node) replaces the system clock its actors read.
// start_curve_node gives the node a CurveZMQ key of its own first; peer_of says how another node
// reaches a started one.
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "runtime/clock.hpp"
#include "runtime/config.hpp"
#include "runtime/curve_keys.hpp"
#include "runtime/node.hpp"
#include "runtime/result.hpp"

namespace infergrid::testing {

inline result<std::unique_ptr<node>> start_node(node_config config, const clock* time = nullptr) {
  auto created = node::create(std::move(config));
  if (!created.ok()) return created.err();
  if (time != nullptr) (*created)->use_clock(*time);
  if (auto started = (*created)->start(); !started.ok()) return started.err();
  return std::move(*created);
}

inline result<std::unique_ptr<node>> start_node(const std::string& yaml, const std::string& label,
                                                const clock* time = nullptr) {
  auto config = parse_config(yaml, label);
  if (!config.ok()) return config.err();
  return start_node(std::move(*config), time);
}

// `yaml`'s node under CurveZMQ with a transport key made for this run, started.
inline result<std::unique_ptr<node>> start_curve_node(const std::string& yaml, const std::string& label) {
  auto config = parse_config(yaml, label);
  if (!config.ok()) return config.err();
  auto keys = generate_curve_keypair();
  if (!keys.ok()) return keys.err();
  config->security.transport_key_secret = keys->secret_z85;
  return start_node(std::move(*config));
}

// `started` as another node's peer hosting `actors`: its endpoint and transport key.
inline peer_config peer_of(const node& started, std::vector<std::string> actors) {
  return peer_config{started.name(), started.endpoint(), std::move(actors), std::nullopt,
                     started.transport().own.public_z85};
}

}  // namespace infergrid::testing
