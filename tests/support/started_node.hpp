#pragma once
// started_node: a node built from its config (or the config's YAML) and started — what a test
// fixture needs before it talks to the grid. Errors are values, so the test asserts with the
// message: `auto grid = start_node(yaml, "<label>"); ASSERT_TRUE(grid.ok()) << grid.err().message;`.
// `time` (a manual_clock, outliving the node) replaces the system clock its actors read.
#include <memory>
#include <string>

#include "runtime/clock.hpp"
#include "runtime/config.hpp"
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

}  // namespace infergrid::testing
